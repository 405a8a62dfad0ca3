//! Filing a complaint or inquiry, one decision per screen: category → what and where →
//! contact time → check answers → confirmation with the reference number. A submission key is
//! made once per form, so pressing submit again after a network failure never files twice.
//! What was typed is kept on the device until it is sent or discarded (photos are chosen again:
//! they are too large to keep there).

use crate::api;
use crate::components::draft::{Draft, DraftKept};
use crate::components::field::TextField;
use crate::components::field::{ErrorSummary, FieldErrors};
use crate::components::photos::{check_file, shrink, upload_with_retry};
use crate::i18n::{page_title, pick, text, tr};
use crate::state::{Prefs, Session};
use anju_domain::category::{usually_in_shared_area, CaseKind, Category};
use anju_domain::complaint::Channel;
use anju_domain::complaint::{
    check_case_text, CaseView, CreateCaseRequest, PhotoStage, DESCRIPTION_MAX_CHARS,
    MAX_PHOTOS_PER_STAGE,
};
use anju_domain::PhoneNumber;
use anju_domain::{FieldError, Locale};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

pub use crate::state::submission_key;

fn category_label(c: &Category, locale: Locale) -> String {
    match locale {
        Locale::ZhCn => c.name.clone(),
        Locale::En => c.name_en.clone(),
    }
}

/// What the form keeps on the device while it is being filled in.
#[derive(serde::Serialize, serde::Deserialize)]
struct ComplaintDraft {
    /// The same submission key after a reload: a case already filed is not filed again.
    key: String,
    step: u8,
    resident_phone: String,
    channel: Channel,
    category: Option<String>,
    description: String,
    public: bool,
    place: String,
    contact: usize,
}

/// The photo step sits between "what and where" (2) and "contact time" (3).
const PHOTOS: u8 = 6;

const CONTACT_TIMES: [&str; 4] = [
    "new.contact_any",
    "new.contact_morning",
    "new.contact_afternoon",
    "new.contact_evening",
];

#[component]
pub fn NewCase() -> impl IntoView {
    page_title("cases.new");
    let locale = expect_context::<Prefs>().locale;
    let session = expect_context::<Session>();
    // Staff file for a resident who phoned or walked in: first say who and how.
    let for_resident = session
        .user
        .with_untracked(|u| u.as_ref().is_some_and(|u| u.role.is_staff()));
    let first_step = if for_resident { 0u8 } else { 1u8 };
    let step = RwSignal::new(first_step);
    let resident_phone = RwSignal::new(String::new());
    let channel = RwSignal::new(Channel::Phone);
    let categories = RwSignal::new(Vec::<Category>::new());
    let category = RwSignal::new(None::<Category>);
    let description = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let place = RwSignal::new(String::new());
    let contact = RwSignal::new(CONTACT_TIMES[0]);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let busy = RwSignal::new(false);
    let created = RwSignal::new(None::<CaseView>);
    // Photos chosen before the case exists: shrunk now, uploaded right after it is created.
    let photo_blobs = RwSignal::new_local(Vec::<web_sys::Blob>::new());
    let photo_urls = RwSignal::new(Vec::<String>::new());
    let photo_outcome = RwSignal::new(None::<Result<usize, FieldError>>);
    let key = RwSignal::new(submission_key());

    // The kept draft: its category and step wait for the category list.
    let draft = Draft::for_form("complaint");
    let pending = RwSignal::new(None::<(Option<String>, u8)>);
    let restored = draft.keep(
        move |d: ComplaintDraft| {
            key.set(d.key);
            resident_phone.set(d.resident_phone);
            channel.set(d.channel);
            description.set(d.description);
            public.set(d.public);
            place.set(d.place);
            contact.set(CONTACT_TIMES[d.contact.min(CONTACT_TIMES.len() - 1)]);
            pending.set(Some((d.category, d.step)));
        },
        move || {
            let step = step.get();
            let category = category
                .with(|c| c.as_ref().map(|c| c.code.clone()))
                .or_else(|| pending.with(|p| p.as_ref().and_then(|(c, _)| c.clone())));
            let typed = category.is_some()
                || !description.with(String::is_empty)
                || !resident_phone.with(String::is_empty);
            // Sent (step 5 is the confirmation), or nothing typed yet: nothing to keep.
            (step != 5 && typed).then(|| ComplaintDraft {
                key: key.get(),
                step,
                resident_phone: resident_phone.get(),
                channel: channel.get(),
                category,
                description: description.get(),
                public: public.get(),
                place: place.get(),
                contact: CONTACT_TIMES
                    .iter()
                    .position(|k| *k == contact.get())
                    .unwrap_or(0),
            })
        },
    );
    let discard = {
        let draft = draft.clone();
        Callback::new(move |()| {
            draft.discard();
            key.set(submission_key());
            resident_phone.set(String::new());
            category.set(None);
            pending.set(None);
            description.set(String::new());
            public.set(false);
            place.set(String::new());
            contact.set(CONTACT_TIMES[0]);
            errors.set(FieldErrors::new());
            step.set(first_step);
        })
    };

    spawn_local(async move {
        match api::case_categories().await {
            Ok(list) => {
                if let Some((code, at)) = pending.get_untracked() {
                    let found = code.and_then(|code| list.iter().find(|c| c.code == code).cloned());
                    // Back at the step the person had reached (a later step needs a category).
                    let at = if found.is_some() || at <= 1 { at } else { 1 };
                    category.set(found);
                    pending.set(None);
                    step.set(at.max(first_step));
                }
                categories.set(list);
            }
            Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
        }
    });

    let request = move || CreateCaseRequest {
        client_key: key.get_untracked(),
        category: category.get_untracked().map(|c| c.code).unwrap_or_default(),
        description: description.get_untracked(),
        public_place: public.get_untracked().then(|| place.get_untracked()),
        contact_time: Some(text(Locale::ZhCn, contact.get_untracked()).to_owned()),
        on_behalf_of_phone: for_resident.then(|| resident_phone.get_untracked()),
        channel: for_resident.then(|| channel.get_untracked()),
    };
    let go = move |n: u8| {
        errors.set(FieldErrors::new());
        general.set(None);
        step.set(n);
    };
    // Each new step (not the first screen): its heading takes the focus, the title names it.
    Effect::new(move |previous: Option<u8>| {
        let now = step.get();
        if previous.is_some_and(|p| p != now) {
            crate::components::screen::focus_new_step();
        }
        now
    });
    let request_for_check = request;
    let check_details = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found = FieldErrors::new();
        for (f, zh, en) in check_case_text(&request_for_check()) {
            if f != "client_key" {
                found.insert(f.into(), FieldError::new(zh, en));
            }
        }
        errors.set(found);
        if errors.with_untracked(FieldErrors::is_empty) {
            go(PHOTOS);
        }
    };
    // A chosen file that is not a photo, said at once (the photos are sent with the case).
    let photo_error = RwSignal::new(None::<FieldError>);
    let add_photos = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        input.set_value("");
        photo_error.set(None);
        spawn_local(async move {
            for file in files {
                if photo_blobs.with_untracked(Vec::len) >= MAX_PHOTOS_PER_STAGE {
                    break;
                }
                if let Err(refused) = check_file(&file, false).await {
                    photo_error.set(Some(refused));
                    continue;
                }
                let blob = shrink(&file).await;
                let url = web_sys::Url::create_object_url_with_blob(&blob).unwrap_or_default();
                photo_blobs.update(|b| b.push(blob));
                photo_urls.update(|u| u.push(url));
            }
        });
    };
    let remove_photo = move |i: usize| {
        photo_blobs.update(|b| {
            if i < b.len() {
                b.remove(i);
            }
        });
        photo_urls.update(|u| {
            if i < u.len() {
                let _ = web_sys::Url::revoke_object_url(&u.remove(i));
            }
        });
    };
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let req = request();
        let draft = draft.clone();
        spawn_local(async move {
            match api::create_case(&req).await {
                Ok(case) => {
                    let blobs = photo_blobs.get_untracked();
                    let mut uploaded = 0;
                    let mut failure = None;
                    for blob in &blobs {
                        match upload_with_retry(case.id, PhotoStage::Report, blob).await {
                            Ok(_) => uploaded += 1,
                            Err(e) => {
                                failure = Some(
                                    e.fields
                                        .values()
                                        .next()
                                        .cloned()
                                        .unwrap_or(FieldError::new(e.message, e.message_en)),
                                )
                            }
                        }
                    }
                    photo_outcome.set(if blobs.is_empty() {
                        None
                    } else {
                        Some(failure.map_or(Ok(uploaded), Err))
                    });
                    created.set(Some(case));
                    step.set(5);
                    draft.discard();
                }
                Err(e) => {
                    if e.fields.contains_key("on_behalf_of_phone") {
                        step.set(0);
                    }
                    errors.set(e.fields.clone());
                    general.set(Some(FieldError::new(e.message, e.message_en)));
                }
            }
            busy.set(false);
        });
    };

    let category_buttons = move |kind: CaseKind| {
        categories
            .get()
            .into_iter()
            .filter(|c| c.kind == kind)
            .map(|c| {
                let label = c.code.clone();
                let chosen = c.clone();
                view! {
                    <li>
                        <button type="button" class="choice" data-code=label
                            on:click=move |_| {
                                // The place question starts where this kind of problem usually is.
                                if let Some(shared) = usually_in_shared_area(&chosen.code) {
                                    public.set(shared);
                                }
                                category.set(Some(chosen.clone()));
                                go(2);
                            }>
                            {category_label(&c, locale.get())}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    let back = move |to: u8| {
        view! {
            <p><button type="button" class="link-button" on:click=move |_| go(to)>{tr("new.back")}</button></p>
        }
    };
    let field_error = move |name: &'static str| {
        move || {
            errors.with(|e| e.get(name).map(|err| view! { <p class="field-error" id=format!("{name}-error")>{pick(locale.get(), err)}</p> }))
        }
    };

    let check_resident = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match PhoneNumber::parse(&resident_phone.get_untracked()) {
            Ok(_) => go(1),
            Err(e) => {
                let (zh, en) = e.message();
                let mut found = FieldErrors::new();
                found.insert("on_behalf_of_phone".into(), FieldError::new(zh, en));
                errors.set(found);
            }
        }
    };

    let page = move || {
        let step_now = step.get();
        if step_now != 1 {
            // The heading the page may have come with is the first step's (a resident's).
            crate::components::shell::leave();
        }
        match step_now {
        0 => view! {
            <h1>{tr("new.for_resident")}</h1>
            <ErrorSummary errors general />
            <form class="form" on:submit=check_resident novalidate>
                <TextField id="on_behalf_of_phone" label="new.resident_phone" hint="new.resident_phone_hint"
                    value=resident_phone errors kind="tel" inputmode="tel" />
                <fieldset class="fieldset">
                    <legend>{tr("new.channel")}</legend>
                    {[(Channel::Phone, "new.channel_phone"), (Channel::WalkIn, "new.channel_walk_in")].into_iter().map(|(c, key)| view! {
                        <div class="radio">
                            <input type="radio" id=key name="channel" prop:checked=move || channel.get() == c
                                on:change=move |_| channel.set(c) />
                            <label for=key>{tr(key)}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">{tr("new.next")}</button>
            </form>
        }.into_any(),
        1 => {
            // On a visit's first page these two came with it (taken over, not drawn again).
            let sent = crate::components::shell::adopt(&anju_domain::bundle::SENT_NEW_CASE);
            view! {
                {(!sent).then(|| view! {
                    <h1>{tr("new.step1")}</h1>
                    <p class="lead">{tr("new.step1_intro")}</p>
                })}
                <ErrorSummary errors general />
                <h2>{tr("new.complaints")}</h2>
                <ul class="choices">{move || category_buttons(CaseKind::Complaint)}</ul>
                <h2>{tr("new.inquiries")}</h2>
                <ul class="choices">{move || category_buttons(CaseKind::Inquiry)}</ul>
            }.into_any()
        }
        2 => view! {
            {back(1)}
            <h1>{tr("new.step2")}</h1>
            <ErrorSummary errors general />
            <form class="form" on:submit=check_details novalidate>
                <div class="field" class:field--error=move || errors.with(|e| e.contains_key("description"))>
                    <label for="description">{tr("new.description")}</label>
                    <p class="hint" id="description-hint">{tr("new.description_hint")}</p>
                    {field_error("description")}
                    <textarea id="description" name="description" rows="5" aria-describedby="description-hint description-count"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    // The limit is said while writing, not only after 下一步.
                    <p class="hint" id="description-count"
                        class:field-error=move || description.with(|d| d.chars().count() > DESCRIPTION_MAX_CHARS)>
                        {move || {
                            let written = description.with(|d| d.chars().count());
                            text(locale.get(), "new.description_count")
                                .replace("{n}", &written.to_string())
                                .replace("{max}", &DESCRIPTION_MAX_CHARS.to_string())
                        }}
                    </p>
                </div>
                <fieldset class="fieldset">
                    <legend>{tr("new.where")}</legend>
                    <div class="radio">
                        <input type="radio" id="where-home" name="where" prop:checked=move || !public.get()
                            on:change=move |_| public.set(false) />
                        <label for="where-home">{tr("new.where_home")}</label>
                    </div>
                    <div class="radio">
                        <input type="radio" id="where-public" name="where" prop:checked=move || public.get()
                            on:change=move |_| public.set(true) />
                        <label for="where-public">{tr("new.where_public")}</label>
                    </div>
                    <Show when=move || public.get()>
                        <div class="field" class:field--error=move || errors.with(|e| e.contains_key("public_place"))>
                            <label for="public_place">{tr("new.place")}</label>
                            <p class="hint" id="place-hint">{tr("new.place_hint")}</p>
                            {field_error("public_place")}
                            <input id="public_place" type="text" aria-describedby="place-hint"
                                prop:value=move || place.get()
                                on:input=move |ev| place.set(event_target_value(&ev)) />
                        </div>
                    </Show>
                </fieldset>
                <button type="submit" class="button">{tr("new.next")}</button>
            </form>
        }.into_any(),
        PHOTOS => view! {
            {back(2)}
            <h1>{tr("new.photos")}</h1>
            <p>{tr("new.photos_intro")}</p>
            <div class="field" class:field--error=move || photo_error.with(Option::is_some)>
                <label for="new-photos">{tr("photos.add")}</label>
                <p class="hint" id="new-photos-hint">{tr("photos.hint")}</p>
                {move || photo_error.get().map(|e| view! { <p class="field-error" role="alert">{crate::i18n::pick(locale.get(), &e)}</p> })}
                <input id="new-photos" type="file" accept="image/*" multiple aria-describedby="new-photos-hint"
                    prop:disabled=move || { photo_urls.with(Vec::len) >= MAX_PHOTOS_PER_STAGE } on:change=add_photos />
            </div>
            <ul class="photos">
                {move || photo_urls.get().into_iter().enumerate().map(|(i, url)| view! {
                    <li>
                        <img src=url alt=format!("{} {}", text(locale.get(), "photos.report_alt"), i + 1) />
                        <button type="button" class="link-button" on:click=move |_| remove_photo(i)>
                            {format!("{} {}", text(locale.get(), "new.remove_photo"), i + 1)}
                        </button>
                    </li>
                }).collect_view()}
            </ul>
            <p><button type="button" class="button" on:click=move |_| go(3)>{tr("new.next")}</button></p>
        }.into_any(),
        3 => view! {
            {back(PHOTOS)}
            <form class="form" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); go(4); }>
                <fieldset class="fieldset">
                    <legend><h1 class="legend-heading">{tr("new.step3")}</h1></legend>
                    {CONTACT_TIMES.into_iter().map(|k| view! {
                        <div class="radio">
                            <input type="radio" id=k name="contact" prop:checked=move || contact.get() == k
                                on:change=move |_| contact.set(k) />
                            <label for=k>{tr(k)}</label>
                        </div>
                    }).collect_view()}
                </fieldset>
                <button type="submit" class="button">{tr("new.next")}</button>
            </form>
        }.into_any(),
        4 => view! {
            {back(3)}
            <h1>{tr("new.step4")}</h1>
            <ErrorSummary errors general />
            <dl class="summary-list">
                <div>
                    <dt>{tr("new.category")}</dt>
                    <dd>{move || category.get().map(|c| category_label(&c, locale.get()))}</dd>
                    <dd><button type="button" class="link-button" on:click=move |_| go(1)>{tr("new.change")} " " <span class="visually-hidden">{tr("new.category")}</span></button></dd>
                </div>
                <div>
                    <dt>{tr("case.description")}</dt>
                    <dd class="prewrap">{move || description.get()}</dd>
                    <dd><button type="button" class="link-button" on:click=move |_| go(2)>{tr("new.change")} " " <span class="visually-hidden">{tr("case.description")}</span></button></dd>
                </div>
                <div>
                    <dt>{tr("case.place")}</dt>
                    <dd>{move || if public.get() { place.get() } else { text(locale.get(), "case.home").to_owned() }}</dd>
                    <dd><button type="button" class="link-button" on:click=move |_| go(2)>{tr("new.change")} " " <span class="visually-hidden">{tr("case.place")}</span></button></dd>
                </div>
                <div>
                    <dt>{tr("photos.title")}</dt>
                    <dd>{move || photo_urls.with(Vec::len)}</dd>
                    <dd><button type="button" class="link-button" on:click=move |_| go(PHOTOS)>{tr("new.change")} " " <span class="visually-hidden">{tr("photos.title")}</span></button></dd>
                </div>
                <div>
                    <dt>{tr("case.contact_time")}</dt>
                    <dd>{move || text(locale.get(), contact.get())}</dd>
                    <dd><button type="button" class="link-button" on:click=move |_| go(3)>{tr("new.change")} " " <span class="visually-hidden">{tr("case.contact_time")}</span></button></dd>
                </div>
            </dl>
            <button type="button" class="button" prop:disabled=move || busy.get() on:click=submit.clone()>
                {move || if busy.get() { tr("new.submitting")() } else { tr("new.submit")() }}
            </button>
        }.into_any(),
        _ => view! {
            <div class="panel-confirmation" role="status">
                <h1>{tr("new.done_title")}</h1>
                <p>{tr("new.done_reference")}</p>
                <p class="reference" data-testid="reference">{move || created.get().map(|c| c.reference)}</p>
            </div>
            {move || photo_outcome.get().map(|o| match o {
                Ok(n) => view! { <p role="status">{tr("new.photos_uploaded")} " " {n}</p> }.into_any(),
                Err(e) => view! { <p class="field-error" role="alert">{pick(locale.get(), &e)} " " {tr("new.photos_retry")}</p> }.into_any(),
            })}
            <p>{tr("new.done_next")}</p>
            <p>{move || created.get().map(|c| view! {
                <A href=format!("/complaints/{}", c.id) attr:class="button">{tr("new.view_case")}</A>
            })}</p>
            <p><A href="/complaints">{tr("cases.mine")}</A></p>
        }.into_any(),
    }
    };
    view! {
        <DraftKept restored on_discard=discard />
        {page}
    }
}
