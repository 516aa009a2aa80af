//! What an imported file's XMP says (a sidecar beside it, or the packet inside it): rating,
//! reject or pick, and keywords, applied in the import's own transaction. A packet that
//! cannot be read never stops the import: the image comes in and the reason is noted.

use crate::db::keywords::Keyword;
use crate::xmp::{self, XmpFields};
use std::path::Path;

/// The fields to apply, and notes for the user about packets left unread.
#[derive(Debug, Default)]
pub struct FromXmp {
    pub fields: Option<XmpFields>,
    pub keywords: Vec<Keyword>,
    pub notes: Vec<String>,
}

/// Reads the embedded packet of `bytes`, then the sidecar beside `path`; the sidecar wins
/// where both give a field (tools write sidecars last), keywords come from both.
pub fn read(path: &Path, bytes: &[u8]) -> FromXmp {
    let mut from = FromXmp::default();
    let embedded = xmp::extract(bytes).and_then(|packet| match xmp::parse(&packet) {
        Ok(fields) => Some(fields),
        Err(problem) => {
            from.notes.push(crate::i18n::fill(
                &crate::i18n::tr("its embedded XMP was not read: {}"),
                &[&problem.to_string()],
            ));
            None
        }
    });
    let sidecar = xmp::sidecars_of(path).into_iter().next().and_then(|sidecar| {
        let name = sidecar
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let read = crate::library::regular_file::read_regular(
            &sidecar,
            xmp::MAX_PACKET_BYTES as u64,
            crate::i18n::later("to read"),
        )
        .map_err(|problem| problem.to_string())
        .and_then(|packet| xmp::parse(&packet).map_err(|problem| problem.to_string()));
        match read {
            Ok(fields) => Some(fields),
            Err(problem) => {
                from.notes.push(crate::i18n::fill(
                    &crate::i18n::tr("its sidecar {} was not read: {}"),
                    &[&name.to_string(), &problem.to_string()],
                ));
                None
            }
        }
    });
    let merged = match (embedded, sidecar) {
        (None, None) => None,
        (Some(one), None) | (None, Some(one)) => Some(one),
        (Some(inside), Some(beside)) => Some(XmpFields {
            rating: beside.rating.or(inside.rating),
            rejected: beside.rejected.or(inside.rejected),
            selected: beside.selected.or(inside.selected),
            label: beside.label.or(inside.label),
            keywords: beside.keywords.into_iter().chain(inside.keywords).collect(),
        }),
    };
    if let Some(fields) = &merged {
        let mut seen = std::collections::HashSet::new();
        for typed in &fields.keywords {
            match Keyword::parse(typed) {
                Ok(keyword) if seen.insert(keyword.folded().to_owned()) => from.keywords.push(keyword),
                Ok(_) => {}
                Err(problem) => from.notes.push(crate::i18n::fill(
                    &crate::i18n::tr("its XMP keyword “{}” was left out: {}"),
                    &[&typed.to_string(), &problem.to_string()],
                )),
            }
        }
        if let Some(label) = &fields.label
            && let Err(problem) = crate::db::labels::Label::parse(label)
        {
            from.notes.push(crate::i18n::fill(
                &crate::i18n::tr("its colour label “{}” was left out: {}"),
                &[&label.to_string(), &problem.to_string()],
            ));
        }
    }
    from.fields = merged;
    from
}
