use distillery::cli::{Cli, Command};
use distillery::{app, logging};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let started = Instant::now();
    // Usage errors print clap's message and exit with code 2.
    let cli: Cli = distillery::cli::reference::parse();
    if let Some(missing) = cli.files.iter().find(|file| !file.exists()) {
        // Also what a mistyped subcommand becomes: say both.
        distillery::cli::reference::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "'{}' is neither a file or folder to import nor a command (see distillery --help)",
                    missing.display()
                ),
            )
            .exit();
    }
    // Made from the command line's definition alone: no library, data folder or log.
    let documentation = match &cli.command {
        Some(Command::Completions(args)) => Some(app::manuals::completions(args)),
        Some(Command::ManualPages(args)) => Some(app::manuals::manual_pages(args)),
        _ => None,
    };
    if let Some(result) = documentation {
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("distillery: {error:#}");
                ExitCode::FAILURE
            }
        };
    }
    // The window speaks the user's language; the commands keep English, which scripts read
    // (and match) whatever the locale.
    if !matches!(cli.command, None | Some(Command::Snapshot(_))) {
        distillery::i18n::use_language(None);
    }
    let data_dir = match app::resolve_data_dir(&cli.global) {
        Ok(dir) => dir,
        Err(error) => return fail(&error),
    };
    let (log_dir, unmoved) = logging::location::for_this_run(cli.global.data_dir.as_deref(), &data_dir);
    logging::init(Some(&log_dir));
    for problem in unmoved {
        tracing::warn!(%problem, "an old log file was left in the data folder");
    }

    let result = match &cli.command {
        None => app::run(&cli.global, &cli.files, started),
        Some(Command::Snapshot(args)) => app::snapshot::run(&cli.global, args, started),
        Some(Command::Generate(args)) => app::commands::generate(&cli.global, args),
        Some(Command::Queue(args)) => app::commands::queue(&cli.global, args),
        Some(Command::Import(args)) => app::import::run(&cli.global, args),
        Some(Command::DemoLibrary(args)) => app::demo_library::run(&cli.global, args),
        Some(Command::Check(args)) => app::check::run(&cli.global, args),
        Some(Command::List(args)) => app::culling::list(&cli.global, args),
        Some(Command::Rate(args)) => app::culling::rate(&cli.global, args),
        Some(Command::Mark(args)) => app::culling::mark(&cli.global, args),
        Some(Command::Label(args)) => app::labels::run(&cli.global, args),
        Some(Command::Keyword(command)) => app::keywords::run(&cli.global, command),
        Some(Command::Collection(command)) => app::collections::run(&cli.global, command),
        Some(Command::Export(args)) => app::export::run(&cli.global, args),
        Some(Command::Completions(_) | Command::ManualPages(_)) => unreachable!("answered before logging starts"),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &anyhow::Error) -> ExitCode {
    tracing::error!("{error:#}");
    eprintln!("distillery: {error}");
    ExitCode::FAILURE
}
