//! What every typed refusal from a decision says, so the server turns all of them into the
//! envelope the same way: who may not do it at all, the wrong moment for it, or a part of the
//! request that is missing or wrong (named).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// This kind of person may never do this (403).
    NotAllowed,
    /// Not now: the subject is in another state (409).
    WrongMoment,
    /// The request lacks something or has it wrong (422, naming the field).
    BadInput,
}

pub trait Refusal: Copy {
    fn kind(self) -> RefusalKind;
    /// The request field the refusal is about.
    fn field(self) -> &'static str;
    /// Chinese, English.
    fn message(self) -> (&'static str, &'static str);
}
