//! Door to door: a collector picks building → unit → room and records the household's
//! answers. Records go into a queue on the device first (answers and the address only — no ID
//! numbers or health data) and are sent when there is a connection; each carries its own key,
//! so a send repeated after a dropped connection never counts twice. The collector always sees
//! what is still waiting to send.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::components::survey_question::SurveyQuestionInput;
use crate::i18n::{page_title, pick, tr};
use crate::state::{submission_key, Prefs};
use anju_domain::survey::{check_response, Answers};
use anju_domain::survey_api::{CollectRequest, SurveyView};
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

const QUEUE_KEY: &str = "anju.collect.queue";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Pending {
    survey_id: i64,
    label: String,
    request: CollectRequest,
    /// The server refused it (not a network problem): shown until the collector removes it.
    refused: Option<FieldError>,
}

fn load_queue() -> Vec<Pending> {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(QUEUE_KEY).ok().flatten())
        .and_then(|j| serde_json::from_str(&j).ok())
        .unwrap_or_default()
}

fn store_queue(q: &[Pending]) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.set_item(QUEUE_KEY, &serde_json::to_string(q).unwrap_or_default());
    }
}

/// What the page needs to work without a network, kept from its last online visit: the
/// survey and the community's buildings (no personal data).
fn keep<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(text)) = (
        window().local_storage().ok().flatten(),
        serde_json::to_string(value),
    ) {
        let _ = s.set_item(key, &text);
    }
}

fn kept<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let text = window()
        .local_storage()
        .ok()
        .flatten()?
        .get_item(key)
        .ok()
        .flatten()?;
    serde_json::from_str(&text).ok()
}

#[component]
pub fn SurveyCollect() -> impl IntoView {
    page_title("collect.title");
    let params = use_params_map();
    let locale = expect_context::<Prefs>().locale;
    let survey = RwSignal::new(None::<SurveyView>);
    let queue = RwSignal::new(load_queue());
    let syncing = RwSignal::new(false);
    let buildings = RwSignal::new(Vec::<JurisdictionView>::new());
    let community = RwSignal::new(0i64);
    let building = RwSignal::new(0i64);
    let unit = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let answers = RwSignal::new(Answers::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let saved = RwSignal::new(None::<String>);

    Effect::new(move |_| {
        if let Some(id) = params.read().get("id").and_then(|s| s.parse::<i64>().ok()) {
            let key = format!("anju.collect.survey.{id}");
            spawn_local(async move {
                let found = match api::survey(id).await {
                    Ok(v) => {
                        keep(&key, &v);
                        Ok(v)
                    }
                    Err(e) if e.code == "network" => kept::<SurveyView>(&key).ok_or(e),
                    Err(e) => Err(e),
                };
                match found {
                    Ok(v) => {
                        if let Some(c) = v.communities.first() {
                            community.set(c.id);
                        }
                        survey.set(Some(v));
                    }
                    Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
                }
            });
        }
    });
    Effect::new(move |_| {
        let c = community.get();
        if c > 0 {
            let key = format!("anju.collect.buildings.{c}");
            spawn_local(async move {
                match api::children(c).await {
                    Ok(list) => {
                        keep(&key, &list);
                        buildings.set(list);
                    }
                    Err(_) => {
                        if let Some(list) = kept(&key) {
                            buildings.set(list);
                        }
                    }
                }
            });
        }
    });

    // Send what is waiting, oldest first; stop at the first network failure and try later.
    let sync = move || {
        if syncing.get_untracked()
            || queue.with_untracked(|q| q.iter().all(|p| p.refused.is_some()))
        {
            return;
        }
        syncing.set(true);
        spawn_local(async move {
            for item in queue
                .get_untracked()
                .into_iter()
                .filter(|p| p.refused.is_none())
            {
                match api::collect_response(item.survey_id, &item.request).await {
                    Ok(_) => queue
                        .update(|q| q.retain(|p| p.request.client_key != item.request.client_key)),
                    Err(e) if e.code == "network" => break,
                    Err(e) => {
                        let why = e
                            .fields
                            .values()
                            .next()
                            .cloned()
                            .unwrap_or(FieldError::new(e.message, e.message_en));
                        queue.update(|q| {
                            if let Some(p) = q
                                .iter_mut()
                                .find(|p| p.request.client_key == item.request.client_key)
                            {
                                p.refused = Some(why.clone());
                            }
                        });
                    }
                }
                store_queue(&queue.get_untracked());
            }
            store_queue(&queue.get_untracked());
            syncing.set(false);
        });
    };
    sync();
    let online = window_event_listener(leptos::ev::online, move |_| sync());
    let timer = set_interval_with_handle(sync, std::time::Duration::from_secs(10)).ok();
    on_cleanup(move || {
        online.remove();
        if let Some(t) = timer {
            t.clear();
        }
    });

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(v) = survey.get_untracked() else {
            return;
        };
        let mut problems = check_response(&v.definition, &answers.get_untracked());
        if building.get_untracked() == 0 {
            problems.insert(
                "building".into(),
                FieldError::new("请选择楼栋", "Choose a building"),
            );
        }
        if unit.get_untracked().trim().is_empty() {
            problems.insert(
                "unit".into(),
                FieldError::new("请填写单元号", "Enter the unit"),
            );
        }
        if room.get_untracked().trim().is_empty() {
            problems.insert(
                "room".into(),
                FieldError::new("请填写门牌号", "Enter the room number"),
            );
        }
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        let building_name = buildings
            .with_untracked(|b| {
                b.iter()
                    .find(|x| x.id == building.get_untracked())
                    .map(|x| x.name.clone())
            })
            .unwrap_or_default();
        let label = format!(
            "{building_name} {}单元 {}",
            unit.get_untracked().trim(),
            room.get_untracked().trim()
        );
        let item = Pending {
            survey_id: v.id,
            label: label.clone(),
            request: CollectRequest {
                client_key: submission_key(),
                version: v.version,
                building_id: building.get_untracked(),
                unit: unit.get_untracked(),
                room: room.get_untracked(),
                answers: answers.get_untracked(),
                collected_at: (js_sys::Date::now() / 1000.0) as i64,
            },
            refused: None,
        };
        queue.update(|q| q.push(item));
        store_queue(&queue.get_untracked());
        errors.set(FieldErrors::new());
        answers.set(Answers::new());
        room.set(String::new());
        saved.set(Some(label));
        if let Some(main) = document().get_element_by_id("main") {
            main.scroll_into_view();
        }
        sync();
    };
    let remove = move |key: String| {
        queue.update(|q| q.retain(|p| p.request.client_key != key));
        store_queue(&queue.get_untracked());
    };

    view! {
        <h1>{tr("collect.title")}</h1>
        {move || survey.get().map(|v| view! { <p class="lead">{v.definition.title.clone()}</p> })}
        <ErrorSummary errors=errors general=general />
        <section class="panel-notice" aria-labelledby="pending-heading">
            <h2 id="pending-heading">{tr("collect.pending")}</h2>
            <p role="status" data-testid="pending-count">
                {move || {
                    let n = queue.with(|q| q.len());
                    if n == 0 { tr("collect.all_sent")().to_owned() } else { format!("{} {} {}", tr("collect.waiting")(), n, tr("collect.households")()) }
                }}
            </p>
            {move || saved.get().map(|l| view! { <p>{tr("collect.saved")} " " {l}</p> })}
            <ul>
                {move || queue.get().into_iter().map(|p| {
                    let key = p.request.client_key.clone();
                    view! {
                        <li>
                            {p.label.clone()}
                            {match p.refused.clone() {
                                Some(e) => view! {
                                    " — " <span class="field-error">{move || pick(locale.get(), &e)}</span> " "
                                    <button type="button" class="link-button" on:click=move |_| remove(key.clone())>{tr("collect.discard")}</button>
                                }.into_any(),
                                None => view! { " — " {tr("collect.waiting_one")} }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <button type="button" class="button button--secondary" on:click=move |_| sync()>{tr("collect.send_now")}</button>
        </section>
        {move || survey.get().map(|v| {
            let communities = v.communities.clone();
            view! {
                <form class="form" on:submit=save novalidate>
                    <h2>{tr("collect.household")}</h2>
                    <div class="field">
                        <label for="community">{tr("register.community")}</label>
                        <select id="community" on:change=move |ev| { community.set(event_target_value(&ev).parse().unwrap_or(0)); building.set(0); }>
                            {communities.into_iter().map(|c| {
                                let selected = c.id == community.get_untracked();
                                view! { <option value=c.id.to_string() selected=selected>{c.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field" class:field--error=move || errors.with(|e| e.contains_key("building"))>
                        <label for="building">{tr("register.building")}</label>
                        <select id="building" on:change=move |ev| building.set(event_target_value(&ev).parse().unwrap_or(0))>
                            <option value="0">{tr("register.choose")}</option>
                            {move || buildings.get().into_iter().map(|b| {
                                let selected = b.id == building.get_untracked();
                                view! { <option value=b.id.to_string() selected=selected>{b.name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field-row">
                        <TextField id="unit" label="register.unit" value=unit errors=errors />
                        <TextField id="room" label="register.room" value=room errors=errors />
                    </div>
                    <h2>{tr("collect.answers")}</h2>
                    {v.definition.questions.iter().cloned().map(|q| view! { <SurveyQuestionInput question=q answers=answers errors=errors /> }).collect_view()}
                    <button type="submit" class="button button--large">{tr("collect.save")}</button>
                </form>
            }
        })}
    }
}
