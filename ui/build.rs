fn main() {
    // Element ids and debug info let the testing backend find elements by id and label.
    // Debug builds (which the tests use) carry them; release builds stay lean.
    let debug_build = std::env::var("PROFILE").as_deref() == Ok("debug");
    // The translations in lang/<language>/LC_MESSAGES/distillery-ui.po are built into the
    // binary; Slint picks the one the locale asks for at start (lang/README.md).
    let lang = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../lang");
    println!("cargo:rerun-if-changed={}", lang.display());
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_debug_info(debug_build)
        .with_bundled_translations(lang);
    slint_build::compile_with_config("app-window.slint", config).expect("the .slint files compile");
}
