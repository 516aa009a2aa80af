//! Typed preferences and window state, stored as JSON in `app_settings`.

use crate::db::media_query::{MediaFilter, MediaSort, StatusFilter};
use crate::db::types::Rating;
use crate::db::{DbError, app_settings};
use diesel::SqliteConnection;
use serde::{Deserialize, Serialize};

mod engine;
mod export_choices;
mod form;
pub mod model_folder;

pub use engine::*;
pub use export_choices::{ExportChoices, load_export_choices, save_export_choices};
pub use form::*;

const GENERATION_PANEL_OPEN: &str = "ui.generation_panel_open";
const INFO_PANEL_OPEN: &str = "ui.info_panel_open";
const ORGANISE_PANEL_OPEN: &str = "ui.organise_panel_open";
const WINDOW_GEOMETRY: &str = "ui.window";
const GRID_VIEW: &str = "ui.grid";
const LOUPE_AUTO_ADVANCE: &str = "ui.loupe.auto_advance";
const NOTIFY_IN_BACKGROUND: &str = "ui.notify_in_background";
const GENERATION_FORM: &str = "ui.generation_form";
const DEMO_BANNER_DISMISSED: &str = "ui.demo_banner_dismissed";
const LOUPE_OPEN: &str = "ui.loupe_open";
const CURRENT_ITEM: &str = "ui.current_item";
const LIBRARY_ROOT: &str = "library_root";

/// Which side panels are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelState {
    pub generation_open: bool,
    pub info_open: bool,
    /// The collections and keywords panel, which takes the generation panel's place.
    pub organise_open: bool,
}

impl Default for PanelState {
    fn default() -> Self {
        Self {
            generation_open: true,
            info_open: true,
            organise_open: false,
        }
    }
}

/// The window's place and size in physical pixels, as last left by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowGeometry {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
    pub maximized: bool,
}

/// A screen's usable area in physical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScreenRect {
    pub x: i32,
    pub y: i32,
    pub width: u32,
    pub height: u32,
}

impl ScreenRect {
    fn overlap_area(&self, g: &WindowGeometry) -> i64 {
        let left = self.x.max(g.x) as i64;
        let right = (self.x as i64 + self.width as i64).min(g.x as i64 + g.width as i64);
        let top = self.y.max(g.y) as i64;
        let bottom = (self.y as i64 + self.height as i64).min(g.y as i64 + g.height as i64);
        (right - left).max(0) * (bottom - top).max(0)
    }
}

/// The grid's filter, sort and thumbnail size, as the filter bar's controls number them:
/// `status` 0 all, 1 selected, 2 rejected, 3 unmarked; `origin` 0 all, 1 generated, 2
/// imported; `sort` 0 newest, 1 oldest, 2 highest rated, 3 lowest rated; `thumbnail_size`
/// in logical pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GridView {
    pub min_rating: u8,
    pub status: u8,
    pub origin: u8,
    pub sort: u8,
    pub thumbnail_size: u16,
}

impl Default for GridView {
    fn default() -> Self {
        Self {
            min_rating: 0,
            status: 0,
            origin: 0,
            sort: 0,
            thumbnail_size: 180,
        }
    }
}

impl GridView {
    /// The database filter and sort these controls describe.
    pub fn filter_and_sort(&self) -> (MediaFilter, MediaSort) {
        let status = match self.status {
            1 => StatusFilter::Selected,
            2 => StatusFilter::Rejected,
            3 => StatusFilter::Unmarked,
            _ => StatusFilter::All,
        };
        let sort = match self.sort {
            1 => MediaSort::OldestFirst,
            2 => MediaSort::HighestRated,
            3 => MediaSort::LowestRated,
            _ => MediaSort::NewestFirst,
        };
        let min_rating = Rating::new(self.min_rating.min(5)).unwrap_or_default();
        (
            MediaFilter {
                min_rating,
                status,
                search: None,
                origin: match self.origin {
                    1 => Some(crate::db::types::Origin::Generation),
                    2 => Some(crate::db::types::Origin::Import),
                    _ => None,
                },
                ..Default::default()
            },
            sort,
        )
    }
}

/// The generation panel's form as the user left it. `resolution` is the long edge (512 or
/// 1024); `aspect` a label such as "3:2". Unknown values fall back to the defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationForm {
    pub prompt: String,
    pub resolution: u32,
    pub aspect: String,
    /// Images per Generate (1–8).
    pub count: u32,
    /// Where images are made: "local", or a hosted model's endpoint id.
    pub model: String,
}

impl Default for GenerationForm {
    fn default() -> Self {
        Self {
            prompt: String::new(),
            resolution: crate::generation::Resolution::default().long_edge(),
            aspect: crate::generation::Aspect::default().label(),
            count: 1,
            model: "local".into(),
        }
    }
}

/// The window state restored at start.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UiState {
    pub panels: PanelState,
    pub window: Option<WindowGeometry>,
    pub grid: GridView,
    /// The loupe moves to the next image after each culling key.
    pub auto_advance: bool,
    pub generation_form: GenerationForm,
    /// The user closed the demo-engine banner.
    pub demo_banner_dismissed: bool,
    /// The loupe was open when the app closed.
    pub loupe_open: bool,
    /// The item the user was at (selected in the grid, shown in the loupe).
    pub current_item: Option<String>,
    /// Steps, guidance and sampler for new requests.
    pub generation_defaults: GenerationDefaults,
    /// A desktop notification when long work ends while the window is in the background.
    pub notify_in_background: bool,
}

/// Reads the saved UI state; anything never saved (or unreadable) takes its default.
pub fn load_ui_state(conn: &mut SqliteConnection) -> Result<UiState, DbError> {
    let defaults = PanelState::default();
    let panels = PanelState {
        generation_open: read_or_default(conn, GENERATION_PANEL_OPEN, defaults.generation_open)?,
        info_open: read_or_default(conn, INFO_PANEL_OPEN, defaults.info_open)?,
        organise_open: read_or_default(conn, ORGANISE_PANEL_OPEN, defaults.organise_open)?,
    };
    Ok(UiState {
        panels,
        window: read_json(conn, WINDOW_GEOMETRY)?,
        grid: read_json(conn, GRID_VIEW)?.unwrap_or_default(),
        auto_advance: read_or_default(conn, LOUPE_AUTO_ADVANCE, false)?,
        notify_in_background: read_or_default(conn, NOTIFY_IN_BACKGROUND, true)?,
        generation_form: read_json(conn, GENERATION_FORM)?.unwrap_or_default(),
        demo_banner_dismissed: read_or_default(conn, DEMO_BANNER_DISMISSED, false)?,
        loupe_open: read_or_default(conn, LOUPE_OPEN, false)?,
        current_item: read_json(conn, CURRENT_ITEM)?,
        generation_defaults: generation_defaults(conn)?,
    })
}

/// A saved JSON setting; an unreadable one is logged and treated as never saved.
fn read_json<T: serde::de::DeserializeOwned>(conn: &mut SqliteConnection, key: &str) -> Result<Option<T>, DbError> {
    match app_settings::get::<T>(conn, key) {
        Ok(value) => Ok(value),
        Err(DbError::BadSetting { key, source }) => {
            tracing::warn!(%key, %source, "ignoring an unreadable saved setting; using the default");
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

pub fn save_generation_form(conn: &mut SqliteConnection, form: &GenerationForm) -> Result<(), DbError> {
    app_settings::set(conn, GENERATION_FORM, form)
}

pub fn save_loupe_open(conn: &mut SqliteConnection, open: bool) -> Result<(), DbError> {
    app_settings::set(conn, LOUPE_OPEN, &open)
}

pub fn save_current_item(conn: &mut SqliteConnection, id: Option<&str>) -> Result<(), DbError> {
    app_settings::set(conn, CURRENT_ITEM, &id)
}

pub fn save_demo_banner_dismissed(conn: &mut SqliteConnection) -> Result<(), DbError> {
    app_settings::set(conn, DEMO_BANNER_DISMISSED, &true)
}

pub fn save_grid_view(conn: &mut SqliteConnection, grid: &GridView) -> Result<(), DbError> {
    app_settings::set(conn, GRID_VIEW, grid)
}

fn read_or_default(conn: &mut SqliteConnection, key: &str, default: bool) -> Result<bool, DbError> {
    match app_settings::get::<bool>(conn, key) {
        Ok(value) => Ok(value.unwrap_or(default)),
        Err(DbError::BadSetting { key, source }) => {
            tracing::warn!(%key, %source, "ignoring an unreadable saved setting");
            Ok(default)
        }
        Err(other) => Err(other),
    }
}

pub fn save_auto_advance(conn: &mut SqliteConnection, on: bool) -> Result<(), DbError> {
    app_settings::set(conn, LOUPE_AUTO_ADVANCE, &on)
}

pub fn save_notify_in_background(conn: &mut SqliteConnection, on: bool) -> Result<(), DbError> {
    app_settings::set(conn, NOTIFY_IN_BACKGROUND, &on)
}

pub fn save_panels(conn: &mut SqliteConnection, panels: PanelState) -> Result<(), DbError> {
    app_settings::set(conn, GENERATION_PANEL_OPEN, &panels.generation_open)?;
    app_settings::set(conn, INFO_PANEL_OPEN, &panels.info_open)?;
    app_settings::set(conn, ORGANISE_PANEL_OPEN, &panels.organise_open)
}

pub fn save_window(conn: &mut SqliteConnection, window: WindowGeometry) -> Result<(), DbError> {
    app_settings::set(conn, WINDOW_GEOMETRY, &window)
}

/// The library folder chosen in settings, if any.
pub fn library_root(conn: &mut SqliteConnection) -> Result<Option<std::path::PathBuf>, DbError> {
    read_json(conn, LIBRARY_ROOT)
}

pub fn set_library_root(conn: &mut SqliteConnection, root: &std::path::Path) -> Result<(), DbError> {
    app_settings::set(conn, LIBRARY_ROOT, root)
}

/// Moves and shrinks a saved window so that it lies wholly on one screen: the screen it
/// overlaps most, or the first screen if it is on none (a monitor was unplugged).
/// `min` is the window's minimum size; with no screens known the geometry is kept.
pub fn clamp_to_screens(saved: WindowGeometry, screens: &[ScreenRect], min: (u32, u32)) -> WindowGeometry {
    let Some(screen) = screens
        .iter()
        .max_by_key(|screen| screen.overlap_area(&saved))
        .filter(|screen| screen.overlap_area(&saved) > 0)
        .or_else(|| screens.first())
    else {
        return saved;
    };
    let width = saved.width.clamp(min.0.min(screen.width), screen.width);
    let height = saved.height.clamp(min.1.min(screen.height), screen.height);
    let max_x = screen.x + (screen.width - width) as i32;
    let max_y = screen.y + (screen.height - height) as i32;
    WindowGeometry {
        x: saved.x.clamp(screen.x, max_x),
        y: saved.y.clamp(screen.y, max_y),
        width,
        height,
        maximized: saved.maximized,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCREEN: ScreenRect = ScreenRect {
        x: 0,
        y: 0,
        width: 1920,
        height: 1080,
    };
    const RIGHT: ScreenRect = ScreenRect {
        x: 1920,
        y: 0,
        width: 1280,
        height: 1024,
    };

    fn geometry(x: i32, y: i32, width: u32, height: u32) -> WindowGeometry {
        WindowGeometry {
            x,
            y,
            width,
            height,
            maximized: false,
        }
    }

    #[test]
    fn a_window_on_screen_stays_where_it_was() {
        let saved = geometry(100, 80, 1280, 800);
        assert_eq!(clamp_to_screens(saved, &[SCREEN, RIGHT], (960, 600)), saved);
    }

    #[test]
    fn a_window_on_an_unplugged_monitor_moves_to_the_first_screen() {
        let saved = geometry(3500, 200, 1280, 800);
        let restored = clamp_to_screens(saved, &[SCREEN], (960, 600));
        assert_eq!(restored, geometry(640, 200, 1280, 800));
    }

    #[test]
    fn a_window_hanging_off_an_edge_is_pulled_back_and_shrunk_to_fit() {
        let restored = clamp_to_screens(geometry(-300, -50, 2400, 900), &[SCREEN], (960, 600));
        assert_eq!(restored, geometry(0, 0, 1920, 900));
        let on_right = clamp_to_screens(geometry(2500, 600, 1280, 800), &[SCREEN, RIGHT], (960, 600));
        assert_eq!(on_right, geometry(1920, 224, 1280, 800));
    }

    #[test]
    fn a_tiny_saved_size_grows_to_the_minimum() {
        let restored = clamp_to_screens(geometry(10, 10, 200, 100), &[SCREEN], (960, 600));
        assert_eq!((restored.width, restored.height), (960, 600));
    }

    #[test]
    fn without_screen_information_the_geometry_is_kept() {
        let saved = geometry(-5000, 0, 1280, 800);
        assert_eq!(clamp_to_screens(saved, &[], (960, 600)), saved);
    }
}
