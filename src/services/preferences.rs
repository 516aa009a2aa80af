//! What the window remembers between runs (panels, the grid's view, the window's place, the
//! form): saved in the background, in order with every other call, failures logged.

use super::catalog::{Call, Catalog};
use crate::settings::{self, GenerationForm, GridView, PanelState, WindowGeometry};

impl Catalog {
    pub fn save_grid_view(&self, view: GridView) -> Call<()> {
        self.call(move |c| settings::save_grid_view(c, &view))
    }

    pub fn save_generation_form(&self, form: GenerationForm) -> Call<()> {
        self.call(move |c| settings::save_generation_form(c, &form))
    }

    /// The item the window opens on next time (`None`: none).
    pub fn save_current_item(&self, id: Option<String>) -> Call<()> {
        self.call(move |c| settings::save_current_item(c, id.as_deref()))
    }

    pub fn save_loupe_open(&self, open: bool) -> Call<()> {
        self.call(move |c| settings::save_loupe_open(c, open))
    }

    pub fn save_auto_advance(&self, on: bool) -> Call<()> {
        self.call(move |c| settings::save_auto_advance(c, on))
    }

    /// Whether finished work is told by a desktop notification when the window is in the
    /// background.
    pub fn save_notify_in_background(&self, on: bool) -> Call<()> {
        self.call(move |c| settings::save_notify_in_background(c, on))
    }

    pub fn save_demo_banner_dismissed(&self) -> Call<()> {
        self.call(settings::save_demo_banner_dismissed)
    }

    pub fn save_panels(&self, panels: PanelState) -> Call<()> {
        self.call(move |c| settings::save_panels(c, panels))
    }

    pub fn save_window(&self, geometry: WindowGeometry) -> Call<()> {
        self.call(move |c| settings::save_window(c, geometry))
    }

    /// The Export dialog's last choices.
    pub fn export_choices(&self) -> Call<Option<settings::ExportChoices>> {
        self.call(settings::load_export_choices)
    }

    pub fn save_export_choices(&self, choices: settings::ExportChoices) -> Call<()> {
        self.call(move |c| settings::save_export_choices(c, &choices))
    }
}
