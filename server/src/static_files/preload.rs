//! The `Link: rel=preload` header for the app shell of each lazily loaded page.

use anju_domain::pages::{group_of_path, PageGroup};
use axum::http::HeaderValue;
use std::collections::HashMap;
use std::path::Path;

/// Written by `cargo xtask dist`: page group (its split name) → the chunk files it loads.
pub const PAGE_CHUNKS_FILE: &str = "page-chunks.json";

#[derive(Default)]
pub(super) struct PagePreloads {
    by_group: HashMap<PageGroup, HeaderValue>,
}

impl PagePreloads {
    /// Without the file (a build from before the split, or none) the shell goes out without
    /// the header: the app loads its chunks itself, only later.
    pub(super) fn load(dist: &Path) -> PagePreloads {
        let path = dist.join(PAGE_CHUNKS_FILE);
        let Ok(text) = std::fs::read_to_string(&path) else {
            return PagePreloads::default();
        };
        match Self::parse(&text) {
            Ok(preloads) => preloads,
            Err(e) => {
                tracing::warn!(error = %e, file = %path.display(), "page chunk list unreadable; no preload headers");
                PagePreloads::default()
            }
        }
    }

    fn parse(text: &str) -> Result<PagePreloads, String> {
        let groups: HashMap<String, Vec<String>> =
            serde_json::from_str(text).map_err(|e| e.to_string())?;
        let mut by_group = HashMap::new();
        for (name, files) in groups {
            let Some(group) = PageGroup::from_split_name(&name) else {
                return Err(format!("unknown page group `{name}`"));
            };
            if files.is_empty() {
                continue;
            }
            // The split loader fetches with `fetch()` (CORS mode, same-origin credentials),
            // which a preload only serves when it says `as=fetch` and `crossorigin`.
            let links: Vec<String> = files
                .iter()
                .map(|f| {
                    format!(
                        "</{}>; rel=preload; as=fetch; crossorigin",
                        f.trim_start_matches('/')
                    )
                })
                .collect();
            let value = HeaderValue::from_str(&links.join(", ")).map_err(|e| e.to_string())?;
            by_group.insert(group, value);
        }
        Ok(PagePreloads { by_group })
    }

    pub(super) fn for_route(&self, path: &str) -> Option<&HeaderValue> {
        self.by_group.get(&group_of_path(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deep_link_preloads_the_chunks_of_its_group_only() {
        let preloads = PagePreloads::parse(
            r#"{"public":["split-public-0123456789abcdef.wasm","chunk-3-0123456789abcdef.wasm"],
                "resident":["split-resident-fedcba9876543210.wasm"],"staff":[],"admin":[]}"#,
        )
        .unwrap();
        assert_eq!(
            preloads.for_route("/register").unwrap(),
            "</split-public-0123456789abcdef.wasm>; rel=preload; as=fetch; crossorigin, \
             </chunk-3-0123456789abcdef.wasm>; rel=preload; as=fetch; crossorigin"
        );
        assert_eq!(
            preloads.for_route("/complaints/new").unwrap(),
            "</split-resident-fedcba9876543210.wasm>; rel=preload; as=fetch; crossorigin"
        );
        assert!(preloads.for_route("/staff/queue").is_none(), "empty group");
        assert!(preloads.for_route("/index.html").is_none());
        assert!(preloads.for_route("/no-such-page").is_none());
    }

    #[test]
    fn an_unknown_group_is_an_error_not_a_silent_gap() {
        assert!(PagePreloads::parse(r#"{"warehouse":["a.wasm"]}"#).is_err());
        assert!(PagePreloads::parse("not json").is_err());
    }

    /// The routers of the app's page groups (`app/src/routes.rs`) and the domain's table must
    /// name the same paths with the same groups: the app picks a path's group from the table,
    /// so a path in the wrong group would show "not found", and a deep link would preload the
    /// wrong chunk (or none).
    #[test]
    fn the_domain_table_matches_the_apps_router() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src");
        let routes = std::fs::read_to_string(root.join("routes.rs")).unwrap();

        // `#[wasm_split(public, …)] fn public_pages() … <Route path=path!("/sign-in") …`
        let mut from_app = Vec::new();
        for block in routes.split("#[wasm_split(").skip(1) {
            let split = block.split(',').next().unwrap().trim();
            // `<Routes` is the router itself, not one of its routes.
            let routes = block.split("<Route").skip(1);
            for route in routes.filter(|r| r.starts_with(char::is_whitespace)) {
                let path = route
                    .split("path!(\"")
                    .nth(1)
                    .unwrap()
                    .split('"')
                    .next()
                    .unwrap();
                from_app.push((path.to_string(), split.to_string()));
            }
        }
        assert!(from_app.len() > 20, "{from_app:?}");
        let mut from_table: Vec<(String, String)> = anju_domain::pages::LAZY_ROUTES
            .iter()
            .map(|(p, g)| (p.to_string(), g.split_name().to_string()))
            .collect();
        from_app.sort();
        from_table.sort();
        assert_eq!(from_app, from_table);
    }
}
