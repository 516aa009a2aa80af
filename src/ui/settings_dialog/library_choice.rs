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
        return Err(crate::i18n::fill(
            &crate::i18n::tr("{} is the library already open"),
            &[&shown],
        ));
    }
    let stays =
        crate::i18n::tr("Your current library stays where it is, with its ratings; choose it again to go back.");
    match contents {
        FolderContents::Missing => Ok((
            crate::i18n::fill(&crate::i18n::tr("Start a new library in {}?"), &[&shown.to_string()]),
            crate::i18n::fill(
                &crate::i18n::tr("Distillery creates the folder and an empty library in it. {}"),
                &[&stays.to_string()],
            ),
        )),
        FolderContents::Empty => Ok((
            crate::i18n::fill(&crate::i18n::tr("Start a new library in {}?"), &[&shown.to_string()]),
            crate::i18n::fill(
                &crate::i18n::tr("The folder is empty; Distillery keeps a new library in it. {}"),
                &[&stays.to_string()],
            ),
        )),
        FolderContents::Library { originals } => Ok((
            crate::i18n::fill(&crate::i18n::tr("Open the library in {}?"), &[&shown.to_string()]),
            crate::i18n::fill(
                &crate::i18n::tr_n(
                    "It is a Distillery library with {n} original file. {}",
                    "It is a Distillery library with {n} original files. {}",
                    *originals as u64,
                    &crate::format::grouped(*originals as i64),
                ),
                &[&stays],
            ),
        )),
        FolderContents::OtherFiles { entries } => Ok((
            crate::i18n::fill(&crate::i18n::tr("Start a new library in {}?"), &[&shown.to_string()]),
            crate::i18n::fill(
                &crate::i18n::tr_n(
                    "The folder already holds {n} other item. Distillery adds its own folders (originals, thumbnails, …) beside them and never moves or deletes them. {}",
                    "The folder already holds {n} other items. Distillery adds its own folders (originals, thumbnails, …) beside them and never moves or deletes them. {}",
                    *entries as u64,
                    &crate::format::grouped(*entries as i64),
                ),
                &[&stays],
            ),
        )),
        FolderContents::Unusable(reason) => Err(crate::i18n::fill(
            &crate::i18n::tr("{} cannot be a library: {}"),
            &[&shown, &reason.to_string()],
        )),
    }
}
