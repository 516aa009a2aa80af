//! What `--help` and the manual pages say beyond the options: the environment variables the
//! app reads and its exit codes. One table each, so the two never disagree.

/// The environment variables a user may set, with what each does.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "DISTILLERY_LIBRARY",
        "The library folder, as --library (which wins over it); over the one chosen in Settings.",
    ),
    (
        "DISTILLERY_ENGINE",
        "The image engine: a cn-engine binary, or demo for the simulated engine; as --engine.",
    ),
    (
        "DISTILLERY_MODELS",
        "A folder holding the model files (the diffusion .gguf, the VAE, the text encoder).",
    ),
    (
        "CN_MODEL_DIFFUSION, CN_MODEL_VAE, CN_MODEL_LLM",
        "The three model files one by one, when all three are set.",
    ),
    (
        "FAL_KEY, REPLICATE_API_TOKEN",
        "API keys for the hosted providers (else the desktop keyring, where Settings keeps them).",
    ),
    (
        "DISTILLERY_DECODE_BUDGET_MB",
        "Memory for decoding images at once (default: a quarter of the memory, 512 to 1024 MiB).",
    ),
    (
        "RUST_LOG",
        "What is logged to stderr, e.g. debug or warn,distillery=debug (default: warn,distillery=info).",
    ),
    (
        "XDG_STATE_HOME",
        "The log folder is $XDG_STATE_HOME/distillery (default ~/.local/state/distillery), unless --data-dir is given.",
    ),
    (
        "DISPLAY, WAYLAND_DISPLAY",
        "The display the window opens on; commands other than the window and snapshot need none.",
    ),
];

/// The exit codes scripts may rely on.
pub const EXIT_STATUS: &[(&str, &str)] = &[
    ("0", "Success."),
    (
        "1",
        "Failure: the command could not do what it was asked, or (import, export, check) some of it; stderr says why.",
    ),
    (
        "2",
        "Usage error: an unknown option or command, or a value out of range.",
    ),
];

/// The text after the options in `--help`.
pub fn after_help() -> String {
    let mut text = String::from("Environment:\n");
    for (name, what) in ENVIRONMENT {
        text.push_str(&format!("  {name}\n          {what}\n"));
    }
    text.push_str("\nExit status:\n");
    for (code, what) in EXIT_STATUS {
        text.push_str(&format!("  {code}  {what}\n"));
    }
    text.push_str("\nEach command has its manual page: man distillery-generate, man distillery-export, ...");
    text
}

/// The command line as clap sees it, with the environment and exit codes after the top
/// level's options.
pub fn command() -> clap::Command {
    use clap::CommandFactory;
    super::Cli::command().after_help(after_help())
}

/// Parses this process's arguments; a usage error prints clap's message and exits with 2.
pub fn parse() -> super::Cli {
    use clap::FromArgMatches;
    let mut matches = command().get_matches();
    super::Cli::from_arg_matches_mut(&mut matches).unwrap_or_else(|error| error.exit())
}
