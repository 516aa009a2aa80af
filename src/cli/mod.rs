//! The command line. A contract: scripts rely on these names, exit codes (0 ok, 1 failure,
//! 2 usage) and on human progress going to stderr.

mod export;
mod filter;
mod organise;
pub mod reference;

use crate::generation::{Aspect, Provider, Resolution};
use clap::{Args, Parser, Subcommand, ValueEnum};
pub use export::ExportArgs;
pub use filter::FilterArgs;
pub use organise::{CollectionCommand, CollectionEditArgs, KeywordCommand, KeywordEditArgs};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "distillery",
    version,
    about = "Local AI image generation and a fast library for the images it makes."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOptions,

    /// Images or folders to import into the window's library. With a window already open on
    /// the library, they go to that window, which comes to the front.
    #[arg(value_name = "FILES")]
    pub files: Vec<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options every subcommand accepts, before or after its name.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalOptions {
    /// Library folder (originals, thumbnails). Default: the one chosen in settings, else ~/Distillery/Library.
    #[arg(long, global = true, value_name = "DIR")]
    pub library: Option<PathBuf>,

    /// Where the database lives, and the logs too when this is given. Default: the
    /// platform's data folder for Distillery, with the logs in its state folder
    /// (~/.local/state/distillery on Linux).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// The image engine: a cn-engine binary, or `demo` for the built-in simulated engine.
    #[arg(long, global = true, value_name = "PATH|demo", value_parser = parse_engine)]
    pub engine: Option<EngineChoice>,

    /// Print the time to the first painted frame and the memory in use, then quit (benchmarks).
    #[arg(long, global = true, hide = true)]
    pub report_first_frame: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the main window headlessly with the software renderer and write a PNG.
    Snapshot(SnapshotArgs),
    /// Generate images through the queue; prints "MEDIA_ID<TAB>PATH" per finished image.
    Generate(GenerateArgs),
    /// List the generation queue, or cancel a job.
    Queue(QueueArgs),
    /// Copy images (files or whole folders) into the library; prints "MEDIA_ID<TAB>PATH" per
    /// imported image and a summary, and exits with 1 if any file could not be imported.
    Import(ImportArgs),
    /// Fill the library with N synthetic items (for trying the app and for benchmarks).
    DemoLibrary(DemoLibraryArgs),
    /// Check the library against its catalogue: prints a summary table, names each problem
    /// on stderr, and exits with 1 if any remains. Changes nothing unless --repair is given.
    Check(CheckArgs),
    /// List the catalogue as the grid shows it: one line per item (id, rating, status, path,
    /// prompt; tab-separated), or one JSON object per line with --json.
    List(ListArgs),
    /// Rate images: `rate ID... N` with N from 0 (no rating) to 5. Changes nothing if an id
    /// is not in the library.
    Rate(RateArgs),
    /// Mark images: `mark ID... selected|rejected|none`. Changes nothing if an id is not in
    /// the library.
    Mark(MarkArgs),
    /// Colour labels: `label ID... NAME` gives images a label (as xmp:Label: Red, Yellow,
    /// Green, Blue, Purple, or any word), `label ID... none` takes it away. Changes nothing
    /// if an id is not in the library.
    Label(LabelArgs),
    /// Keywords: `keyword add K ID...` and `keyword remove K ID...` (nothing changes if an id
    /// is not in the library), `keyword list` (each keyword with its count of images).
    #[command(subcommand)]
    Keyword(KeywordCommand),
    /// Collections: `collection create NAME`, `collection save NAME [FILTERS]` (a smart
    /// collection), `collection add|remove NAME ID...`, `rename`, `delete` (never deletes
    /// images), `collection list` (each with its count of images).
    #[command(subcommand)]
    Collection(CollectionCommand),
    /// Export copies of images (the filters choose which, as for `list`): prints
    /// "MEDIA_ID<TAB>PATH" per written file; exits 1 if any image failed.
    Export(ExportArgs),
    /// Print the completion script for bash, zsh or fish (e.g. `distillery completions bash >
    /// ~/.local/share/bash-completion/completions/distillery`).
    Completions(CompletionsArgs),
    /// Write the manual pages (one per command) into a folder (for packaging).
    #[command(hide = true)]
    ManualPages(ManualPagesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh or fish.
    #[arg(value_parser = parse_shell)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Clone, Args)]
pub struct ManualPagesArgs {
    /// The folder to write distillery.1, distillery-generate.1, ... into.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

fn parse_shell(text: &str) -> Result<clap_complete::Shell, String> {
    match text {
        "bash" => Ok(clap_complete::Shell::Bash),
        "zsh" => Ok(clap_complete::Shell::Zsh),
        "fish" => Ok(clap_complete::Shell::Fish),
        other => Err(format!("no completions for {other:?}: bash, zsh or fish")),
    }
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// The order: newest, oldest, rating (highest first) or name.
    #[arg(long, default_value = "newest", value_parser = crate::services::listing::parse_order)]
    pub sort: crate::services::listing::ListOrder,
    /// At most N items.
    #[arg(long)]
    pub limit: Option<usize>,
    /// One JSON object per line: id, path, file_name, rating, status, prompt, created_at,
    /// label.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct RateArgs {
    /// The items' ids (as `list` prints them), then the rating.
    #[arg(required = true, num_args = 2.., value_name = "ID... N")]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct MarkArgs {
    /// The items' ids (as `list` prints them), then selected, rejected or none.
    #[arg(required = true, num_args = 2.., value_name = "ID... STATUS")]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct LabelArgs {
    /// The items' ids (as `list` prints them), then the label, or none.
    #[arg(required = true, num_args = 2.., value_name = "ID... LABEL")]
    pub args: Vec<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// Make missing or unreadable thumbnails again, import files no item names (then move
    /// them to lost+found/), and move unused prepared references to lost+found/. Deletes
    /// nothing.
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Clone, Args)]
pub struct DemoLibraryArgs {
    /// How many items to add.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub count: u32,
}

#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// What to see in the image.
    #[arg(long)]
    pub prompt: String,

    /// Long edge in pixels.
    #[arg(long, default_value = "1024", value_parser = parse_resolution)]
    pub resolution: Resolution,

    /// Aspect ratio: 1:1, 3:2, 2:3, 16:9, 9:16 or 4:5.
    #[arg(long, default_value = "1:1", value_parser = parse_aspect)]
    pub aspect: Aspect,

    /// A reference image (image to image); repeat for several.
    #[arg(long = "ref", value_name = "PATH")]
    pub references: Vec<PathBuf>,

    /// How many images to make.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=100))]
    pub count: u32,

    /// Seed of the first image (the others count up from it). Random when not given.
    #[arg(long, value_parser = clap::value_parser!(i64).range(0..=0x7FFF_FFFF))]
    pub seed: Option<i64>,

    /// Where to make the images: local (this computer's engine), fal or replicate. Hosted
    /// providers read their key from FAL_KEY / REPLICATE_API_TOKEN or the desktop keyring.
    #[arg(long, default_value = "local", value_parser = parse_provider)]
    pub provider: Provider,

    /// A hosted provider's model: 4b, 9b, or its endpoint id (default: FLUX.2 Klein 4B).
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// Image files or folders (folders are walked recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Files imported at once (default: the number of cores, at most 4).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=16))]
    pub threads: Option<u32>,
}

#[derive(Debug, Clone, Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub action: Option<QueueAction>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum QueueAction {
    /// Cancel a waiting or running job.
    Cancel {
        /// The job's id, as `distillery queue` lists it.
        id: String,
    },
}

fn parse_resolution(text: &str) -> Result<Resolution, String> {
    Resolution::parse(text).ok_or_else(|| format!("{text:?} is not a resolution: use 512 or 1024"))
}

fn parse_provider(text: &str) -> Result<Provider, String> {
    Provider::parse(text).ok_or_else(|| format!("{text:?} is not a provider: use local, fal or replicate"))
}

fn parse_aspect(text: &str) -> Result<Aspect, String> {
    let known: Vec<String> = Aspect::ALL.iter().map(|a| a.label()).collect();
    Aspect::parse(text).ok_or_else(|| format!("{text:?} is not an aspect ratio: use one of {}", known.join(", ")))
}

#[derive(Debug, Clone, Args)]
pub struct SnapshotArgs {
    /// The PNG file to write.
    #[arg(long, value_name = "FILE.png")]
    pub out: PathBuf,

    /// Window size in logical pixels.
    #[arg(long, value_name = "WxH", default_value = "1280x800", value_parser = parse_size)]
    pub size: WindowSize,

    /// Which view to show.
    #[arg(long, value_enum, default_value_t = SnapshotView::Grid)]
    pub view: SnapshotView,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SnapshotView {
    /// The library grid (the default view).
    Grid,
    /// The loupe on the selected image (the first one if none is), at fit.
    Loupe,
    /// The Settings dialog over the library, as stored settings fill it.
    Settings,
    /// Compare mode: the selected image (the first one if none is) against the next.
    Compare,
}

/// Which engine binary to drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineChoice {
    /// The simulated engine shipped with Distillery.
    Demo,
    /// A cn-engine binary at this path.
    Binary(PathBuf),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSize {
    pub width: u32,
    pub height: u32,
}

pub fn parse_engine(text: &str) -> Result<EngineChoice, String> {
    match text {
        "" => Err("give a path to a cn-engine binary, or `demo`".into()),
        "demo" => Ok(EngineChoice::Demo),
        path => Ok(EngineChoice::Binary(PathBuf::from(path))),
    }
}

/// Parses `1280x800`. The window's minimum is 960x600, but smaller sizes are allowed for
/// thumbnails of the UI; the upper bound keeps a typo from allocating gigabytes.
pub fn parse_size(text: &str) -> Result<WindowSize, String> {
    let (w, h) = text
        .split_once(['x', 'X'])
        .ok_or_else(|| format!("{text:?} is not a size like 1280x800"))?;
    let not_a_size = || format!("{text:?} is not a size like 1280x800");
    let width: u32 = w.trim().parse().map_err(|_| not_a_size())?;
    let height: u32 = h.trim().parse().map_err(|_| not_a_size())?;
    for value in [width, height] {
        if !(16..=8192).contains(&value) {
            return Err(format!("{value} is outside 16..8192 pixels"));
        }
    }
    Ok(WindowSize { width, height })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_and_bad_ones_are_refused() {
        assert_eq!(
            parse_size("1280x800"),
            Ok(WindowSize {
                width: 1280,
                height: 800
            })
        );
        assert_eq!(
            parse_size("960X600"),
            Ok(WindowSize {
                width: 960,
                height: 600
            })
        );
        assert!(parse_size("1280").is_err());
        assert!(parse_size("0x600").is_err());
        assert!(parse_size("100000x600").is_err());
        assert!(parse_size("axb").is_err());
    }

    #[test]
    fn global_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "distillery",
            "snapshot",
            "--out",
            "a.png",
            "--library",
            "/tmp/lib",
            "--engine",
            "demo",
        ])
        .unwrap();
        assert_eq!(cli.global.library, Some(PathBuf::from("/tmp/lib")));
        assert_eq!(cli.global.engine, Some(EngineChoice::Demo));
        let cli = Cli::try_parse_from(["distillery", "--engine", "/opt/cn-engine"]).unwrap();
        assert_eq!(cli.global.engine, Some(EngineChoice::Binary("/opt/cn-engine".into())));
        assert!(cli.command.is_none());
    }

    #[test]
    fn files_open_the_window_and_subcommands_still_win_after_global_options() {
        let cli = Cli::try_parse_from(["distillery", "--library", "/tmp/lib", "a.png", "b dir"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.files, [PathBuf::from("a.png"), PathBuf::from("b dir")]);
        let cli = Cli::try_parse_from(["distillery", "--library", "/tmp/lib", "generate", "--prompt", "x"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Generate(_))));
        assert!(cli.files.is_empty());
    }

    #[test]
    fn the_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
