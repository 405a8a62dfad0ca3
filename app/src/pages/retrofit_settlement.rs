//! The county's settlement list (`/county/settlement`): the year's accepted and settled
//! households street by street with what was settled, paid and under which vouchers, the
//! totals, and the list as XLSX for the finance office. Settling and paying happen on each
//! household's page.

use crate::api;
use crate::components::field::ErrorSummary;
use crate::format::unix_time;
use crate::i18n::{page_title, tr};
use crate::state::Prefs;
use anju_domain::retrofit_catalogue::format_yuan;
use anju_domain::retrofit_settlement::SettlementList;
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn RetrofitSettlement() -> impl IntoView {
    page_title("settle.list_title");
    let locale = expect_context::<Prefs>().locale;
    let list = RwSignal::new(None::<SettlementList>);
    let errors = RwSignal::new(Default::default());
    let general = RwSignal::new(None::<FieldError>);
    spawn_local(async move {
        match api::settlements().await {
            Ok(l) => list.set(Some(l)),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    let day = move |t: Option<i64>| t.map(|t| unix_time(t, locale.get())).unwrap_or_default();
    view! {
        <h1>{tr("settle.list_title")}</h1>
        <ErrorSummary errors=errors general=general />
        {move || list.get().map(|l| view! {
            <p class="lead">{l.county_name.clone()} " · " {l.year} " · "
                {tr("settle.due")} " " <strong>{format_yuan(l.due_fen)}</strong> " " {tr("settle.yuan")} " · "
                {tr("settle.paid")} " " <strong>{format_yuan(l.paid_fen)}</strong> " " {tr("settle.yuan")}</p>
            <p><a href=api::SETTLEMENTS_XLSX class="button button--secondary" download="">{tr("settle.export")}</a></p>
            {if l.items.is_empty() {
                view! { <p>{tr("settle.none")}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap" tabindex="0" role="region" aria-label=move || crate::i18n::text(locale.get(), "settle.list_title")><table>
                        <thead><tr>
                            <th scope="col">{tr("county.reference")}</th>
                            <th scope="col">{tr("elder.name")}</th>
                            <th scope="col">{tr("settle.street")}</th>
                            <th scope="col">{tr("settle.contractor")}</th>
                            <th scope="col">{tr("settle.accepted_on")}</th>
                            <th scope="col">{tr("settle.settled_on")}</th>
                            <th scope="col" class="num">{tr("settle.due")}</th>
                            <th scope="col" class="num">{tr("settle.paid")}</th>
                            <th scope="col">{tr("settle.voucher_no")}</th>
                        </tr></thead>
                        <tbody>
                            {l.items.into_iter().map(|i| {
                                let (accepted, settled) = (i.accepted_at, i.settled_at);
                                view! {
                                    <tr>
                                        <td><A href=format!("/retrofit/applications/{}", i.application_id)><span class="nowrap">{i.reference.clone()}</span></A></td>
                                        <td>{i.elder_name.clone()}</td>
                                        <td>{i.street_name.clone()} " " {i.community_name.clone()}</td>
                                        <td>{i.contractor.clone().unwrap_or_default()}</td>
                                        <td>{move || day(accepted)}</td>
                                        <td>{move || if settled.is_some() { day(settled) } else { crate::i18n::text(locale.get(), "settle.not_yet").to_owned() }}</td>
                                        <td class="num">{format_yuan(i.due_fen)}</td>
                                        <td class="num">{format_yuan(i.paid_fen)}</td>
                                        <td>{i.vouchers.join("、")}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table></div>
                }.into_any()
            }}
        })}
        <p><A href="/county/retrofit">{tr("assessors.back")}</A></p>
    }
}
