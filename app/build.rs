//! The route splitter (`cargo xtask dist`) needs the linker's relocations in the wasm file.
//! A link argument of the final artifact only, so dependencies are not rebuilt for it.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-cdylib-link-arg=--emit-relocs");
    }
}
