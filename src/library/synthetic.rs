//! Synthetic pictures: a calm abstract composition that follows from SHA-256 of
//! (prompt, 0x00, seed), so the same request always gives the same pixels and different
//! requests look clearly different. Two hash colours in a diagonal gradient, a soft glow, a
//! barely-there checker sized by the hash, and one stripe per reference image.
//!
//! The simulated engine paints its results with this, and `distillery demo-library` fills
//! libraries for designers and benchmarks with it.

use image::{Rgb, RgbImage};
use sha2::{Digest, Sha256};

fn hsv(h: f32, s: f32, v: f32) -> [f32; 3] {
    let c = v * s;
    let hp = (h.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (hp % 2.0 - 1.0).abs());
    let (r, g, b) = match hp as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = v - c;
    [r + m, g + m, b + m]
}

fn unit(byte: u8) -> f32 {
    byte as f32 / 255.0
}

/// Renders the picture for a prompt and seed; `refs` are the reference images' mean colours.
pub fn render(prompt: &str, seed: i64, width: u32, height: u32, refs: &[[u8; 3]]) -> RgbImage {
    let mut hasher = Sha256::new();
    hasher.update(prompt.as_bytes());
    hasher.update([0u8]);
    hasher.update(seed.to_string().as_bytes());
    let h = hasher.finalize();

    let hue = unit(h[0]) * 360.0;
    let first = hsv(hue, 0.45 + 0.4 * unit(h[1]), 0.70 + 0.25 * unit(h[2]));
    let second = hsv(
        hue + 40.0 + 160.0 * unit(h[3]),
        0.5 + 0.4 * unit(h[4]),
        0.18 + 0.3 * unit(h[5]),
    );
    let angle = unit(h[6]) * std::f32::consts::TAU;
    let (dx, dy) = (angle.cos(), angle.sin());
    let glow_x = 0.15 + 0.7 * unit(h[7]);
    let glow_y = 0.15 + 0.7 * unit(h[8]);
    let glow_r = 0.2 + 0.35 * unit(h[9]);
    let glow = hsv(hue + 20.0, 0.25, 1.0);
    let cell = 16 + u32::from(h[10]) % 112;
    let (w, hgt) = (width as f32, height as f32);
    let short = w.min(hgt);
    let stripe_w = (width / 24).max(2);

    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        // Gradient along the hash's angle, eased.
        let t = (((fx / w - 0.5) * dx + (fy / hgt - 0.5) * dy) + 0.71) / 1.42;
        let t = t.clamp(0.0, 1.0);
        let t = t * t * (3.0 - 2.0 * t);
        let mut colour = [0.0f32; 3];
        for c in 0..3 {
            colour[c] = first[c] * (1.0 - t) + second[c] * t;
        }
        // Soft glow.
        let d = ((fx - glow_x * w).powi(2) + (fy - glow_y * hgt).powi(2)).sqrt() / short;
        let g = (1.0 - d / glow_r).clamp(0.0, 1.0).powi(2) * 0.55;
        for c in 0..3 {
            colour[c] = colour[c] * (1.0 - g) + glow[c] * g;
        }
        // Barely-there checker.
        if ((x / cell) + (y / cell)) % 2 == 1 {
            for value in &mut colour {
                *value *= 0.94;
            }
        }
        // One stripe per reference image, in its average colour.
        for (i, reference) in refs.iter().enumerate() {
            let left = width * (2 * i as u32 + 1) / (2 * refs.len() as u32 + 1);
            if x >= left && x < left + stripe_w {
                for c in 0..3 {
                    colour[c] = colour[c] * 0.35 + unit(reference[c]) * 0.65;
                }
            }
        }
        Rgb(colour.map(|v| (v.clamp(0.0, 1.0) * 255.0 + 0.5) as u8))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_request_gives_the_same_pixels_and_others_differ() {
        let a = render("a red fox in snow", 7, 64, 48, &[]);
        assert_eq!(a, render("a red fox in snow", 7, 64, 48, &[]));
        assert_ne!(a, render("a red fox in snow", 8, 64, 48, &[]));
        assert_ne!(a, render("a blue whale", 7, 64, 48, &[]));
        assert_eq!(a.dimensions(), (64, 48));
    }
}
