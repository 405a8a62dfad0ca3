//! Account, session and registration types shared by the API and the app.

use crate::{JurisdictionView, Role};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Locale {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh-CN" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

/// Per-account display preferences (also remembered per device by the app).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preferences {
    pub elder_mode: bool,
    pub locale: Locale,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// Raw input; validated with [`crate::PhoneNumber`] so errors can name the field.
    pub phone: String,
    pub password: String,
    pub display_name: String,
    /// A building node of the jurisdiction tree.
    pub building_id: i64,
    pub unit: String,
    pub room: String,
    /// The code texted to `phone` (purpose `register`).
    #[serde(default)]
    pub sms_code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignInRequest {
    pub phone: String,
    pub password: String,
    /// Asked for (`sms_code_required`) after many failures on the account from anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sms_code: Option<String>,
}

/// What a one-time SMS code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SmsPurpose {
    Register,
    ResetPassword,
    SignIn,
    /// Signed in: proves the guardian holds the invited number when accepting.
    GuardianAccept,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsCodeRequest {
    /// Ignored for `guardian_accept`: the code goes to the signed-in account's number.
    #[serde(default)]
    pub phone: String,
    pub purpose: SmsPurpose,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SmsCodeSent {
    pub expires_in_secs: i64,
    pub resend_after_secs: i64,
}

/// Forgotten password, by SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    pub phone: String,
    pub sms_code: String,
    pub new_password: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

/// Community staff reset a resident's password after checking their identity in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffResetRequest {
    pub phone: String,
    /// How the identity was checked (e.g. "身份证原件，本人到场").
    pub identity_check: String,
}

/// A one-off password to hand to the resident: it works for a day, and they are asked to
/// choose their own when they sign in with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffResetView {
    pub display_name: String,
    pub phone_masked: String,
    pub temporary_password: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionsEnded {
    pub ended: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateStaffRequest {
    pub phone: String,
    pub password: String,
    pub display_name: String,
    pub role: Role,
    pub jurisdiction_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HomeView {
    pub building: JurisdictionView,
    pub unit: String,
    pub room: String,
}

/// What `/api/me` and sign-in return. The phone number is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: i64,
    pub phone_masked: String,
    pub display_name: String,
    pub role: Role,
    /// Staff: the subtree they work in. Residents: their community.
    pub jurisdiction: Option<JurisdictionView>,
    pub home: Option<HomeView>,
    pub preferences: Preferences,
    /// Signed in with a one-off password from the community office: choose your own now.
    #[serde(default)]
    pub must_change_password: bool,
}

/// `GET /api/session`: who is signed in, if anyone (200 either way, unlike `/api/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub account: Option<AccountView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    /// Pass as `after` to get the next page; absent on the last page.
    pub next_after: Option<i64>,
}

/// Validation limits for free-text registration fields.
pub const DISPLAY_NAME_MAX: usize = 40;
pub const UNIT_ROOM_MAX: usize = 10;

/// Checks the free-text parts of a registration; returns `(field, zh, en)` for each problem.
pub fn check_registration_text(
    req: &RegisterRequest,
) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut problems = Vec::new();
    let name = req.display_name.trim();
    if name.is_empty() {
        problems.push(("display_name", "请填写您的称呼", "Enter your name"));
    } else if name.chars().count() > DISPLAY_NAME_MAX {
        problems.push((
            "display_name",
            "称呼不能超过 40 个字",
            "Your name must be 40 characters or fewer",
        ));
    }
    for (field, value, zh_empty, en_empty) in [
        ("unit", &req.unit, "请填写单元号", "Enter your unit"),
        ("room", &req.room, "请填写门牌号", "Enter your room number"),
    ] {
        let v = value.trim();
        if v.is_empty() {
            problems.push((field, zh_empty, en_empty));
        } else if v.chars().count() > UNIT_ROOM_MAX
            || !v.chars().all(|c| c.is_alphanumeric() || c == '-')
        {
            problems.push((
                field,
                "请只填写数字或字母，例如 2 或 301",
                "Use digits or letters only, for example 2 or 301",
            ));
        }
    }
    problems
}

/// Checks a new staff account's name, role and place, given who creates it and the level of
/// the chosen jurisdiction (`None` when it is not in the creator's area); returns
/// `(field, zh, en)` for each problem. Phone and password are checked like a registration's.
pub fn check_new_staff(
    req: &CreateStaffRequest,
    creator: Role,
    jurisdiction: Option<crate::JurisdictionLevel>,
) -> Vec<(&'static str, &'static str, &'static str)> {
    use crate::JurisdictionLevel as L;
    let mut problems = Vec::new();
    let name = req.display_name.trim();
    if name.is_empty() {
        problems.push(("display_name", "请填写姓名", "Enter a name"));
    } else if name.chars().count() > DISPLAY_NAME_MAX {
        problems.push((
            "display_name",
            "姓名不能超过 40 个字",
            "The name must be 40 characters or fewer",
        ));
    }
    // Only a system admin makes another; nobody makes a resident here (they register).
    if !req.role.is_staff() || (req.role == Role::SystemAdmin && creator != Role::SystemAdmin) {
        problems.push(("role", "不能创建这个角色", "You cannot create this role"));
    }
    match (jurisdiction, req.role.works_at()) {
        (None, _) => problems.push((
            "jurisdiction_id",
            "请选择您管辖范围内的区域",
            "Choose an area within your jurisdiction",
        )),
        (Some(level), Some(bound)) if level != bound => problems.push(match bound {
            L::Community => (
                "jurisdiction_id",
                "社区工作人员只能设在一个社区",
                "Community staff are bound to one community",
            ),
            L::Street => (
                "jurisdiction_id",
                "街道审核人员只能设在一个街道",
                "Street reviewers are bound to one street",
            ),
            _ => (
                "jurisdiction_id",
                "这个角色只能设在区县一级",
                "This role is bound to a county",
            ),
        }),
        _ => {}
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff(role: Role, name: &str) -> CreateStaffRequest {
        CreateStaffRequest {
            phone: "13912345678".into(),
            password: "a good passphrase".into(),
            display_name: name.into(),
            role,
            jurisdiction_id: 1,
        }
    }

    #[test]
    fn new_staff_is_bound_to_the_level_of_its_work() {
        use crate::JurisdictionLevel as L;
        let fields = |req: &CreateStaffRequest, by: Role, level: Option<L>| {
            check_new_staff(req, by, level)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
        };
        let county = Role::CountyAdmin;
        // (role, name, created by, level of the chosen area, fields refused)
        type Case = (Role, &'static str, Role, Option<L>, &'static [&'static str]);
        let table: [Case; 10] = [
            (Role::CommunityStaff, "李", county, Some(L::Community), &[]),
            (Role::StreetReviewer, "陈", county, Some(L::Street), &[]),
            (Role::Assessor, "周", county, Some(L::County), &[]),
            (
                Role::SystemAdmin,
                "王",
                Role::SystemAdmin,
                Some(L::City),
                &[],
            ),
            (
                Role::CommunityStaff,
                "李",
                county,
                Some(L::Street),
                &["jurisdiction_id"],
            ),
            (
                Role::StreetReviewer,
                "陈",
                county,
                Some(L::County),
                &["jurisdiction_id"],
            ),
            (
                Role::CommunityStaff,
                "李",
                county,
                None,
                &["jurisdiction_id"],
            ),
            (Role::SystemAdmin, "王", county, Some(L::County), &["role"]),
            (Role::Resident, "王", county, Some(L::Community), &["role"]),
            (
                Role::CommunityStaff,
                " ",
                county,
                Some(L::Community),
                &["display_name"],
            ),
        ];
        for (role, name, by, level, want) in table {
            assert_eq!(
                fields(&staff(role, name), by, level),
                want,
                "{role:?} at {level:?} by {by:?}"
            );
        }
    }

    fn req(name: &str, unit: &str, room: &str) -> RegisterRequest {
        RegisterRequest {
            phone: "13812345678".into(),
            password: "a good passphrase".into(),
            display_name: name.into(),
            building_id: 1,
            unit: unit.into(),
            room: room.into(),
            sms_code: String::new(),
        }
    }

    #[test]
    fn registration_text_rules_name_each_bad_field() {
        assert!(check_registration_text(&req("王阿姨", "2", "301")).is_empty());
        assert!(check_registration_text(&req("Li", "B", "12-1")).is_empty());
        let fields = |r: &RegisterRequest| {
            check_registration_text(r)
                .into_iter()
                .map(|p| p.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(&req("", "2", "301")), ["display_name"]);
        assert_eq!(fields(&req("王", " ", "")), ["unit", "room"]);
        assert_eq!(fields(&req("王", "2;drop", "301")), ["unit"]);
        assert_eq!(fields(&req(&"长".repeat(41), "2", "301")), ["display_name"]);
    }

    #[test]
    fn locale_serialises_as_bcp47() {
        assert_eq!(serde_json::to_string(&Locale::ZhCn).unwrap(), "\"zh-CN\"");
        assert_eq!(Locale::parse("en"), Some(Locale::En));
    }
}
