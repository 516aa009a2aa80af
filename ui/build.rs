fn main() {
    // Element ids and debug info let the testing backend find elements by id and label.
    // Debug builds (which the tests use) carry them; release builds stay lean.
    let debug_build = std::env::var("PROFILE").as_deref() == Ok("debug");
    let config = slint_build::CompilerConfiguration::new()
        .with_style("fluent-dark".into())
        .with_debug_info(debug_build);
    slint_build::compile_with_config("app-window.slint", config).expect("the .slint files compile");
}
