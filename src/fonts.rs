//! The bundled fonts: NanumSquare for Korean text, and two small fallback
//! subsets for the few characters NanumSquare maps to empty glyphs (新, ❖, ⇨ …)
//! or lacks (▪, ☑, ✓, −). `check` warns about any other character that no
//! bundled font can draw, since a reader without system fonts would see a blank.

use ab_glyph::{Font, FontRef};

pub static NANUM_SQUARE_R: &[u8] = include_bytes!("../templates/assets/fonts/NanumSquareR.ttf");
pub static NANUM_SQUARE_B: &[u8] = include_bytes!("../templates/assets/fonts/NanumSquareB.ttf");
pub static FALLBACK_GOTHIC_R: &[u8] =
    include_bytes!("../templates/assets/fonts/NanumGothic-fallback-R.ttf");
pub static FALLBACK_GOTHIC_B: &[u8] =
    include_bytes!("../templates/assets/fonts/NanumGothic-fallback-B.ttf");
pub static FALLBACK_DEJAVU_R: &[u8] =
    include_bytes!("../templates/assets/fonts/DejaVuSans-fallback-R.ttf");
pub static FALLBACK_DEJAVU_B: &[u8] =
    include_bytes!("../templates/assets/fonts/DejaVuSans-fallback-B.ttf");

/// (output path, bytes) of every font file the site ships.
pub fn files() -> [(&'static str, &'static [u8]); 6] {
    [
        ("assets/fonts/NanumSquareR.ttf", NANUM_SQUARE_R),
        ("assets/fonts/NanumSquareB.ttf", NANUM_SQUARE_B),
        ("assets/fonts/NanumGothic-fallback-R.ttf", FALLBACK_GOTHIC_R),
        ("assets/fonts/NanumGothic-fallback-B.ttf", FALLBACK_GOTHIC_B),
        ("assets/fonts/DejaVuSans-fallback-R.ttf", FALLBACK_DEJAVU_R),
        ("assets/fonts/DejaVuSans-fallback-B.ttf", FALLBACK_DEJAVU_B),
    ]
}

/// Can some bundled regular font draw `c` (a glyph with an outline)?
pub struct Coverage {
    fonts: Vec<FontRef<'static>>,
}

impl Coverage {
    pub fn new() -> Coverage {
        let fonts = [NANUM_SQUARE_R, FALLBACK_GOTHIC_R, FALLBACK_DEJAVU_R]
            .iter()
            .filter_map(|b| FontRef::try_from_slice(b).ok())
            .collect();
        Coverage { fonts }
    }

    pub fn draws(&self, c: char) -> bool {
        if c.is_whitespace() || c.is_control() || (c as u32) < 0x80 {
            return true;
        }
        self.fonts.iter().any(|f| {
            let id = f.glyph_id(c);
            id.0 != 0 && f.outline(id).is_some()
        })
    }
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage::new()
    }
}

#[cfg(test)]
mod tests {
    use super::Coverage;

    #[test]
    fn korean_and_the_plan_symbols_are_drawn() {
        let c = Coverage::new();
        for ch in "한글 □○◆①※⇒★△ 新 ❖ ⇨ ▪ ☑ ✓ −".chars() {
            assert!(c.draws(ch), "{ch} has no glyph");
        }
        // A character none of the bundled fonts has.
        assert!(!c.draws('𝄞'));
    }
}
