//! The default theme, compiled into the binary; a plan may override any
//! template with a file of the same name in `<content>/templates/`.

use super::budget::{locate, Source, MAX_OUTPUT};
use super::OutFile;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use tera::{Context, Tera};

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
const SITE_JS: &str = include_str!("../../templates/assets/site.js");
const FAVICON: &str = include_str!("../../templates/assets/favicon.svg");
const FONT_LICENSE: &str = include_str!("../../templates/assets/fonts/LICENSE-NanumSquare.txt");
const DEJAVU_LICENSE: &str = include_str!("../../templates/assets/fonts/LICENSE-DejaVu.txt");

/// The theme and the plan's templates, with where each came from so that an
/// error can name the file and line.
pub struct Theme {
    pub tera: Tera,
    sources: BTreeMap<String, Source>,
}

/// The theme of a content folder: its templates, or the built-in ones.
/// A build loads it twice (`check`'s part of the build, then the render)
/// and `serve` at every rebuild, 6 ms each time: the last theme is kept
/// and given again while every template's text is the same.
pub fn load(content_dir: &Path) -> Result<Arc<Theme>, String> {
    static LAST: Mutex<Option<(Vec<Template>, Arc<Theme>)>> = Mutex::new(None);
    let texts = sources_of(content_dir)?;
    if let Ok(last) = LAST.lock() {
        if let Some((_, theme)) = last.as_ref().filter(|(t, _)| *t == texts) {
            return Ok(Arc::clone(theme));
        }
    }
    let theme = Arc::new(compile(&texts)?);
    if let Ok(mut last) = LAST.lock() {
        *last = Some((texts, Arc::clone(&theme)));
    }
    Ok(theme)
}

/// (name, path shown in messages, text, whether the plan has it) of a
/// template of the theme.
type Template = (String, String, String, bool);

/// Every template of the theme.
fn sources_of(content_dir: &Path) -> Result<Vec<Template>, String> {
    // Templates are content: read through the content folder's checks (no
    // symlink out, regular files, size limit) like every other file.
    let root = crate::load::files::Root::new(content_dir)
        .map_err(|e| format!("cannot read {}: {e}", content_dir.display()))?;
    let mut out = Vec::new();
    for (name, builtin) in TEMPLATES.iter().filter(|(n, _)| n.ends_with(".html")) {
        let custom = content_dir.join("templates").join(name);
        if custom.is_file() {
            let t = root
                .read(&custom)
                .map_err(|e| format!("{} {e}", custom.display()))?;
            out.push(((*name).to_string(), custom.display().to_string(), t, true));
        } else {
            out.push((
                (*name).to_string(),
                format!("{name} (built-in theme)"),
                (*builtin).to_string(),
                false,
            ));
        }
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
            let text = root.read(p).map_err(|e| format!("{} {e}", p.display()))?;
            let name = format!(
                "records/{}",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            out.push((name, p.display().to_string(), text, true));
        }
    }
    Ok(out)
}

fn compile(texts: &[Template]) -> Result<Theme, String> {
    let mut tera = Tera::default();
    // Tera's default also escapes `/`, which turns every URL into &#x2F;.
    tera.set_escape_fn(super::escape::html_attr);
    // `{{ x | sanitize | safe }}`: record fields that hold markup (chemical
    // formulae with <sub>) keep the plan's tags and nothing executable.
    tera.register_filter(
        "sanitize",
        |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            let s = v.as_str().map_or_else(|| v.to_string(), str::to_string);
            Ok(tera::Value::String(super::escape::sanitize_html(&s)))
        },
    );
    let mut sources = BTreeMap::new();
    let mut plan_templates = Vec::new();
    for (name, path, text, custom) in texts {
        if *custom {
            plan_templates.push(name.clone());
        }
        add(&mut tera, &mut sources, name, path.clone(), text.clone())?;
    }
    super::budget::check(&tera, &plan_templates, &sources)?;
    Ok(Theme { tera, sources })
}

fn add(
    tera: &mut Tera,
    sources: &mut BTreeMap<String, Source>,
    name: &str,
    path: String,
    text: String,
) -> Result<(), String> {
    let r = tera.add_raw_template(name, &text);
    sources.insert(name.to_string(), Source { path, text });
    r.map_err(|e| message(sources, name, &e))
}

impl Theme {
    /// Renders `name`; the error is [`message`], and an output larger than
    /// the budget is refused rather than written.
    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, String> {
        let out = self
            .tera
            .render(name, ctx)
            .map_err(|e| message(&self.sources, name, &e))?;
        if out.len() > MAX_OUTPUT {
            let path = self.sources.get(name).map_or(name, |s| s.path.as_str());
            return Err(format!(
                "{path}: the template produced {} bytes, more than the limit of {MAX_OUTPUT}",
                out.len()
            ));
        }
        Ok(out)
    }
}

/// A Tera error as a reader wants it: `file:line:col: what happened: why`,
/// the error's chain of causes on one line. Tera gives a position only for
/// syntax errors (in the parser's `--> line:col`); for others the line is
/// that of the first name the message quotes in backticks, if it is found.
pub fn message(sources: &BTreeMap<String, Source>, name: &str, e: &tera::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut pos: Option<(usize, usize)> = None;
    let mut cur: Option<&dyn std::error::Error> = Some(e);
    while let Some(err) = cur {
        let text = err.to_string();
        if let Some(at) = text.find("--> ") {
            let lc: String = text[at + 4..]
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ':')
                .collect();
            if let Some((l, c)) = lc.split_once(':') {
                pos = l.parse().ok().zip(c.parse().ok());
            }
            // The parser's own words are its `= expected …` line.
            let why: Vec<&str> = text
                .lines()
                .filter_map(|l| l.trim_start().strip_prefix("= "))
                .collect();
            if !why.is_empty() {
                parts.push(why.join("; "));
            }
        } else {
            parts.push(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        cur = err.source();
    }
    parts.dedup();
    let msg = parts.join(": ");
    let Some(src) = sources.get(name) else {
        return format!("{name}: {msg}");
    };
    if let Some((l, c)) = pos {
        return format!("{}:{l}:{c}: {msg}", src.path);
    }
    let quoted = msg
        .split('`')
        .nth(1)
        .filter(|q| !q.is_empty())
        .unwrap_or_default();
    format!("{}: {msg}", locate(&src.path, &src.text, quoted))
}

/// The theme's assets for a build whose other files are `built`: the web
/// fonts are subset to the characters of those files and of the assets.
pub fn assets(
    built: &[OutFile],
    previous: &crate::fonts::Previous,
) -> Result<Vec<OutFile>, String> {
    let style = TEMPLATES
        .iter()
        .find(|(n, _)| *n == "style.css")
        .map_or("", |(_, s)| s);
    let text = |path: &str, body: &str| OutFile {
        path: path.into(),
        bytes: body.as_bytes().to_vec(),
    };
    let mut files = vec![
        text("assets/print.css", PRINT_CSS),
        text("assets/search.js", SEARCH_JS),
        text("assets/site.js", SITE_JS),
        text("assets/favicon.svg", FAVICON),
        text("assets/fonts/LICENSE-NanumSquare.txt", FONT_LICENSE),
        text("assets/fonts/LICENSE-DejaVu.txt", DEJAVU_LICENSE),
    ];
    let is_text = |p: &str| {
        [".html", ".js", ".css", ".svg"]
            .iter()
            .any(|ext| p.ends_with(ext))
    };
    let used = crate::fonts::used_chars(
        built
            .iter()
            .chain(files.iter())
            .filter(|f| is_text(&f.path))
            .map(|f| f.bytes.as_slice())
            .chain(std::iter::once(style.as_bytes())),
    );
    let t = std::time::Instant::now();
    let web = crate::fonts::web_fonts(&used, previous)?;
    if std::env::var_os("PLANBOOK_TIMING").is_some() {
        eprintln!(
            "render fonts: {:?} ({} characters, {} of {} faces subset)",
            t.elapsed(),
            used.len(),
            web.subset,
            web.files.len()
        );
    }
    // The rules go where the theme marks them, ahead of every other rule.
    let style = match style.split_once(FONT_FACE_MARK) {
        Some((head, tail)) => format!("{head}{}{tail}", web.css),
        None => format!("{}{style}", web.css),
    };
    files.push(text("assets/style.css", &style));
    files.extend(
        web.files
            .into_iter()
            .map(|(path, bytes)| OutFile { path, bytes }),
    );
    Ok(files)
}

/// The line of style.css that the build replaces with the web fonts' rules.
const FONT_FACE_MARK: &str = "/* @font-face: written by the build (src/fonts.rs) */\n";
