//! What the dialog asks before switching to a folder picked as the library.

use std::path::Path;

/// The confirmation for switching to `folder` (its title and explanation), or why it
/// cannot be the library.
pub(super) fn library_question(
    folder: &Path,
    current: &Path,
    contents: &crate::library::identity::FolderContents,
) -> Result<(String, String), String> {
    use crate::library::identity::FolderContents;
    let shown = crate::format::display_path(folder);
    if std::path::absolute(folder).ok().as_deref() == Some(current) {
        return Err(format!("{shown} is the library already open"));
    }
    let stays = "Your current library stays where it is, with its ratings; choose it again to go back.";
    match contents {
        FolderContents::Missing => Ok((
            format!("Start a new library in {shown}?"),
            format!("Distillery creates the folder and an empty library in it. {stays}"),
        )),
        FolderContents::Empty => Ok((
            format!("Start a new library in {shown}?"),
            format!("The folder is empty; Distillery keeps a new library in it. {stays}"),
        )),
        FolderContents::Library { originals } => Ok((
            format!("Open the library in {shown}?"),
            format!(
                "It is a Distillery library with {} original {}. {stays}",
                crate::format::grouped(*originals as i64),
                if *originals == 1 { "file" } else { "files" }
            ),
        )),
        FolderContents::OtherFiles { entries } => Ok((
            format!("Start a new library in {shown}?"),
            format!(
                "The folder already holds {} other {}. Distillery adds its own folders (originals, thumbnails, …) beside them and never moves or deletes them. {stays}",
                crate::format::grouped(*entries as i64),
                if *entries == 1 { "item" } else { "items" }
            ),
        )),
        FolderContents::Unusable(reason) => Err(format!("{shown} cannot be a library: {reason}")),
    }
}
