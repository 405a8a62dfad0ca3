//! The app's text catalogs must define exactly the same keys, each with a non-empty text, and
//! every key the app's code names literally must be in them (a missing one shows as "⚠").

use anyhow::{bail, Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub fn keys(catalog: &str) -> Result<BTreeSet<String>> {
    Ok(entries(catalog)?.into_keys().collect())
}

/// The catalog's `key = text` lines (comments and blank lines skipped), refused when a line is
/// not of that form, has no text or repeats a key.
pub fn entries(catalog: &str) -> Result<BTreeMap<String, String>> {
    let mut entries = BTreeMap::new();
    for (n, line) in catalog.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((k, v)) = line.split_once(" = ") else {
            bail!("line {}: expected `key = text`", n + 1);
        };
        if v.trim().is_empty() {
            bail!("line {}: `{k}` has no text", n + 1);
        }
        if entries
            .insert(k.trim().to_owned(), v.trim().to_owned())
            .is_some()
        {
            bail!("line {}: `{k}` defined twice", n + 1);
        }
    }
    Ok(entries)
}

pub fn check(dir: &Path) -> Result<usize> {
    let read = |name: &str| {
        std::fs::read_to_string(dir.join(name)).with_context(|| format!("reading {name}"))
    };
    let zh = keys(&read("zh-CN.txt")?).context("zh-CN.txt")?;
    let en = keys(&read("en.txt")?).context("en.txt")?;
    let missing_en: Vec<_> = zh.difference(&en).collect();
    let missing_zh: Vec<_> = en.difference(&zh).collect();
    if !missing_en.is_empty() || !missing_zh.is_empty() {
        bail!("catalogs differ: missing in en.txt {missing_en:?}; missing in zh-CN.txt {missing_zh:?}");
    }
    let named = named_in_code(&dir.join("../src"))?;
    let unknown: Vec<_> = named.iter().filter(|k| !zh.contains(*k)).collect();
    if !unknown.is_empty() {
        bail!("the app names keys no catalog has: {unknown:?}");
    }
    println!(
        "i18n: {} keys in zh-CN.txt and en.txt; the {} the code names literally are all there",
        zh.len(),
        named.len()
    );
    Ok(zh.len())
}

/// The catalog keys written out in the app's code: `tr("…")`, `page_title("…")`,
/// `text(locale, "…")` and the key-taking props (`label="…"`, `hint="…"`, `note="…"`). Keys
/// chosen at run time (`tr(key)`) are not seen.
fn named_in_code(src: &Path) -> Result<BTreeSet<String>> {
    let mut found = BTreeSet::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in
            std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.extend(keys_in_source(&std::fs::read_to_string(&path)?));
            }
        }
    }
    Ok(found)
}

fn keys_in_source(source: &str) -> Vec<String> {
    let is_key = |k: &str| {
        k.contains('.')
            && !k.starts_with('.')
            && k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    };
    let mut keys = Vec::new();
    for needle in ["tr(\"", "page_title(\"", "label=\"", "hint=\"", "note=\""] {
        for (at, _) in source.match_indices(needle) {
            let rest = &source[at + needle.len()..];
            if let Some(end) = rest.find('"') {
                if is_key(&rest[..end]) {
                    keys.push(rest[..end].to_owned());
                }
            }
        }
    }
    // `text(locale, "key")`: the literal before the call's closing parenthesis.
    for (at, _) in source.match_indices("text(") {
        let call = &source[at + 5..];
        let line = &call[..call.find('\n').unwrap_or(call.len())];
        let Some(close) = line.find("\")") else {
            continue;
        };
        if let Some((_, key)) = line[..close].rsplit_once(", \"") {
            if is_key(key) {
                keys.push(key.to_owned());
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_catalogs_have_the_same_keys() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/i18n");
        assert!(check(&dir).expect("catalogs match") > 50);
    }

    #[test]
    fn keys_are_found_where_the_code_names_them() {
        let source = r#"tr("nav.home") page_title("home.title") text(locale.get(), "case.home")
            <TextField label="register.phone" hint="signin.phone_hint" /> tr(key) "anju.x""#;
        let mut found = keys_in_source(source);
        found.sort();
        assert_eq!(
            found,
            [
                "case.home",
                "home.title",
                "nav.home",
                "register.phone",
                "signin.phone_hint"
            ]
        );
    }

    #[test]
    fn a_missing_or_empty_entry_is_reported() {
        assert!(keys("a = x\nb = ").is_err());
        assert!(keys("a = x\na = y").is_err());
        assert!(keys("just text").is_err());
        assert_eq!(keys("# c\na = x\n\nb = y").expect("valid").len(), 2);
    }
}
