//! The audit trail as people read it: entries for the admin search, the plain-words access
//! log a family sees on its own application, and the names of the actions in both languages.

use crate::Role;
use serde::{Deserialize, Serialize};

/// Who did it, as the admin search shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditActor {
    pub id: i64,
    pub name: String,
    pub role: Role,
    /// The jurisdiction the account works for (staff) — `None` for residents and admins
    /// without one.
    pub office: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntryView {
    /// Place in the hash chain; pages go by it.
    pub seq: i64,
    pub at: i64,
    /// `None` for the system itself (deadline watch, command line).
    pub actor: Option<AuditActor>,
    pub action: String,
    /// `retrofit_application:12`, `case:7`, `account:3`…
    pub subject: String,
    /// The reference people know the subject by (`SL-…`, `TS…`), where it has one.
    pub subject_reference: Option<String>,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    /// Pass as `before` for the next (older) page.
    pub next_before: Option<i64>,
}

/// What an office did with a family's data, in the family's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccessKind {
    ViewedApplication,
    RevealedIdNumber,
    OpenedDocument,
    ViewedFamilyProof,
}

impl AccessKind {
    /// The audit actions a family is told about, and how.
    pub fn of_action(action: &str) -> Option<AccessKind> {
        Some(match action {
            "retrofit.view" => AccessKind::ViewedApplication,
            "retrofit.reveal_id_number" => AccessKind::RevealedIdNumber,
            "retrofit.document" => AccessKind::OpenedDocument,
            "guardian.proof_view" => AccessKind::ViewedFamilyProof,
            _ => return None,
        })
    }

    pub const ACTIONS: [&'static str; 4] = [
        "retrofit.view",
        "retrofit.reveal_id_number",
        "retrofit.document",
        "guardian.proof_view",
    ];

    /// "查看了您的申请" — the verb phrase after the office's name.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            AccessKind::ViewedApplication => ("查看了您的申请", "viewed your application"),
            AccessKind::RevealedIdNumber => ("查看了完整的身份证号", "viewed the full ID number"),
            AccessKind::OpenedDocument => ("打开了您上传的材料", "opened a document you uploaded"),
            AccessKind::ViewedFamilyProof => (
                "查看了家属关系证明",
                "viewed the proof of family relationship",
            ),
        }
    }
}

/// One line of "who viewed my data": an office, never a staff member's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccessLogEntry {
    /// `临江街道`: the jurisdiction the viewer works for.
    pub place: String,
    pub role: Role,
    pub kind: AccessKind,
    pub at: i64,
}

/// The kind of office a role speaks for, as a family would name it.
pub fn office_words(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::CommunityStaff => ("社区居委会", "community office"),
        Role::StreetReviewer => ("街道办事处", "street office"),
        Role::CountyAdmin => ("区县民政部门", "county civil affairs bureau"),
        Role::ProvinceOfficer => ("省民政厅", "provincial civil affairs department"),
        Role::Assessor => ("评估机构", "assessment agency"),
        Role::Contractor => ("施工单位", "contractor"),
        Role::SystemAdmin => ("平台管理员", "platform administrator"),
        Role::Resident | Role::Guardian => ("家属", "family member"),
    }
}

/// Every action the server records, with its name in both languages, for the search's choice
/// list and the export. An action missing here still shows, under its code.
pub const ACTIONS: &[(&str, &str, &str)] = &[
    (
        "retrofit.view",
        "查看改造申请",
        "Viewed a retrofit application",
    ),
    (
        "retrofit.reveal_id_number",
        "查看完整身份证号",
        "Revealed an ID number",
    ),
    (
        "retrofit.document",
        "打开申请材料",
        "Opened an application document",
    ),
    (
        "retrofit.document_add",
        "上传申请材料",
        "Uploaded a document",
    ),
    (
        "retrofit.document_remove",
        "删除申请材料",
        "Removed a document",
    ),
    (
        "retrofit.create",
        "新建改造申请",
        "Started a retrofit application",
    ),
    (
        "retrofit.save_elder",
        "填写老人信息",
        "Saved the elder's details",
    ),
    ("retrofit.save_home", "填写住址", "Saved the home address"),
    (
        "retrofit.save_facts",
        "填写情况说明",
        "Saved the circumstances",
    ),
    (
        "retrofit.save_guardian",
        "指定家属",
        "Chose the family member",
    ),
    ("retrofit.save_consent", "同意说明", "Agreed to the terms"),
    (
        "retrofit.reply_return_item",
        "答复退回事项",
        "Replied to a returned item",
    ),
    (
        "retrofit.take_back_reply",
        "撤回对退回事项的答复",
        "Took back a reply to a returned item",
    ),
    ("retrofit.submit", "提交申请", "Submitted an application"),
    ("retrofit.approve", "街道审核通过", "Street office approved"),
    ("retrofit.return", "退回补充", "Returned for changes"),
    ("retrofit.reject", "审核不通过", "Rejected"),
    (
        "retrofit.confirm",
        "区县确认名额",
        "County confirmed a place",
    ),
    ("retrofit.decline", "区县不予确认", "County declined"),
    ("retrofit.withdraw", "撤回申请", "Withdrew an application"),
    (
        "retrofit.contract_offer",
        "施工单位提出并签署施工合同",
        "The builder offered and signed the construction contract",
    ),
    (
        "retrofit.contract_signature",
        "家庭签署施工合同",
        "The household signed the construction contract",
    ),
    (
        "retrofit.contract_identity_failed",
        "签合同时密码错误",
        "Wrong password when signing a contract",
    ),
    ("retrofit.start_works", "开工", "Started the works"),
    ("retrofit.finish_works", "完工", "Finished the works"),
    ("retrofit.accept", "验收合格", "Accepted the works"),
    (
        "retrofit.request_rework",
        "验收要求返工",
        "Sent items back for rework",
    ),
    (
        "retrofit.supervision_report",
        "添加监理报告",
        "Added the supervision report",
    ),
    (
        "retrofit.warranty_dated",
        "补记质保截止日期",
        "Recorded the warranty's last day",
    ),
    ("retrofit.settle", "结算补贴", "Settled the subsidy"),
    (
        "retrofit.acceptance_response",
        "家属回复验收结果",
        "The family answered the acceptance",
    ),
    (
        "retrofit.payment",
        "登记补贴付款",
        "Recorded a subsidy payment",
    ),
    (
        "retrofit.works_photo",
        "上传施工照片",
        "Uploaded a works photo",
    ),
    (
        "retrofit.warranty_claim",
        "提交质保报修",
        "Filed a warranty claim",
    ),
    (
        "retrofit.claim_photo",
        "上传报修照片",
        "Uploaded a claim photo",
    ),
    (
        "retrofit.warranty_answer",
        "答复质保报修",
        "Answered a warranty claim",
    ),
    (
        "retrofit.export",
        "导出区县名单",
        "Exported the county list",
    ),
    (
        "retrofit.county_settings",
        "修改区县名额设置",
        "Changed county quota settings",
    ),
    ("case.view", "查看投诉咨询", "Viewed a complaint or inquiry"),
    ("case.photo", "上传事项照片", "Uploaded a case photo"),
    ("case.photo_view", "查看事项照片", "Viewed a case photo"),
    (
        "case.submit",
        "提交投诉咨询",
        "Filed a complaint or inquiry",
    ),
    ("case.acknowledge", "受理事项", "Acknowledged a case"),
    ("case.assign", "指派事项", "Assigned a case"),
    ("case.arrive_on_site", "到达现场", "Arrived on site"),
    ("case.pause", "暂停计时", "Paused the clock"),
    ("case.resume", "恢复计时", "Resumed the clock"),
    ("case.ask_resident", "请居民补充", "Asked the resident"),
    ("case.resident_reply", "居民补充", "The resident replied"),
    ("case.comment", "添加备注", "Added a comment"),
    ("case.resolve", "处理完成", "Resolved"),
    (
        "case.confirm",
        "居民确认并评价",
        "The resident confirmed and rated",
    ),
    (
        "case.not_solved",
        "居民表示未解决",
        "The resident said not solved",
    ),
    ("case.mark_major", "标记为重大事项", "Marked as major"),
    ("case.unmark_major", "取消重大事项", "Unmarked as major"),
    ("case.deadline_breached", "事项超时", "A case went overdue"),
    ("callback.record", "记录回访", "Recorded a call-back"),
    ("callback.draw", "抽取回访名单", "Drew the call-back list"),
    (
        "callback.draw.auto",
        "自动抽取回访名单",
        "Call-back list drawn automatically",
    ),
    ("guardian.invite", "邀请家属", "Invited a family member"),
    ("guardian.accept", "家属接受邀请", "Family member accepted"),
    (
        "guardian.confirm",
        "老人确认家属",
        "Elder confirmed the family member",
    ),
    (
        "guardian.confirm_by_street",
        "街道确认家属",
        "Street office confirmed the family member",
    ),
    ("guardian.end", "结束家属关系", "Ended a family link"),
    (
        "guardian.proof_view",
        "查看家属关系证明",
        "Viewed a proof of relationship",
    ),
    ("survey.create", "新建调查", "Created a survey"),
    ("survey.edit", "修改调查", "Edited a survey"),
    ("survey.publish", "发布调查", "Published a survey"),
    ("survey.answer", "居民答卷", "A resident answered"),
    (
        "survey.collect",
        "上门调查录入",
        "Recorded a door-to-door response",
    ),
    ("survey.review", "审核答卷", "Reviewed a response"),
    (
        "survey.responses_view",
        "查看答卷",
        "Viewed survey responses",
    ),
    ("survey.export", "导出调查结果", "Exported survey results"),
    ("category.update", "修改事项类别", "Changed a category"),
    (
        "calendar.notice",
        "导入放假通知",
        "Imported a holiday notice",
    ),
    (
        "community.working_hours",
        "修改社区工作时间",
        "Changed community working hours",
    ),
    ("notice.post", "发布社区通知", "Posted a notice"),
    ("notice.withdraw", "撤下社区通知", "Withdrew a notice"),
    ("notice.edit", "修改社区通知", "Changed a notice"),
    (
        "concierge.set",
        "设置楼栋礼宾联系人",
        "Set a building's concierge",
    ),
    (
        "concierge.remove",
        "移除楼栋礼宾联系人",
        "Removed a building's concierge",
    ),
    (
        "concierge.photo",
        "更换楼栋礼宾联系人照片",
        "Set a building concierge's photo",
    ),
    (
        "concierge.photo_remove",
        "移除楼栋礼宾联系人照片",
        "Removed a building concierge's photo",
    ),
    ("account.register", "注册账号", "Registered"),
    ("account.sign_in", "登录", "Signed in"),
    ("account.sign_in_failed", "登录失败", "Failed sign-in"),
    ("account.sign_out", "退出登录", "Signed out"),
    (
        "account.preferences",
        "修改显示设置",
        "Changed display settings",
    ),
    (
        "account.channels",
        "修改消息提醒方式",
        "Changed how notifications reach them",
    ),
    (
        "account.password_change",
        "修改密码",
        "Changed the password",
    ),
    (
        "account.password_reset_sms",
        "短信重设密码",
        "Reset the password by text",
    ),
    (
        "account.password_reset_in_person",
        "社区代为重设密码",
        "Password reset at the office",
    ),
    (
        "account.end_other_sessions",
        "退出其他设备",
        "Signed out other devices",
    ),
    (
        "account.create_staff",
        "新建工作人员账号",
        "Created a staff account",
    ),
    (
        "account.create_admin",
        "新建管理员账号",
        "Created an admin account",
    ),
    (
        "account.create_demo",
        "载入演示账号",
        "Loaded a demo account",
    ),
    ("audit.export", "导出审计记录", "Exported the audit log"),
];

/// An action's name: (zh, en), or the code itself for one not in [`ACTIONS`].
pub fn action_words(action: &str) -> (&str, &str) {
    ACTIONS
        .iter()
        .find(|(code, _, _)| *code == action)
        .map_or((action, action), |(_, zh, en)| (*zh, *en))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_is_named_once() {
        let mut codes: Vec<_> = ACTIONS.iter().map(|a| a.0).collect();
        codes.sort_unstable();
        let before = codes.len();
        codes.dedup();
        assert_eq!(before, codes.len());
        assert!(ACTIONS
            .iter()
            .all(|(_, zh, en)| !zh.is_empty() && !en.is_empty()));
    }

    #[test]
    fn families_hear_of_staff_views_only() {
        for a in AccessKind::ACTIONS {
            assert!(AccessKind::of_action(a).is_some(), "{a}");
        }
        assert_eq!(AccessKind::of_action("retrofit.submit"), None);
        assert_eq!(AccessKind::of_action("account.sign_in"), None);
    }

    #[test]
    fn every_case_action_has_a_name() {
        for a in [
            "acknowledge",
            "assign",
            "arrive_on_site",
            "pause",
            "resume",
            "ask_resident",
            "resident_reply",
            "comment",
            "resolve",
            "confirm",
            "not_solved",
        ] {
            assert!(crate::complaint::CaseAction::parse(a).is_some());
            let code = format!("case.{a}");
            assert_ne!(action_words(&code).0, code.as_str(), "{code}");
        }
    }

    #[test]
    fn an_unknown_action_shows_as_its_code() {
        assert_eq!(action_words("new.thing"), ("new.thing", "new.thing"));
        assert_eq!(action_words("account.sign_in").0, "登录");
    }
}
