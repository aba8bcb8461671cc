//! The bundled fonts, and the web fonts the build makes from them.
//!
//! NanumSquare draws the plan's Korean text. It maps a few characters to empty
//! glyphs (新, ❖, ⇨ …) or lacks them (▪, ☑, ✓, −), so two fallback families
//! come after it: NanumGothic (the Hanja and symbols of the Nanum set) and
//! DejaVu Sans (geometric symbols). The repository holds all of them whole,
//! with their licences; every build subsets them to the characters its own
//! pages, scripts and drawings use and packs the subsets as WOFF2, so a page
//! loads about a tenth of the 1.46 MB of NanumSquare and nothing more when the
//! plan's text changes next year. `check` warns (W004) about any character
//! that none of the bundled faces draws, since a reader without system fonts
//! would see a blank.

use ab_glyph::{Font, FontRef};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

include!(concat!(env!("OUT_DIR"), "/font_recipe.rs"));

pub static NANUM_SQUARE_R: &[u8] = include_bytes!("../templates/assets/fonts/NanumSquareR.ttf");
pub static NANUM_SQUARE_B: &[u8] = include_bytes!("../templates/assets/fonts/NanumSquareB.ttf");
static NANUM_GOTHIC_R: &[u8] = include_bytes!("../templates/assets/fonts/NanumGothic.ttf");
static NANUM_GOTHIC_B: &[u8] = include_bytes!("../templates/assets/fonts/NanumGothicBold.ttf");
static DEJAVU_SANS_R: &[u8] = include_bytes!("../templates/assets/fonts/DejaVuSans.ttf");
static DEJAVU_SANS_B: &[u8] = include_bytes!("../templates/assets/fonts/DejaVuSans-Bold.ttf");

/// One bundled family: the file stem of its web fonts and its regular and
/// bold faces. The order is the order of preference.
struct Family {
    stem: &'static str,
    faces: [(u16, &'static [u8]); 2],
}

static FAMILIES: [Family; 3] = [
    Family {
        stem: "NanumSquare",
        faces: [(400, NANUM_SQUARE_R), (700, NANUM_SQUARE_B)],
    },
    Family {
        stem: "NanumGothic",
        faces: [(400, NANUM_GOTHIC_R), (700, NANUM_GOTHIC_B)],
    },
    Family {
        stem: "DejaVuSans",
        faces: [(400, DEJAVU_SANS_R), (700, DEJAVU_SANS_B)],
    },
];

/// Does `font` draw `c`: a glyph with an outline, or a mapped space?
fn draws(font: &FontRef<'_>, c: char) -> bool {
    let id = font.glyph_id(c);
    id.0 != 0 && (c.is_whitespace() || font.outline(id).is_some())
}

/// Can some bundled regular face draw `c`?
pub struct Coverage {
    fonts: Vec<FontRef<'static>>,
}

impl Coverage {
    pub fn new() -> Coverage {
        let fonts = FAMILIES
            .iter()
            .filter_map(|f| FontRef::try_from_slice(f.faces[0].1).ok())
            .collect();
        Coverage { fonts }
    }

    pub fn draws(&self, c: char) -> bool {
        if c.is_whitespace() || c.is_control() || (c as u32) < 0x80 {
            return true;
        }
        self.fonts.iter().any(|f| draws(f, c))
    }
}

impl Default for Coverage {
    fn default() -> Self {
        Coverage::new()
    }
}

/// The web fonts of one build: the files and the `@font-face` rules that
/// load them (relative to `assets/`).
#[derive(Clone)]
pub struct WebFonts {
    pub files: Vec<(String, Vec<u8>)>,
    pub css: String,
    /// How many faces were subset anew; the others were taken from the
    /// previous output.
    pub subset: usize,
}

/// The web fonts of the output a build replaces: a face whose glyphs are
/// the same is taken from there rather than subset and packed again (most
/// of a rebuild's font time; an edit seldom brings a new character).
#[derive(Debug, Clone, Default)]
pub struct Previous {
    /// The previous `assets/style.css`. Its `@font-face` rules say what made
    /// each face: `/* fonts/NAME v=VERSION */`.
    pub style: String,
    /// `assets/fonts/NAME.woff2` → its bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Every web font file a build may write, under `assets/fonts/`.
pub fn file_names() -> Vec<String> {
    FAMILIES
        .iter()
        .flat_map(|f| ["R", "B"].map(|s| format!("{}-{s}.woff2", f.stem)))
        .collect()
}

/// What a face's file is made from, and the file: the version its rule
/// records. A previous file is taken again only when its version, computed
/// from its bytes, is the one its rule recorded for the same recipe,
/// name and glyphs.
fn version(name: &str, glyphs: &[u16], woff2: &[u8]) -> String {
    let mut h: u64 = FONT_RECIPE;
    let bytes = name
        .bytes()
        .chain(glyphs.iter().flat_map(|g| g.to_le_bytes()))
        .chain(woff2.iter().copied());
    for b in bytes {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Subsets the bundled faces to `used` and writes them as WOFF2.
///
/// Each character goes to the first family that draws it. NanumSquare's rule
/// has no `unicode-range` (so text the build did not see, such as a search
/// query typed later, still falls back to the system's fonts), and the
/// fallback faces' rules come after it with the exact characters they were
/// made for: of two faces of one family, the later rule wins for its range.
pub fn web_fonts(used: &BTreeSet<char>, previous: &Previous) -> Result<WebFonts, String> {
    let used: Vec<char> = used.iter().copied().filter(|c| !c.is_control()).collect();
    // `serve` rebuilds after every edit, and an edit seldom brings a new
    // character: the last result is kept for the same characters.
    static LAST: Mutex<Option<(Vec<char>, WebFonts)>> = Mutex::new(None);
    if let Ok(last) = LAST.lock() {
        if let Some((_, web)) = last.as_ref().filter(|(c, _)| *c == used) {
            return Ok(web.clone());
        }
    }
    let web = make_web_fonts(&used, previous)?;
    if let Ok(mut last) = LAST.lock() {
        *last = Some((used, web.clone()));
    }
    Ok(web)
}

fn make_web_fonts(used: &[char], previous: &Previous) -> Result<WebFonts, String> {
    // The faces are independent: one thread each (subsetting and packing
    // NanumSquare is most of the time, about 15 ms a face).
    let faces: Vec<(usize, u16, &'static [u8])> = FAMILIES
        .iter()
        .enumerate()
        .flat_map(|(fi, f)| f.faces.iter().map(move |&(w, b)| (fi, w, b)))
        .collect();
    let made: Vec<Result<Option<WebFace>, String>> = std::thread::scope(|s| {
        let jobs: Vec<_> = faces
            .iter()
            .map(|&(fi, weight, bytes)| {
                s.spawn(move || web_face(fi, weight, bytes, used, previous))
            })
            .collect();
        jobs.into_iter()
            .map(|j| {
                j.join()
                    .unwrap_or_else(|_| Err("a font thread panicked".into()))
            })
            .collect()
    });
    let mut files = Vec::new();
    let mut css = String::new();
    let mut subset = 0;
    for m in made {
        if let Some((rule, path, bytes, new)) = m? {
            css.push_str(&rule);
            files.push((path, bytes));
            subset += usize::from(new);
        }
    }
    Ok(WebFonts { files, css, subset })
}

/// The `@font-face` rule, path and WOFF2 of one face, and whether it was
/// subset anew.
type WebFace = (String, String, Vec<u8>, bool);

/// The `@font-face` rule, path and WOFF2 of one face of family `fi`, or
/// nothing when an earlier family draws every character it could.
fn web_face(
    fi: usize,
    weight: u16,
    bytes: &[u8],
    used: &[char],
    previous: &Previous,
) -> Result<Option<WebFace>, String> {
    let family = FAMILIES.get(fi).ok_or("no such font family")?;
    let font =
        FontRef::try_from_slice(bytes).map_err(|e| format!("bundled font {}: {e}", family.stem))?;
    let earlier: Vec<FontRef<'_>> = FAMILIES
        .iter()
        .take(fi)
        .filter_map(|f| {
            let b = f.faces.iter().find(|(w, _)| *w == weight)?.1;
            FontRef::try_from_slice(b).ok()
        })
        .collect();
    let mine: Vec<char> = used
        .iter()
        .copied()
        .filter(|&c| draws(&font, c) && !earlier.iter().any(|e| draws(e, c)))
        .collect();
    if mine.is_empty() {
        return Ok(None);
    }
    let mut glyphs: BTreeSet<u16> = mine.iter().map(|&c| font.glyph_id(c).0).collect();
    // Glyph 0 (.notdef) comes first in every font.
    glyphs.insert(0);
    let glyphs: Vec<u16> = glyphs.into_iter().collect();
    let suffix = if weight >= 700 { "B" } else { "R" };
    let name = format!("{}-{suffix}.woff2", family.stem);
    let path = format!("assets/fonts/{name}");
    let mark = |v: &str| format!("/* fonts/{name} v={v} */");
    let kept = previous.files.get(&path).and_then(|b| {
        let v = version(&name, &glyphs, b);
        previous.style.contains(&mark(&v)).then(|| (b.clone(), v))
    });
    let new = kept.is_none();
    let (woff2, v) = match kept {
        Some(k) => k,
        None => {
            let woff2 = subset_woff2(bytes, &glyphs)
                .map_err(|e| format!("subsetting {} {weight}: {e}", family.stem))?;
            let v = version(&name, &glyphs, &woff2);
            (woff2, v)
        }
    };
    let range = if fi == 0 {
        String::new()
    } else {
        format!(" unicode-range: {};", unicode_range(&mine))
    };
    let rule = format!(
        "{} @font-face {{ font-family: \"NanumSquare\"; font-weight: {weight}; src: url(\"fonts/{name}\") format(\"woff2\"); font-display: swap;{range} }}\n",
        mark(&v)
    );
    Ok(Some((rule, path, woff2, new)))
}

fn subset_woff2(bytes: &[u8], glyphs: &[u16]) -> Result<Vec<u8>, String> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};
    let data = ReadScope::new(bytes)
        .read::<FontData<'_>>()
        .map_err(|e| e.to_string())?;
    let provider = data.table_provider(0).map_err(|e| e.to_string())?;
    let ttf = subset(
        &provider,
        glyphs,
        &SubsetProfile::Minimal,
        CmapTarget::Unicode,
    )
    .map_err(|e| e.to_string())?;
    // Quality 4 packs within 10 % of 11 in a fiftieth of the time (56 KB
    // against 51 KB for NanumSquare's 784 glyphs, 3 ms against 150 ms).
    ttf2woff2::encode(&ttf, 4.into()).map_err(|e| e.to_string())
}

/// `U+4E2D, U+5B50-5B51` for the characters, runs joined.
fn unicode_range(chars: &[char]) -> String {
    let mut runs: Vec<(u32, u32)> = Vec::new();
    for &c in chars {
        let c = c as u32;
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == c => *end = c,
            _ => runs.push((c, c)),
        }
    }
    runs.iter()
        .map(|&(a, b)| {
            if a == b {
                format!("U+{a:X}")
            } else {
                format!("U+{a:X}-{b:X}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every character of the text files of a build (pages, scripts, styles and
/// drawings): what the web fonts must draw.
pub fn used_chars<'a>(texts: impl Iterator<Item = &'a [u8]>) -> BTreeSet<char> {
    // A bit per code point: a build's text is 5 MB, and inserting each of
    // its characters into the set took 60 ms; marking a bit takes a few.
    let mut seen = vec![0u64; (char::MAX as usize >> 6) + 1];
    for bytes in texts {
        if let Ok(s) = std::str::from_utf8(bytes) {
            for c in s.chars() {
                let i = c as usize;
                seen[i >> 6] |= 1 << (i & 63);
            }
        }
    }
    let mut set = BTreeSet::new();
    for (w, &word) in seen.iter().enumerate() {
        let mut bits = word;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            bits &= bits - 1;
            if let Some(c) = u32::try_from((w << 6) | i).ok().and_then(char::from_u32) {
                set.insert(c);
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use allsorts::binary::read::ReadScope;
    use allsorts::font::MatchingPresentation;
    use allsorts::font_data::FontData;

    #[test]
    fn korean_and_the_plan_symbols_are_drawn() {
        let c = Coverage::new();
        for ch in "한글 □○◆①※⇒★△ 新 ❖ ⇨ ▪ ☑ ✓ −".chars() {
            assert!(c.draws(ch), "{ch} has no glyph");
        }
        // A character none of the bundled fonts has.
        assert!(!c.draws('𝄞'));
    }

    /// The glyph a subset maps `c` to (0: none), read back with allsorts
    /// after undoing the WOFF2.
    fn mapped(woff2: &[u8], c: char) -> u16 {
        let scope = ReadScope::new(woff2);
        let data = scope.read::<FontData<'_>>().expect("woff2 reads back");
        let provider = data.table_provider(0).expect("provider");
        let mut font = allsorts::font::Font::new(provider).expect("font");
        font.lookup_glyph_index(c, MatchingPresentation::NotRequired, None)
            .0
    }

    #[test]
    fn a_rebuild_takes_again_only_the_faces_its_rules_vouch_for() {
        let used: Vec<char> = "강원 2025 新 ✓".chars().collect();
        // make_web_fonts: web_fonts would answer from the process's last result.
        let fresh = make_web_fonts(&used, &Previous::default()).expect("fresh");
        let faces = fresh.files.len();
        assert!(faces >= 3 && fresh.subset == faces, "{}", fresh.subset);
        let previous = Previous {
            style: format!("body {{}}\n{}", fresh.css),
            files: fresh.files.iter().cloned().collect(),
        };
        let again = make_web_fonts(&used, &previous).expect("again");
        assert_eq!(again.subset, 0, "every face taken from the previous output");
        assert_eq!((&again.files, &again.css), (&fresh.files, &fresh.css));
        // A file changed since its rule was written is made anew …
        let mut touched = previous.clone();
        let (path, bytes) = touched.files.iter_mut().next().expect("a face");
        bytes.push(0);
        let path = path.clone();
        let mended = make_web_fonts(&used, &touched).expect("mended");
        assert_eq!(mended.subset, 1, "{path} is subset again");
        assert_eq!((&mended.files, &mended.css), (&fresh.files, &fresh.css));
        // … and so is a face whose characters change.
        let more: Vec<char> = "강원도 2025 新 ✓".chars().collect();
        let other = make_web_fonts(&more, &previous).expect("other");
        let square = |w: &WebFonts| {
            w.files
                .iter()
                .find(|(p, _)| p.ends_with("NanumSquare-R.woff2"))
                .map(|(_, b)| b.clone())
        };
        assert_ne!(square(&other), square(&fresh));
        assert_ne!(mapped(&square(&other).expect("face"), '도'), 0);
    }

    #[test]
    fn each_character_goes_to_the_first_face_that_draws_it() {
        let used: BTreeSet<char> = "강원 2025 新 ❖ ✓ −".chars().collect();
        let web = web_fonts(&used, &Previous::default()).expect("web fonts");
        let file = |name: &str| {
            web.files
                .iter()
                .find(|(p, _)| p.ends_with(name))
                .map(|(_, b)| b.as_slice())
                .unwrap_or_else(|| panic!("no {name}"))
        };
        let square = file("NanumSquare-R.woff2");
        assert_ne!(mapped(square, '강'), 0);
        assert_ne!(mapped(square, '5'), 0);
        // Drawn by the fallbacks, so not in NanumSquare's subset …
        assert_eq!(mapped(square, '新'), 0);
        assert_eq!(mapped(square, '✓'), 0);
        // … nor anything the pages do not use.
        assert_eq!(mapped(square, '산'), 0);
        let gothic = file("NanumGothic-R.woff2");
        assert_ne!(mapped(gothic, '新'), 0);
        assert_eq!(mapped(gothic, '강'), 0);
        let dejavu = file("DejaVuSans-B.woff2");
        assert_ne!(mapped(dejavu, '✓'), 0);
        // The rules: the main face without a range, each fallback with its own.
        assert!(web.css.contains(
            "url(\"fonts/NanumSquare-R.woff2\") format(\"woff2\"); font-display: swap; }"
        ));
        assert!(web.css.contains("NanumGothic-R.woff2\") format(\"woff2\"); font-display: swap; unicode-range: U+2756, U+65B0; }"), "{}", web.css);
        assert!(
            web.css.contains("unicode-range: U+2212, U+2713;"),
            "{}",
            web.css
        );
        assert!(web.css.find("NanumSquare-R").unwrap() < web.css.find("NanumGothic-R").unwrap());
    }

    #[test]
    fn used_characters_are_every_character_of_the_text_once() {
        let texts: [&[u8]; 4] = [
            "강원 2025 ① Ⅲ-1 △0.24 \u{1F600}".as_bytes(),
            b"plain ascii\n\t",
            b"\xff\xfe not UTF-8 is skipped",
            "강원특별자치도".as_bytes(),
        ];
        let naive: BTreeSet<char> = texts
            .iter()
            .filter_map(|t| std::str::from_utf8(t).ok())
            .flat_map(str::chars)
            .collect();
        let used = used_chars(texts.iter().copied());
        assert_eq!(used, naive);
        assert!(used.contains(&'\u{1F600}') && used.contains(&'①') && !used.contains(&'k'));
    }

    #[test]
    fn ranges_join_runs() {
        assert_eq!(
            unicode_range(&['a', 'b', 'c', 'x', '新']),
            "U+61-63, U+78, U+65B0"
        );
    }
}
