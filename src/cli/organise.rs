//! `distillery keyword …` and `distillery collection …`: organising the library from scripts.

use super::FilterArgs;
use clap::{Args, Subcommand};

#[derive(Debug, Clone, Subcommand)]
pub enum KeywordCommand {
    /// Give images a keyword.
    Add(KeywordEditArgs),
    /// Take a keyword off images (the keyword stays in the library's list).
    Remove(KeywordEditArgs),
    /// Each keyword with its count of images, alphabetically: "COUNT<TAB>KEYWORD" per line,
    /// or one JSON object per line with --json.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct KeywordEditArgs {
    /// The keyword (quote it if it has spaces).
    #[arg(value_parser = parse_keyword)]
    pub keyword: String,
    /// The items' ids (as `list` prints them).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// A keyword as typed, refused with the reason when it cannot be one (empty, too long).
pub(super) fn parse_keyword(typed: &str) -> Result<String, String> {
    crate::db::keywords::Keyword::parse(typed)
        .map(|keyword| keyword.name().to_owned())
        .map_err(|problem| problem.to_string())
}

#[derive(Debug, Clone, Subcommand)]
pub enum CollectionCommand {
    /// Make an empty manual collection.
    Create {
        #[arg(value_parser = parse_collection_name)]
        name: String,
    },
    /// Save a smart collection: the filters given (as `list` takes them), applied afresh
    /// whenever the collection is shown.
    Save {
        #[arg(value_parser = parse_collection_name)]
        name: String,
        #[command(flatten)]
        filter: FilterArgs,
    },
    /// Put images into a manual collection.
    Add(CollectionEditArgs),
    /// Take images out of a manual collection (the images stay in the library).
    Remove(CollectionEditArgs),
    /// Give a collection a new name.
    Rename {
        #[arg(value_parser = parse_collection_name)]
        name: String,
        #[arg(value_parser = parse_collection_name)]
        new_name: String,
    },
    /// Delete a collection. Its images stay in the library.
    Delete {
        #[arg(value_parser = parse_collection_name)]
        name: String,
    },
    /// Each collection with its count of images, alphabetically:
    /// "COUNT<TAB>manual|smart<TAB>NAME" per line, or one JSON object per line with --json.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
pub struct CollectionEditArgs {
    /// The collection's name (quote it if it has spaces; case does not matter).
    #[arg(value_parser = parse_collection_name)]
    pub name: String,
    /// The items' ids (as `list` prints them).
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,
}

/// A collection's name as typed, refused with the reason when it cannot be one.
pub(super) fn parse_collection_name(typed: &str) -> Result<String, String> {
    crate::db::collections::CollectionName::parse(typed)
        .map(|name| name.name().to_owned())
        .map_err(|problem| problem.to_string())
}
