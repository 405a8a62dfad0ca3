//! Route splitting: the linked app cut into a main module and one wasm file per lazy route
//! (plus chunks shared by several), then published under content-hashed names.
//!
//! The splitter (`wasm_split_cli_support`) writes a JS loader that imports the main module
//! and fetches each chunk by file name; the main module's JS imports the loader. Both names
//! are rewritten here to content-hashed ones so every file can be cached as immutable and an
//! old tab keeps loading the chunks of the build it started with (the server's archive keeps
//! them after a deploy).

use anyhow::{anyhow, bail, Context, Result};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

/// The main module as the splitter leaves it, for wasm-bindgen.
pub const MAIN_WASM: &str = "main.wasm";
/// The loader's name as written by the splitter and as imported by the main module's JS.
const LOADER: &str = "__wasm_split.js";
/// What the loader imports `initSync` from, rewritten to the published app JS.
const MAIN_JS: &str = "anju_app.js";

pub struct Chunks {
    /// The chunk files the splitter wrote, by file name.
    pub files: Vec<String>,
    /// Split point (one per page group) → the chunk files it needs, by file stem.
    prefetch: BTreeMap<String, Vec<String>>,
}

pub fn split(wasm: &Path, dir: &Path) -> Result<Chunks> {
    let bytes = std::fs::read(wasm).with_context(|| format!("reading {}", wasm.display()))?;
    let main = dir.join(MAIN_WASM);
    let link_name = format!("./{LOADER}");
    let main_module = format!("./{MAIN_JS}");
    let mut options = wasm_split_cli_support::Options::new(&bytes);
    options.output_dir = dir;
    options.main_out_path = &main;
    options.link_name = &link_name;
    options.main_module = &main_module;
    options.target.web();
    let result = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow!("splitting the app into lazy routes: {e:?}"))?;
    let mut files: Vec<String> = result
        .split_modules
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(String::from))
        .collect();
    files.sort();
    Ok(Chunks {
        files,
        prefetch: result.prefetch_map.into_iter().collect(),
    })
}

/// The published names of a split build.
pub struct Published {
    pub app_js: String,
    pub loader: String,
    /// Every chunk file, as published.
    pub chunks: Vec<String>,
    /// Page group's split point → its published files.
    pub routes: BTreeMap<String, Vec<String>>,
}

pub fn publish(chunks: &Chunks, dir: &Path, bindgen_js: &Path, out: &Path) -> Result<Published> {
    let mut loader = std::fs::read_to_string(dir.join(LOADER)).context("reading the loader")?;
    let mut renamed = BTreeMap::new();
    for file in &chunks.files {
        let bytes = std::fs::read(dir.join(file))?;
        let stem = file.trim_end_matches(".wasm");
        let name = format!("{}-{}.wasm", readable_stem(stem), short_hash(&bytes));
        std::fs::write(out.join(&name), bytes)?;
        replace_once(
            &mut loader,
            &format!("\"./{file}\""),
            &format!("\"./{name}\""),
        )?;
        renamed.insert(stem.to_string(), name);
    }

    // The loader's name must change whenever its content does, and its content names the app
    // JS, whose content names the loader. The cycle is cut by naming the loader after what
    // determines the app JS (wasm-bindgen's output) and its own text before the app JS name
    // goes in.
    let app_js_raw = std::fs::read_to_string(bindgen_js).context("reading wasm-bindgen's JS")?;
    let mut hasher = Sha256::new();
    hasher.update(loader.as_bytes());
    hasher.update(app_js_raw.as_bytes());
    let loader_name = format!("split-loader-{}.js", &hex::encode(hasher.finalize())[..16]);

    // wasm-bindgen imports the loader once per function the main module imports from it.
    let loader_import = format!("from \"./{LOADER}\"");
    if !app_js_raw.contains(&loader_import) {
        bail!("wasm-bindgen's JS does not import the split loader ({loader_import})");
    }
    let app_js = app_js_raw.replace(&loader_import, &format!("from \"./{loader_name}\""));
    let app_js_name = format!("anju-app-{}.js", short_hash(app_js.as_bytes()));
    std::fs::write(out.join(&app_js_name), &app_js)?;
    replace_once(
        &mut loader,
        &format!("from \"./{MAIN_JS}\""),
        &format!("from \"./{app_js_name}\""),
    )?;
    std::fs::write(out.join(&loader_name), &loader)?;

    let routes = chunks
        .prefetch
        .iter()
        .map(|(split, stems)| {
            let files = stems
                .iter()
                .filter_map(|stem| renamed.get(stem).cloned())
                .collect();
            (split.clone(), files)
        })
        .collect();
    Ok(Published {
        app_js: app_js_name,
        loader: loader_name,
        chunks: renamed.into_values().collect(),
        routes,
    })
}

fn short_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))[..16].to_string()
}

/// `split___survey_edit_route_view_8112…` → `split-survey-edit-route-view`: the splitter's
/// names end in a hash of the source position, which a content hash replaces.
fn readable_stem(stem: &str) -> String {
    let without_position = match stem.rsplit_once('_') {
        Some((head, tail)) if tail.len() >= 8 && tail.bytes().all(|b| b.is_ascii_digit()) => head,
        _ => stem,
    };
    without_position
        .split('_')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
}

fn replace_once(text: &mut String, from: &str, to: &str) -> Result<()> {
    match text.matches(from).count() {
        1 => {
            *text = text.replacen(from, to, 1);
            Ok(())
        }
        n => bail!("expected `{from}` once in the split build's JS, found it {n} times"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readable_stems_drop_the_position_hash() {
        assert_eq!(
            readable_stem("split___survey_edit_route_view_8112403002001725341"),
            "split-survey-edit-route-view"
        );
        assert_eq!(readable_stem("chunk_3"), "chunk-3");
        assert_eq!(readable_stem("split_Policy"), "split-policy");
    }
}
