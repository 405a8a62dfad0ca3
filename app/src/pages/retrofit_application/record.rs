//! The in-home record on the assessor's phone: an overview of the screens (daily activities,
//! each room, the elder's wishes) and one form per screen, saved on its own. Signal in a home
//! is often poor: a screen that cannot reach the server is kept on the device and sent again
//! (on reconnecting, every 10 s, and when the page opens); saving a screen replaces what it
//! held, so a screen sent twice is kept once.

use crate::api;
use crate::components::application_ctx::Ctx;
use crate::components::field::TextField;
use crate::components::photos::{with_retry, PhotoPicker};
use crate::i18n::tr;
use anju_domain::retrofit::RetrofitAction;
use anju_domain::retrofit_record::{
    Ability, Activity, AssessmentRecordView, Hazard, RecordPart, RecordUpdate, Room, RoomRecord,
};
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn pending_key(application: i64) -> String {
    format!("anju.record.pending.{application}")
}

fn load_pending(application: i64) -> Vec<RecordUpdate> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&pending_key(application)).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

fn store_pending(application: i64, pending: &[RecordUpdate]) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let key = pending_key(application);
        let _ = if pending.is_empty() {
            s.remove_item(&key)
        } else {
            s.set_item(&key, &serde_json::to_string(pending).unwrap_or_default())
        };
    }
}

fn part_of(update: &RecordUpdate) -> RecordPart {
    match update {
        RecordUpdate::Activities { .. } => RecordPart::Activities,
        RecordUpdate::Room(r) => RecordPart::Room(r.room),
        RecordUpdate::Wishes { .. } => RecordPart::Wishes,
    }
}

pub fn activity_key(a: Activity) -> &'static str {
    match a {
        Activity::Eat => "q.activity_eat",
        Activity::Dress => "q.activity_dress",
        Activity::Bed => "q.activity_bed",
        Activity::Toilet => "q.activity_toilet",
        Activity::WalkIndoors => "q.activity_walk",
        Activity::Bathe => "q.activity_bathe",
    }
}

fn ability_key(a: Ability) -> &'static str {
    match a {
        Ability::CanDo => "record.can_do",
        Ability::NeedsHelp => "record.needs_help",
        Ability::Cannot => "record.cannot",
    }
}

pub fn room_key(r: Room) -> &'static str {
    match r {
        Room::Entrance => "room.entrance",
        Room::LivingRoom => "room.living_room",
        Room::Bedroom => "room.bedroom",
        Room::Bathroom => "room.bathroom",
        Room::Kitchen => "room.kitchen",
        Room::Corridor => "room.corridor",
    }
}

fn hazard_key(h: Hazard) -> &'static str {
    use Hazard as H;
    match h {
        H::SlipperyFloor => "hazard.slippery_floor",
        H::LevelChange => "hazard.level_change",
        H::Threshold => "hazard.threshold",
        H::NoHandrail => "hazard.no_handrail",
        H::NoGrabBar => "hazard.no_grab_bar",
        H::NoBedRail => "hazard.no_bed_rail",
        H::BedHeight => "hazard.bed_height",
        H::SquatToilet => "hazard.squat_toilet",
        H::Bathtub => "hazard.bathtub",
        H::NoShowerChair => "hazard.no_shower_chair",
        H::KnobTaps => "hazard.knob_taps",
        H::HighShelves => "hazard.high_shelves",
        H::NarrowDoor => "hazard.narrow_door",
        H::NoDoorbell => "hazard.no_doorbell",
        H::PoorLighting => "hazard.poor_lighting",
        H::NoNightLight => "hazard.no_night_light",
        H::LowSockets => "hazard.low_sockets",
        H::SharpCorners => "hazard.sharp_corners",
        H::Clutter => "hazard.clutter",
        H::GasRisk => "hazard.gas_risk",
    }
}

fn part_key(p: RecordPart) -> &'static str {
    match p {
        RecordPart::Activities => "record.activities",
        RecordPart::Room(r) => room_key(r),
        RecordPart::Wishes => "record.wishes",
    }
}

const PARTS: [RecordPart; 8] = [
    RecordPart::Activities,
    RecordPart::Room(Room::Entrance),
    RecordPart::Room(Room::LivingRoom),
    RecordPart::Room(Room::Bedroom),
    RecordPart::Room(Room::Bathroom),
    RecordPart::Room(Room::Kitchen),
    RecordPart::Room(Room::Corridor),
    RecordPart::Wishes,
];

#[derive(Clone, Copy)]
struct Record {
    view: RwSignal<Option<AssessmentRecordView>>,
    /// The screen open now; `None`: the overview.
    open: RwSignal<Option<RecordPart>>,
    /// Screens kept on the device until the server has them.
    pending: RwSignal<Vec<RecordUpdate>>,
    syncing: RwSignal<bool>,
}

impl Record {
    /// Send what is kept on the device, oldest first; stop at the first network failure.
    /// One run at a time: the timer and the "online" event may both ask.
    fn sync(self, ctx: Ctx) {
        if self.syncing.get_untracked() {
            return;
        }
        self.syncing.set(true);
        let id = ctx.id();
        spawn_local(async move {
            while let Some(next) = self.pending.with_untracked(|p| p.first().cloned()) {
                match api::save_assessment_record(id, &next).await {
                    Ok(v) => self.view.set(Some(v)),
                    Err(e) if e.code == "network" => break,
                    // Refused (not a network problem): dropped, and the reason shown.
                    Err(e) => ctx.fail(e),
                }
                self.pending.update(|p| p.retain(|u| *u != next));
                store_pending(id, &self.pending.get_untracked());
            }
            self.syncing.set(false);
        });
    }

    fn save(self, ctx: Ctx, update: RecordUpdate) {
        let id = ctx.id();
        ctx.busy.set(true);
        spawn_local(async move {
            match api::save_assessment_record(id, &update).await {
                Ok(v) => {
                    self.view.set(Some(v));
                    ctx.errors.set(Default::default());
                    ctx.general.set(None);
                    self.open.set(None);
                }
                Err(e) if e.code == "network" => {
                    // Kept on the phone: a newer answer to the same screen replaces the older.
                    let part = part_of(&update);
                    self.pending.update(|p| {
                        p.retain(|u| part_of(u) != part);
                        p.push(update);
                    });
                    store_pending(id, &self.pending.get_untracked());
                    self.open.set(None);
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    }
}

/// The record for the assessor while the household waits for its assessment.
/// `moving`: a visit is booked already (the booking form offers to move it).
#[component]
pub fn RecordPanel(moving: bool) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let id = ctx.id();
    let record = Record {
        view: RwSignal::new(None),
        open: RwSignal::new(None),
        pending: RwSignal::new(load_pending(id)),
        syncing: RwSignal::new(false),
    };
    provide_context(record);
    spawn_local(async move {
        match api::assessment_record(id).await {
            Ok(v) => record.view.set(Some(v)),
            Err(e) => ctx.fail(e),
        }
    });
    record.sync(ctx);
    let online = window_event_listener(leptos::ev::online, move |_| record.sync(ctx));
    let timer = set_interval_with_handle(
        move || {
            if !record.pending.with_untracked(Vec::is_empty) {
                record.sync(ctx);
            }
        },
        std::time::Duration::from_secs(10),
    )
    .ok();
    on_cleanup(move || {
        online.remove();
        if let Some(t) = timer {
            t.clear();
        }
    });
    move || match record.open.get() {
        Some(RecordPart::Activities) => view! { <ActivitiesForm /> }.into_any(),
        Some(RecordPart::Room(room)) => view! { <RoomForm room=room /> }.into_any(),
        Some(RecordPart::Wishes) => view! { <WishesForm /> }.into_any(),
        None => view! {
            <super::assessment::ProposeVisitForm moving=moving />
            <Overview />
        }
        .into_any(),
    }
}

#[component]
fn Overview() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = expect_context::<Record>();
    let done = move |_| {
        let id = ctx.id();
        ctx.busy.set(true);
        spawn_local(async move {
            match api::act_plainly(id, RetrofitAction::RecordAssessment).await {
                Ok(v) => ctx.app.set(Some(v)),
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="record-heading">
            <h3 id="record-heading">{tr("record.heading")}</h3>
            {move || (!record.pending.with(Vec::is_empty)).then(|| view! {
                <p class="panel-notice" role="status">{tr("record.kept_on_device")}</p>
            })}
            <ol class="task-list">
                {PARTS.into_iter().map(|part| {
                    let status_id = format!("record-status-{}", part_key(part).replace('.', "-"));
                    let state = move || {
                        if record.pending.with(|p| p.iter().any(|u| part_of(u) == part)) {
                            "record.waiting"
                        } else if record.view.with(|v| v.as_ref().is_some_and(|v| !v.missing.contains(&part))) {
                            "record.recorded"
                        } else {
                            "record.not_recorded"
                        }
                    };
                    view! {
                        <li class="task-list__item">
                            <button type="button" class="task-list__link link-button" aria-describedby=status_id.clone() on:click=move |_| record.open.set(Some(part))>{tr(part_key(part))}</button>
                            <strong id=status_id class="task-status" class:task-status--done=move || state() == "record.recorded">{move || tr(state())}</strong>
                        </li>
                    }
                }).collect_view()}
            </ol>
            {move || record.view.get().map(|v| {
                let complete = v.missing.is_empty() && record.pending.with(Vec::is_empty);
                view! {
                    <p><button type="button" class="button button--large" disabled=move || !complete || ctx.busy.get() on:click=done>{tr("record.done")}</button></p>
                    {(!complete).then(|| view! { <p class="hint">{tr("record.done_hint")}</p> })}
                }
            })}
        </section>
    }
}

/// The heading of a record screen, focused when the screen opens.
#[component]
fn ScreenHeading(key: &'static str) -> impl IntoView {
    let node = NodeRef::<html::H3>::new();
    Effect::new(move |_| {
        if let Some(h) = node.get() {
            let _ = h.focus();
        }
    });
    view! { <h3 tabindex="-1" node_ref=node>{tr(key)}</h3> }
}

#[component]
fn Back() -> impl IntoView {
    let record = expect_context::<Record>();
    view! {
        <button type="button" class="link-button back-link" on:click=move |_| record.open.set(None)>{tr("record.back")}</button>
    }
}

#[component]
fn ActivitiesForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = expect_context::<Record>();
    let saved = record.view.with_untracked(|v| {
        v.as_ref()
            .map(|v| v.record.activities.clone())
            .unwrap_or_default()
    });
    let answers: Vec<(Activity, RwSignal<Option<Ability>>)> = Activity::ALL
        .into_iter()
        .map(|a| {
            let prior = saved.iter().find(|(x, _)| *x == a).map(|(_, b)| *b);
            (a, RwSignal::new(prior))
        })
        .collect();
    let chosen = answers.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let answers = chosen
            .iter()
            .filter_map(|(a, b)| b.get_untracked().map(|b| (*a, b)))
            .collect();
        record.save(ctx, RecordUpdate::Activities { answers });
    };
    view! {
        <Back />
        <ScreenHeading key="record.activities" />
        <p class="hint">{tr("record.activities_hint")}</p>
        <form class="form" on:submit=submit novalidate>
            {answers.into_iter().map(|(activity, value)| {
                let name = format!("activity-{}", activity_key(activity).trim_start_matches("q.activity_"));
                view! {
                    <fieldset class="fieldset">
                        <legend>{tr(activity_key(activity))}</legend>
                        {[Ability::CanDo, Ability::NeedsHelp, Ability::Cannot].into_iter().map(|ability| {
                            let id = format!("{name}-{}", ability_key(ability).trim_start_matches("record."));
                            view! {
                                <div class="radio">
                                    <input type="radio" id=id.clone() name=name.clone() prop:checked=move || value.get() == Some(ability) on:change=move |_| value.set(Some(ability)) />
                                    <label for=id>{tr(ability_key(ability))}</label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                }
            }).collect_view()}
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("record.save")}</button>
        </form>
    }
}

#[component]
fn RoomForm(room: Room) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = expect_context::<Record>();
    let saved = record.view.with_untracked(|v| {
        v.as_ref()
            .and_then(|v| v.record.rooms.iter().find(|r| r.room == room).cloned())
    });
    let ticked: Vec<(Hazard, RwSignal<bool>)> = room
        .hazards()
        .iter()
        .map(|h| {
            let on = saved.as_ref().is_some_and(|s| s.hazards.contains(h));
            (*h, RwSignal::new(on))
        })
        .collect();
    let note = RwSignal::new(saved.and_then(|s| s.note).unwrap_or_default());
    let chosen = ticked.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let hazards = chosen
            .iter()
            .filter(|(_, on)| on.get_untracked())
            .map(|(h, _)| *h)
            .collect();
        let note = Some(note.get_untracked()).filter(|n| !n.trim().is_empty());
        record.save(
            ctx,
            RecordUpdate::Room(RoomRecord {
                room,
                hazards,
                note,
            }),
        );
    };
    view! {
        <Back />
        <ScreenHeading key=room_key(room) />
        <form class="form" on:submit=submit novalidate>
            <fieldset class="fieldset" id="hazards">
                <legend>{tr("record.hazards")}</legend>
                <p class="hint">{tr("record.hazards_hint")}</p>
                {ticked.into_iter().map(|(hazard, on)| {
                    let id = format!("hazard-{}", hazard_key(hazard).trim_start_matches("hazard."));
                    view! {
                        <div class="checkbox">
                            <input type="checkbox" id=id.clone() prop:checked=move || on.get() on:change=move |ev| on.set(event_target_checked(&ev)) />
                            <label for=id>{tr(hazard_key(hazard))}</label>
                        </div>
                    }
                }).collect_view()}
            </fieldset>
            <TextField id="note" label="record.room_note" value=note errors=ctx.errors />
            <RoomPhotos room=room />
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("record.save")}</button>
        </form>
    }
}

/// The room's photos: each one is sent as soon as it is chosen (shrunk on the phone first),
/// apart from the screen's answers, and shown here once the server has it.
#[component]
fn RoomPhotos(room: Room) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = expect_context::<Record>();
    let locale = expect_context::<crate::state::Prefs>().locale;
    let id = ctx.id();
    let upload = move |blob: web_sys::Blob| async move {
        with_retry(|| api::upload_room_photo(id, room, &blob))
            .await
            .map(|v| record.view.set(Some(v)))
    };
    let photos = move || {
        record.view.with(|v| {
            v.as_ref()
                .map(|v| {
                    v.photos
                        .iter()
                        .filter(|p| p.room == room)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <PhotoPicker input_id="room-photo".to_owned() label="record.photos" upload=upload />
        {move || {
            let list = photos();
            (!list.is_empty()).then(|| view! {
                <ul class="photos">
                    {list.into_iter().enumerate().map(|(i, p)| {
                        let alt = format!("{} {} {}", crate::i18n::text(locale.get(), room_key(room)), crate::i18n::text(locale.get(), "record.photo_alt"), i + 1);
                        let href = p.url.clone();
                        view! { <li><a href=href target="_blank" rel="noopener"><img src=p.url alt=alt loading="lazy" width=p.width height=p.height /></a></li> }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

#[component]
fn WishesForm() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let record = expect_context::<Record>();
    let (prior_wishes, prior_notes) = record.view.with_untracked(|v| {
        v.as_ref()
            .map(|v| (v.record.wishes.clone(), v.record.notes.clone()))
            .unwrap_or_default()
    });
    let wishes = RwSignal::new(prior_wishes.unwrap_or_default());
    let notes = RwSignal::new(prior_notes.unwrap_or_default());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        record.save(
            ctx,
            RecordUpdate::Wishes {
                wishes: wishes.get_untracked(),
                notes: Some(notes.get_untracked()).filter(|n| !n.trim().is_empty()),
            },
        );
    };
    view! {
        <Back />
        <ScreenHeading key="record.wishes" />
        <form class="form" on:submit=submit novalidate>
            <TextField id="wishes" label="record.wishes_label" hint="record.wishes_hint" value=wishes errors=ctx.errors />
            <TextField id="note" label="record.notes_label" value=notes errors=ctx.errors />
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("record.save")}</button>
        </form>
    }
}
