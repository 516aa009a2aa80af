//! GenerationAdapter: the form of the generation panel (prompt, resolution, aspect) and the
//! Generate action, which hands a request to whoever submits it (the queue, in the app).
//! The form is kept after a submit, so the user can generate again or tweak and retry.

use super::reference_tray::ReferenceTray;
use super::{AppWindow, GenerationAdapter};
use crate::generation::{Aspect, GenerationRequest, Resolution, dimensions};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::rc::Rc;

/// Takes a checked request off the UI thread; returns at once.
pub type Submit = Rc<dyn Fn(GenerationRequest)>;

/// The form's behaviour; Generate goes to the submit set with [`GenerationPanel::set_submit`].
pub struct GenerationPanel {
    submit: RefCell<Option<Submit>>,
    /// Steps, guidance and sampler of every request (from settings).
    defaults: RefCell<crate::settings::GenerationDefaults>,
    pub references: Rc<ReferenceTray>,
}

impl GenerationPanel {
    /// The sampling settings of the next requests (settings changed them).
    pub fn set_defaults(&self, defaults: crate::settings::GenerationDefaults) {
        *self.defaults.borrow_mut() = defaults.checked();
    }

    /// Where Generate sends its request (the queue, in the app).
    pub fn set_submit(&self, submit: Submit) {
        *self.submit.borrow_mut() = Some(submit);
    }
}

/// Connects the form, filled as the user left it (`saved`, with the sampling defaults from
/// settings); every change is saved.
pub fn connect(
    window: &AppWindow,
    references: Rc<ReferenceTray>,
    catalog: crate::services::Catalog,
    saved: &crate::settings::UiState,
    mode: super::LoadMode,
) -> Rc<GenerationPanel> {
    let panel = Rc::new(GenerationPanel {
        submit: RefCell::new(None),
        defaults: RefCell::new(saved.generation_defaults.clone().checked()),
        references,
    });
    let adapter = window.global::<GenerationAdapter>();
    let form = &saved.generation_form;
    fill(
        &adapter,
        &form.prompt,
        Resolution::parse(&form.resolution.to_string()).unwrap_or_default(),
        Aspect::parse(&form.aspect).unwrap_or_default(),
    );
    adapter.set_count(form.count.clamp(1, 8) as i32);
    super::model_picker::fill(window, &form.model, &mode);

    let weak = window.as_weak();
    let saver = catalog.clone();
    adapter.on_prompt_edited(move || {
        if let Some(window) = weak.upgrade() {
            let adapter = window.global::<GenerationAdapter>();
            adapter.set_prompt_blank(adapter.get_prompt().trim().is_empty());
            adapter.set_message("".into());
            save(&saver, &adapter);
        }
    });
    let weak = window.as_weak();
    adapter.on_choices_changed(move || {
        if let Some(window) = weak.upgrade() {
            let adapter = window.global::<GenerationAdapter>();
            show_dimensions(&adapter);
            save(&catalog, &adapter);
            super::model_picker::refresh_key_hint(&window, &mode);
        }
    });
    let weak = window.as_weak();
    let p = Rc::downgrade(&panel);
    adapter.on_generate(move || {
        let (Some(window), Some(panel)) = (weak.upgrade(), p.upgrade()) else {
            return;
        };
        let adapter = window.global::<GenerationAdapter>();
        if !adapter.get_can_generate() {
            return;
        }
        let mut request = request_from(&adapter);
        request.references = panel.references.sources();
        let defaults = panel.defaults.borrow().clone();
        request.steps = defaults.steps;
        request.guidance = defaults.guidance;
        request.sampler = defaults.sampler;
        if let Err(problem) = request.validate() {
            adapter.set_message(crate::format::capitalised(&problem).into());
            return;
        }
        let submit = panel.submit.borrow().clone();
        match submit {
            Some(submit) => {
                adapter.set_message("".into());
                submit(request);
            }
            None => {
                adapter.set_message(crate::i18n::tr("There is no generation queue running to send this to.").into())
            }
        }
    });
    panel
}

/// Puts `prompt`, `resolution` and `aspect` in the form (to reuse an earlier image's
/// settings), with everything that follows from them: the blank flag, the size label and no
/// stale message.
pub fn fill(adapter: &GenerationAdapter<'_>, prompt: &str, resolution: Resolution, aspect: Aspect) {
    let index = |position: Option<usize>| position.unwrap_or(0) as i32;
    adapter.set_prompt(prompt.into());
    adapter.set_prompt_blank(prompt.trim().is_empty());
    adapter.set_resolution(index(Resolution::ALL.iter().position(|r| *r == resolution)));
    adapter.set_aspect(index(Aspect::ALL.iter().position(|a| *a == aspect)));
    adapter.set_message("".into());
    show_dimensions(adapter);
}

/// Remembers the form (on the database thread), so the next start shows it again.
fn save(catalog: &crate::services::Catalog, adapter: &GenerationAdapter<'_>) {
    let (resolution, aspect) = choices(adapter);
    let form = crate::settings::GenerationForm {
        prompt: adapter.get_prompt().to_string(),
        resolution: resolution.long_edge(),
        aspect: aspect.label(),
        count: images_per_generate(adapter),
        model: super::model_picker::chosen(adapter).saved_name().into(),
    };
    catalog.save_generation_form(form).send("saving the generation form");
}

/// Opens the generation panel if it is closed.
pub fn open(window: &AppWindow) {
    let shell = window.global::<super::ShellAdapter>();
    if !shell.get_generation_panel_open() {
        shell.invoke_toggle_generation_panel();
    }
}

/// The request the form describes now, without its references (the tray holds them).
pub fn request_from(adapter: &GenerationAdapter<'_>) -> GenerationRequest {
    let (resolution, aspect) = choices(adapter);
    let mut request = GenerationRequest::new(adapter.get_prompt().to_string());
    request.resolution = resolution;
    request.aspect = aspect;
    request.count = images_per_generate(adapter);
    super::model_picker::chosen(adapter).apply_to(&mut request);
    request
}

/// The panel's count of images per Generate, 1–8.
pub fn images_per_generate(adapter: &GenerationAdapter<'_>) -> u32 {
    adapter.get_count().clamp(1, 8) as u32
}

fn choices(adapter: &GenerationAdapter<'_>) -> (Resolution, Aspect) {
    let resolution = Resolution::ALL
        .get(adapter.get_resolution().max(0) as usize)
        .copied()
        .unwrap_or_default();
    let aspect = Aspect::ALL
        .get(adapter.get_aspect().max(0) as usize)
        .copied()
        .unwrap_or_default();
    (resolution, aspect)
}

fn show_dimensions(adapter: &GenerationAdapter<'_>) {
    let (resolution, aspect) = choices(adapter);
    let (width, height) = dimensions(resolution, aspect);
    adapter.set_dimensions(crate::format::dimensions(Some(width as i32), Some(height as i32)).into());
}
