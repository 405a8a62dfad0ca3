//! Names of files that `cargo xtask dist` writes and the app or the server look for, computed
//! the same way on both sides. The English catalog is one: the app carries only a hash of it, not its text, and
//! fetches the file of that name when English is chosen; a cached copy is therefore always
//! the one this build was made with.

/// FNV-1a, 64 bits: cheap enough to run at compile time over a catalog (a `const fn`), and
/// only used to name a file, never for security.
pub const fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// `catalog-en-0123456789abcdef.txt`: the English catalog with the hash of its text (the
/// server treats 16 hex digits before the extension as content-hashed: cached for a year).
pub fn english_catalog_file(catalog: &[u8]) -> String {
    format!("catalog-en-{:016x}.txt", fnv1a64(catalog))
}

/// A page the server sends with its heading and introduction already in it: `index.html` with
/// the two texts (Chinese, from the catalog) in its `<main>`, written by `cargo xtask dist` as
/// `file`. They are painted as soon as the page and its stylesheet are in, before the app's
/// code; the app then takes over those elements (`app/src/components/shell.rs`). Every other
/// path gets `index.html`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentPage {
    pub path: &'static str,
    pub file: &'static str,
    /// Catalog keys of the heading and the introduction.
    pub texts: [&'static str; 2],
    /// Sent only with a session cookie: a page for signed-in people (anyone else is sent on to
    /// sign in, and would see the page's heading for nothing).
    pub signed_in: bool,
}

pub const SENT_HOME: SentPage = SentPage {
    path: "/",
    file: "home.html",
    texts: ["home.heading", "home.intro"],
    signed_in: false,
};

pub const SENT_CHECK: SentPage = SentPage {
    path: "/retrofit/check",
    file: "check.html",
    texts: ["check.title", "check.intro"],
    signed_in: false,
};

pub const SENT_REGISTER: SentPage = SentPage {
    path: "/register",
    file: "register.html",
    texts: ["register.title", "register.intro"],
    signed_in: false,
};

/// The complaint form's first step, as a resident sees it (a member of staff starts with whom
/// the complaint is for: the page then replaces the heading).
pub const SENT_NEW_CASE: SentPage = SentPage {
    path: "/complaints/new",
    file: "new-case.html",
    texts: ["new.step1", "new.step1_intro"],
    signed_in: true,
};

/// The pages a resident opens first from a link or the home screen.
pub const SENT_PAGES: [SentPage; 4] = [SENT_HOME, SENT_CHECK, SENT_REGISTER, SENT_NEW_CASE];

/// The sent page for a request's path, if it has one (`/register/` too).
pub fn sent_page(path: &str) -> Option<&'static SentPage> {
    let path = match path.trim_end_matches('/') {
        "" => "/",
        trimmed => trimmed,
    };
    SENT_PAGES.iter().find(|page| page.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_text() {
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let a = english_catalog_file(b"app.name = Anju\n");
        let b = english_catalog_file(b"app.name = Anju!\n");
        assert_ne!(a, b);
        assert!(
            a.starts_with("catalog-en-") && a.ends_with(".txt") && a.len() == 31,
            "{a}"
        );
        const AT_COMPILE_TIME: u64 = fnv1a64(b"a");
        assert_eq!(AT_COMPILE_TIME, fnv1a64(b"a"));
    }

    #[test]
    fn a_path_finds_its_sent_page_with_or_without_a_trailing_slash() {
        assert_eq!(sent_page("/"), Some(&SENT_HOME));
        assert_eq!(sent_page(""), Some(&SENT_HOME));
        assert_eq!(sent_page("/register/"), Some(&SENT_REGISTER));
        assert_eq!(sent_page("/retrofit/check"), Some(&SENT_CHECK));
        assert_eq!(sent_page("/complaints/new"), Some(&SENT_NEW_CASE));
        assert_eq!(sent_page("/retrofit"), None);
        assert_eq!(sent_page("/register/x"), None);
        // Each its own file, none of them the plain page.
        let mut files: Vec<_> = SENT_PAGES.iter().map(|p| p.file).collect();
        files.sort_unstable();
        files.dedup();
        assert_eq!(files.len(), SENT_PAGES.len());
        assert!(!files.contains(&"index.html"));
    }
}
