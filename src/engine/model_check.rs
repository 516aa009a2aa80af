//! Is this the model file the engine will need? Checked before a load is ever asked for, so
//! a wrong choice is named beside the field instead of surfacing as an engine error minutes
//! later. Reads only a file's size and first bytes.

use std::io::Read;
use std::path::Path;

/// The three files of a FLUX.2 Klein set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelKind {
    Diffusion,
    Vae,
    TextEncoder,
}

impl ModelKind {
    pub const ALL: [ModelKind; 3] = [ModelKind::Diffusion, ModelKind::Vae, ModelKind::TextEncoder];

    /// The extension the engine expects, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ModelKind::Diffusion | ModelKind::TextEncoder => "gguf",
            ModelKind::Vae => "safetensors",
        }
    }

    /// What the file is, for messages.
    pub fn label(self) -> &'static str {
        match self {
            ModelKind::Diffusion => crate::i18n::later("diffusion model"),
            ModelKind::Vae => "VAE",
            ModelKind::TextEncoder => crate::i18n::later("text encoder"),
        }
    }

    /// Smaller than this cannot be a working file of this kind: the smallest quantised
    /// Klein 4B is about 1.4 GB, its text encoder (Qwen3 4B, 2-bit) about 1.5 GB, and the
    /// VAE 160 MB in half precision.
    fn plausible_min_bytes(self) -> u64 {
        match self {
            ModelKind::Diffusion | ModelKind::TextEncoder => 256 * MB,
            ModelKind::Vae => 32 * MB,
        }
    }
}

const MB: u64 = 1024 * 1024;

/// A model file that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedModel {
    pub bytes: u64,
}

/// Checks `path` as the `kind` file: it exists, is a readable file, has the expected
/// extension and format signature, and a plausible size. The error is a sentence fragment
/// naming the problem ("is not a GGUF file").
pub fn check_model_file(kind: ModelKind, path: &Path) -> Result<CheckedModel, String> {
    if path.as_os_str().is_empty() {
        return Err(format!("no {} chosen", kind.label()));
    }
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(crate::i18n::tr("does not exist")),
        Err(e) => {
            return Err(crate::i18n::fill(
                &crate::i18n::tr("cannot be read ({})"),
                &[&e.to_string()],
            ));
        }
    };
    if metadata.is_dir() {
        return Err(crate::i18n::tr("is a folder, not a file"));
    }
    if let Some(reason) = crate::library::regular_file::not_regular(&metadata) {
        return Err(reason.into());
    }
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if extension != kind.extension() {
        return Err(crate::i18n::fill(
            &crate::i18n::tr("is not a .{} file"),
            &[kind.extension()],
        ));
    }
    let mut head = [0u8; 16];
    // Opened without blocking and checked again: a path swapped for a pipe cannot hang us.
    let (mut file, _) = crate::library::regular_file::open_regular(path, u64::MAX, "")?;
    let read = read_up_to(&mut file, &mut head)
        .map_err(|e| crate::i18n::fill(&crate::i18n::tr("cannot be read ({})"), &[&e.to_string()]))?;
    let head = &head[..read];
    match kind.extension() {
        "gguf" if !head.starts_with(b"GGUF") => {
            return Err(crate::i18n::tr("is not a GGUF file (its first bytes are wrong)"));
        }
        "safetensors" if !looks_like_safetensors(head, metadata.len()) => {
            return Err(crate::i18n::tr("is not a safetensors file (its header is wrong)"));
        }
        _ => {}
    }
    if metadata.len() < kind.plausible_min_bytes() {
        return Err(crate::i18n::fill(
            &crate::i18n::tr("is too small for a {} ({}); it may be incomplete"),
            &[
                &crate::i18n::tr(kind.label()),
                &crate::format::file_size(metadata.len() as i64).to_string(),
            ],
        ));
    }
    Ok(CheckedModel { bytes: metadata.len() })
}

fn read_up_to(file: &mut std::fs::File, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A safetensors file starts with its JSON header's length (u64, little endian) and then
/// the header's opening brace.
fn looks_like_safetensors(head: &[u8], file_len: u64) -> bool {
    if head.len() < 9 {
        return false;
    }
    let header_len = u64::from_le_bytes(head[..8].try_into().expect("eight bytes"));
    header_len > 1 && header_len < file_len && head[8] == b'{'
}

/// The base model a diffusion file most likely is, from its name: Klein 9B or 4B.
pub fn guess_base_model(diffusion: &Path) -> Option<&'static str> {
    let name = diffusion.file_name()?.to_string_lossy().to_ascii_lowercase();
    if name.contains("9b") {
        Some("FLUX.2 Klein 9B")
    } else if name.contains("4b") {
        Some("FLUX.2 Klein 4B")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sparse(dir: &Path, name: &str, head: &[u8], len: u64) -> std::path::PathBuf {
        let path = dir.join(name);
        let file = std::fs::File::create(&path).unwrap();
        std::io::Write::write_all(&mut &file, head).unwrap();
        file.set_len(len).unwrap();
        path
    }

    fn safetensors_head() -> Vec<u8> {
        let mut head = 1000u64.to_le_bytes().to_vec();
        head.extend_from_slice(b"{\"a\":1}");
        head
    }

    #[test]
    fn plausible_files_pass_with_their_size() {
        let dir = tempfile::tempdir().unwrap();
        let gguf = sparse(
            dir.path(),
            "flux-2-klein-4b-Q5_K.gguf",
            b"GGUF\x03\0\0\0",
            2 * 1024 * MB,
        );
        let vae = sparse(dir.path(), "ae.safetensors", &safetensors_head(), 160 * MB);
        assert_eq!(
            check_model_file(ModelKind::Diffusion, &gguf).unwrap().bytes,
            2 * 1024 * MB
        );
        assert!(check_model_file(ModelKind::Vae, &vae).is_ok());
        assert_eq!(guess_base_model(&gguf), Some("FLUX.2 Klein 4B"));
    }

    #[test]
    fn each_wrong_choice_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("gone.gguf");
        assert_eq!(
            check_model_file(ModelKind::Diffusion, &missing).unwrap_err(),
            "does not exist"
        );
        assert_eq!(
            check_model_file(ModelKind::Diffusion, dir.path()).unwrap_err(),
            "is a folder, not a file"
        );
        let vae_as_gguf = sparse(dir.path(), "ae.safetensors", &safetensors_head(), 160 * MB);
        assert_eq!(
            check_model_file(ModelKind::TextEncoder, &vae_as_gguf).unwrap_err(),
            "is not a .gguf file"
        );
        let html = sparse(dir.path(), "model.gguf", b"<!DOCTYPE html>", 300 * MB);
        assert!(
            check_model_file(ModelKind::Diffusion, &html)
                .unwrap_err()
                .starts_with("is not a GGUF file")
        );
        let partial = sparse(dir.path(), "partial.gguf", b"GGUF", 10 * MB);
        assert_eq!(
            check_model_file(ModelKind::Diffusion, &partial).unwrap_err(),
            "is too small for a diffusion model (10.5 MB); it may be incomplete"
        );
        assert_eq!(
            check_model_file(ModelKind::Vae, Path::new("")).unwrap_err(),
            "no VAE chosen"
        );
    }
}
