//! The list page of an organisation's households — the assessor's (`/assess`) and the
//! contractor's (`/works`): loading with a visible failure and a retry, "not in an
//! organisation yet", the empty list, and "load more" by key paging. Each page brings its
//! card.

use crate::api::ApiResult;
use crate::i18n::{page_title, pick, tr};
use crate::state::Prefs;
use anju_domain::retrofit_assessment::AssessmentList;
use anju_domain::retrofit_works::WorksList;
use anju_domain::{ErrorEnvelope, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One page of an organisation's households.
pub trait OrgPage: Clone + Send + Sync + 'static {
    type Item: Clone + Send + Sync + 'static;
    fn org_name(&self) -> Option<&str>;
    fn items(&mut self) -> &mut Vec<Self::Item>;
    fn next_after(&mut self) -> &mut Option<i64>;
}

macro_rules! org_page {
    ($list:ty, $item:ty) => {
        impl OrgPage for $list {
            type Item = $item;
            fn org_name(&self) -> Option<&str> {
                self.org_name.as_deref()
            }
            fn items(&mut self) -> &mut Vec<$item> {
                &mut self.items
            }
            fn next_after(&mut self) -> &mut Option<i64> {
                &mut self.next_after
            }
        }
    };
}

org_page!(
    AssessmentList,
    anju_domain::retrofit_assessment::AssessmentSummary
);
org_page!(WorksList, anju_domain::retrofit_works::WorksSummary);

/// The texts of a list page, by message key.
#[derive(Clone, Copy)]
pub struct Texts {
    pub title: &'static str,
    pub no_org: &'static str,
    pub none: &'static str,
}

#[component]
pub fn OrgHouseholds<P, L, Fut, C, V>(texts: Texts, load_page: L, card: C) -> impl IntoView
where
    P: OrgPage,
    L: Fn(Option<i64>) -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = ApiResult<P>> + 'static,
    C: Fn(P::Item) -> V + Copy + Send + Sync + 'static,
    V: IntoView + 'static,
{
    page_title(texts.title);
    let list = RwSignal::new(None::<Result<P, ErrorEnvelope>>);
    let load = move || {
        list.set(None);
        spawn_local(async move { list.set(Some(load_page(None).await)) });
    };
    load();
    let more = move |after: i64| {
        spawn_local(async move {
            if let Ok(mut next) = load_page(Some(after)).await {
                list.update(|l| {
                    if let Some(Ok(l)) = l {
                        l.items().append(next.items());
                        *l.next_after() = *next.next_after();
                    }
                });
            }
        });
    };
    let locale = expect_context::<Prefs>().locale;
    view! {
        <h1>{tr(texts.title)}</h1>
        {move || match list.get() {
            None => view! { <p role="status">{tr("app.loading")}</p> }.into_any(),
            Some(Err(e)) => {
                let e = FieldError::new(e.message, e.message_en);
                view! {
                    <p role="alert">{move || pick(locale.get(), &e)}</p>
                    <p><button type="button" class="button" on:click=move |_| load()>{tr("assess.retry")}</button></p>
                }.into_any()
            }
            Some(Ok(l)) if l.org_name().is_none() => view! { <p>{tr(texts.no_org)}</p> }.into_any(),
            Some(Ok(mut l)) => {
                let org = l.org_name().map(str::to_owned);
                let next = *l.next_after();
                let items = std::mem::take(l.items());
                view! {
                    <p class="lead">{org}</p>
                    {if items.is_empty() {
                        view! { <p>{tr(texts.none)}</p> }.into_any()
                    } else {
                        view! { <ul class="case-list">{items.into_iter().map(card).collect_view()}</ul> }.into_any()
                    }}
                    {next.map(|after| view! {
                        <p><button type="button" class="button button--secondary" on:click=move |_| more(after)>{tr("assess.more")}</button></p>
                    })}
                }.into_any()
            }
        }}
    }
}
