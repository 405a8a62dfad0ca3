//! The screens about people: the elder, the guardian who acts for them, and the consent.

use super::*;
use crate::api;
use crate::components::application_ctx::{Ctx, Screen};
use crate::components::field::TextField;
use crate::i18n::{pick, tr};
use crate::state::{Prefs, Session};
use anju_domain::application::{
    check_elder, ConsentSection, ElderSection, GuardianLinkState, GuardianSection, SectionUpdate,
    CONSENT_EN, CONSENT_VERSION, CONSENT_ZH,
};
use anju_domain::Locale;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub(super) fn ElderScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let name = RwSignal::new(app.elder_name.clone());
    let id_number = RwSignal::new(String::new());
    let phone = RwSignal::new(app.elder_phone.clone().unwrap_or_default());
    let has_id = app.id_number_masked.clone();
    let saved_id = has_id.is_some();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut section = ElderSection {
            name: name.get_untracked(),
            id_number: id_number.get_untracked(),
            phone: Some(phone.get_untracked()).filter(|p| !p.trim().is_empty()),
        };
        // Keeping the saved number: check the rest here, the server fills the number in.
        let keep = section.id_number.trim().is_empty() && saved_id;
        let mut check = section.clone();
        if keep {
            check.id_number = "11010519491231002X".into();
        }
        let problems = check_elder(&check);
        if !problems.is_empty() {
            ctx.errors.set(problems);
            return;
        }
        if keep {
            section.id_number = String::new();
        }
        ctx.save(SectionUpdate::Elder(section), Screen::Tasks);
    };
    view! {
        <BackToTasks />
        <h1>{tr("task.elder")}</h1>
        <form class="form" on:submit=submit novalidate>
            <TextField id="name" label="elder.name" value=name errors=ctx.errors autocomplete="name" />
            {match has_id.clone() {
                Some(masked) => view! {
                    <p class="hint">{tr("elder.id_saved")} " " <span class="mono">{masked}</span></p>
                    <TextField id="id_number" label="elder.id_number_change" value=id_number errors=ctx.errors hint="elder.id_hint" />
                }.into_any(),
                None => view! {
                    <TextField id="id_number" label="elder.id_number" value=id_number errors=ctx.errors hint="elder.id_hint" />
                }.into_any(),
            }}
            <TextField id="phone" label="elder.phone" value=phone errors=ctx.errors kind="tel" inputmode="tel" hint="elder.phone_hint" />
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

#[component]
pub(super) fn GuardianScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let session = expect_context::<Session>();
    let app = ctx
        .app
        .get_untracked()
        .unwrap_or_else(|| unreachable!("loaded"));
    let me = session.user.with_untracked(|u| u.as_ref().map(|u| u.id));
    let applicant_is_guardian = app
        .guardian
        .as_ref()
        .is_some_and(|g| Some(g.account_id) == me);
    let options = RwSignal::new(Vec::<(i64, String)>::new());
    let choice = RwSignal::new(
        app.guardian
            .as_ref()
            .map(|g| g.account_id.to_string())
            .unwrap_or_else(|| "none".into()),
    );
    let elder_is_me = app
        .elder_account
        .as_ref()
        .is_some_and(|e| Some(e.account_id) == me);
    if elder_is_me {
        spawn_local(async move {
            if let Ok(o) = api::guardians().await {
                options.set(
                    o.my_guardians
                        .into_iter()
                        .filter(|l| l.state == GuardianLinkState::Active)
                        .filter_map(|l| l.guardian.map(|g| (g.account_id, g.display_name)))
                        .collect(),
                );
            }
        });
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let guardian_account_id = choice.get_untracked().parse::<i64>().ok();
        ctx.save(
            SectionUpdate::Guardian(GuardianSection {
                guardian_account_id,
            }),
            Screen::Tasks,
        );
    };
    view! {
        <BackToTasks />
        <form class="form" on:submit=submit novalidate>
            <fieldset class="fieldset">
                <legend><h1 class="legend-heading">{tr("guardian.question")}</h1></legend>
                {if applicant_is_guardian {
                    view! { <p>{tr("guardian.you_are_named")} " " <strong>{app.guardian.clone().map(|g| g.display_name)}</strong></p> }.into_any()
                } else {
                    view! {
                        <div class="radio">
                            <input type="radio" id="guardian-none" name="guardian" value="none"
                                prop:checked=move || choice.get() == "none" on:change=move |_| choice.set("none".into()) />
                            <label for="guardian-none">{tr("guardian.none")}</label>
                        </div>
                        {move || options.get().into_iter().map(|(id, name)| {
                            let value = id.to_string();
                            let v = value.clone();
                            let dom_id = format!("guardian-{id}");
                            view! {
                                <div class="radio">
                                    <input type="radio" id=dom_id.clone() name="guardian" value=value.clone()
                                        prop:checked=move || choice.get() == v on:change=move |_| choice.set(value.clone()) />
                                    <label for=dom_id>{name}</label>
                                </div>
                            }
                        }).collect_view()}
                        <p class="hint">{tr("guardian.invite_hint")} " " <a href="/retrofit/family">{tr("retrofit.family_link")}</a></p>
                    }.into_any()
                }}
            </fieldset>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}

#[component]
pub(super) fn ConsentScreen() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let locale = expect_context::<Prefs>().locale;
    let agreed = RwSignal::new(ctx.app.with_untracked(|a| {
        a.as_ref()
            .and_then(|a| a.consent_version.clone())
            .as_deref()
            == Some(CONSENT_VERSION)
    }));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        ctx.save(
            SectionUpdate::Consent(ConsentSection {
                version: CONSENT_VERSION.into(),
                agreed: agreed.get_untracked(),
            }),
            Screen::Tasks,
        );
    };
    let error = move || {
        ctx.errors.with(|e| e.get("agreed").cloned()).map(
            |e| view! { <p class="field-error" id="agreed-error">{pick(locale.get(), &e)}</p> },
        )
    };
    view! {
        <BackToTasks />
        <h1>{tr("consent.title")}</h1>
        <div class="consent">
            {move || {
                let paragraphs = if locale.get() == Locale::En { CONSENT_EN } else { CONSENT_ZH };
                paragraphs.iter().map(|p| view! { <p>{*p}</p> }).collect_view()
            }}
            <p class="hint">{tr("consent.version")} " " {CONSENT_VERSION}</p>
        </div>
        <form class="form" on:submit=submit novalidate>
            <div class="field" class:field--error=move || error().is_some()>
                {error}
                <div class="checkbox">
                    <input type="checkbox" id="agreed" prop:checked=move || agreed.get() on:change=move |ev| agreed.set(event_target_checked(&ev)) />
                    <label for="agreed">{tr("consent.agree")}</label>
                </div>
            </div>
            <button type="submit" class="button button--large" disabled=move || ctx.busy.get()>{tr("task.save")}</button>
        </form>
    }
}
