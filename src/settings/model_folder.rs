//! A folder of model files read by kind: which file is the diffusion model, which the text
//! encoder and which the VAE (for `DISTILLERY_MODELS` and the Settings dialog).

use super::ModelFiles;
use std::path::{Path, PathBuf};

/// Finds the three files of a FLUX.2 Klein set in `dir`: the diffusion model (.gguf), the
/// text encoder LLM (a .gguf named like one: qwen, llm, text encoder) and the VAE
/// (.safetensors).
pub fn find_models(dir: &Path) -> Result<ModelFiles, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{} cannot be read ({e})", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let name = |p: &PathBuf| {
        p.file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default()
    };
    let is_llm = |n: &str| {
        ["qwen", "llm", "text_encoder", "text-encoder", "mistral"]
            .iter()
            .any(|w| n.contains(w))
    };
    let ggufs: Vec<&PathBuf> = files.iter().filter(|p| name(p).ends_with(".gguf")).collect();
    let llm = ggufs.iter().find(|p| is_llm(&name(p)));
    let diffusion = ggufs.iter().find(|p| !is_llm(&name(p)));
    let vae = files.iter().find(|p| name(p).ends_with(".safetensors"));
    match (diffusion, vae, llm) {
        (Some(diffusion), Some(vae), Some(llm)) => Ok(ModelFiles {
            diffusion_model: (*diffusion).clone(),
            vae: vae.clone(),
            llm: (*llm).clone(),
            base_model: crate::engine::model_check::guess_base_model(diffusion).map(str::to_owned),
        }),
        (diffusion, vae, llm) => {
            let missing: Vec<&str> = [
                (diffusion.is_none(), "a diffusion model (.gguf)"),
                (vae.is_none(), "a VAE (.safetensors)"),
                (llm.is_none(), "a text encoder (a .gguf named like qwen… or llm…)"),
            ]
            .into_iter()
            .filter_map(|(missing, what)| missing.then_some(what))
            .collect();
            Err(format!("{} is missing {}", dir.display(), missing.join(" and ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_models_folder_is_read_by_kind_and_what_is_missing_is_named() {
        let dir = tempfile::tempdir().unwrap();
        for name in [
            "flux-2-klein-4b-Q5_K.gguf",
            "Qwen3-4B-Q8_0.gguf",
            "flux2-vae.safetensors",
            "notes.txt",
        ] {
            std::fs::write(dir.path().join(name), b"x").unwrap();
        }
        let found = find_models(dir.path()).unwrap();
        assert!(found.diffusion_model.ends_with("flux-2-klein-4b-Q5_K.gguf"));
        assert!(found.llm.ends_with("Qwen3-4B-Q8_0.gguf"));
        assert!(found.vae.ends_with("flux2-vae.safetensors"));

        std::fs::remove_file(dir.path().join("flux2-vae.safetensors")).unwrap();
        let missing = find_models(dir.path()).unwrap_err();
        assert!(missing.ends_with("is missing a VAE (.safetensors)"), "{missing}");
    }
}
