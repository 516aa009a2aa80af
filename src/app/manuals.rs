//! Manual pages (one per command: distillery(1), distillery-generate(1), ...) and shell
//! completions, made from the command line's own definition so they never fall behind it.
//! The packages install both; `distillery completions SHELL` also prints a script for users
//! of a plain binary.

use crate::cli::reference::{ENVIRONMENT, EXIT_STATUS, command};
use crate::cli::{CompletionsArgs, ManualPagesArgs};
use anyhow::Context;
use roff::{Roff, bold, roman};
use std::path::{Path, PathBuf};

/// Prints the completion script for a shell on stdout.
pub fn completions(args: &CompletionsArgs) -> anyhow::Result<()> {
    let mut cmd = command();
    clap_complete::generate(args.shell, &mut cmd, "distillery", &mut std::io::stdout());
    Ok(())
}

/// Writes every manual page into `--out`; prints each file's path on stdout.
pub fn manual_pages(args: &ManualPagesArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    write_pages(&cmd, &args.out, &mut written)?;
    for page in written {
        println!("{}", page.display());
    }
    Ok(())
}

/// The page of `cmd` and of each of its visible subcommands, depth first.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone())
        .source(format!("Distillery {}", env!("CARGO_PKG_VERSION")))
        .manual("Distillery Manual");
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    if cmd.get_arguments().any(|arg| !arg.is_hide_set()) {
        man.render_options_section(&mut page)?;
    }
    let subcommands: Vec<&clap::Command> = cmd.get_subcommands().filter(|sub| !sub.is_hide_set()).collect();
    if !subcommands.is_empty() {
        man.render_subcommands_section(&mut page)?;
    }
    page.extend(reference_sections(cmd, &subcommands).render().into_bytes());
    // (Subcommands carry no version of their own; the page's footer names it.)
    if cmd.get_version().is_some() {
        man.render_version_section(&mut page)?;
    }
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in subcommands {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}

/// ENVIRONMENT, EXIT STATUS and SEE ALSO: the same on every page, so a script's author finds
/// them whichever page they open.
fn reference_sections(cmd: &clap::Command, subcommands: &[&clap::Command]) -> Roff {
    let mut roff = Roff::default();
    roff.control("SH", ["ENVIRONMENT"]);
    for (name, what) in ENVIRONMENT {
        roff.control("TP", []).text([bold(*name)]).text([roman(*what)]);
    }
    roff.control("SH", ["EXIT STATUS"]);
    for (code, what) in EXIT_STATUS {
        roff.control("TP", []).text([bold(*code)]).text([roman(*what)]);
    }
    let mut see_also: Vec<String> = subcommands
        .iter()
        .map(|sub| format!("{}(1)", sub.get_display_name().unwrap_or(sub.get_name())))
        .collect();
    if cmd.get_display_name().is_some_and(|name| name != "distillery") {
        see_also.insert(0, "distillery(1)".to_owned());
    }
    if !see_also.is_empty() {
        roff.control("SH", ["SEE ALSO"]);
        roff.text([roman(see_also.join(", "))]);
    }
    roff
}
