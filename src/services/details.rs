//! What the info panel tells about an item: its row, its generation with the references that
//! generation used, and what the stored parameters mean (the negative prompt of an imported
//! image; the resolution and aspect a generation was asked for).

use crate::db::DbError;
use crate::db::generation_inputs::{self, GenerationInput};
use crate::db::generations::{self, Generation};
use crate::db::media::{self, Media};
use crate::db::types::MediaId;
use diesel::SqliteConnection;

impl super::Catalog {
    /// The details of `id` (`None`: the item is gone).
    pub fn details(&self, id: MediaId) -> super::Call<Option<ItemDetails>> {
        self.call(move |c| item_details(c, &id))
    }
}

/// An item and, when it was generated (or imported with parameters), its generation and the
/// references that generation used.
#[derive(Debug, Clone)]
pub struct ItemDetails {
    pub item: Media,
    pub generation: Option<(Generation, Vec<GenerationInput>)>,
}

/// The details of `id`, read in one snapshot; `None` if the item is gone.
pub fn item_details(conn: &mut SqliteConnection, id: &MediaId) -> Result<Option<ItemDetails>, DbError> {
    crate::db::transaction::read(conn, |conn| {
        let Some(item) = media::get(conn, id)? else {
            return Ok(None);
        };
        let generation = match item.generation_id.clone() {
            Some(generation_id) => match generations::get(conn, &generation_id)? {
                Some(generation) => {
                    let inputs = generation_inputs::for_generation(conn, &generation_id)?;
                    Some((generation, inputs))
                }
                None => None,
            },
            None => None,
        };
        Ok(Some(ItemDetails { item, generation }))
    })
}

/// The negative prompt stored with an imported image's parameters, if it had one.
pub fn negative_prompt(generation: &Generation) -> Option<String> {
    let json = generation.params_json.as_deref()?;
    let params: serde_json::Value = serde_json::from_str(json).ok()?;
    Some(params.get("negative_prompt")?.as_str()?.to_owned()).filter(|n| !n.trim().is_empty())
}

/// The resolution and aspect a generation was asked for (as the user chose them, or the
/// nearest to its size for older rows).
pub fn stored_choices(generation: &Generation) -> (crate::generation::Resolution, crate::generation::Aspect) {
    let stored = crate::generation::StoredParams::of(generation);
    let from_size = crate::generation::choices_for(
        generation.width.unwrap_or(1024).max(1) as u32,
        generation.height.unwrap_or(1024).max(1) as u32,
    );
    let resolution = stored
        .as_ref()
        .and_then(|p| crate::generation::Resolution::parse(&p.resolution.to_string()))
        .unwrap_or(from_size.0);
    let aspect = stored
        .as_ref()
        .and_then(|p| crate::generation::Aspect::parse(&p.aspect))
        .unwrap_or(from_size.1);
    (resolution, aspect)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn generation(params_json: Option<&str>, size: (i32, i32)) -> Generation {
        use crate::db::types::{GenerationId, GenerationStatus, Timestamp};
        Generation {
            id: GenerationId::new(),
            base_model_id: None,
            provider: "webui".to_owned(),
            model_file: None,
            prompt: Some("a lighthouse".to_owned()),
            width: Some(size.0),
            height: Some(size.1),
            seed: None,
            steps: None,
            guidance: None,
            sampling_method: None,
            params_json: params_json.map(str::to_owned),
            status: GenerationStatus::Completed,
            total_time_ms: None,
            prompt_cache_hit: None,
            ref_latent_cache_hit: None,
            created_at: Timestamp::now(),
        }
    }

    #[test]
    fn stored_parameters_read_as_the_panel_shows_them() {
        let imported = generation(Some(r#"{"negative_prompt": "blurry, watermark"}"#), (832, 1216));
        assert_eq!(negative_prompt(&imported).as_deref(), Some("blurry, watermark"));
        assert_eq!(
            negative_prompt(&generation(Some(r#"{"negative_prompt": "  "}"#), (8, 8))),
            None
        );
        assert_eq!(negative_prompt(&generation(None, (8, 8))), None);
        assert_eq!(negative_prompt(&generation(Some("not json"), (8, 8))), None);
        // No stored choices: the nearest to the size (portrait 2:3 at 1024 here).
        let (resolution, aspect) = stored_choices(&imported);
        assert_eq!((resolution.long_edge(), aspect.label()), (1024, "2:3".to_owned()));
    }
}
