//! The screens about the home: where it is, and the eligibility facts.

use super::*;
use crate::api;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::field::TextField;
use crate::components::questions::QuestionScreen;
use crate::components::screen::focus_new_step;
use crate::i18n::tr;
use anju_domain::application::{HomeSection, SectionUpdate, Task};
use anju_domain::eligibility::{EligibilityAnswers, Question};
use anju_domain::{FieldError, JurisdictionView};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn HomeScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let buildings = RwSignal::new(Vec::<JurisdictionView>::new());
    let community = RwSignal::new(0i64);
    let building = RwSignal::new(app.home.as_ref().map(|h| h.building_id).unwrap_or_default());
    let unit = RwSignal::new(
        app.home
            .as_ref()
            .map(|h| h.unit.clone())
            .unwrap_or_default(),
    );
    let room = RwSignal::new(
        app.home
            .as_ref()
            .map(|h| h.room.clone())
            .unwrap_or_default(),
    );
    let current_community = app.community_name.clone();
    spawn_local(async move {
        if let Ok(list) = api::communities().await {
            if let Some(c) = list
                .iter()
                .find(|c| Some(&c.name) == current_community.as_ref())
            {
                community.set(c.id);
            }
            communities.set(list);
        }
    });
    Effect::new(move |_| {
        let c = community.get();
        if c > 0 {
            spawn_local(async move {
                if let Ok(list) = api::children(c).await {
                    buildings.set(list);
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let section = HomeSection {
            building_id: building.get_untracked(),
            unit: unit.get_untracked(),
            room: room.get_untracked(),
        };
        let mut problems = anju_domain::application::check_home_text(&section);
        if section.building_id == 0 {
            problems.insert(
                "building".into(),
                FieldError::new("请选择楼栋", "Choose a building"),
            );
        }
        if !problems.is_empty() {
            ctx.errors.set(problems);
            return;
        }
        ctx.save(SectionUpdate::Home(section), Screen::Tasks);
    };
    view! {
        <BackToTasks />
        <h1>{tr("task.home")}</h1>
        {app.home_label.clone().map(|l| view! { <p class="hint">{tr("home.current")} " " {l}</p> })}
        <form class="form" on:submit=submit novalidate>
            <div class="field">
                <label for="community">{tr("register.community")}</label>
                <select id="community" on:change=move |ev| { community.set(event_target_value(&ev).parse().unwrap_or(0)); building.set(0); }>
                    <option value="0">{tr("register.choose")}</option>
                    {move || communities.get().into_iter().map(|c| {
                        let selected = c.id == community.get_untracked();
                        view! { <option value=c.id.to_string() selected=selected>{c.name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
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
                <TextField id="unit" label="register.unit" value=unit errors=ctx.errors />
                <TextField id="room" label="register.room" value=room errors=ctx.errors />
            </div>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

/// The eligibility questions, one per screen, each saved as it is answered. The server says
/// which questions apply (it alone holds the elder's full ID number): a first visit starts at
/// the first unanswered one, a later visit walks through all of them with the answers kept.
#[component]
pub(super) fn FactsScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let answers = RwSignal::new(app.facts.clone().unwrap_or_default());
    let community = RwSignal::new(None::<i64>);
    let start = if app.next_fact_question.is_some() {
        app.fact_path.len().saturating_sub(1)
    } else {
        0
    };
    let index = RwSignal::new(start);
    let current = move || {
        ctx.app.with(|a| {
            a.as_ref()
                .and_then(|a| a.fact_path.get(index.get()).copied())
        })
    };
    let answered = move |_| {
        let facts: EligibilityAnswers = answers.get_untracked();
        let id = ctx.id();
        let at = index.get_untracked();
        spawn_local(async move {
            match api::save_section(id, &SectionUpdate::Facts(facts)).await {
                Ok(view) => {
                    let more = at + 1 < view.fact_path.len();
                    ctx.app.set(Some(view));
                    if more {
                        index.set(at + 1);
                        focus_new_step();
                    } else {
                        ctx.go(Screen::Tasks);
                    }
                }
                Err(e) => ctx.fail(e),
            }
        });
    };
    let back = move |_| match index.get_untracked() {
        0 => ctx.go(Screen::Tasks),
        i => index.set(i - 1),
    };
    view! {
        <button type="button" class="link-button back-link" on:click=back>{tr("check.back")}</button>
        {move || match current() {
            Some(Question::IdNumber) | None => view! {
                <h1>{tr("task.facts")}</h1>
                <p>{tr("facts.elder_first")}</p>
                <button type="button" class="button" on:click=move |_| ctx.go(Screen::Task(Task::Elder))>{tr("task.elder")}</button>
            }.into_any(),
            Some(q) => view! {
                <QuestionScreen question=q answers=answers community=community on_answer=Callback::new(answered) />
            }.into_any(),
        }}
    }
}
