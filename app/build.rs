//! Two jobs for the wasm build of the app:
//!
//! - The route splitter (`cargo xtask dist`) needs the linker's relocations in the wasm file: a
//!   link argument of the final artifact only, so dependencies are not rebuilt for it.
//! - The Chinese catalog is cut in two (`$OUT_DIR/zh-CN.core.txt`, `zh-CN.pages.txt`). The
//!   core holds the keys that the code of the main module names (the frame, the home page,
//!   not-found, the chunk-failed page, network errors, role names): it is built into the first
//!   download. The rest is named only from the page groups' chunks, so the splitter moves it
//!   out of the main module (~12 KB brotli of every visitor's first download).
//!
//! The main module's files are listed here; a key they name that is not in the core would show
//! as "⚠" before a page group has loaded, so every key any of them names goes to the core.

use std::path::Path;

/// The source files whose code stays in the main module (`app/src/routes.rs` says which pages
/// load on demand; everything else the root reaches is here).
const MAIN_MODULE_FILES: &[&str] = &[
    "src/lib.rs",
    "src/app.rs",
    "src/routes.rs",
    "src/api.rs",
    "src/state.rs",
    "src/i18n.rs",
    "src/catalog.rs",
    "src/format.rs",
    "src/components/layout.rs",
    "src/pages/home.rs",
    "src/pages/not_found.rs",
];

const CATALOG: &str = "i18n/zh-CN.txt";

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-cdylib-link-arg=--emit-relocs");
    }
    println!("cargo:rerun-if-changed={CATALOG}");
    let mut main_module = String::new();
    for file in MAIN_MODULE_FILES {
        println!("cargo:rerun-if-changed={file}");
        let source = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{file}: {e}"));
        main_module.push_str(&source);
    }
    let catalog = std::fs::read_to_string(CATALOG).expect("reading the Chinese catalog");
    let (mut core, mut pages) = (String::new(), String::new());
    for line in catalog.lines() {
        let Some((key, _)) = line.split_once(" = ") else {
            continue;
        };
        let part = if main_module.contains(&format!("\"{}\"", key.trim())) {
            &mut core
        } else {
            &mut pages
        };
        part.push_str(line);
        part.push('\n');
    }
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let out = Path::new(&out);
    std::fs::write(out.join("zh-CN.core.txt"), core).expect("writing the core catalog");
    std::fs::write(out.join("zh-CN.pages.txt"), pages).expect("writing the page catalog");
}
