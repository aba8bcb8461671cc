//! The default theme, compiled into the binary; a plan may override any
//! template with a file of the same name in `<content>/templates/`.

use super::OutFile;
use std::path::Path;
use tera::Tera;

const TEMPLATES: [(&str, &str); 9] = [
    ("search.html", include_str!("../../templates/search.html")),
    (
        "feedback.html",
        include_str!("../../templates/feedback.html"),
    ),
    ("base.html", include_str!("../../templates/base.html")),
    ("index.html", include_str!("../../templates/index.html")),
    ("chapter.html", include_str!("../../templates/chapter.html")),
    ("print.html", include_str!("../../templates/print.html")),
    ("table.html", include_str!("../../templates/table.html")),
    ("figure.html", include_str!("../../templates/figure.html")),
    (
        "style.css",
        include_str!("../../templates/assets/style.css"),
    ),
];

const PRINT_CSS: &str = include_str!("../../templates/assets/print.css");
const SEARCH_JS: &str = include_str!("../../templates/assets/search.js");
const FONT_LICENSE: &str = include_str!("../../templates/assets/fonts/LICENSE-NanumSquare.txt");
const DEJAVU_LICENSE: &str = include_str!("../../templates/assets/fonts/LICENSE-DejaVu.txt");

pub fn load(content_dir: &Path) -> Result<Tera, String> {
    let mut tera = Tera::default();
    // Tera's default also escapes `/`, which turns every URL into &#x2F;.
    tera.set_escape_fn(escape_html);
    for (name, builtin) in TEMPLATES.iter().filter(|(n, _)| n.ends_with(".html")) {
        let custom = content_dir.join("templates").join(name);
        let text = if custom.is_file() {
            std::fs::read_to_string(&custom)
                .map_err(|e| format!("cannot read {}: {e}", custom.display()))?
        } else {
            (*builtin).to_string()
        };
        tera.add_raw_template(name, &text)
            .map_err(|e| format!("template {name}: {e:?}"))?;
    }
    // Record templates belong to the plan: content/templates/records/*.html.
    let dir = content_dir.join("templates/records");
    if let Ok(entries) = std::fs::read_dir(&dir) {
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for p in paths
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "html"))
        {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let name = format!(
                "records/{}",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            tera.add_raw_template(&name, &text)
                .map_err(|e| format!("template {}: {e:?}", p.display()))?;
        }
    }
    Ok(tera)
}

pub fn escape_html(s: &str) -> String {
    super::markdown::escape(s).replace('\'', "&#39;")
}

pub fn assets() -> Vec<OutFile> {
    let style = TEMPLATES
        .iter()
        .find(|(n, _)| *n == "style.css")
        .map_or("", |(_, s)| s);
    let text = |path: &str, body: &str| OutFile {
        path: path.into(),
        bytes: body.as_bytes().to_vec(),
    };
    let mut files = vec![
        text("assets/style.css", style),
        text("assets/print.css", PRINT_CSS),
        text("assets/search.js", SEARCH_JS),
        text("assets/fonts/LICENSE-NanumSquare.txt", FONT_LICENSE),
        text("assets/fonts/LICENSE-DejaVu.txt", DEJAVU_LICENSE),
    ];
    files.extend(crate::fonts::files().iter().map(|(p, b)| OutFile {
        path: (*p).into(),
        bytes: b.to_vec(),
    }));
    files
}
