//! Roles, and which of them are staff.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Resident,
    /// A resident who acts for an elder (linked in the retrofit issue).
    Guardian,
    CommunityStaff,
    StreetReviewer,
    Assessor,
    Contractor,
    CountyAdmin,
    /// The province's civil-affairs office: reads every county's retrofit report, changes
    /// nothing.
    ProvinceOfficer,
    SystemAdmin,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Resident,
        Role::Guardian,
        Role::CommunityStaff,
        Role::StreetReviewer,
        Role::Assessor,
        Role::Contractor,
        Role::CountyAdmin,
        Role::ProvinceOfficer,
        Role::SystemAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::Guardian => "guardian",
            Role::CommunityStaff => "community_staff",
            Role::StreetReviewer => "street_reviewer",
            Role::Assessor => "assessor",
            Role::Contractor => "contractor",
            Role::CountyAdmin => "county_admin",
            Role::ProvinceOfficer => "province_officer",
            Role::SystemAdmin => "system_admin",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Staff accounts are created by an admin and bound to a jurisdiction.
    pub fn is_staff(self) -> bool {
        !matches!(self, Role::Resident | Role::Guardian)
    }

    /// The jurisdiction level a staff account of this role is bound to: the level its work
    /// is done at, so a street reviewer can never be given a whole county. `None` for
    /// residents, and for a system admin, who may be bound to any level (or none).
    pub fn works_at(self) -> Option<crate::JurisdictionLevel> {
        use crate::JurisdictionLevel as L;
        match self {
            Role::Resident | Role::Guardian | Role::SystemAdmin => None,
            Role::CommunityStaff => Some(L::Community),
            Role::StreetReviewer => Some(L::Street),
            Role::Assessor | Role::Contractor | Role::CountyAdmin => Some(L::County),
            Role::ProvinceOfficer => Some(L::Province),
        }
    }

    /// Who may create and list staff accounts.
    pub fn is_admin(self) -> bool {
        matches!(self, Role::CountyAdmin | Role::SystemAdmin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_staff_role_works_at_one_level() {
        use crate::JurisdictionLevel as L;
        let table = [
            (Role::CommunityStaff, Some(L::Community)),
            (Role::StreetReviewer, Some(L::Street)),
            (Role::Assessor, Some(L::County)),
            (Role::Contractor, Some(L::County)),
            (Role::CountyAdmin, Some(L::County)),
            (Role::ProvinceOfficer, Some(L::Province)),
            (Role::SystemAdmin, None),
            (Role::Resident, None),
        ];
        for (role, level) in table {
            assert_eq!(role.works_at(), level, "{role:?}");
        }
    }

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("superuser"), None);
    }

    #[test]
    fn residents_and_guardians_are_not_staff() {
        assert!(!Role::Resident.is_staff());
        assert!(!Role::Guardian.is_staff());
        assert!(Role::CommunityStaff.is_staff());
        assert!(Role::SystemAdmin.is_admin());
        assert!(!Role::StreetReviewer.is_admin());
    }
}
