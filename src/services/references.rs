//! Whether something can be a reference image, and the picture its tile shows: a library
//! item (its thumbnail, else its original) or a file anywhere (checked as `--ref` checks it).

use super::catalog::Catalog;
use crate::generation::ReferenceSource;
use crate::library::decode::{Decoded, decode_file};
use crate::library::store;
use std::path::Path;

/// A usable reference: its name and its picture, decoded (within the decode budget, held
/// until the caller is done with it).
pub struct Inspected {
    pub name: String,
    pub picture: Decoded,
}

impl Catalog {
    /// Checks that `source` can be a reference and decodes its picture. The error names the
    /// file and says what is wrong, for the user. Blocking (decodes).
    pub fn inspect_reference(&self, source: &ReferenceSource) -> Result<Inspected, String> {
        match source {
            ReferenceSource::Media(id) => {
                let item = self
                    .item(id.clone())
                    .wait()
                    .map_err(|e| {
                        crate::i18n::fill(&crate::i18n::tr("The library could not be read: {}"), &[&e.to_string()])
                    })?
                    .ok_or_else(|| crate::i18n::tr("That image is no longer in the library."))?;
                let library = self.library();
                // The grid's thumbnail; the original if the thumbnail is missing.
                let picture = library
                    .resolve(&store::thumbnail_path(id))
                    .ok()
                    .and_then(|path| decode_file(&path).ok())
                    .or_else(|| {
                        library
                            .resolve(&item.file_path)
                            .ok()
                            .and_then(|path| decode_file(&path).ok())
                    })
                    .ok_or_else(|| format!("{} cannot be read from the library.", item.file_name))?;
                Ok(Inspected {
                    name: item.file_name,
                    picture,
                })
            }
            ReferenceSource::File(path) => {
                let name = file_name(path);
                crate::library::references::check_reference_file(path)
                    .map_err(|problem| crate::format::with_full_stop(&format!("{name} {problem}")))?;
                let picture =
                    decode_file(path).map_err(|problem| crate::format::with_full_stop(&format!("{name} {problem}")))?;
                Ok(Inspected { name, picture })
            }
        }
    }
}

/// A file's name as the tray shows it.
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}
