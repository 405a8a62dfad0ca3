//! The assessor's plan editor: items from the county's catalogue, each in a room with a
//! quantity and a note; a reason for every basic item this home does not need; the amounts
//! as the family will see them, computed live by `anju_domain::retrofit_plan::cost`. Saving
//! keeps a draft the family does not see; proposing freezes it as the next version.

use super::{room_name, PlanCtx, PlanLines};
use crate::api;
use crate::i18n::{pick, tr};
use crate::state::Prefs;
use anju_domain::retrofit_catalogue::{format_yuan, CatalogueItem, ItemKind};
use anju_domain::retrofit_plan::{
    cost, format_quantity, parse_quantity, NotNeeded, PlanLine, PricedItem, Room,
};
use anju_domain::retrofit_signing::{
    DraftLine, PlanDraftRequest, PlanVersionState, PlanVersionView,
};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy)]
struct Row {
    item: RwSignal<u16>,
    room: RwSignal<Room>,
    quantity: RwSignal<String>,
    note: RwSignal<String>,
}

impl Row {
    fn new(no: u16, room: Room, quantity_centi: i64, note: &str) -> Row {
        Row {
            item: RwSignal::new(no),
            room: RwSignal::new(room),
            quantity: RwSignal::new(format_quantity(quantity_centi)),
            note: RwSignal::new(note.to_owned()),
        }
    }
}

fn priced(item: &CatalogueItem) -> PricedItem {
    PricedItem {
        no: item.no,
        kind: item.kind,
        name_zh: item.name_zh.clone(),
        unit_zh: item.unit_zh.clone(),
        unit_price_fen: item.unit_price_fen,
        subsidy_cap_fen: item.subsidy_cap_fen,
    }
}

#[component]
pub(super) fn PlanEditor() -> impl IntoView {
    let ctx = expect_context::<PlanCtx>();
    let locale = expect_context::<Prefs>().locale;
    let Some(view) = ctx.view.get_untracked() else {
        return ().into_any();
    };
    let catalogue = StoredValue::new(view.catalogue.clone());
    let subsidised = view.subsidised;
    let current = view.current.clone();
    let rows: RwSignal<Vec<Row>> = RwSignal::new(
        current
            .as_ref()
            .map(|c| {
                c.lines
                    .iter()
                    .map(|l| Row::new(l.item.no, l.room, l.quantity_centi, &l.note))
                    .collect()
            })
            .unwrap_or_default(),
    );
    let basics: Vec<CatalogueItem> = view
        .catalogue
        .iter()
        .filter(|i| i.kind == ItemKind::Basic)
        .cloned()
        .collect();
    let reasons: Vec<(u16, RwSignal<String>)> = basics
        .iter()
        .map(|b| {
            let prior = current
                .as_ref()
                .and_then(|c| c.not_needed.iter().find(|n| n.no == b.no))
                .map(|n| n.reason.clone())
                .unwrap_or_default();
            (b.no, RwSignal::new(prior))
        })
        .collect();
    let reasons = StoredValue::new(reasons);

    // What the editor holds as the request, and as the lines the family will read.
    let request = move || {
        let lines: Vec<DraftLine> = rows.with(|rs| {
            rs.iter()
                .map(|r| DraftLine {
                    item_no: r.item.get(),
                    room: r.room.get(),
                    quantity_centi: parse_quantity(&r.quantity.get()).unwrap_or(0),
                    note: r.note.get(),
                })
                .collect()
        });
        let in_plan: Vec<u16> = lines.iter().map(|l| l.item_no).collect();
        let not_needed = reasons.with_value(|rs| {
            rs.iter()
                .filter(|(no, _)| !in_plan.contains(no))
                .filter_map(|(no, r)| {
                    let reason = r.get();
                    (!reason.trim().is_empty()).then_some(NotNeeded { no: *no, reason })
                })
                .collect()
        });
        PlanDraftRequest { lines, not_needed }
    };
    let draft_version = current.as_ref().map_or(1, |c| c.version);
    let preview = move || {
        let req = request();
        let lines: Vec<PlanLine> = catalogue.with_value(|cat| {
            req.lines
                .iter()
                .filter_map(|l| {
                    cat.iter().find(|i| i.no == l.item_no).map(|i| PlanLine {
                        item: priced(i),
                        room: l.room,
                        quantity_centi: l.quantity_centi,
                        note: l.note.clone(),
                    })
                })
                .collect()
        });
        PlanVersionView {
            version: draft_version,
            state: PlanVersionState::Draft,
            costed: cost(&lines, subsidised),
            lines,
            not_needed: req.not_needed,
            proposed_at: None,
            sha256: None,
            change_request: None,
        }
    };
    let save = move |then_propose: bool| {
        let req = request();
        ctx.clear();
        ctx.busy.set(true);
        spawn_local(async move {
            let saved = api::save_plan_draft(ctx.id, &req).await;
            let result = match saved {
                // Proposing an incomplete draft answers with what is missing, by field.
                Ok(_) if then_propose => api::propose_plan(ctx.id).await,
                other => other,
            };
            match result {
                Ok(v) => ctx.view.set(Some(v)),
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    let add = move |_| {
        let first = catalogue.with_value(|c| c.first().map_or(1, |i| i.no));
        rows.update(|r| r.push(Row::new(first, Room::Bathroom, 100, "")));
    };
    let status = current.as_ref().map(|c| (c.version, c.state));
    let change_request = current.as_ref().and_then(|c| c.change_request.clone());
    let problems = view.problems.clone();
    let field_error = move |field: String| {
        ctx.errors
            .with(|e| e.get(&field).map(|m| pick(locale.get(), m)))
    };
    view! {
        {status.map(|(v, s)| view! {
            <p class="status-line">{tr("plan.version")} " " <strong>{v}</strong> " · " <strong>{tr(super::state_key(s))}</strong></p>
        })}
        {change_request.map(|n| view! {
            <div class="panel-notice" role="note"><p><strong>{tr("plan.family_asked")}</strong></p><p class="prewrap">{n}</p></div>
        })}
        <p class="hint">{tr("plan.editor_hint")}</p>
        <section aria-labelledby="lines-heading">
            <h2 id="lines-heading">{tr("plan.items")}</h2>
            <ol class="plan-editor">
                // Redrawn when a line is added or removed (a line's own fields are signals of
                // their own), so every field's id and error follow its line's position.
                {move || rows.get().into_iter().enumerate().map(|(i, row)| {
                        let item_id = format!("lines[{i}].item");
                        let room_id = format!("lines[{i}].room");
                        let qty_id = format!("lines[{i}].quantity");
                        let note_id = format!("lines[{i}].note");
                        let item_field = StoredValue::new(item_id.clone());
                        let item_err = move || field_error(item_field.get_value());
                        let qty_field = StoredValue::new(qty_id.clone());
                        let qty_err = move || field_error(qty_field.get_value());
                        view! {
                            <li class="plan-editor__line">
                                <div class="field" class:field--error=move || item_err().is_some()>
                                    <label for=item_id.clone()>{tr("plan.item")}</label>
                                    {move || item_err().map(|m| view! { <p class="field-error">{m}</p> })}
                                    <select id=item_id.clone() on:change=move |ev| {
                                        if let Ok(no) = event_target_value(&ev).parse() { row.item.set(no) }
                                    }>
                                        {catalogue.with_value(|c| c.iter().map(|it| {
                                            let no = it.no;
                                            let label = format!("{}. {}（{}，{} 元{}）", it.no, it.name_zh, it.unit_zh, format_yuan(it.unit_price_fen),
                                                if it.kind == ItemKind::Basic { "，基础类" } else { "" });
                                            view! { <option value=no.to_string() selected=move || row.item.get() == no>{label}</option> }
                                        }).collect_view())}
                                    </select>
                                </div>
                                <div class="field">
                                    <label for=room_id.clone()>{tr("plan.room")}</label>
                                    <select id=room_id.clone() on:change=move |ev| {
                                        if let Some(r) = Room::parse(&event_target_value(&ev)) { row.room.set(r) }
                                    }>
                                        {Room::ALL.into_iter().map(|r| view! {
                                            <option value=r.as_str() selected=move || row.room.get() == r>{move || room_name(r, locale.get())}</option>
                                        }).collect_view()}
                                    </select>
                                </div>
                                <div class="field field--short" class:field--error=move || qty_err().is_some()>
                                    <label for=qty_id.clone()>{tr("plan.quantity")}</label>
                                    {move || qty_err().map(|m| view! { <p class="field-error">{m}</p> })}
                                    <input id=qty_id.clone() type="text" inputmode="decimal" prop:value=move || row.quantity.get()
                                        on:input=move |ev| row.quantity.set(event_target_value(&ev)) />
                                </div>
                                <div class="field">
                                    <label for=note_id.clone()>{tr("plan.line_note")}</label>
                                    <input id=note_id.clone() type="text" maxlength="200" prop:value=move || row.note.get()
                                        on:input=move |ev| row.note.set(event_target_value(&ev)) />
                                </div>
                                <button type="button" class="link-button" on:click=move |_| rows.update(|r| { if i < r.len() { r.remove(i); } })>{tr("plan.remove_line")}</button>
                            </li>
                        }
                }).collect_view()}
            </ol>
            <p><button type="button" class="button button--secondary" on:click=add>{tr("plan.add_line")}</button></p>
        </section>
        <section aria-labelledby="basics-heading">
            <h2 id="basics-heading">{tr("plan.basics")}</h2>
            <p class="hint">{tr("plan.basics_hint")}</p>
            {basics.into_iter().map(|b| {
                let no = b.no;
                let reason = reasons.with_value(|rs| rs.iter().find(|(n, _)| *n == no).map(|(_, r)| *r));
                let id = format!("not-needed-{no}");
                let in_plan = move || rows.with(|rs| rs.iter().any(|r| r.item.get() == no));
                reason.map(|reason| view! {
                    <div class="field">
                        <label for=id.clone()>{format!("{}. {}", b.no, b.name_zh)}</label>
                        {move || if in_plan() {
                            view! { <p class="hint">{tr("plan.basic_in_plan")}</p> }.into_any()
                        } else {
                            view! {
                                <input id=id.clone() type="text" maxlength="200" placeholder=tr("plan.reason_placeholder")
                                    prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                            }.into_any()
                        }}
                    </div>
                })
            }).collect_view()}
        </section>
        <section class="panel" aria-labelledby="preview-heading">
            <h2 id="preview-heading">{tr("plan.preview")}</h2>
            {move || view! { <PlanLines version=preview() subsidised=subsidised /> }}
        </section>
        {(!problems.is_empty()).then(|| view! {
            <div class="panel-notice" role="note">
                <p><strong>{tr("plan.before_propose")}</strong></p>
                <ul>{problems.values().map(|p| { let p = p.clone(); view! { <li>{move || pick(locale.get(), &p)}</li> } }).collect_view()}</ul>
            </div>
        })}
        <p class="button-row">
            <button type="button" class="button button--secondary" disabled=move || ctx.busy.get() on:click=move |_| save(false)>{tr("plan.save_draft")}</button>
            <button type="button" class="button button--large" disabled=move || ctx.busy.get() on:click=move |_| save(true)>{tr("plan.propose")}</button>
        </p>
        <p class="hint">{tr("plan.propose_hint")}</p>
    }
    .into_any()
}
