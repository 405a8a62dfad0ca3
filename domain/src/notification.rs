//! The in-app notification centre's API types.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationView {
    pub id: i64,
    /// RFC3339, +08:00.
    pub at: String,
    /// `deadline_warning`, `deadline_breach`, `case_update`, `retrofit_update`.
    pub kind: String,
    pub case_id: Option<i64>,
    /// A notice about a retrofit application links to it.
    #[serde(default)]
    pub application_id: Option<i64>,
    pub message: String,
    pub message_en: String,
    pub read: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotificationPage {
    pub items: Vec<NotificationView>,
    pub unread: i64,
    /// Pass as `before` for older notifications.
    pub next_before: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadCount {
    pub unread: i64,
}
