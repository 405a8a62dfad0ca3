//! Community notices and the buildings' concierge contacts, for the staff of an area: post a
//! notice for a community or a building (urgent ones are also sent to each household), see
//! what is on, coming or ended, take one down; set each building's concierge.

use crate::api;
use crate::components::field::{ErrorSummary, FieldErrors, TextField};
use crate::components::photos::PhotoPicker;
use crate::i18n::{page_title, pick, tr};
use crate::state::{submission_key, Prefs};
use anju_domain::notice::{
    check_concierge, check_notice, ConciergeRequest, ConciergeView, NoticeKind, NoticeList,
    NoticePost, NoticeView,
};
use anju_domain::{FieldError, Locale};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `李师傅 的照片`: the text of a concierge's photo.
fn photo_of(locale: Locale, person: &str) -> String {
    crate::i18n::text(locale, "concierge.photo_of").replace("{}", person)
}

fn kind_words(locale: Locale, kind: NoticeKind) -> &'static str {
    let (zh, en) = kind.words();
    if locale == Locale::En {
        en
    } else {
        zh
    }
}

#[component]
pub fn Notices() -> impl IntoView {
    page_title("notices.title");
    let list = RwSignal::new(None::<NoticeList>);
    let general = RwSignal::new(None::<FieldError>);
    // Kept here: the form below is rebuilt when the list reloads after a post. `posted` holds
    // what was said (posted or changed) and the notice.
    let posted = RwSignal::new(None::<(&'static str, NoticeView)>);
    // The notice being changed in the form, if any.
    let editing = RwSignal::new(None::<NoticeView>);
    let reload = move || {
        spawn_local(async move {
            match api::notices().await {
                Ok(l) => {
                    general.set(None);
                    list.set(Some(l));
                }
                Err(e) => general.set(Some(FieldError::new(e.message, e.message_en))),
            }
        })
    };
    reload();
    view! {
        <h1>{tr("notices.title")}</h1>
        <p>{tr("notices.intro")}</p>
        {move || general.get().map(|e| {
            let locale = expect_context::<Prefs>().locale;
            view! {
                <p class="field-error" role="alert">{move || pick(locale.get(), &e)}</p>
                <button type="button" class="button button--secondary" on:click=move |_| reload()>{tr("notices.retry")}</button>
            }
        })}
        {move || list.get().map(|l| view! {
            <PostNotice list=l.clone() posted editing on_posted=Callback::new(move |_| reload()) />
            <NoticeTable items=l.items editing on_change=Callback::new(move |_| reload()) />
        })}
        <Concierges />
    }
}

#[component]
fn PostNotice(
    list: NoticeList,
    posted: RwSignal<Option<(&'static str, NoticeView)>>,
    editing: RwSignal<Option<NoticeView>>,
    on_posted: Callback<()>,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let scope = RwSignal::new(list.places.first().map(|p| p.id).unwrap_or(0));
    let kind = RwSignal::new(NoticeKind::Water);
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let starts = RwSignal::new(String::new());
    let ends = RwSignal::new(String::new());
    let urgent = RwSignal::new(false);
    let key = RwSignal::new(submission_key());
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let heading = NodeRef::<leptos::html::H2>::new();
    // The form holds the notice chosen for changing (its times as the fields take them:
    // `2026-12-08T09:00`, Shanghai), or is empty for a new one.
    Effect::new(move |_| {
        let chosen = editing.get();
        errors.set(FieldErrors::new());
        general.set(None);
        let Some(n) = chosen else {
            return;
        };
        scope.set(n.scope_id);
        kind.set(n.kind);
        title.set(n.title);
        body.set(n.body);
        starts.set(n.starts_at.chars().take(16).collect());
        ends.set(n.ends_at.chars().take(16).collect());
        urgent.set(n.urgent);
        // The form is above the list: bring the keyboard and the screen reader to it.
        if let Some(h) = heading.get_untracked() {
            let _ = h.focus();
            h.scroll_into_view();
        }
    });
    let clear = move || {
        title.set(String::new());
        body.set(String::new());
        starts.set(String::new());
        ends.set(String::new());
        urgent.set(false);
    };
    let cancel = move |_| {
        editing.set(None);
        clear();
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let post = NoticePost {
            scope_id: scope.get_untracked(),
            kind: kind.get_untracked(),
            title: title.get_untracked(),
            body: body.get_untracked(),
            starts_at: starts.get_untracked(),
            ends_at: ends.get_untracked(),
            urgent: urgent.get_untracked(),
            client_key: key.get_untracked(),
        };
        let now = (js_sys::Date::now() / 1000.0) as i64;
        let problems = check_notice(&post, now);
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        let changing = editing.get_untracked().map(|n| n.id);
        spawn_local(async move {
            let sent = match changing {
                Some(id) => api::edit_notice(id, &post).await,
                None => api::post_notice(&post).await,
            };
            match sent {
                Ok(v) => {
                    errors.set(FieldErrors::new());
                    general.set(None);
                    editing.set(None);
                    clear();
                    // The next notice is a new one.
                    key.set(submission_key());
                    let said = if changing.is_some() {
                        "notices.saved"
                    } else {
                        "notices.posted"
                    };
                    posted.set(Some((said, v)));
                    on_posted.run(());
                }
                Err(e) => {
                    let mut fields = e.fields.clone();
                    // Withdrawn or ended meanwhile: about the notice, not one of the fields.
                    let about_notice = fields.remove("notice");
                    if fields.is_empty() {
                        general.set(Some(
                            about_notice.unwrap_or(FieldError::new(e.message, e.message_en)),
                        ));
                    }
                    errors.set(fields);
                }
            }
        });
    };
    let error_of = move |field: &'static str| {
        move || {
            errors
                .with(|e| e.get(field).map(|err| pick(locale.get(), err)))
                .map(|msg| {
                    view! { <p class="field-error" id=format!("{field}-error")>{msg}</p> }
                })
        }
    };
    let places = list.places.clone();
    view! {
        <h2 id="post-title" tabindex="-1" node_ref=heading>
            {move || if editing.with(Option::is_some) { tr("notices.edit_title")() } else { tr("notices.post_title")() }}
        </h2>
        <ErrorSummary errors general order=&["scope_id", "kind", "title", "body", "starts_at", "ends_at"] />
        {move || posted.get().map(|(said, v)| view! {
            <p class="panel-result" role="status">
                {tr(said)} " " {v.title.clone()}
                {v.households_told.map(|n| view! { " · " {tr("notices.told")} " " {n} })}
            </p>
        })}
        {move || editing.with(Option::is_some).then(|| view! { <p>{tr("notices.edit_hint")}</p> })}
        <form class="form" on:submit=submit novalidate aria-labelledby="post-title">
            <div class="field">
                <label for="scope_id">{tr("notices.scope")}</label>
                {error_of("scope_id")}
                // A posted notice keeps its place (the server refuses a move).
                <select id="scope_id" prop:value=move || scope.get().to_string()
                    prop:disabled=move || editing.with(Option::is_some)
                    on:change=move |ev| scope.set(event_target_value(&ev).parse().unwrap_or(0))>
                    {places.into_iter().map(|p| view! {
                        <option value=p.id.to_string()>{p.name}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="kind">{tr("notices.kind")}</label>
                <select id="kind" prop:value=move || kind.get().as_str() on:change=move |ev| {
                    if let Some(k) = NoticeKind::parse(&event_target_value(&ev)) {
                        kind.set(k);
                    }
                }>
                    {NoticeKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str()>{move || kind_words(locale.get(), k)}</option>
                    }).collect_view()}
                </select>
            </div>
            <TextField id="title" label="notices.title_label" hint="notices.title_hint" value=title errors />
            <div class="field" class:field--error=move || errors.with(|e| e.contains_key("body"))>
                <label for="body">{tr("notices.body")}</label>
                <p class="hint" id="body-hint">{tr("notices.body_hint")}</p>
                {error_of("body")}
                <textarea id="body" rows="4" aria-describedby="body-hint"
                    aria-invalid=move || errors.with(|e| e.contains_key("body")).then_some("true")
                    prop:value=move || body.get()
                    on:input=move |ev| body.set(event_target_value(&ev))></textarea>
            </div>
            <TextField id="starts_at" label="notices.starts" value=starts errors kind="datetime-local" />
            <TextField id="ends_at" label="notices.ends" value=ends errors kind="datetime-local" />
            <div class="checkbox checkbox--large">
                <input type="checkbox" id="urgent" prop:checked=move || urgent.get()
                    on:change=move |ev| urgent.set(event_target_checked(&ev)) />
                <label for="urgent">{tr("notices.urgent")}</label>
            </div>
            {move || match editing.get() {
                Some(_) => view! {
                    <button type="submit" class="button">{tr("notices.save")}</button>
                    " "
                    <button type="button" class="button button--secondary" on:click=cancel>{tr("notices.cancel_edit")}</button>
                }.into_any(),
                None => view! { <button type="submit" class="button">{tr("notices.post")}</button> }.into_any(),
            }}
        </form>
    }
}

#[component]
fn NoticeTable(
    items: Vec<NoticeView>,
    editing: RwSignal<Option<NoticeView>>,
    on_change: Callback<()>,
) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let time = move |t: &str| crate::format::short_time(t, locale.get());
    view! {
        <h2>{tr("notices.list_title")}</h2>
        {items.is_empty().then(|| view! { <p>{tr("notices.none")}</p> })}
        <ul class="plain-list notice-list" data-testid="staff-notices">
            {items.into_iter().map(|n| {
                let state = if n.withdrawn {
                    "notices.state_withdrawn"
                } else if n.current {
                    "notices.state_current"
                } else if crate::format::minutes_left(&n.starts_at).is_some_and(|m| m > 0) {
                    "notices.state_coming"
                } else {
                    "notices.state_ended"
                };
                let can_withdraw = !n.withdrawn && state != "notices.state_ended";
                let id = n.id;
                let withdraw = move |_| {
                    spawn_local(async move {
                        if api::withdraw_notice(id).await.is_ok() {
                            on_change.run(());
                        }
                    });
                };
                let (starts, ends) = (n.starts_at.clone(), n.ends_at.clone());
                let kind = n.kind;
                view! {
                    <li class="notice-item">
                        <strong>{n.title.clone()}</strong>
                        " · " {move || kind_words(locale.get(), kind)}
                        " · " {tr(state)}
                        {n.urgent.then(|| view! { " · " {tr("notices.urgent_mark")} })}
                        <br />
                        {n.scope_name.clone()} " · " {move || time(&starts)} " – " {move || time(&ends)}
                        {n.households_told.map(|t| view! { " · " {tr("notices.told")} " " {t} })}
                        {can_withdraw.then(|| {
                            let chosen = n.clone();
                            view! {
                                <p>
                                    <button type="button" class="button button--secondary"
                                        on:click=move |_| editing.set(Some(chosen.clone()))>
                                        {tr("notices.edit")}<span class="visually-hidden">{format!("：{}", n.title)}</span>
                                    </button>
                                    " "
                                    <button type="button" class="button button--secondary" on:click=withdraw>
                                        {tr("notices.withdraw")}<span class="visually-hidden">{format!("：{}", n.title)}</span>
                                    </button>
                                </p>
                            }
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Each building of the area with its concierge contact, and a form to set one.
#[component]
fn Concierges() -> impl IntoView {
    let items = RwSignal::new(Vec::<ConciergeView>::new());
    let editing = RwSignal::new(None::<i64>);
    let reload = move || {
        spawn_local(async move {
            if let Ok(l) = api::concierges().await {
                items.set(l.items);
            }
        })
    };
    reload();
    view! {
        <h2 id="concierge-title">{tr("concierge.title")}</h2>
        <p>{tr("concierge.intro")}</p>
        <ul class="plain-list" data-testid="concierges">
            <For each=move || items.get() key=|b| (b.building_id, b.contact.clone(), b.photo_url.clone()) let:b>
                {
                    let id = b.building_id;
                    let contact = b.contact.clone();
                    let photo = b.photo_url.clone();
                    let name = b.building_name.clone();
                    view! {
                        <li>
                            <strong>{name.clone()}</strong> " · "
                            {match contact.clone() {
                                Some(c) => view! {
                                    {c.name} " (" {c.role} ") " {c.phone} " · " {c.hours}
                                    {b.photo_url.is_some().then(|| view! { " · " {tr("concierge.has_photo")} })}
                                }.into_any(),
                                None => view! { {tr("concierge.none")} }.into_any(),
                            }}
                            " "
                            <button type="button" class="button button--secondary" on:click=move |_| editing.set(Some(id))>
                                {tr("concierge.edit")}<span class="visually-hidden">{format!("：{name}")}</span>
                            </button>
                            {move || (editing.get() == Some(id)).then(|| view! {
                                <ConciergeForm building=id current=contact.clone() photo=photo.clone()
                                    on_done=Callback::new(move |_| { editing.set(None); reload(); }) />
                            })}
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

#[component]
fn ConciergeForm(
    building: i64,
    current: Option<ConciergeRequest>,
    photo: Option<String>,
    on_done: Callback<()>,
) -> impl IntoView {
    let had_one = current.is_some();
    let person = current.as_ref().map(|c| c.name.clone()).unwrap_or_default();
    let c = current.unwrap_or(ConciergeRequest {
        name: String::new(),
        role: String::new(),
        phone: String::new(),
        hours: String::new(),
    });
    let name = RwSignal::new(c.name);
    let role = RwSignal::new(c.role);
    let phone = RwSignal::new(c.phone);
    let hours = RwSignal::new(c.hours);
    let errors = RwSignal::new(FieldErrors::new());
    let general = RwSignal::new(None::<FieldError>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = ConciergeRequest {
            name: name.get_untracked(),
            role: role.get_untracked(),
            phone: phone.get_untracked(),
            hours: hours.get_untracked(),
        };
        let problems = check_concierge(&req);
        if !problems.is_empty() {
            errors.set(problems);
            return;
        }
        spawn_local(async move {
            match api::set_concierge(building, &req).await {
                Ok(_) => on_done.run(()),
                Err(e) => {
                    errors.set(e.fields.clone());
                    if e.fields.is_empty() {
                        general.set(Some(FieldError::new(e.message, e.message_en)));
                    }
                }
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            if api::remove_concierge(building).await.is_ok() {
                on_done.run(());
            }
        });
    };
    let heading = NodeRef::<leptos::html::H3>::new();
    // The form appears below the button: move focus to it so keyboard users land there.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    view! {
        <h3 tabindex="-1" node_ref=heading>{tr("concierge.form_title")}</h3>
        <ErrorSummary errors general order=&["name", "role", "phone", "hours"] />
        <form class="form" on:submit=save novalidate>
            <TextField id="name" label="concierge.name" value=name errors />
            <TextField id="role" label="concierge.role" hint="concierge.role_hint" value=role errors />
            <TextField id="phone" label="concierge.phone" value=phone errors kind="tel" inputmode="tel" />
            <TextField id="hours" label="concierge.hours" hint="concierge.hours_hint" value=hours errors />
            <button type="submit" class="button">{tr("concierge.save")}</button>
            {had_one.then(|| view! {
                " " <button type="button" class="button button--secondary" on:click=remove>{tr("concierge.remove")}</button>
            })}
        </form>
        {if had_one {
            view! { <ConciergePhoto building photo person /> }.into_any()
        } else {
            view! { <p class="hint">{tr("concierge.photo_first")}</p> }.into_any()
        }}
    }
}

/// The concierge's optional photo: chosen, shrunk and sent at once (it replaces the last one),
/// shown as the building's residents will see it, and removable.
#[component]
fn ConciergePhoto(building: i64, photo: Option<String>, person: String) -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let photo = RwSignal::new(photo);
    let saved = RwSignal::new(false);
    let upload = move |blob: web_sys::Blob| async move {
        let view = api::set_concierge_photo(building, &blob).await?;
        photo.set(view.photo_url);
        saved.set(true);
        Ok(())
    };
    let remove = move |_| {
        spawn_local(async move {
            if let Ok(view) = api::remove_concierge_photo(building).await {
                photo.set(view.photo_url);
                saved.set(false);
            }
        });
    };
    let alt = move || photo_of(locale.get(), &person);
    view! {
        <PhotoPicker input_id=format!("concierge-photo-{building}") label="concierge.photo" upload />
        <p role="status">{move || saved.get().then(|| tr("concierge.photo_saved"))}</p>
        {move || photo.get().map(|url| view! {
            <p><img class="concierge-photo" src=url alt=alt.clone() width="96" height="96" /></p>
            <p><button type="button" class="button button--secondary" on:click=remove>{tr("concierge.photo_remove")}</button></p>
        })}
    }
}

/// The notices over a resident's home and their building's concierge, for the home page.
#[component]
pub fn HomeBoardPanel() -> impl IntoView {
    let locale = expect_context::<Prefs>().locale;
    let board = RwSignal::new(None::<anju_domain::notice::HomeBoard>);
    spawn_local(async move {
        if let Ok(b) = api::home_board().await {
            board.set(Some(b));
        }
    });
    let time = move |t: &str| crate::format::short_time(t, locale.get());
    move || {
        {
        board.get().map(|b| {
            let notices = b.notices;
            let concierge = b
                .concierge
                .and_then(|c| c.contact.map(|k| (c.building_name, k, c.photo_url)));
            view! {
                {(!notices.is_empty()).then(|| view! {
                    <section class="home-notices" aria-labelledby="home-notices-title">
                        <h2 id="home-notices-title">{tr("home.notices")}</h2>
                        // Cards without bullets, side by side where there is room.
                        <ul class="services">
                            {notices.into_iter().map(|n| {
                                let (starts, ends) = (n.starts_at.clone(), n.ends_at.clone());
                                let kind = n.kind;
                                view! {
                                    <li class="service-card" class:notice-card--urgent=n.urgent>
                                        <p><strong>
                                            {move || kind_words(locale.get(), kind)}
                                            {(!n.current).then(|| view! { " · " {tr("notices.state_coming")} })}
                                            {n.urgent.then(|| view! { " · " {tr("notices.urgent_mark")} })}
                                        </strong></p>
                                        <h3>{n.title.clone()}</h3>
                                        <p>
                                            {n.scope_name.clone()} " · " {move || time(&starts)} " – " {move || time(&ends)}
                                        </p>
                                        <p>{n.body.clone()}</p>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                })}
                {concierge.map(|(building, c, photo)| view! {
                    <section class="service-card" aria-labelledby="concierge-card-title">
                        <h2 id="concierge-card-title">{tr("home.concierge")} " · " {building}</h2>
                        {photo.map(|url| {
                            let person = c.name.clone();
                            view! {
                                <img class="concierge-photo" src=url width="96" height="96"
                                    alt=move || photo_of(locale.get(), &person) />
                            }
                        })}
                        <p>{c.name} " · " {c.role}</p>
                        <p><a class="button button--secondary" href=format!("tel:{}", c.phone.replace([' ', '-'], ""))>
                            {tr("home.call")} " " {c.phone.clone()}
                        </a></p>
                        <p>{tr("home.service_hours")} " " {c.hours}</p>
                    </section>
                })}
            }
        })
    }
    .into_any()
    }
}
