//! Family members who act for an elder: the elder invites by mobile number and can end a
//! link; the invited person accepts with the relationship and a proof document.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::components::photos::shrink;
use crate::components::sms_code::SmsCodeField;
use crate::i18n::{page_title, tr};
use anju_domain::application::{
    GuardianLinkState, GuardianLinkView, GuardianOverview, Relationship,
};
use anju_domain::{FieldError, PhoneNumber, SmsPurpose};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

pub(crate) fn relationship_key(r: Relationship) -> &'static str {
    match r {
        Relationship::Child => "rel.child",
        Relationship::Spouse => "rel.spouse",
        Relationship::Grandchild => "rel.grandchild",
        Relationship::Sibling => "rel.sibling",
        Relationship::OtherRelative => "rel.other_relative",
        Relationship::Other => "rel.other",
    }
}

pub(crate) fn link_state_key(s: GuardianLinkState) -> &'static str {
    match s {
        GuardianLinkState::Invited => "family.state_invited",
        GuardianLinkState::Accepted => "family.state_accepted",
        GuardianLinkState::Active => "family.state_active",
        GuardianLinkState::Ended => "family.state_ended",
    }
}

#[component]
pub fn RetrofitFamily() -> impl IntoView {
    page_title("family.title");
    let overview = RwSignal::new(None::<GuardianOverview>);
    let phone = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let fail = move |e: anju_domain::ErrorEnvelope| {
        errors.set(e.fields.clone());
        general.set(Some(FieldError::new(e.message, e.message_en)));
    };
    let reload = move || {
        spawn_local(async move {
            match api::guardians().await {
                Ok(o) => overview.set(Some(o)),
                Err(e) => fail(e),
            }
        });
    };
    reload();
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let p = phone.get_untracked();
        if let Err(e) = PhoneNumber::parse(&p) {
            let (zh, en) = e.message();
            let mut f = FieldErrors::new();
            f.insert("phone".into(), FieldError::new(zh, en));
            errors.set(f);
            return;
        }
        spawn_local(async move {
            match api::invite_guardian(&p).await {
                Ok(_) => {
                    phone.set(String::new());
                    errors.set(FieldErrors::new());
                    general.set(None);
                    reload();
                }
                Err(e) => fail(e),
            }
        });
    };
    let end = move |id: i64| {
        spawn_local(async move {
            match api::end_guardian_link(id).await {
                Ok(_) => reload(),
                Err(e) => fail(e),
            }
        });
    };
    let confirm = move |id: i64| {
        spawn_local(async move {
            match api::confirm_guardian_link(id).await {
                Ok(_) => reload(),
                Err(e) => fail(e),
            }
        });
    };
    let row = move |l: GuardianLinkView, mine: bool| {
        let who = if mine {
            l.guardian
                .clone()
                .map(|g| g.display_name)
                .unwrap_or_else(|| l.invited_phone_masked.clone())
        } else {
            l.elder.display_name.clone()
        };
        let id = l.id;
        let live = l.state != GuardianLinkState::Ended;
        // The elder says yes before the family member can see anything.
        let to_confirm = mine && l.state == GuardianLinkState::Accepted;
        view! {
            <li class="case-card">
                <p class="case-card__title">{who.clone()}</p>
                <p>{tr(link_state_key(l.state))} {l.relationship.map(|r| view! { " · " {tr(relationship_key(r))} })}</p>
                {l.proof_url.clone().map(|u| view! { <p><a href=u target="_blank" rel="noopener" class="button button--secondary">{tr("family.proof")}</a></p> })}
                {to_confirm.then(|| {
                    let who = who.clone();
                    view! {
                        <p>{tr("family.confirm_hint")}</p>
                        <button type="button" class="button" on:click=move |_| confirm(id)>
                            {tr("family.confirm")}<span class="visually-hidden">{who}</span>
                        </button>
                    }
                })}
                {live.then(|| view! {
                    <button type="button" class="button button--secondary" on:click=move |_| end(id)>
                        {tr(if mine { "family.end" } else { "family.step_back" })}<span class="visually-hidden">{who.clone()}</span>
                    </button>
                })}
            </li>
        }
    };
    view! {
        <h1>{tr("family.title")}</h1>
        <p class="lead">{tr("family.intro")}</p>
        <ErrorSummary errors=errors general=general />
        {move || overview.get().map(|o| {
            let invitations = o.invitations.clone();
            view! {
                {(!invitations.is_empty()).then(|| view! {
                    <h2>{tr("family.invitations")}</h2>
                    {invitations.into_iter().map(|l| view! { <Invitation link=l on_done=Callback::new(move |_| reload()) /> }).collect_view()}
                })}
                <h2>{tr("family.my_guardians")}</h2>
                {if o.my_guardians.is_empty() { view! { <p>{tr("family.none")}</p> }.into_any() } else {
                    view! { <ul class="case-list">{o.my_guardians.into_iter().map(|l| row(l, true)).collect_view()}</ul> }.into_any()
                }}
                {(!o.elders.is_empty()).then(|| {
                    // Only a confirmed link lets the family member apply.
                    let can_apply = o.elders.iter().any(|l| l.state == GuardianLinkState::Active);
                    view! {
                    <h2>{tr("family.elders")}</h2>
                    <ul class="case-list">{o.elders.into_iter().map(|l| row(l, false)).collect_view()}</ul>
                    {can_apply.then(|| view! { <p><a href="/retrofit">{tr("family.apply_for_them")}</a></p> })}
                    }
                })}
            }
        })}
        <h2>{tr("family.invite")}</h2>
        <form class="form" on:submit=invite novalidate>
            <TextField id="phone" label="family.invite_phone" value=phone errors=errors kind="tel" inputmode="tel" hint="family.invite_hint" />
            <button type="submit" class="button">{tr("family.invite_send")}</button>
        </form>
    }
}

#[component]
fn Invitation(link: GuardianLinkView, on_done: Callback<()>) -> impl IntoView {
    let relationship = RwSignal::new(String::new());
    let sms_code = RwSignal::new(String::new());
    let file = RwSignal::new_local(None::<web_sys::File>);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let progress = RwSignal::new(None::<u32>);
    let id = link.id;
    let chosen = move |ev: leptos::ev::Event| {
        let f = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        file.set(None);
        let Some(f) = f else { return };
        // Said at once, not after the upload: the proof must be a photo or a PDF.
        spawn_local(async move {
            match crate::components::photos::check_file(&f, true).await {
                Ok(()) => {
                    errors.update(|e| {
                        e.remove(&format!("proof-{id}"));
                    });
                    file.set(Some(f));
                }
                Err(refused) => errors.update(|e| {
                    e.insert(format!("proof-{id}"), refused);
                }),
            }
        });
    };
    let accept = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut problems = FieldErrors::new();
        let rel = relationship.get_untracked();
        if Relationship::parse(&rel).is_none() {
            problems.insert(
                format!("relationship-{id}"),
                FieldError::new(
                    "请选择您和老人的关系",
                    "Choose how you are related to the elder",
                ),
            );
        }
        let Some(f) = file.get_untracked() else {
            problems.insert(
                format!("proof-{id}"),
                FieldError::new(
                    "请上传关系证明（户口本、出生证明等）",
                    "Upload proof of the relationship (household register, birth certificate…)",
                ),
            );
            errors.set(problems);
            return;
        };
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        spawn_local(async move {
            let blob: web_sys::Blob = if f.type_().starts_with("image/") {
                shrink(&f).await
            } else {
                f.into()
            };
            let code: String = sms_code
                .get_untracked()
                .chars()
                .filter(char::is_ascii_digit)
                .collect();
            let url = format!("/api/guardians/{id}/accept?relationship={rel}&code={code}");
            match api::upload_with_progress::<GuardianLinkView>(&url, &blob, move |p| {
                progress.set(Some(p))
            })
            .await
            {
                Ok(_) => on_done.run(()),
                Err(e) => {
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            progress.set(None);
        });
    };
    let rel_id = format!("relationship-{id}");
    let proof_id = format!("proof-{id}");
    view! {
        <form class="form case-card" on:submit=accept novalidate>
            <p class="case-card__title">{tr("family.invited_by")} " " <strong>{link.elder.display_name.clone()}</strong></p>
            <ErrorSummary errors=errors general=general />
            <div class="field">
                <label for=rel_id.clone()>{tr("family.relationship")}</label>
                <select id=rel_id on:change=move |ev| relationship.set(event_target_value(&ev))>
                    <option value="">{tr("register.choose")}</option>
                    {Relationship::ALL.iter().map(|r| view! { <option value=r.as_str()>{tr(relationship_key(*r))}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for=proof_id.clone()>{tr("family.proof_upload")}</label>
                <p class="hint">{tr("family.proof_hint")}</p>
                <input id=proof_id type="file" accept="image/*,application/pdf" on:change=chosen />
            </div>
            <p class="hint">{tr("family.code_hint")}</p>
            <SmsCodeField phone=Signal::derive(String::new) purpose=SmsPurpose::GuardianAccept value=sms_code errors />
            {move || progress.get().map(|p| view! { <p role="status">{tr("documents.uploading")} " " {p} "%"</p> })}
            <button type="submit" class="button">{tr("family.accept")}</button>
        </form>
    }
}
