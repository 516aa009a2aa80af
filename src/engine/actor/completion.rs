//! What the actor does when a command's final reply arrives: update the engine's state for
//! it, publish that state, then answer the caller.

use super::{Actor, InFlight, Life, Purpose, Queued};
use crate::engine::EngineError;
use crate::engine::protocol::{CommandKind, GenerateResult, LoadReply, Response};

impl Actor {
    /// Updates the state for a finished command, publishes it, then answers the caller, so a
    /// caller that looks at the status after its answer sees the state that answer left.
    pub(super) fn complete(&mut self, flight: InFlight, response: Response) {
        let engine_error = |response: Response| match response {
            Response::Error(data) => EngineError::Engine {
                code: data.code,
                message: data.message,
            },
            other => EngineError::BadReply(crate::i18n::fill(
                &crate::i18n::tr("unexpected reply {}"),
                &[&format!("{:?}", other)],
            )),
        };
        match flight.purpose {
            Purpose::StartupPing => match response {
                Response::Ok(_) => {
                    self.life = Life::Running;
                    match self.last_load.clone() {
                        Some(params) => self.waiting.push_front(Queued::own_load(params)),
                        None => self.failures = 0,
                    }
                }
                other => self.crashed(EngineError::BadReply(crate::i18n::fill(
                    &crate::i18n::tr("the health check was answered with {}"),
                    &[&format!("{:?}", other)],
                ))),
            },
            Purpose::Ping { reply } => {
                let result = match response {
                    Response::Ok(_) => Ok(flight.sent_at.elapsed()),
                    other => Err(engine_error(other)),
                };
                self.publish();
                let _ = reply.send(result);
            }
            Purpose::Load { params, reply } => {
                let result = match response {
                    Response::Ok(data) => {
                        serde_json::from_value::<LoadReply>(data).map_err(|e| EngineError::BadReply(e.to_string()))
                    }
                    other => Err(engine_error(other)),
                };
                match &result {
                    Ok(loaded) => {
                        let label = if loaded.model_info.is_empty() || loaded.model_info == "(unknown)" {
                            params.model_label()
                        } else {
                            loaded.model_info.clone()
                        };
                        tracing::info!(model = %label, load_ms = loaded.load_time_ms, "model loaded");
                        self.model = Some(label);
                        self.last_load = Some(params);
                        self.parked = None;
                        self.failures = 0;
                    }
                    Err(error) => {
                        // The engine frees the old model before loading: a failed load leaves none.
                        tracing::warn!(%error, "loading the model failed");
                        self.model = None;
                    }
                }
                if let Some(reply) = reply {
                    self.publish();
                    let _ = reply.send(result);
                }
            }
            Purpose::Generate {
                job_id, output, reply, ..
            } => {
                let result = match response {
                    Response::Result(data) => {
                        serde_json::from_value::<GenerateResult>(data).map_err(|e| EngineError::BadReply(e.to_string()))
                    }
                    other => Err(engine_error(other)),
                };
                let result = match (result, flight.cancelled) {
                    (Ok(_), Some(_)) => {
                        // Soft cancel: the image was made but is not wanted.
                        let _ = std::fs::remove_file(&output);
                        tracing::info!(job = %job_id, "discarded the result of a cancelled job");
                        Err(EngineError::Cancelled)
                    }
                    (result, _) => result,
                };
                self.publish();
                let _ = reply.send(result);
            }
            Purpose::Plain { reply } => {
                let result = match response {
                    Response::Ok(data) => Ok(data),
                    other => Err(engine_error(other)),
                };
                if flight.kind == CommandKind::Unload && result.is_ok() {
                    self.model = None;
                    self.parked = self.last_load.take().or(self.parked.take());
                }
                self.publish();
                let _ = reply.send(result);
            }
        }
    }
}
