//! `cargo xtask dist`: the app built for the browser into `dist/`, with content-hashed names
//! and `.br`/`.gz` siblings that the server negotiates.

mod split;

use crate::tools::{self, run, step};
use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Bundle {
    pub first_load_brotli: usize,
    /// Lazy-route chunks, loaded on demand.
    pub chunks: usize,
}

/// What a first visit may download, brotli-compressed (index, scripts, main wasm, style):
/// `cargo xtask test` fails above it. Issue #11's goal. From 628,525 in one bundle: the page
/// groups' chunks 193,908; English fetched on demand 189,226; after #12's screens 193,791;
/// each group's chunk bringing its own router and the pages' Chinese texts 152,274; esbuild
/// on the scripts and the style sheet 149,506; five groups, loaded without `<Suspense>`
/// 145,777 (see `cargo xtask dist`'s output for the current figure).
pub const FIRST_LOAD_BUDGET: usize = 150_000;

/// Splits of the app that are not page groups: code fetched once the first page has appeared
/// (`app/src/components/after_paint.rs`: the read-aloud controls, the home page's notices).
const OTHER_SPLITS: &[&str] = &["after_paint"];

const COMPRESSIBLE: &[&str] = &[
    "html",
    "js",
    "css",
    "wasm",
    "svg",
    "webmanifest",
    "json",
    "txt",
];

/// Panic messages name their source file, and a path like
/// `/root/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/leptos_router-0.8.17/src/…` is
/// data of the main module some fifty times over: the crates' paths start at the crate's own
/// name instead (`leptos_router-0.8.17/src/…`), which also makes the bundle the same whoever
/// builds it. (Measured with the home page's notices: first load 150,290 → see the note.)
fn short_source_paths() -> String {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let mut flags = Vec::new();
    if let Some(Ok(registries)) = home.map(|h| std::fs::read_dir(h.join("registry/src"))) {
        for registry in registries.flatten() {
            flags.push(format!(
                "--remap-path-prefix={}/=",
                registry.path().display()
            ));
        }
    }
    flags.join(" ")
}

/// The template of a sent page's heading, introduction and loading line
/// (`public/sent-page.html`).
const SENT_TEMPLATE: &str = "sent-page.html";

/// The page sent for one of [`anju_domain::bundle::SENT_PAGES`]: `index.html` with the page's
/// heading and introduction in place of the plain loading message, in Chinese from the catalog.
/// On a slow network they appear as soon as the page and its stylesheet have arrived, while the
/// app's code is still downloading: the app then takes over these very elements
/// (`app/src/components/shell.rs`), so the reader sees no change. Only those paths: every other
/// path shows its own page, and these words there would be wrong for a moment.
///
/// The page's code is fetched once they are painted (boot.js), not preloaded beside the
/// stylesheet, which it would slow on a slow network: the main module's preload goes, and the
/// chunks of the page's group (`chunks`, if it is lazily loaded) are named for boot.js to
/// fetch beside the main module then — instead of in the server's `Link` header.
fn sent_page(
    index: &str,
    template: &str,
    catalog: &str,
    page: &anju_domain::bundle::SentPage,
    chunks: &[String],
) -> Result<String> {
    let catalog = crate::i18n_check::entries(catalog)?;
    let mut shell = template.to_owned();
    for (slot, key) in [("{{heading}}", page.texts[0]), ("{{intro}}", page.texts[1])] {
        let text = catalog
            .get(key)
            .with_context(|| format!("{} names {key}, not in the catalog", page.path))?;
        let escaped = text
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        anyhow::ensure!(shell.contains(slot), "{SENT_TEMPLATE} has no {slot}");
        shell = shell.replace(slot, &escaped);
    }
    // The plain loading message is the one `<div id="loading">` of the page.
    let start = index
        .find("<div id=\"loading\"")
        .context("index.html has no <div id=\"loading\">")?;
    let end = start
        + index[start..]
            .find("</div>")
            .context("index.html's loading message is not closed")?
        + "</div>".len();
    let mut head = String::new();
    for line in index[..start].lines() {
        if line.contains("rel=\"preload\"") && line.contains(".wasm") {
            continue;
        }
        if line.trim() == "</head>" && !chunks.is_empty() {
            head.push_str(&format!(
                "<meta name=\"anju-chunks\" content=\"{}\">\n",
                chunks.join(" ")
            ));
        }
        head.push_str(line);
        head.push('\n');
    }
    Ok(format!("{head}{}{}", shell.trim(), &index[end..]))
}

/// `public/index.html` as every visit downloads it: without its comments (they are for us) and
/// without the indentation.
fn shipped_html(source: &str) -> String {
    let mut rest = source;
    let mut html = String::with_capacity(source.len());
    while let Some(start) = rest.find("<!--") {
        html.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    html.push_str(rest);
    html.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

pub fn dist(root: &Path) -> Result<Bundle> {
    tools::ensure_npm_packages(root)?;
    step("building the app (wasm32, wasm-release profile)");
    tools::ensure_wasm_target()?;
    run(tools::cargo()
        .args([
            "build",
            "-p",
            "anju-app",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            short_source_paths(),
        ))?;
    let wasm = tools::target_dir(root).join("wasm32-unknown-unknown/wasm-release/anju_app.wasm");

    let out = root.join("dist");
    if out.exists() {
        std::fs::remove_dir_all(&out).context("clearing dist/")?;
    }
    std::fs::create_dir_all(&out)?;
    let staging = tools::target_dir(root).join("xtask-bindgen");
    if staging.exists() {
        std::fs::remove_dir_all(&staging)?;
    }
    let split = staging.join("split");
    let chunks = split::split(&wasm, &split)?;

    // The library is pinned to the same version as the wasm-bindgen crate in Cargo.lock, so
    // no separately installed CLI can drift from it. The split loader reads the function
    // table and memory from the main module's exports, which only `keep_lld_exports` keeps.
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(split.join(split::MAIN_WASM))
        .out_name("anju_app")
        .web(true)?
        .typescript(false)
        .keep_lld_exports(true)
        .remove_name_section(true)
        .remove_producers_section(true)
        .generate(&staging)
        .context("wasm-bindgen failed")?;

    let bg_wasm = staging.join("anju_app_bg.wasm");
    let mut wasm_files = vec![bg_wasm.clone()];
    wasm_files.extend(chunks.files.iter().map(|c| split.join(c)));
    optimise_wasm(root, &wasm_files)?;

    let wasm_name = hashed_copy(&bg_wasm, &out, "anju-app-bg", "wasm")?;
    let names = split::publish(&chunks, &split, &staging.join("anju_app.js"), &out)?;
    let js_name = names.app_js.clone();
    if staging.join("snippets").exists() {
        copy_dir(&staging.join("snippets"), &out.join("snippets"))?;
    }
    let mut css = String::new();
    for part in ["tokens.css", "app.css"] {
        css.push_str(&std::fs::read_to_string(root.join("style").join(part))?);
        css.push('\n');
    }
    let css_path = staging.join("style.css");
    std::fs::write(&css_path, css)?;
    let css_name = hashed_copy(&css_path, &out, "style", "css")?;
    // After naming: a name stays the hash of what it was made from, and minifying is
    // deterministic, so a name still changes exactly when the shipped file does.
    minify(
        root,
        &[&names.app_js, &names.loader, &css_name].map(|name| out.join(name)),
    )?;

    for entry in std::fs::read_dir(root.join("public"))? {
        let entry = entry?;
        // Templates, filled in below.
        if !["index.html", "sw.js", SENT_TEMPLATE]
            .contains(&entry.file_name().to_str().unwrap_or(""))
        {
            std::fs::copy(entry.path(), out.join(entry.file_name()))?;
        }
    }
    // The English catalog, named by the hash the app was built with (it is not in the app).
    let english = std::fs::read(root.join("app/i18n/en.txt"))?;
    std::fs::write(
        out.join(anju_domain::bundle::english_catalog_file(&english)),
        &english,
    )?;
    // The module that starts the app, as a file of its own: the content security policy
    // allows no inline script. On a page sent with its own words (see `sent_page`) it waits
    // for them to be painted before fetching the app's code and the page's chunks.
    let boot_path = staging.join("boot.js");
    std::fs::write(
        &boot_path,
        format!(
            "import init from \"/{js_name}\";\n\
             const start = () => {{\n\
             for (const name of (document.querySelector(\"meta[name=anju-chunks]\")?.content ?? \"\").split(\" \").filter(Boolean)) {{\n\
             const link = document.createElement(\"link\");\n\
             link.rel = \"preload\"; link.as = \"fetch\"; link.crossOrigin = \"anonymous\"; link.href = \"/\" + name;\n\
             document.head.append(link);\n\
             }}\n\
             init({{ module_or_path: \"/{wasm_name}\" }});\n\
             }};\n\
             if (document.getElementById(\"sent-heading\")) requestAnimationFrame(() => setTimeout(start));\n\
             else start();\n"
        ),
    )?;
    let boot_name = hashed_copy(&boot_path, &out, "boot", "js")?;
    let index = std::fs::read_to_string(root.join("public/index.html"))?
        .replace("{{BOOT_JS}}", &boot_name)
        .replace("{{APP_JS}}", &js_name)
        .replace("{{SPLIT_LOADER_JS}}", &names.loader)
        .replace("{{APP_WASM}}", &wasm_name)
        .replace("{{STYLE_CSS}}", &css_name);
    let template = std::fs::read_to_string(root.join("public").join(SENT_TEMPLATE))?;
    let catalog = std::fs::read_to_string(root.join("app/i18n/zh-CN.txt"))?;
    for page in &anju_domain::bundle::SENT_PAGES {
        let chunks = anju_domain::pages::group_of_path(page.path)
            .and_then(|group| names.routes.get(group.split_name()))
            .cloned()
            .unwrap_or_default();
        let html = sent_page(&index, &template, &catalog, page, &chunks)?;
        std::fs::write(out.join(page.file), shipped_html(&html))?;
    }
    let index = shipped_html(&index);
    std::fs::write(out.join("index.html"), &index)?;
    // The service worker names this build (the page names every hashed file, so its hash
    // changes with any of them) and the files it fetches at install: the first download.
    let version = hex::encode(Sha256::digest(index.as_bytes()));
    // The read-aloud controls (and the home page's notices) load right after a page appears.
    let mut precache: Vec<&str> = vec![
        "prefs.js",
        "manifest.webmanifest",
        "icon-192.png",
        &boot_name,
        &js_name,
        &names.loader,
        &wasm_name,
        &css_name,
    ];
    precache.extend(
        names
            .routes
            .get("after_paint")
            .into_iter()
            .flatten()
            .map(String::as_str),
    );
    let precache = serde_json::to_string(&precache)?;
    let sent_paths: Vec<&str> = anju_domain::bundle::SENT_PAGES
        .iter()
        .map(|p| p.path)
        .collect();
    let worker = std::fs::read_to_string(root.join("public/sw.js"))?
        .replace("{{VERSION}}", &version[..16])
        .replace("{{FIRST_LOAD}}", &precache)
        .replace("{{SENT_PATHS}}", &serde_json::to_string(&sent_paths)?);
    std::fs::write(out.join("sw.js"), worker)?;
    // Both are fetched on every visit; their comments are for us.
    minify(root, &[out.join("prefs.js"), out.join("sw.js")])?;
    write_page_chunks(&out, &names.routes)?;

    precompress(&out)?;
    // The page itself: the largest of those sent (they carry a heading and introduction).
    let mut page = "index.html";
    for sent in &anju_domain::bundle::SENT_PAGES {
        if sizes(&out, sent.file)?.1 > sizes(&out, page)?.1 {
            page = sent.file;
        }
    }
    let first_load: Vec<&str> = vec![
        page,
        "prefs.js",
        &boot_name,
        &js_name,
        &names.loader,
        &wasm_name,
        &css_name,
    ];
    let mut total = 0;
    println!("first-load bundle (brotli):");
    for name in &first_load {
        let (raw, br) = sizes(&out, name)?;
        total += br;
        println!("  {name:<48} {raw:>9} bytes raw {br:>8} bytes br");
    }
    println!(
        "  total first load: {total} bytes brotli ({:.1} KiB)",
        total as f64 / 1024.0
    );
    println!("loaded on demand (brotli):");
    let mut on_demand = 0;
    for name in &names.chunks {
        let (raw, br) = sizes(&out, name)?;
        on_demand += br;
        println!("  {name:<48} {raw:>9} bytes raw {br:>8} bytes br");
    }
    println!("  total of the lazy chunks: {on_demand} bytes brotli");
    Ok(Bundle {
        first_load_brotli: total,
        chunks: names.chunks.len(),
    })
}

fn sizes(out: &Path, name: &str) -> Result<(u64, usize)> {
    let raw = std::fs::metadata(out.join(name))?.len();
    let br = std::fs::metadata(out.join(format!("{name}.br")))?.len() as usize;
    Ok((raw, br))
}

/// `{"public": ["split-public-….wasm", "chunk-3-….wasm"], …}`: the files each page group
/// loads, which the server names in a preload header when it sends the shell for one of the
/// group's pages. Every group the splitter made must be one the domain's page table knows
/// (`anju_domain::pages`), and every group of the table must have been split out.
fn write_page_chunks(
    out: &Path,
    routes: &std::collections::BTreeMap<String, Vec<String>>,
) -> Result<()> {
    use anju_domain::pages::PageGroup;
    for split in routes.keys() {
        if PageGroup::from_split_name(split).is_none() && !OTHER_SPLITS.contains(&split.as_str()) {
            bail!("the app has a page group `{split}` that anju_domain::pages does not list");
        }
    }
    for group in PageGroup::ALL {
        if !routes.contains_key(group.split_name()) {
            bail!(
                "page group `{}` of anju_domain::pages was not split out of the app (groups: {:?})",
                group.split_name(),
                routes.keys().collect::<Vec<_>>()
            );
        }
    }
    // The server preloads a page's chunks from this map: page groups only.
    let pages: std::collections::BTreeMap<_, _> = routes
        .iter()
        .filter(|(split, _)| PageGroup::from_split_name(split).is_some())
        .collect();
    let json = serde_json::to_string_pretty(&pages)?;
    std::fs::write(out.join("page-chunks.json"), json)?;
    Ok(())
}

/// Debian's binaryen 108 breaks modern wasm-bindgen output, so only the pinned npm binaryen
/// (end2end/package.json) is used; without it the bundle ships unoptimised, which works.
/// Each module separately (the splitter needs the relocations wasm-opt would drop, so this
/// comes after it), as many at once as there are cores.
fn optimise_wasm(root: &Path, files: &[PathBuf]) -> Result<()> {
    let wasm_opt = root.join("end2end/node_modules/.bin/wasm-opt");
    let version = Command::new(&wasm_opt)
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
        .and_then(|v| {
            v.split_whitespace()
                .nth(2)
                .and_then(|n| n.parse::<u32>().ok())
        });
    let Some(v) = version.filter(|v| *v >= 116) else {
        println!(
            "wasm-opt: skipped (no binaryen >= 116 in end2end/node_modules; run npm install there)"
        );
        return Ok(());
    };
    println!("wasm-opt (binaryen {v}) -Oz on {} modules", files.len());
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> Result<()> {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(wasm) = files.get(i) else {
                            return Ok(());
                        };
                        let before = std::fs::metadata(wasm)?.len();
                        rewrite_with(
                            "wasm-opt",
                            Command::new(&wasm_opt).arg(wasm).arg("-o").arg(wasm).args([
                                "-Oz",
                                "--enable-bulk-memory",
                                "--enable-nontrapping-float-to-int",
                                "--enable-sign-ext",
                                "--enable-mutable-globals",
                                "--enable-reference-types",
                                "--enable-multivalue",
                            ]),
                            wasm,
                        )?;
                        let after = std::fs::metadata(wasm)?.len();
                        let name = wasm.file_name().unwrap_or_default().to_string_lossy();
                        println!("  wasm-opt {name}: {before} -> {after} bytes");
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| {
            h.join()
                .map_err(|_| anyhow::anyhow!("wasm-opt worker panicked"))?
        })
    })
}

/// The pinned npm esbuild (end2end/package.json) minifies wasm-bindgen's JS, the split loader
/// and the style sheet: ~2.8 KB of the first load's brotli bytes (the glue's comments, long
/// local names and indentation). Without it they ship as written, which works.
fn minify(root: &Path, files: &[PathBuf]) -> Result<()> {
    let esbuild = root.join("end2end/node_modules/.bin/esbuild");
    if !esbuild.exists() {
        println!("esbuild: skipped (not in end2end/node_modules; run npm install there)");
        return Ok(());
    }
    for file in files {
        rewrite_with(
            "esbuild",
            Command::new(&esbuild)
                .arg(file)
                .arg("--minify")
                .arg(format!("--outfile={}", file.display()))
                .args(["--allow-overwrite", "--log-level=error"]),
            file,
        )?;
    }
    Ok(())
}

/// Run a tool that rewrites `file` in place; its error output becomes the error.
fn rewrite_with(tool: &str, cmd: &mut Command, file: &Path) -> Result<()> {
    let output = cmd.output().with_context(|| format!("starting {tool}"))?;
    if !output.status.success() {
        bail!(
            "{tool} failed on {}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

fn hashed_copy(src: &Path, out: &Path, stem: &str, ext: &str) -> Result<String> {
    let bytes = std::fs::read(src).with_context(|| format!("reading {}", src.display()))?;
    let hash = hex::encode(Sha256::digest(&bytes));
    let name = format!("{stem}-{}.{ext}", &hash[..16]);
    std::fs::write(out.join(&name), bytes)?;
    Ok(name)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(files(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

fn precompress(dir: &Path) -> Result<()> {
    for path in files(dir)? {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !COMPRESSIBLE.contains(&ext) {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let mut br = Vec::new();
        {
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                lgwin: 22,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params)?;
        }
        std::fs::write(with_suffix(&path, "br"), br)?;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes)?;
        std::fs::write(with_suffix(&path, "gz"), gz.finish()?)?;
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".");
    s.push(suffix);
    PathBuf::from(s)
}

#[cfg(test)]
mod tests {
    use super::{sent_page, shipped_html};
    use anju_domain::bundle::{SentPage, SENT_CHECK};

    const INDEX: &str = "<head>\n<link rel=\"preload\" href=\"/a-0.wasm\" as=\"fetch\">\n<link rel=\"stylesheet\" href=\"/s.css\">\n</head>\n<body>\n<main id=\"main\">\n<div id=\"loading\" class=\"shell-loading\" role=\"status\">\n<p>正在加载</p>\n</div>\n</main>\n</body>\n";
    const TEMPLATE: &str = "<h1 id=\"sent-heading\">{{heading}}</h1>\n<p class=\"lead\">{{intro}}</p>\n<div id=\"loading\"></div>\n";

    #[test]
    fn a_sent_page_carries_its_heading_and_introduction_from_the_catalog_and_defers_its_code() {
        let catalog = "check.title = 您好\ncheck.intro = 点“长辈版”<按钮> & 看\n";
        let chunks = [
            "split-public-0.wasm".to_owned(),
            "chunk-3-0.wasm".to_owned(),
        ];
        assert_eq!(
            sent_page(INDEX, TEMPLATE, catalog, &SENT_CHECK, &chunks).unwrap(),
            "<head>\n<link rel=\"stylesheet\" href=\"/s.css\">\n\
             <meta name=\"anju-chunks\" content=\"split-public-0.wasm chunk-3-0.wasm\">\n</head>\n\
             <body>\n<main id=\"main\">\n<h1 id=\"sent-heading\">您好</h1>\n\
             <p class=\"lead\">点“长辈版”&lt;按钮&gt; &amp; 看</p>\n<div id=\"loading\"></div>\n</main>\n</body>\n"
        );
        // A page in the main module names no chunks.
        let home = SentPage {
            texts: ["check.title", "check.intro"],
            ..anju_domain::bundle::SENT_HOME
        };
        assert!(!sent_page(INDEX, TEMPLATE, catalog, &home, &[])
            .unwrap()
            .contains("anju-chunks"));
        let missing = SentPage {
            texts: ["check.title", "check.missing"],
            ..SENT_CHECK
        };
        assert!(sent_page(INDEX, TEMPLATE, catalog, &missing, &[]).is_err());
        assert!(sent_page("<body></body>", TEMPLATE, catalog, &SENT_CHECK, &[]).is_err());
        assert!(sent_page(INDEX, "<h1>{{heading}}</h1>", catalog, &SENT_CHECK, &[]).is_err());
    }

    #[test]
    fn the_shipped_page_has_no_comments_or_indentation() {
        let source = "<head>\n  <!-- for us -->\n  <script src=\"/a.js\"></script>\n</head>\n<body>\n  <p>安居 <b>x</b></p>\n</body>\n";
        assert_eq!(
            shipped_html(source),
            "<head>\n<script src=\"/a.js\"></script>\n</head>\n<body>\n<p>安居 <b>x</b></p>\n</body>\n"
        );
    }
}
