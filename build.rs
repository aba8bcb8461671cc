//! `FONT_RECIPE`: a hash of everything a web font subset is made from
//! besides its glyphs (the bundled faces, the code that subsets and packs
//! them, the versions of its crates). A rebuild takes a face from the
//! previous output only when the recipe and the glyphs are the same.
use std::io::Write;

const INPUTS: [&str; 8] = [
    "src/fonts.rs",
    "Cargo.lock",
    "templates/assets/fonts/NanumSquareR.ttf",
    "templates/assets/fonts/NanumSquareB.ttf",
    "templates/assets/fonts/NanumGothic.ttf",
    "templates/assets/fonts/NanumGothicBold.ttf",
    "templates/assets/fonts/DejaVuSans.ttf",
    "templates/assets/fonts/DejaVuSans-Bold.ttf",
];

fn main() -> std::io::Result<()> {
    // FNV-1a, 64 bits: the same function src/fonts.rs uses for a face.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for path in INPUTS {
        println!("cargo:rerun-if-changed={path}");
        // Cargo.lock is absent when planbook is a dependency: the recipe is
        // then the rest.
        let bytes = std::fs::read(path).unwrap_or_default();
        for b in path.bytes().chain(bytes) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").unwrap_or_default());
    let mut f = std::fs::File::create(out.join("font_recipe.rs"))?;
    writeln!(f, "pub const FONT_RECIPE: u64 = 0x{h:016x};")
}
