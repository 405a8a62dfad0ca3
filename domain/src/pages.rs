//! Which group of lazily loaded pages each client route of the app belongs to.
//!
//! The app's code is split into a main module and one wasm chunk per page group
//! (`app/src/routes.rs`). When the server answers a deep link such as `/complaints/new` with
//! the app shell, it names the chunks of that page's group in a `Link: rel=preload` header, so
//! the browser downloads them beside the main module instead of after it has started. The
//! table lives here because both sides must agree on it: the app picks the chunk to load for a
//! path from it, each chunk's router declares the same paths, and a server test reads the
//! app's routers to check that they do.

/// A group of pages compiled into one lazily loaded chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PageGroup {
    /// Sign-in, registration and the eligibility check: where links and searches land.
    Public,
    /// What residents and their families open once they are signed in: complaints, surveys,
    /// notifications, the account.
    Resident,
    /// A household's retrofit: its applications, the plan and its signature, the certificate.
    /// Apart from the complaint pages, so filing a complaint does not download them.
    Retrofit,
    /// Pages of community, street and county staff.
    Staff,
    /// Pages of system administrators.
    Admin,
}

impl PageGroup {
    pub const ALL: [PageGroup; 5] = [
        PageGroup::Public,
        PageGroup::Resident,
        PageGroup::Retrofit,
        PageGroup::Staff,
        PageGroup::Admin,
    ];

    /// The group's name as given to `#[wasm_split(<name>, …)]` in the app, which the splitter
    /// and `cargo xtask dist` use to name the chunk.
    pub fn split_name(self) -> &'static str {
        match self {
            PageGroup::Public => "public",
            PageGroup::Resident => "resident",
            PageGroup::Retrofit => "retrofit",
            PageGroup::Staff => "staff",
            PageGroup::Admin => "admin",
        }
    }

    pub fn from_split_name(name: &str) -> Option<PageGroup> {
        PageGroup::ALL.into_iter().find(|g| g.split_name() == name)
    }
}

/// Every lazily loaded route of the app, as written in its router (`:name` is one path
/// segment), with its group. The home page and the not-found page are in the main module.
pub const LAZY_ROUTES: &[(&str, PageGroup)] = &[
    ("/sign-in", PageGroup::Public),
    ("/register", PageGroup::Public),
    ("/retrofit/check", PageGroup::Public),
    ("/verify", PageGroup::Public),
    ("/forgot-password", PageGroup::Resident),
    ("/complaints", PageGroup::Resident),
    ("/complaints/new", PageGroup::Resident),
    ("/complaints/:id", PageGroup::Resident),
    ("/retrofit", PageGroup::Retrofit),
    ("/retrofit/family", PageGroup::Retrofit),
    ("/retrofit/applications/:id", PageGroup::Retrofit),
    ("/retrofit/applications/:id/plan", PageGroup::Retrofit),
    (
        "/retrofit/applications/:id/plan/certificate",
        PageGroup::Retrofit,
    ),
    (
        "/retrofit/applications/:id/contract/certificate",
        PageGroup::Retrofit,
    ),
    ("/surveys", PageGroup::Resident),
    ("/surveys/:id", PageGroup::Resident),
    ("/notifications", PageGroup::Resident),
    ("/account", PageGroup::Resident),
    ("/desk", PageGroup::Staff),
    ("/staff/queue", PageGroup::Staff),
    ("/staff/callbacks", PageGroup::Staff),
    ("/staff/retrofit", PageGroup::Staff),
    ("/staff/password-reset", PageGroup::Staff),
    ("/staff/notices", PageGroup::Staff),
    ("/county/retrofit", PageGroup::Staff),
    ("/county/catalogue", PageGroup::Staff),
    ("/county/assessors", PageGroup::Staff),
    ("/assess", PageGroup::Staff),
    ("/county/contractors", PageGroup::Staff),
    ("/works", PageGroup::Staff),
    ("/county/settlement", PageGroup::Staff),
    ("/warranty", PageGroup::Staff),
    ("/retrofit/report", PageGroup::Staff),
    ("/surveys/:id/edit", PageGroup::Staff),
    ("/surveys/:id/collect", PageGroup::Staff),
    ("/surveys/:id/results", PageGroup::Staff),
    ("/admin/policy", PageGroup::Admin),
    ("/admin/audit", PageGroup::Admin),
    ("/admin/accounts", PageGroup::Admin),
];

/// The group whose chunk renders `path` (a URL path without query), or `None` for the pages
/// of the main module and for paths the app does not know.
///
/// A literal segment wins over a `:name` segment, as in the app's router: `/complaints/new`
/// is the form, not the case with reference "new".
pub fn group_of_path(path: &str) -> Option<PageGroup> {
    let path = path.trim_end_matches('/');
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    LAZY_ROUTES
        .iter()
        .filter_map(|(pattern, group)| {
            let parts: Vec<&str> = pattern.split('/').skip(1).collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (part, segment) in parts.iter().zip(&segments) {
                if part.starts_with(':') {
                    if segment.is_empty() {
                        return None;
                    }
                } else if part == segment {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, *group))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, group)| group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_and_parameters_find_their_group() {
        assert_eq!(group_of_path("/register"), Some(PageGroup::Public));
        assert_eq!(group_of_path("/register/"), Some(PageGroup::Public));
        assert_eq!(group_of_path("/complaints/new"), Some(PageGroup::Resident));
        assert_eq!(
            group_of_path("/complaints/TS-2026-000123"),
            Some(PageGroup::Resident)
        );
        assert_eq!(group_of_path("/surveys/7"), Some(PageGroup::Resident));
        assert_eq!(group_of_path("/surveys/7/results"), Some(PageGroup::Staff));
        assert_eq!(group_of_path("/admin/audit"), Some(PageGroup::Admin));
    }

    #[test]
    fn main_module_pages_and_unknown_paths_have_no_group() {
        assert_eq!(group_of_path("/"), None);
        assert_eq!(group_of_path(""), None);
        assert_eq!(group_of_path("/no-such-page"), None);
        assert_eq!(group_of_path("/complaints/1/2"), None);
        assert_eq!(group_of_path("/surveys//results"), None);
    }

    #[test]
    fn split_names_round_trip() {
        for group in PageGroup::ALL {
            assert_eq!(PageGroup::from_split_name(group.split_name()), Some(group));
        }
        assert_eq!(PageGroup::from_split_name("main"), None);
    }
}
