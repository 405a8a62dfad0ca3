//! The works on an application's page, once the county assigned a construction company:
//! every item of the signed plan with its progress and its before/after photos, and the
//! cleared site. The family and the offices follow it; the contractor takes the photos here on
//! a phone at the site (each one sent as soon as it is chosen) and starts and finishes the
//! works, which the server refuses while the construction contract is unsigned or a photo is
//! missing — the panel lists what is. At the acceptance visit the street office's reviewer records "passed" or "needs rework" (with what
//! is wrong, and photos of it) for every item here; an item sent back shows its note and the
//! reviewer's photos to everyone.

use crate::api;
use crate::components::application_card::state_key;
use crate::components::application_ctx::Ctx;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::photos::{with_retry, PhotoPicker, PhotoThumbs};
use crate::components::retrofit_parts::Timeline;
use crate::format::unix_time;
use crate::i18n::{page_title, pick, tr};
use crate::pages::retrofit_plan::room_name;
use crate::state::Prefs;
use anju_domain::application::ApplicationView;
use anju_domain::retrofit::{RetrofitAction, RetrofitState};
use anju_domain::retrofit_acceptance::{
    AcceptanceRequest, FamilyResponse, FamilyResponseView, ItemVerdict, Verdict,
};
use anju_domain::retrofit_plan::format_quantity;
use anju_domain::retrofit_works::{
    ItemProgress, Missing, PhotoStage, WorksItemView, WorksPhotoView, WorksSlot, WorksView,
};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn progress_key(p: ItemProgress) -> &'static str {
    match p {
        ItemProgress::Waiting => "works.waiting",
        ItemProgress::Started => "works.started",
        ItemProgress::Done => "works.done",
    }
}

fn thumbs(photos: &[WorksPhotoView]) -> Vec<(String, u32, u32)> {
    photos
        .iter()
        .map(|p| (p.url.clone(), p.width, p.height))
        .collect()
}

/// What is still missing, in words, naming each item.
fn missing_line(m: Missing, items: &[WorksItemView]) -> impl IntoView {
    let name = |line: u16| {
        items
            .iter()
            .find(|i| i.line == line)
            .map(|i| format!("{line}. {}", i.name_zh))
            .unwrap_or_default()
    };
    match m {
        Missing::Before { line } => {
            view! { <li>{name(line)} " — " {tr("works.missing_before")}</li> }.into_any()
        }
        Missing::After { line } => {
            view! { <li>{name(line)} " — " {tr("works.missing_after")}</li> }.into_any()
        }
        Missing::Cleared => view! { <li>{tr("works.missing_cleared")}</li> }.into_any(),
    }
}

/// The works section, for whoever sees the application.
#[component]
pub fn WorksPanel(app: ApplicationView) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let Some(works) = app.works.clone() else {
        return ().into_any();
    };
    let started = app.state == RetrofitState::UnderConstruction;
    let may_add = works.may_add_photos;
    let act = move |action: RetrofitAction| {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::act_plainly(id, action).await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    let can_start = app.actions.contains(&RetrofitAction::StartWorks);
    let can_finish = app.actions.contains(&RetrofitAction::FinishWorks);
    let total = works.items.len();
    let WorksView {
        org_name,
        items,
        cleared,
        done,
        missing,
        may_accept,
        accepted_at,
        family_response,
        may_respond,
        contract_signed,
        supervision_report,
        may_file_report,
        ..
    } = works;
    let plan_signed = app.state == RetrofitState::PlanSigned;
    let contract_missing = plan_signed && !contract_signed;
    let locale = expect_context::<Prefs>().locale;
    let acceptance = may_accept.then(|| view! { <AcceptanceForm items=items.clone() /> });
    let missing_view = (may_add && (contract_missing || !missing.is_empty())).then(|| {
        let contract_line =
            contract_missing.then(|| view! { <li>{tr("works.missing_contract")}</li> });
        let lines = missing
            .iter()
            .map(|m| missing_line(*m, &items))
            .collect_view();
        view! {
            <div class="panel-notice" role="region" aria-labelledby="works-missing">
                <h3 id="works-missing">{tr(if started { "works.missing_to_finish" } else { "works.missing_to_start" })}</h3>
                <ul>{contract_line}{lines}</ul>
            </div>
        }
    });
    view! {
        <section class="works" aria-labelledby="works-heading">
            <h2 id="works-heading">{tr("works.heading")}</h2>
            <p>{tr("works.company")} " " <strong>{org_name}</strong></p>
            <super::contract::ContractPanel open=plan_signed />
            <p class="status-line">{tr("works.done_count")} " " <strong>{done}</strong> " / " {total}</p>
            {accepted_at.map(|at| view! { <p>{tr("works.accepted_at")} " " <strong>{move || unix_time(at, locale.get())}</strong></p> })}
            {accepted_at.is_some().then(|| view! { <FamilyAnswer given=family_response.clone() may_respond=may_respond /> })}
            {missing_view}
            <ul class="works__items">
                {items.into_iter().map(|item| view! { <Item item=item may_add=may_add started=started /> }).collect_view()}
            </ul>
            <section aria-labelledby="works-cleared-heading">
                <h3 id="works-cleared-heading">{tr("works.cleared")}</h3>
                {if cleared.is_empty() {
                    view! { <p class="hint">{tr("works.no_photos")}</p> }.into_any()
                } else {
                    view! { <PhotoThumbs photos=thumbs(&cleared) alt="works.cleared_alt" /> }.into_any()
                }}
                {(may_add && started).then(|| view! { <SlotPicker place=WorksSlot::Cleared label="works.add_cleared" detail=String::new() /> })}
            </section>
            {(can_start || can_finish).then(|| view! {
                <p class="actions">
                    {can_start.then(|| view! { <button type="button" class="button button--large" prop:disabled=move || ctx.busy.get() on:click=move |_| act(RetrofitAction::StartWorks)>{tr("works.start")}</button> })}
                    {can_finish.then(|| view! { <button type="button" class="button button--large" prop:disabled=move || ctx.busy.get() on:click=move |_| act(RetrofitAction::FinishWorks)>{tr("works.finish")}</button> })}
                </p>
            })}
            {acceptance}
            <super::supervision::SupervisionReport report=supervision_report may_file=may_file_report />
        </section>
    }
    .into_any()
}

#[component]
fn Item(item: WorksItemView, may_add: bool, started: bool) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let heading = format!("works-item-{}", item.line);
    let room = item.room;
    let title = format!("{}. {}", item.line, item.name_zh);
    let quantity = format!("{} {}", format_quantity(item.quantity_centi), item.unit_zh);
    let line = item.line;
    let slot = |stage| WorksSlot::Item { line, stage };
    view! {
        <li class="works__item" aria-labelledby=heading.clone()>
            <h3 id=heading.clone()>{title.clone()}</h3>
             <p>{move || room_name(room, locale.get())} " · " {quantity} " · " <strong>{tr(progress_key(item.progress))}</strong></p>
            {item.rework_note.clone().map(|n| view! {
                <p class="panel-notice"><strong>{tr("works.rework")}</strong> " " <span class="prewrap">{n}</span></p>
            })}
            {(!item.inspection.is_empty()).then(|| view! {
                <div>
                    <h4>{tr("works.inspection")}</h4>
                    <PhotoThumbs photos=thumbs(&item.inspection) alt="works.inspection_alt" />
                </div>
            })}
            <div class="works__photos">
                <div>
                    <h4>{tr("works.before")}</h4>
                    {if item.before.is_empty() {
                        view! { <p class="hint">{tr("works.no_photos")}</p> }.into_any()
                    } else {
                        view! { <PhotoThumbs photos=thumbs(&item.before) alt="works.before_alt" /> }.into_any()
                    }}
                    {may_add.then(|| view! { <SlotPicker place=slot(PhotoStage::Before) label="works.add_before" detail=title.clone() /> })}
                </div>
                <div>
                    <h4>{tr("works.after")}</h4>
                    {if item.after.is_empty() {
                        view! { <p class="hint">{tr("works.no_photos")}</p> }.into_any()
                    } else {
                        view! { <PhotoThumbs photos=thumbs(&item.after) alt="works.after_alt" /> }.into_any()
                    }}
                    {(may_add && started).then(|| view! { <SlotPicker place=slot(PhotoStage::After) label="works.add_after" detail=title.clone() /> })}
                </div>
            </div>
        </li>
    }
}

/// The photo input of one slot: each chosen photo is shrunk and sent at once, and the page
/// shows the application as the server answers.
#[component]
fn SlotPicker(place: WorksSlot, label: &'static str, detail: String) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = ctx.id();
    let upload = move |blob: web_sys::Blob| async move {
        with_retry(|| api::upload_works_photo(id, place, &blob))
            .await
            .map(|v| ctx.app.set(Some(v)))
    };
    let input_id = format!("works-{}", place.key().replace(':', "-"));
    view! { <PhotoPicker input_id=input_id label=label upload=upload detail=detail /> }
}

/// The application as its contractor sees it: where, whom to call, the items and the photos.
#[component]
pub fn WorksBody() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    page_title("works.household_title");
    move || {
        let Some(app) = ctx.app.get() else {
            return ().into_any();
        };
        view! {
            <p class="caption nowrap">{app.reference.clone()}</p>
            <h1>{tr("works.household_title")} " · " {app.elder_name.clone()}</h1>
            <p class="status-line"><strong>{tr(state_key(app.state))}</strong></p>
            <dl class="summary-list">
                <div><dt>{tr("assess.where")}</dt><dd>{app.community_name.clone()} " " {app.home_label.clone()}</dd></div>
                <div><dt>{tr("assess.call")}</dt><dd>{app.elder_phone.clone().map(|p| view! { <a href=format!("tel:{p}")>{p.clone()}</a> })}</dd></div>
            </dl>
            <WorksPanel app=app.clone() />
            <super::SettlementPanel app=app.clone() />
            <super::WarrantyPanel app=app.clone() />
            <h2>{tr("status.timeline")}</h2>
            <Timeline events=app.events.clone() />
            <p><a href="/works">{tr("works.back")}</a></p>
        }
        .into_any()
    }
}

/// The reviewer's verdict on every item at the home: passed, or needs rework with what is
/// wrong (the contractor and the family read it).
#[component]
fn AcceptanceForm(items: Vec<WorksItemView>) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    type Row = (
        WorksItemView,
        RwSignal<Option<Verdict>>,
        RwSignal<String>,
        RwSignal<Vec<WorksPhotoView>>,
    );
    let rows: Vec<Row> = items
        .into_iter()
        .map(|i| {
            let taken = RwSignal::new(i.inspection.clone());
            (i, RwSignal::new(None), RwSignal::new(String::new()), taken)
        })
        .collect();
    let chosen: Vec<(u16, RwSignal<Option<Verdict>>, RwSignal<String>)> =
        rows.iter().map(|(i, v, n, _)| (i.line, *v, *n)).collect();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if ctx.busy.get_untracked() {
            return;
        }
        // An item without a verdict is left out: the server names what is missing.
        let req = AcceptanceRequest {
            items: chosen
                .iter()
                .filter_map(|(line, v, n)| {
                    Some(ItemVerdict {
                        line: *line,
                        verdict: v.get_untracked()?,
                        note: n.get_untracked(),
                    })
                })
                .collect(),
        };
        ctx.busy.set(true);
        let id = ctx.id();
        spawn_local(async move {
            match api::accept_works(id, &req).await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <section class="review-actions" aria-labelledby="acceptance-heading">
            <h2 id="acceptance-heading">{tr("works.acceptance")}</h2>
            <p class="hint">{tr("works.acceptance_hint")}</p>
            <ErrorSummary errors=errors general=general />
            <form class="form" on:submit=submit novalidate>
                {rows.into_iter().map(|(item, verdict, note, taken)| {
                    let name = format!("verdict-{}", item.line);
                    let title = format!("{}. {}", item.line, item.name_zh);
                    let photo_title = title.clone();
                    let note_id = format!("rework-note-{}", item.line);
                    let radio = move |value: Verdict, label: &'static str| {
                        let id = format!("{name}-{}", match value { Verdict::Passed => "passed", Verdict::Rework => "rework", Verdict::NotDone => "not-done" });
                        view! {
                            <span class="radio">
                                <input type="radio" id=id.clone() name=name.clone() prop:checked=move || verdict.get() == Some(value)
                                    on:change=move |_| verdict.set(Some(value)) />
                                <label for=id>{tr(label)}</label>
                            </span>
                        }
                    };
                    view! {
                        <fieldset class="fieldset">
                            <legend>{title.clone()}</legend>
                            {radio(Verdict::Passed, "works.passed")}
                            {radio(Verdict::Rework, "works.needs_rework")}
                            {radio(Verdict::NotDone, "works.not_done")}
                            <Show when=move || verdict.get().is_some_and(|v| v != Verdict::Passed)>
                                <div class="field">
                                    <label for=note_id.clone()>{move || crate::i18n::text(locale.get(), if verdict.get() == Some(Verdict::Rework) { "works.rework_note" } else { "works.verdict_note" })}<span class="visually-hidden">" " {title.clone()}</span></label>
                                    <textarea id=note_id.clone() prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                                </div>
                            </Show>
                            <InspectionPhotos line=item.line title=photo_title taken=taken />
                        </fieldset>
                    }
                }).collect_view()}
                <button type="submit" class="button button--large" prop:disabled=move || ctx.busy.get()>{tr("works.record_acceptance")}</button>
            </form>
        </section>
    }
}

/// The reviewer's photos of one item at the visit (what is wrong, or that it is fine). Sent at
/// once like the builder's, but only this list is refreshed: the verdicts and notes already
/// chosen in the form stay as they are.
#[component]
fn InspectionPhotos(
    line: u16,
    title: String,
    taken: RwSignal<Vec<WorksPhotoView>>,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = ctx.id();
    let place = WorksSlot::Inspection { line };
    let upload = move |blob: web_sys::Blob| async move {
        with_retry(|| api::upload_works_photo(id, place, &blob))
            .await
            .map(|v| {
                let photos = v
                    .works
                    .and_then(|w| w.items.into_iter().find(|i| i.line == line))
                    .map(|i| i.inspection)
                    .unwrap_or_default();
                taken.set(photos);
            })
    };
    view! {
        {move || {
            let photos = taken.get();
            (!photos.is_empty()).then(|| view! { <PhotoThumbs photos=thumbs(&photos) alt="works.inspection_alt" /> })
        }}
        <PhotoPicker input_id=format!("inspection-{line}") label="works.add_inspection" upload=upload detail=title />
    }
}

/// The family's word on the accepting visit: shown to everyone once given; before that the
/// family may agree, or say what is wrong (the street office hears it).
#[component]
fn FamilyAnswer(given: Option<FamilyResponseView>, may_respond: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let note = RwSignal::new(String::new());
    let send = move |agrees: bool| {
        if ctx.busy.get_untracked() {
            return;
        }
        ctx.busy.set(true);
        let id = ctx.id();
        let req = FamilyResponse {
            agrees,
            note: note.get_untracked(),
        };
        spawn_local(async move {
            match api::respond_to_acceptance(id, &req).await {
                Ok(view) => ctx.app.set(Some(view)),
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            ctx.busy.set(false);
        });
    };
    let error = move || errors.with(|e| e.get("note").map(|err| pick(locale.get(), err)));
    match given {
        Some(r) => view! {
            <div class="panel-notice" role="region" aria-labelledby="family-answer-heading">
                <h3 id="family-answer-heading">{tr("works.family_answer")}</h3>
                <p>{tr(if r.agrees { "works.family_agrees" } else { "works.family_problem" })} " · " {move || unix_time(r.at, locale.get())}</p>
                {(!r.note.is_empty()).then(|| view! { <p class="prewrap">{r.note.clone()}</p> })}
            </div>
        }.into_any(),
        None if may_respond => view! {
            <section class="review-actions" aria-labelledby="family-answer-heading">
                <h3 id="family-answer-heading">{tr("works.family_answer")}</h3>
                <p class="hint">{tr("works.family_answer_hint")}</p>
                <ErrorSummary errors=errors general=general />
                <p><button type="button" class="button button--large" prop:disabled=move || ctx.busy.get() on:click=move |_| send(true)>{tr("works.agree")}</button></p>
                <div class="field" class:field--error=move || error().is_some()>
                    <label for="acceptance-problem">{tr("works.problem_label")}</label>
                    {move || error().map(|m| view! { <p class="field-error" id="acceptance-problem-error">{m}</p> })}
                    <textarea id="acceptance-problem" name="note" prop:value=move || note.get()
                        aria-describedby=move || error().is_some().then_some("acceptance-problem-error")
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </div>
                <p><button type="button" class="button button--secondary" prop:disabled=move || ctx.busy.get() on:click=move |_| send(false)>{tr("works.raise_problem")}</button></p>
            </section>
        }.into_any(),
        None => ().into_any(),
    }
}
