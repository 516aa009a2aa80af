//! Output size from the user's choices: long edge (512 or 1024) and aspect ratio. The
//! generation panel's "1024 × 688" label and the engine request use this one function.

/// The long edge of the image.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Resolution {
    R512,
    #[default]
    R1024,
}

impl Resolution {
    pub const ALL: [Resolution; 2] = [Resolution::R512, Resolution::R1024];

    pub fn long_edge(self) -> u32 {
        match self {
            Resolution::R512 => 512,
            Resolution::R1024 => 1024,
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text.trim().trim_end_matches("px") {
            "512" => Some(Resolution::R512),
            "1024" => Some(Resolution::R1024),
            _ => None,
        }
    }
}

/// The aspect ratios offered (width:height).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Aspect {
    #[default]
    Square,
    Landscape3x2,
    Portrait2x3,
    Wide16x9,
    Tall9x16,
    Portrait4x5,
}

impl Aspect {
    pub const ALL: [Aspect; 6] = [
        Aspect::Square,
        Aspect::Landscape3x2,
        Aspect::Portrait2x3,
        Aspect::Wide16x9,
        Aspect::Tall9x16,
        Aspect::Portrait4x5,
    ];

    /// (width, height) parts of the ratio.
    pub fn ratio(self) -> (u32, u32) {
        match self {
            Aspect::Square => (1, 1),
            Aspect::Landscape3x2 => (3, 2),
            Aspect::Portrait2x3 => (2, 3),
            Aspect::Wide16x9 => (16, 9),
            Aspect::Tall9x16 => (9, 16),
            Aspect::Portrait4x5 => (4, 5),
        }
    }

    pub fn label(self) -> String {
        let (w, h) = self.ratio();
        format!("{w}:{h}")
    }

    pub fn parse(text: &str) -> Option<Self> {
        Aspect::ALL.into_iter().find(|aspect| aspect.label() == text.trim())
    }
}

/// Width × height in pixels: the long edge is the resolution, the short edge follows the
/// ratio, and both are multiples of 16 (what the engine works in; it would round up anyway).
pub fn dimensions(resolution: Resolution, aspect: Aspect) -> (u32, u32) {
    let long = resolution.long_edge();
    let (w, h) = aspect.ratio();
    let (major, minor) = (w.max(h), w.min(h));
    let short = ((long as f64 * minor as f64 / major as f64 / 16.0).round() as u32 * 16).max(16);
    if w >= h { (long, short) } else { (short, long) }
}

/// The resolution and aspect that make an image of `width` × `height` (the closest ratio
/// when it is none of the six), to reuse an earlier image's settings.
pub fn choices_for(width: u32, height: u32) -> (Resolution, Aspect) {
    let resolution = if width.max(height) <= 512 {
        Resolution::R512
    } else {
        Resolution::R1024
    };
    let wanted = (width.max(1) as f64 / height.max(1) as f64).ln();
    let distance = |aspect: &Aspect| {
        let (w, h) = aspect.ratio();
        ((w as f64 / h as f64).ln() - wanted).abs()
    };
    let aspect = Aspect::ALL
        .into_iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .unwrap_or_default();
    (resolution, aspect)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_size_gives_back_the_choices_that_made_it() {
        for resolution in Resolution::ALL {
            for aspect in Aspect::ALL {
                let (w, h) = dimensions(resolution, aspect);
                assert_eq!(choices_for(w, h), (resolution, aspect), "{w} × {h}");
            }
        }
        // Other sizes: the nearest ratio.
        assert_eq!(choices_for(1920, 1080), (Resolution::R1024, Aspect::Wide16x9));
        assert_eq!(choices_for(400, 500), (Resolution::R512, Aspect::Portrait4x5));
    }

    #[test]
    fn all_twelve_combinations() {
        let expected = [
            (Resolution::R512, Aspect::Square, (512, 512)),
            (Resolution::R512, Aspect::Landscape3x2, (512, 336)),
            (Resolution::R512, Aspect::Portrait2x3, (336, 512)),
            (Resolution::R512, Aspect::Wide16x9, (512, 288)),
            (Resolution::R512, Aspect::Tall9x16, (288, 512)),
            (Resolution::R512, Aspect::Portrait4x5, (416, 512)),
            (Resolution::R1024, Aspect::Square, (1024, 1024)),
            (Resolution::R1024, Aspect::Landscape3x2, (1024, 688)),
            (Resolution::R1024, Aspect::Portrait2x3, (688, 1024)),
            (Resolution::R1024, Aspect::Wide16x9, (1024, 576)),
            (Resolution::R1024, Aspect::Tall9x16, (576, 1024)),
            (Resolution::R1024, Aspect::Portrait4x5, (816, 1024)),
        ];
        for (resolution, aspect, size) in expected {
            assert_eq!(dimensions(resolution, aspect), size, "{resolution:?} {aspect:?}");
            assert_eq!(size.0 % 16, 0);
            assert_eq!(size.1 % 16, 0);
        }
    }

    #[test]
    fn labels_parse_back() {
        for aspect in Aspect::ALL {
            assert_eq!(Aspect::parse(&aspect.label()), Some(aspect));
        }
        assert_eq!(Resolution::parse("1024"), Some(Resolution::R1024));
        assert_eq!(Resolution::parse("768"), None);
    }
}
