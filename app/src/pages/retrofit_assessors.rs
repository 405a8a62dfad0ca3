//! The county's organisations (county admins): assessment organisations
//! (`/county/assessors`) and construction companies (`/county/contractors`), one page for
//! both kinds. Add an organisation, put the county's assessor or contractor accounts into
//! one, take them out. Their staff see the households of their organisation only, so taking
//! someone out ends their access at once.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::i18n::{page_title, tr};
use crate::state::Session;
use anju_domain::retrofit_assessment::{AssessmentOrgView, AssessmentOrgsView};
use anju_domain::retrofit_works::OrgKind;
use anju_domain::{ErrorEnvelope, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[derive(Clone, Copy)]
struct Page {
    kind: OrgKind,
    county: Option<i64>,
    view: RwSignal<Option<AssessmentOrgsView>>,
    errors: RwSignal<FieldErrors>,
    general: RwSignal<Option<FieldError>>,
    /// What the last change did, announced politely.
    said: RwSignal<Option<&'static str>>,
}

impl Page {
    /// The text of `key` for this kind: the assessment page's key, or its `contractors.` twin.
    fn key(&self, assessment: &'static str, construction: &'static str) -> &'static str {
        match self.kind {
            OrgKind::Assessment => assessment,
            OrgKind::Construction => construction,
        }
    }

    fn settle(&self, result: Result<AssessmentOrgsView, ErrorEnvelope>, said: &'static str) {
        match result {
            Ok(v) => {
                self.view.set(Some(v));
                self.errors.set(FieldErrors::new());
                self.general.set(None);
                self.said.set(Some(said));
            }
            Err(e) => {
                self.errors.set(e.fields.clone());
                self.general
                    .set(Some(FieldError::new(e.message, e.message_en)));
            }
        }
    }
}

#[component]
pub fn RetrofitAssessors(kind: OrgKind) -> impl IntoView {
    let session = expect_context::<Session>();
    let page = Page {
        kind,
        county: session.user.with_untracked(|u| {
            u.as_ref()
                .and_then(|u| u.jurisdiction.as_ref().map(|j| j.id))
        }),
        view: RwSignal::new(None),
        errors: RwSignal::new(FieldErrors::new()),
        general: RwSignal::new(None),
        said: RwSignal::new(None),
    };
    provide_context(page);
    let title = page.key("assessors.title", "contractors.title");
    page_title(title);
    if let Some(c) = page.county {
        spawn_local(async move {
            let r = api::orgs(kind, c).await;
            page.settle(r, "assessors.loaded");
            page.said.set(None);
        });
    }
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(c) = page.county else { return };
        let n = name.get_untracked();
        spawn_local(async move {
            let r = api::create_org(kind, c, n).await;
            let ok = r.is_ok();
            page.settle(r, page.key("assessors.created", "contractors.created"));
            if ok {
                name.set(String::new());
            }
        });
    };
    view! {
        <h1>{tr(title)}</h1>
        <p class="lead">{tr(page.key("assessors.intro", "contractors.intro"))}</p>
        <p><A href="/county/retrofit">{tr("assessors.back")}</A></p>
        <ErrorSummary errors=page.errors general=page.general />
        <p role="status">{move || page.said.get().map(tr)}</p>
        {move || page.view.get().map(|v| {
            let free = v.assessors_without_org.clone();
            if v.orgs.is_empty() {
                view! { <p>{tr(page.key("assessors.none", "contractors.none"))}</p> }.into_any()
            } else {
                v.orgs.into_iter().map(|o| view! { <Org org=o free=free.clone() /> }).collect_view().into_any()
            }
        })}
        <h2>{tr(page.key("assessors.new", "contractors.new"))}</h2>
        <form class="form" on:submit=create novalidate>
            <TextField id="name" label="assessors.name" value=name errors=page.errors />
            <button type="submit" class="button">{tr("assessors.create")}</button>
        </form>
    }
}

#[component]
fn Org(org: AssessmentOrgView, free: Vec<anju_domain::application::PersonRef>) -> impl IntoView {
    let page = expect_context::<Page>();
    let heading = format!("org-{}", org.id);
    let select_id = format!("add-to-{}", org.id);
    let chosen = RwSignal::new(
        free.first()
            .map(|p| p.account_id.to_string())
            .unwrap_or_default(),
    );
    let org_id = org.id;
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(c), Ok(account)) = (page.county, chosen.get_untracked().parse::<i64>()) else {
            return;
        };
        spawn_local(async move {
            page.settle(
                api::add_org_member(page.kind, c, org_id, account).await,
                page.key("assessors.added", "contractors.added"),
            );
        });
    };
    let remove = move |account: i64| {
        let Some(c) = page.county else { return };
        spawn_local(async move {
            page.settle(
                api::remove_org_member(page.kind, c, org_id, account).await,
                page.key("assessors.removed", "contractors.removed"),
            );
        });
    };
    view! {
        <section aria-labelledby=heading.clone()>
            <h2 id=heading.clone()>{org.name.clone()}</h2>
            <p>{tr(page.key("assessors.open", "contractors.open"))} " " <strong>{org.open_households}</strong></p>
            {if org.members.is_empty() {
                view! { <p>{tr(page.key("assessors.no_members", "contractors.no_members"))}</p> }.into_any()
            } else {
                view! {
                    <ul>
                        {org.members.iter().map(|m| {
                            let id = m.account_id;
                            let label = m.display_name.clone();
                            view! {
                                <li>{m.display_name.clone()} " "
                                    <button type="button" class="link-button" on:click=move |_| remove(id)>
                                        {tr("assessors.remove")}<span class="visually-hidden">{label}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {(!free.is_empty()).then(|| view! {
                <form class="form form--inline" on:submit=add novalidate>
                    <div class="field">
                        <label for=select_id.clone()>{tr(page.key("assessors.add_label", "contractors.add_label"))}</label>
                        <select id=select_id.clone() on:change=move |ev| chosen.set(event_target_value(&ev))>
                            {free.iter().map(|p| view! { <option value=p.account_id.to_string()>{p.display_name.clone()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button button--secondary">{tr("assessors.add")}</button>
                </form>
            })}
        </section>
    }
}
