//! Turning a request into stored jobs: references prepared, one generation, its inputs and a
//! queue row per image, all in one transaction.

use super::QueueError;
use crate::db::generation_inputs::NewGenerationInput;
use crate::db::generations::NewGeneration;
use crate::db::types::{GenerationId, GenerationStatus, JobId, MediaId, Timestamp};
use crate::db::{Database, jobs, media};
use crate::generation::{GenerationRequest, ReferenceSource, StoredParams, dimensions};
use crate::library::files::write_atomically;
use crate::library::references::{PreparedReference, prepare_reference};
use crate::library::{LibraryError, LibraryFolder, LibraryRoot};
use crate::remote::models::{self, RemoteModel};
use std::path::PathBuf;

/// A reference, prepared, with the library item it came from.
struct Reference {
    prepared: PreparedReference,
    media_id: Option<MediaId>,
}

/// Validates `request`, prepares its references and stores one job per image. Returns the
/// job ids in run order.
pub async fn submit(
    db: &Database,
    library: &LibraryRoot,
    request: GenerationRequest,
    model_file: Option<String>,
) -> Result<Vec<JobId>, QueueError> {
    request.validate().map_err(QueueError::InvalidRequest)?;
    let remote_model = remote_model(&request)?;

    // Library items are read from their stored originals.
    let mut sources: Vec<(PathBuf, Option<MediaId>)> = Vec::new();
    for reference in &request.references {
        match reference {
            ReferenceSource::File(path) => sources.push((path.clone(), None)),
            ReferenceSource::Media(id) => {
                let lookup = id.clone();
                let item = db.call(move |conn| media::get(conn, &lookup)).await?;
                let item =
                    item.ok_or_else(|| QueueError::InvalidRequest(format!("reference {id} is not in the library")))?;
                sources.push((library.resolve(&item.file_path)?, Some(id.clone())));
            }
        }
    }
    let preparer = library.clone();
    let references = tokio::task::spawn_blocking(move || -> Result<Vec<Reference>, LibraryError> {
        sources
            .into_iter()
            .map(|(path, media_id)| {
                Ok(Reference {
                    prepared: prepare_reference(&preparer, &path)?,
                    media_id,
                })
            })
            .collect()
    })
    .await
    .map_err(|_| QueueError::Stopped)?
    .map_err(QueueError::Reference)?;

    let (width, height) = dimensions(request.resolution, request.aspect);
    let batch = uuid::Uuid::now_v7().to_string();
    let reference_paths: Vec<String> = references
        .iter()
        .map(|r| library.relative(&r.prepared.engine_path))
        .collect::<Result<_, _>>()?;

    // One canonical model whoever made the image, so one model filter finds both: a hosted
    // endpoint names its own, this computer's model file says it ("flux-2-klein-9b-Q4.gguf").
    let base_model = match remote_model {
        Some(model) => Some(model.base_model),
        None => model_file
            .as_deref()
            .and_then(|file| crate::engine::model_check::guess_base_model(std::path::Path::new(file))),
    };
    let base_model_id = match base_model {
        Some(name) => db
            .call(move |conn| crate::db::base_models::find_by_name(conn, name))
            .await?
            .map(|m| m.id),
        None => None,
    };
    let model_file = remote_model.map(|m| m.id.to_owned()).or(model_file);
    let mut jobs_created = Vec::new();
    for index in 0..request.count {
        let generation_id = GenerationId::new();
        // Each generation keeps its own copy of its references' thumbnails.
        let mut inputs = Vec::new();
        for (position, reference) in references.iter().enumerate() {
            let relative = format!(
                "{}/{generation_id}/{position}.jpg",
                LibraryFolder::RefThumbnails.dir_name()
            );
            let path = library.resolve(&relative)?;
            library.folder(LibraryFolder::RefThumbnails)?;
            write_atomically(&path, &reference.prepared.thumbnail)?;
            inputs.push(NewGenerationInput {
                media_id: reference.media_id.clone(),
                thumb_path: relative,
            });
        }
        let params = StoredParams {
            resolution: request.resolution.long_edge(),
            aspect: request.aspect.label(),
            references: reference_paths.clone(),
            batch: batch.clone(),
            batch_index: index,
        };
        let generation = NewGeneration {
            id: generation_id,
            base_model_id: base_model_id.clone(),
            provider: request.provider.as_str().into(),
            model_file: model_file.clone(),
            prompt: Some(request.prompt.clone()),
            width: Some(width as i32),
            height: Some(height as i32),
            seed: Some(request.seed_for(index)),
            steps: Some(request.steps as i32),
            guidance: Some(request.guidance),
            sampling_method: Some(request.sampler.clone()),
            params_json: serde_json::to_string(&params).ok(),
            status: GenerationStatus::Pending,
            created_at: Timestamp::now().as_str().to_owned(),
        };
        let job = db.call(move |conn| jobs::submit(conn, &generation, &inputs, 0)).await?;
        jobs_created.push(job.id);
    }
    Ok(jobs_created)
}

/// The hosted model a request names, checked against what its endpoint accepts.
fn remote_model(request: &GenerationRequest) -> Result<Option<&'static RemoteModel>, QueueError> {
    if !request.provider.is_remote() {
        return Ok(None);
    }
    let name = request.provider.display_name();
    let model = match &request.model {
        Some(wanted) => models::find(request.provider, wanted).ok_or_else(|| {
            let offered: Vec<_> = models::MODELS
                .iter()
                .filter(|m| m.provider == request.provider)
                .map(|m| m.base_model)
                .collect();
            QueueError::InvalidRequest(format!(
                "{name} has no model “{wanted}” here (offered: {})",
                offered.join(", ")
            ))
        })?,
        None => models::default_for(request.provider)
            .ok_or_else(|| QueueError::InvalidRequest(format!("{name} offers no model")))?,
    };
    if request.references.len() > model.max_references {
        return Err(QueueError::InvalidRequest(format!(
            "{} takes at most {} reference images, not {}",
            model.label(),
            model.max_references,
            request.references.len()
        )));
    }
    Ok(Some(model))
}
