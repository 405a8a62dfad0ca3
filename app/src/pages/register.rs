//! Resident self-registration: phone, password, name and home (community → building → unit,
//! room). Checked here with the same `anju_domain` rules the server enforces.

use crate::api;
use crate::components::draft::{Draft, DraftKept};
use crate::components::field::{ErrorSummary, FieldErrors, ShowPassword, TextField};
use crate::components::sms_code::SmsCodeField;
use crate::i18n::{page_title, pick, text, tr};
use crate::state::{Prefs, Session};
use anju_domain::{
    check_registration_text, FieldError, JurisdictionView, Password, PhoneNumber, RegisterRequest,
    SmsPurpose,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

/// The fields in the order the form shows them: the error summary lists them so.
const FORM_ORDER: &[&str] = &[
    "phone",
    "sms_code",
    "password",
    "display_name",
    "community",
    "building_id",
    "unit",
    "room",
];

fn validate(req: &RegisterRequest, community: i64) -> FieldErrors {
    let mut found = FieldErrors::new();
    let phone = PhoneNumber::parse(&req.phone);
    if let Err(e) = &phone {
        let (zh, en) = e.message();
        found.insert("phone".into(), FieldError::new(zh, en));
    }
    let phone_digits = phone.as_ref().ok().map(PhoneNumber::as_str);
    if let Err(e) = Password::new(&req.password, phone_digits) {
        let (zh, en) = e.message();
        found.insert("password".into(), FieldError::new(zh, en));
    }
    for (field, zh, en) in check_registration_text(req) {
        found.insert(field.into(), FieldError::new(zh, en));
    }
    if community <= 0 {
        found.insert(
            "community".into(),
            FieldError::new(
                text(anju_domain::Locale::ZhCn, "errors.choose_community"),
                text(anju_domain::Locale::En, "errors.choose_community"),
            ),
        );
    } else if req.building_id <= 0 {
        found.insert(
            "building_id".into(),
            FieldError::new(
                text(anju_domain::Locale::ZhCn, "errors.choose_building"),
                text(anju_domain::Locale::En, "errors.choose_building"),
            ),
        );
    }
    found
}

/// What registration keeps on the device until the account exists. Not the password or the
/// text-message code: a password is never written to the device, and a code expires.
#[derive(serde::Serialize, serde::Deserialize)]
struct RegistrationDraft {
    phone: String,
    name: String,
    community: i64,
    building: i64,
    unit: String,
    room: String,
}

#[component]
pub fn Register() -> impl IntoView {
    page_title("register.title");
    let session = expect_context::<Session>();
    let prefs = expect_context::<Prefs>();
    let navigate = use_navigate();
    let phone = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let reveal = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let unit = RwSignal::new(String::new());
    let room = RwSignal::new(String::new());
    let community = RwSignal::new(0_i64);
    let building = RwSignal::new(0_i64);
    let communities = RwSignal::new(Vec::<JurisdictionView>::new());
    let buildings = RwSignal::new(Vec::<JurisdictionView>::new());
    let sms_code = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);

    spawn_local(async move {
        match api::communities().await {
            Ok(list) => communities.set(list),
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });
    // `then_building`: the building to choose once the list has come (a kept draft's).
    let load_buildings = move |id: i64, then_building: i64| {
        spawn_local(async move {
            if let Ok(list) = api::children(id).await {
                if community.get_untracked() == id {
                    if list.iter().any(|b| b.id == then_building) {
                        building.set(then_building);
                    }
                    buildings.set(list);
                }
            }
        });
    };
    let choose_community = move |id: i64| {
        community.set(id);
        building.set(0);
        buildings.set(Vec::new());
        if id > 0 {
            load_buildings(id, 0);
        }
    };
    let draft = Draft::for_form("registration");
    let restored = draft.keep(
        move |d: RegistrationDraft| {
            phone.set(d.phone);
            name.set(d.name);
            unit.set(d.unit);
            room.set(d.room);
            community.set(d.community);
            if d.community > 0 {
                load_buildings(d.community, d.building);
            }
        },
        move || {
            let d = RegistrationDraft {
                phone: phone.get(),
                name: name.get(),
                community: community.get(),
                building: building.get(),
                unit: unit.get(),
                room: room.get(),
            };
            let typed = !(d.phone.is_empty() && d.name.is_empty() && d.community == 0);
            typed.then_some(d)
        },
    );
    let discard = {
        let draft = draft.clone();
        Callback::new(move |()| {
            draft.discard();
            for field in [phone, name, unit, room] {
                field.set(String::new());
            }
            choose_community(0);
        })
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let req = RegisterRequest {
            phone: phone.get_untracked(),
            password: password.get_untracked(),
            display_name: name.get_untracked(),
            building_id: building.get_untracked(),
            unit: unit.get_untracked(),
            room: room.get_untracked(),
            sms_code: sms_code.get_untracked(),
        };
        general.set(None);
        errors.set(validate(&req, community.get_untracked()));
        if !errors.with_untracked(FieldErrors::is_empty) {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        let draft = draft.clone();
        spawn_local(async move {
            match api::register(&req).await {
                Ok(account) => {
                    draft.discard();
                    // The device's display choices become the new account's.
                    let _ = api::set_preferences(&prefs.current()).await;
                    // Saved: a choice made while signed out has nothing left to carry over.
                    prefs.settle_at_sign_in(prefs.current());
                    session.user.set(Some(account));
                    navigate("/account", Default::default());
                }
                Err(e) => {
                    errors.set(e.fields.clone());
                    if e.fields.is_empty() {
                        general.set(Some(FieldError::new(e.message, e.message_en)));
                    }
                }
            }
            busy.set(false);
        });
    };

    let locale = prefs.locale;
    let select_error = move |field: &'static str| {
        move || errors.with(|e| e.get(field).map(|err| pick(locale.get(), err)))
    };
    let community_error = select_error("community");
    let building_error = select_error("building_id");

    let community_options = move || {
        let list = communities.get();
        let mut streets: Vec<(String, Vec<JurisdictionView>)> = Vec::new();
        for c in list {
            let street = c
                .path
                .get(c.path.len().saturating_sub(2))
                .cloned()
                .unwrap_or_default();
            match streets.iter_mut().find(|(s, _)| *s == street) {
                Some((_, v)) => v.push(c),
                None => streets.push((street, vec![c])),
            }
        }
        streets
            .into_iter()
            .map(|(street, cs)| {
                view! {
                    <optgroup label=street>
                        {cs.into_iter().map(|c| view! {
                            <option value=c.id.to_string() prop:selected=move || community.get() == c.id>{c.name}</option>
                        }).collect_view()}
                    </optgroup>
                }
            })
            .collect_view()
    };

    // On a visit's first page these two came with it (taken over, not drawn again).
    let sent = crate::components::shell::adopt(&anju_domain::bundle::SENT_REGISTER);
    view! {
        {(!sent).then(|| view! {
            <h1>{tr("register.title")}</h1>
            <p class="lead">{tr("register.intro")}</p>
        })}
        <DraftKept restored on_discard=discard note="draft.no_password" />
        <ErrorSummary errors general order=FORM_ORDER />
        <form class="form" on:submit=submit novalidate>
            <TextField id="phone" label="register.phone" hint="signin.phone_hint" value=phone errors
                kind="tel" autocomplete="tel" inputmode="tel" />
            <SmsCodeField phone=phone.into() purpose=SmsPurpose::Register value=sms_code errors />
            <TextField id="password" label="register.password" hint="register.password_hint"
                value=password errors autocomplete="new-password" reveal />
            <ShowPassword reveal />
            <TextField id="display_name" label="register.name" hint="register.name_hint" value=name errors
                autocomplete="name" />
            <fieldset class="fieldset">
                <legend>{tr("register.home")}</legend>
                <div class="field" class:field--error=move || community_error().is_some()>
                    <label for="community">{tr("register.community")}</label>
                    {move || community_error().map(|m| view! { <p class="field-error" id="community-error">{m}</p> })}
                    <select id="community" name="community"
                        aria-invalid=move || community_error().is_some().then_some("true")
                        aria-describedby=move || community_error().is_some().then_some("community-error")
                        on:change=move |ev| choose_community(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="0">{tr("register.choose_community")}</option>
                        {community_options}
                    </select>
                </div>
                <div class="field" class:field--error=move || building_error().is_some()>
                    <label for="building">{tr("register.building")}</label>
                    {move || building_error().map(|m| view! { <p class="field-error" id="building-error">{m}</p> })}
                    <select id="building" name="building"
                        aria-invalid=move || building_error().is_some().then_some("true")
                        aria-describedby=move || building_error().is_some().then_some("building-error")
                        prop:value=move || building.get().to_string()
                        on:change=move |ev| building.set(event_target_value(&ev).parse().unwrap_or(0))>
                        // Until a community is chosen the list is empty and says why.
                        <option value="0">{move || tr(if community.get() > 0 { "register.choose_building_now" } else { "register.choose_building" })()}</option>
                        {move || buildings.get().into_iter().map(|b| view! {
                            <option value=b.id.to_string() prop:selected=move || building.get() == b.id>{b.name}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field-row">
                    <TextField id="unit" label="register.unit" value=unit errors inputmode="numeric" />
                    <TextField id="room" label="register.room" hint="register.room_hint" value=room errors
                        inputmode="numeric" />
                </div>
            </fieldset>
            <button type="submit" class="button" prop:disabled=move || busy.get()>
                {move || if busy.get() { tr("register.working")() } else { tr("register.submit")() }}
            </button>
        </form>
        <p>{tr("register.have_account")} " " <A href="/sign-in">{tr("register.sign_in_link")}</A></p>
    }
}
