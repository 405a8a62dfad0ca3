//! What the screens of one retrofit application share: the application as last saved, the
//! screen the person is on, errors, and saving a screen.

use crate::api;
use crate::components::draft::Draft;
use crate::components::field::FieldErrors;
use crate::components::screen::focus_new_step;
use anju_domain::application::{ApplicationView, SectionUpdate, Task};
use anju_domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Screen {
    Tasks,
    Task(Task),
    Check,
    Done,
}

/// Shared by the screens: the application as last saved, and where the person is.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub app: RwSignal<Option<ApplicationView>>,
    pub screen: RwSignal<Screen>,
    pub errors: RwSignal<FieldErrors>,
    pub general: RwSignal<Option<FieldError>>,
    pub busy: RwSignal<bool>,
    /// Who is signed in: the screens' kept drafts are theirs.
    pub account: Option<i64>,
}

impl Ctx {
    pub fn id(&self) -> i64 {
        self.app
            .with_untracked(|a| a.as_ref().map(|a| a.id).unwrap_or_default())
    }

    pub fn go(&self, s: Screen) {
        self.errors.set(FieldErrors::new());
        self.general.set(None);
        self.screen.set(s);
        focus_new_step();
    }

    pub fn fail(&self, e: anju_domain::ErrorEnvelope) {
        self.errors.set(e.fields.clone());
        self.general
            .set(Some(FieldError::new(e.message, e.message_en)));
    }

    /// Where what is typed on a task's screen is kept until it is saved.
    pub fn kept_draft(&self, task: Task) -> Draft {
        Draft::of(self.account, &format!("application.{}.{task:?}", self.id()))
    }

    /// Save one screen; on success go back to the task list (or `then`).
    pub fn save(&self, update: SectionUpdate, then: Screen) {
        if self.busy.get_untracked() {
            return;
        }
        self.busy.set(true);
        let ctx = *self;
        let id = self.id();
        let kept = match self.screen.get_untracked() {
            Screen::Task(task) => Some(self.kept_draft(task)),
            _ => None,
        };
        spawn_local(async move {
            match api::save_section(id, &update).await {
                Ok(view) => {
                    if let Some(kept) = kept {
                        kept.discard();
                    }
                    ctx.app.set(Some(view));
                    ctx.go(then);
                }
                Err(e) => ctx.fail(e),
            }
            ctx.busy.set(false);
        });
    }
}
