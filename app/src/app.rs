//! The root component: state, routes and the page frame.

use crate::api;
use crate::components::layout::Layout;
use crate::pages::{home::Home, not_found::NotFound};
use crate::routes::{group_pages, load_group, prefetch};
use crate::state::{Prefs, Session};
use anju_domain::pages::{group_of_path, PageGroup};
use leptos::prelude::*;
use leptos::reactive::computed::ScopedFuture;
use leptos::task::spawn_local;
use leptos_router::components::Router;
use leptos_router::hooks::use_location;
use leptos_router::location::{BrowserUrl, LocationProvider};

#[component]
pub fn App() -> impl IntoView {
    let prefs = Prefs::from_device();
    prefs.sync_to_document();
    let session = Session {
        user: RwSignal::new(None),
        unread: RwSignal::new(0),
        loaded: RwSignal::new(false),
    };
    provide_context(prefs);
    provide_context(session);
    spawn_local(async move {
        if let Ok(Some(account)) = api::session().await {
            prefs.apply(account.preferences);
            session.user.set(Some(account));
        }
        session.loaded.set(true);
    });
    Effect::new(move |_| {
        session.user.track();
        session.refresh_unread();
    });
    // Once it is known who is here (and again after signing in), fetch the code of the pages
    // they are likely to open next.
    Effect::new(move |_| {
        if session.loaded.get() {
            prefetch(session.user.with(|u| u.as_ref().map(|u| u.role)));
        }
    });
    let _ = set_interval_with_handle(
        move || session.refresh_unread(),
        std::time::Duration::from_secs(60),
    );

    view! {
        <Router>
            <Layout>
                <Pages />
            </Layout>
        </Router>
    }
}

/// Where a path leads: the home page and the not-found page are in the main module, every
/// other page in a group's chunk.
#[derive(Clone, Copy, PartialEq)]
enum Area {
    Home,
    Unknown,
    Group(PageGroup),
}

fn area_of(path: &str) -> Area {
    if path.trim_end_matches('/').is_empty() {
        return Area::Home;
    }
    group_of_path(path).map_or(Area::Unknown, Area::Group)
}

/// The page for the current path. Moving between pages of one group keeps that group's router
/// (its `<Routes>` switches the page); moving to another group loads that group's chunk.
///
/// The router puts a new path in the address bar only once the page for it is ready; its
/// `<Routes>` says so when it switches pages, but not when it is first built, so for a new
/// area (and its first page) this says it.
#[component]
fn Pages() -> impl IntoView {
    let location = use_location();
    let browser = use_context::<BrowserUrl>();
    let area = Memo::new(move |_| location.pathname.with(|p| area_of(p)));
    move || {
        let browser = browser.clone();
        let ready = move || {
            if let Some(browser) = &browser {
                browser.ready_to_complete();
            }
        };
        match area.get() {
            Area::Home => {
                ready();
                view! { <Home /> }.into_any()
            }
            Area::Unknown => {
                ready();
                view! { <NotFound /> }.into_any()
            }
            // Loaded by a task rather than under `<Suspense>`: that machinery (and the wrapper
            // that would make the loader's future `Send`) cost the main module ~4 KB brotli.
            // The slot is read once, when the task fills it; leaving the group disposes it.
            Area::Group(group) => {
                let page = RwSignal::new_local(None::<AnyView>);
                // The group's pages are built in the task, under this owner (their router
                // needs the `<Router>`'s context) but tracked by nothing here.
                spawn_local(ScopedFuture::new_untracked(async move {
                    load_group(group).await;
                    if page.is_disposed() {
                        // Gone elsewhere while it downloaded: nothing to build or announce.
                        return;
                    }
                    let loaded = group_pages(group).await;
                    ready();
                    page.try_set(Some(loaded));
                }));
                (move || {
                    page.track();
                    page.try_update_untracked(Option::take).flatten()
                })
                .into_any()
            }
        }
    }
}
