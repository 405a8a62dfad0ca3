//! Who may do what: one table of role × capability, read by the server (before it looks at
//! any data) and by the app (its route guards and navigation), so a role's reach is stated
//! once. The server still limits every capability to the caller's jurisdiction (its `Scope`);
//! this table says only whether the role has the capability at all.

use crate::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Complaints and inquiries of their area: the queue, actions, call-backs and reports.
    WorkCases,
    /// Retrofit applications of their area: the review queue, the application, its documents.
    ReviewRetrofit,
    /// A county's proposed retrofit list and its quota.
    ConfirmRetrofit,
    /// Surveys for their area: build, publish, collect door to door, review, results.
    RunSurveys,
    /// Set a one-off password for a resident who came to the office with their ID.
    ResetPasswordInPerson,
    /// Staff accounts of their area.
    ManageAccounts,
    /// Policy data: complaint categories and targets, holiday notices, working hours.
    EditPolicy,
    /// The audit log of their area: search and export.
    ReadAuditLog,
    /// Family features for one's own household: invite a guardian, apply for an elder.
    ActForFamily,
    /// In-home assessments and plans for the households assigned to them, drafted from their
    /// county's catalogue (read-only to them).
    AssessHomes,
    /// The works on the households the county assigned to their construction company: the
    /// before/after photos, starting and finishing.
    BuildWorks,
    /// The annual retrofit report of their area (a county's, or every county of a province).
    ReadRetrofitReport,
    /// Notices for the communities and buildings of their area, and each building's
    /// concierge contact.
    PostNotices,
}

impl Capability {
    pub const ALL: [Capability; 13] = [
        Capability::WorkCases,
        Capability::ReviewRetrofit,
        Capability::ConfirmRetrofit,
        Capability::RunSurveys,
        Capability::ResetPasswordInPerson,
        Capability::ManageAccounts,
        Capability::EditPolicy,
        Capability::ReadAuditLog,
        Capability::ActForFamily,
        Capability::AssessHomes,
        Capability::BuildWorks,
        Capability::ReadRetrofitReport,
        Capability::PostNotices,
    ];
}

use Capability as C;

/// The table.
const TABLE: [(Role, &[Capability]); 9] = [
    (Role::Resident, &[C::ActForFamily]),
    (Role::Guardian, &[C::ActForFamily]),
    (
        Role::CommunityStaff,
        &[
            C::WorkCases,
            C::RunSurveys,
            C::ResetPasswordInPerson,
            C::PostNotices,
        ],
    ),
    (
        Role::StreetReviewer,
        &[
            C::WorkCases,
            C::ReviewRetrofit,
            C::RunSurveys,
            C::PostNotices,
        ],
    ),
    (Role::Assessor, &[C::AssessHomes]),
    (Role::Contractor, &[C::BuildWorks]),
    (
        Role::CountyAdmin,
        &[
            C::WorkCases,
            C::ReviewRetrofit,
            C::ConfirmRetrofit,
            C::RunSurveys,
            C::ResetPasswordInPerson,
            C::ManageAccounts,
            C::EditPolicy,
            C::ReadAuditLog,
            C::ReadRetrofitReport,
            C::PostNotices,
        ],
    ),
    (Role::ProvinceOfficer, &[C::ReadRetrofitReport]),
    (
        Role::SystemAdmin,
        &[
            C::WorkCases,
            C::ReviewRetrofit,
            // For a county they name.
            C::ConfirmRetrofit,
            C::RunSurveys,
            C::ResetPasswordInPerson,
            C::ManageAccounts,
            C::EditPolicy,
            C::ReadAuditLog,
            C::ReadRetrofitReport,
            C::PostNotices,
        ],
    ),
];

/// Whether `role` has `capability` (anywhere; the server narrows it to the caller's area).
pub fn can(role: Role, capability: Capability) -> bool {
    TABLE
        .iter()
        .find(|(r, _)| *r == role)
        .is_some_and(|(_, caps)| caps.contains(&capability))
}

impl Role {
    pub fn can(self, capability: Capability) -> bool {
        can(self, capability)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_exactly_one_row() {
        for role in Role::ALL {
            assert_eq!(
                TABLE.iter().filter(|(r, _)| *r == role).count(),
                1,
                "{role:?}"
            );
        }
    }

    /// The whole table, written out: a change to who may do what shows up here in review.
    #[test]
    fn the_capability_table() {
        use Role as R;
        let expected: &[(Role, Capability, bool)] = &[
            (R::Resident, C::ActForFamily, true),
            (R::Resident, C::WorkCases, false),
            (R::Resident, C::ReadAuditLog, false),
            (R::Guardian, C::ActForFamily, true),
            (R::Guardian, C::ReviewRetrofit, false),
            (R::CommunityStaff, C::WorkCases, true),
            (R::CommunityStaff, C::ReviewRetrofit, false),
            (R::CommunityStaff, C::RunSurveys, true),
            (R::CommunityStaff, C::ResetPasswordInPerson, true),
            (R::CommunityStaff, C::ReadAuditLog, false),
            (R::CommunityStaff, C::ActForFamily, false),
            (R::StreetReviewer, C::WorkCases, true),
            (R::StreetReviewer, C::ReviewRetrofit, true),
            (R::StreetReviewer, C::ConfirmRetrofit, false),
            (R::StreetReviewer, C::ResetPasswordInPerson, false),
            (R::StreetReviewer, C::ManageAccounts, false),
            (R::CountyAdmin, C::ConfirmRetrofit, true),
            (R::CountyAdmin, C::ReadAuditLog, true),
            (R::CountyAdmin, C::EditPolicy, true),
            (R::CountyAdmin, C::ActForFamily, false),
            (R::SystemAdmin, C::ConfirmRetrofit, true),
            (R::SystemAdmin, C::ReadAuditLog, true),
            (R::SystemAdmin, C::ManageAccounts, true),
            (R::Assessor, C::ReviewRetrofit, false),
            (R::Assessor, C::AssessHomes, true),
            (R::StreetReviewer, C::AssessHomes, false),
            (R::CountyAdmin, C::AssessHomes, false),
            (R::Contractor, C::WorkCases, false),
            (R::Contractor, C::BuildWorks, true),
            (R::Assessor, C::BuildWorks, false),
            (R::CountyAdmin, C::BuildWorks, false),
            (R::CountyAdmin, C::ReadRetrofitReport, true),
            (R::ProvinceOfficer, C::ReadRetrofitReport, true),
            (R::ProvinceOfficer, C::ConfirmRetrofit, false),
            (R::ProvinceOfficer, C::ReviewRetrofit, false),
            (R::ProvinceOfficer, C::ManageAccounts, false),
            (R::StreetReviewer, C::ReadRetrofitReport, false),
            (R::CommunityStaff, C::PostNotices, true),
            (R::StreetReviewer, C::PostNotices, true),
            (R::CountyAdmin, C::PostNotices, true),
            (R::Resident, C::PostNotices, false),
            (R::Assessor, C::PostNotices, false),
            (R::Contractor, C::PostNotices, false),
            (R::ProvinceOfficer, C::PostNotices, false),
        ];
        for (role, capability, allowed) in expected {
            assert_eq!(can(*role, *capability), *allowed, "{role:?} {capability:?}");
        }
    }

    #[test]
    fn residents_and_staff_never_share_a_capability() {
        for c in Capability::ALL {
            if can(Role::Resident, c) {
                assert!(
                    Role::ALL
                        .iter()
                        .filter(|r| r.is_staff())
                        .all(|r| !can(*r, c)),
                    "{c:?}"
                );
            }
        }
    }
}
