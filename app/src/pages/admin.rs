//! Admins: the accounts within their jurisdiction, a page at a time.

use crate::api;
use crate::i18n::{page_title, role_key, text, tr};
use crate::state::Prefs;
use anju_domain::AccountView;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AdminAccounts() -> impl IntoView {
    page_title("admin.title");
    let locale = expect_context::<Prefs>().locale;
    let rows = RwSignal::new(Vec::<AccountView>::new());
    let next = RwSignal::new(None::<i64>);
    let load = move |after: Option<i64>| {
        spawn_local(async move {
            if let Ok(page) = api::accounts(after).await {
                rows.update(|r| r.extend(page.items));
                next.set(page.next_after);
            }
        });
    };
    load(None);
    view! {
        <h1>{tr("admin.title")}</h1>
        <p>{tr("admin.intro")}</p>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">{tr("admin.col_name")}</th>
                        <th scope="col">{tr("admin.col_phone")}</th>
                        <th scope="col">{tr("admin.col_role")}</th>
                        <th scope="col">{tr("admin.col_place")}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows.get().into_iter().map(|a| {
                        let place = a.jurisdiction.as_ref().map(|j| j.name.clone()).unwrap_or_default();
                        view! {
                            <tr>
                                <td>{a.display_name}</td>
                                <td>{a.phone_masked}</td>
                                <td>{move || text(locale.get(), role_key(a.role))}</td>
                                <td>{place}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <Show when=move || next.get().is_some()>
            <button type="button" class="button button--secondary" on:click=move |_| load(next.get_untracked())>
                {tr("admin.more")}
            </button>
        </Show>
    }
}
