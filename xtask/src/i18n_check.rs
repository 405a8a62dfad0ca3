//! The app's text catalogs must define exactly the same keys, each with a non-empty text.

use anyhow::{bail, Context, Result};
use std::collections::BTreeSet;
use std::path::Path;

pub fn keys(catalog: &str) -> Result<BTreeSet<String>> {
    let mut keys = BTreeSet::new();
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
        if !keys.insert(k.trim().to_owned()) {
            bail!("line {}: `{k}` defined twice", n + 1);
        }
    }
    Ok(keys)
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
    println!("i18n: {} keys in zh-CN.txt and en.txt", zh.len());
    Ok(zh.len())
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
    fn a_missing_or_empty_entry_is_reported() {
        assert!(keys("a = x\nb = ").is_err());
        assert!(keys("a = x\na = y").is_err());
        assert!(keys("just text").is_err());
        assert_eq!(keys("# c\na = x\n\nb = y").expect("valid").len(), 2);
    }
}
