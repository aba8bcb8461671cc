//! `planbook serve`: the plan built in memory and served on 127.0.0.1, rebuilt
//! when the content changes, with pages that reload themselves and show the
//! content's errors in an overlay. Writes no file anywhere: an interrupted
//! serve (Ctrl-C ends the process) cannot leave anything half-written.

use crate::render::escape::{html_attr, html_text};
use crate::render::OutFile;
use crate::validate::diagnostic::{Diagnostic, Diagnostics, Severity};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime};

/// How often the content folder is compared with its last snapshot. A
/// polling watcher because native events fail on network drives and in WSL;
/// one `stat` per file of a plan (~200 files) every 100 ms costs well under
/// a millisecond, and the poll is what bounds edit-to-reload latency.
pub const POLL: Duration = Duration::from_millis(100);

/// How long a page's reload request is held open before it is answered
/// with an unchanged version (the page then asks again).
const WAIT: Duration = Duration::from_secs(20);

/// Requests handled at once: each takes a thread (a held reload request
/// too). A local preview has a few tabs open; the cap keeps a runaway
/// client from exhausting threads.
const MAX_ACTIVE: usize = 64;

/// Files of a content folder the watcher looks at before giving up: a plan
/// has a few hundred; a folder of millions is not a plan.
const MAX_WATCHED: usize = 100_000;

/// The built site, by path relative to the site root.
pub type Site = HashMap<String, Arc<Vec<u8>>>;

/// What the server shows: the last good build and, while the content is
/// broken, the errors that keep it from building.
#[derive(Default)]
pub struct State {
    site: Option<Site>,
    /// Changes with every rebuild, good or bad: an open page reloads when it
    /// does (to show the new content, or the overlay).
    version: u64,
    /// HTML of the overlay; empty when the last rebuild succeeded.
    overlay: String,
}

/// The state and a condition variable that wakes held reload requests.
#[derive(Default)]
pub struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A handler that panicked leaves a state that is still whole (every
        // update is a plain assignment): serving it beats stopping.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn version(&self) -> u64 {
        self.lock().version
    }

    /// Installs the result of a rebuild and wakes the waiting pages.
    pub fn publish(&self, result: Result<Site, String>) {
        let mut s = self.lock();
        match result {
            Ok(site) => {
                s.site = Some(site);
                s.overlay.clear();
            }
            Err(overlay) => s.overlay = overlay,
        }
        s.version += 1;
        drop(s);
        self.changed.notify_all();
    }
}

/// Builds the plan in memory: analyse and render, as `build` does, without
/// an output folder.
pub fn build_site(dir: &Path) -> Result<Vec<OutFile>, Diagnostics> {
    build_site_with(dir, &mut Kept::default())
}

/// What a rebuild takes from the one before, where it is the same: each
/// table's workbook (keyed by the table and its number, see
/// [`crate::render::XlsxCache`]), the web fonts (taken again when their
/// glyphs are, as `build` takes them from the output it replaces), and,
/// after an edit of Markdown files alone, the data side of the analysis:
/// the data files as loaded, computed and checked.
#[derive(Default)]
pub struct Kept {
    pub xlsx: crate::render::XlsxCache,
    fonts: Arc<crate::fonts::Previous>,
    data: Option<(Snapshot, crate::DataSide)>,
    /// Whether the last rebuild took the data side from the one before.
    pub data_reused: bool,
}

/// Whether two snapshots of the content folder differ in Markdown files
/// alone: the same files, and every other one as it was. The data side
/// reads no Markdown, and no file but through the folder.
fn only_narrative_changed(old: &Snapshot, new: &Snapshot) -> bool {
    let md = |p: &Path| p.extension().is_some_and(|x| x == "md");
    old.len() == new.len()
        && old
            .iter()
            .zip(new)
            .all(|((pa, a), (pb, b))| pa == pb && (a == b || md(pa)))
}

/// [`build_site`] taking from `kept` what the previous rebuild left there
/// and is still the same, and leaving this one's.
pub fn build_site_with(dir: &Path, kept: &mut Kept) -> Result<Vec<OutFile>, Diagnostics> {
    // Taken before anything is read: a file changed while this build reads
    // it makes the next snapshot differ from this one.
    let now = snapshot(dir);
    let reuse = match kept.data.take() {
        Some((then, data)) if only_narrative_changed(&then, &now) => Some(data),
        _ => None,
    };
    kept.data_reused = reuse.is_some();
    let (content, computed, diags, parts) =
        crate::analyse_reusing(dir, crate::publish::Edition::Published, reuse, true)
            .map_err(|(_, d)| d)?;
    // The spreadsheets too: an author checks them in the preview.
    let opts = crate::render::RenderOptions {
        xlsx: true,
        previous_fonts: Arc::clone(&kept.fonts),
        ..Default::default()
    };
    let pages = crate::render::Pages::default();
    let files =
        crate::render::render_with_cache(&content, &computed, &pages, opts, Some(&kept.xlsx));
    if let Some(parts) = parts {
        kept.data = Some((now, crate::DataSide { content, parts }));
    }
    match files {
        Ok(files) => {
            kept.fonts = Arc::new(fonts_of(&files));
            Ok(files)
        }
        Err(e) => {
            let mut d = diags;
            d.push(Diagnostic::error("E030", format!("rendering failed: {e}")));
            Err(d)
        }
    }
}

/// The web fonts and the style sheet vouching for them, of a built site.
fn fonts_of(files: &[OutFile]) -> crate::fonts::Previous {
    let mut out = crate::fonts::Previous::default();
    for f in files {
        if f.path == "assets/style.css" {
            out.style = String::from_utf8_lossy(&f.bytes).into_owned();
        } else if f.path.starts_with("assets/fonts/") {
            out.files.insert(f.path.clone(), f.bytes.clone());
        }
    }
    out
}

pub fn to_site(files: Vec<OutFile>) -> Site {
    files
        .into_iter()
        .map(|f| (f.path, Arc::new(f.bytes)))
        .collect()
}

/// The overlay listing the errors that stop the build: code, message,
/// file:line:col and the offending source line, all escaped.
pub fn overlay_html(diags: &Diagnostics, content_dir: &Path) -> String {
    let errors: Vec<&Diagnostic> = diags
        .sorted()
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let mut lines_of: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    let mut o = String::from(
        "<div id=\"planbook-errors\" role=\"alert\" style=\"position:fixed;left:0;right:0;bottom:0;max-height:60vh;overflow:auto;z-index:2147483647;background:#fff5f5;color:#1a1a1a;border-top:4px solid #c00;padding:12px 16px;font:14px/1.45 sans-serif;box-shadow:0 -2px 12px rgba(0,0,0,.25)\">",
    );
    o.push_str(&format!(
        "<button type=\"button\" onclick=\"this.parentNode.remove()\" style=\"float:right\">닫기</button><strong>planbook: {} error(s) — showing the last good build</strong><ol style=\"margin:8px 0 0;padding-left:1.5em\">",
        errors.len()
    ));
    for d in &errors {
        let at = match (&d.file, d.line, d.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), Some(l), None) => format!("{f}:{l}"),
            (Some(f), _, _) => f.clone(),
            _ => String::new(),
        };
        o.push_str(&format!(
            "<li class=\"planbook-error\" style=\"margin-bottom:8px\"><code>{}</code> {}",
            html_text(d.code),
            html_text(&d.message)
        ));
        if !at.is_empty() {
            o.push_str(&format!(
                "<br><code class=\"planbook-at\">{}</code>",
                html_text(&at)
            ));
        }
        if let (Some(f), Some(l)) = (&d.file, d.line) {
            let lines = lines_of
                .entry(f.clone())
                .or_insert_with(|| source_lines(f, content_dir));
            if let Some(text) = lines.as_ref().and_then(|v| v.get(l.saturating_sub(1))) {
                o.push_str(&format!(
                    "<pre style=\"margin:4px 0;padding:4px 8px;background:#fff;border:1px solid #e0b4b4;white-space:pre-wrap\">{l:>4} | {}</pre>",
                    html_text(text)
                ));
            }
        }
        if let Some(h) = &d.help {
            o.push_str(&format!(
                "<br><span style=\"color:#555\">help: {}</span>",
                html_text(h)
            ));
        }
        o.push_str("</li>");
    }
    o.push_str("</ol></div>");
    o
}

/// The lines of a file a diagnostic names, read only if it lies inside the
/// content folder (a diagnostic's path comes from the content, not from a URL).
fn source_lines(file: &str, content_dir: &Path) -> Option<Vec<String>> {
    let root = std::fs::canonicalize(content_dir).ok()?;
    let path = std::fs::canonicalize(file).ok()?;
    if !path.starts_with(&root) {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > crate::load::files::MAX_FILE_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&path).ok()?;
    Some(text.lines().map(str::to_string).collect())
}

/// The script added to every served page (never to `build` output): it
/// holds a request open until the version changes, then reloads the page.
/// It starts once the page has loaded: begun earlier, the held request left
/// the page's deferred script unanswered in one load of three (tiny_http).
fn reload_script(version: u64) -> String {
    format!(
        "<script>/* planbook serve */(function(){{var v={version};function poll(){{fetch('/__planbook/wait?v='+v,{{cache:'no-store'}}).then(function(r){{return r.text()}}).then(function(t){{if(t.trim()!==String(v)){{location.reload()}}else{{poll()}}}}).catch(function(){{setTimeout(poll,1000)}})}}if(document.readyState==='complete'){{poll()}}else{{addEventListener('load',poll)}}}})();</script>"
    )
}

/// `page` without its font preloads: served by tiny_http, a page that
/// preloads its fonts (crossorigin) left another of its requests unanswered
/// in about one load of two in Chromium, so its `load` never came. They only
/// save a layout shift on a slow network, which a preview does not have.
fn without_preloads(page: &str) -> String {
    let mut out = String::with_capacity(page.len());
    let mut rest = page;
    while let Some(at) = rest.find("<link rel=\"preload\"") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        rest = after[end..].strip_prefix('\n').unwrap_or(&after[end..]);
    }
    out.push_str(rest);
    out
}

/// `page` with the reload script and the overlay (if any) put before
/// `</body>` (or at the end when there is none).
pub fn inject(page: &[u8], version: u64, overlay: &str) -> Vec<u8> {
    let extra = format!("{overlay}{}", reload_script(version));
    let text = without_preloads(&String::from_utf8_lossy(page));
    let at = text.rfind("</body>").unwrap_or(text.len());
    let (head, tail) = text.split_at(at);
    let mut out = String::with_capacity(text.len() + extra.len());
    out.push_str(head);
    out.push_str(&extra);
    out.push_str(tail);
    out.into_bytes()
}

/// The site path a URL names, or None (404): no `..`, no `.`, no empty
/// segment, no backslash or drive colon, so an absolute or escaping path never
/// reaches the lookup. The lookup is in the in-memory site only.
pub fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path)?;
    let rest = path.strip_prefix('/')?;
    if rest.is_empty() {
        return Some("index.html".into());
    }
    if rest.contains('\\') || rest.contains(':') || rest.contains('\0') {
        return None;
    }
    let (rest, dir) = match rest.strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    if rest
        .split('/')
        .any(|s| s.is_empty() || s == "." || s == "..")
    {
        return None;
    }
    Some(if dir {
        format!("{rest}/index.html")
    } else {
        rest.to_string()
    })
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        if c == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn mime(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("");
    match ext {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "png" => "image/png",
        "pdf" => "application/pdf",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// A response: status, content type and body.
pub struct Reply {
    pub status: u16,
    pub mime: &'static str,
    pub body: Vec<u8>,
}

/// Answers one GET: the reload endpoints, or a file of the last good site
/// (HTML with the script and overlay injected), or 404.
pub fn answer(shared: &Shared, url: &str) -> Reply {
    let text = |status, body: String| Reply {
        status,
        mime: "text/plain; charset=utf-8",
        body: body.into_bytes(),
    };
    let route = url.split('?').next().unwrap_or("");
    if route == "/__planbook/version" {
        return text(200, shared.version().to_string());
    }
    if route == "/__planbook/wait" {
        let seen: Option<u64> = url
            .split_once("v=")
            .and_then(|(_, v)| v.split('&').next())
            .and_then(|v| v.parse().ok());
        let deadline = Instant::now() + WAIT;
        let mut s = shared.lock();
        while Some(s.version) == seen {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            s = shared
                .changed
                .wait_timeout(s, left)
                .map(|(g, _)| g)
                .unwrap_or_else(|e| e.into_inner().0);
        }
        return text(200, s.version.to_string());
    }
    let Some(path) = site_path(url) else {
        return text(404, "not found".into());
    };
    let s = shared.lock();
    let found = s.site.as_ref().and_then(|site| site.get(&path)).cloned();
    let (version, overlay) = (s.version, s.overlay.clone());
    drop(s);
    match found {
        Some(bytes) if path.ends_with(".html") => Reply {
            status: 200,
            mime: mime(&path),
            body: inject(&bytes, version, &overlay),
        },
        Some(bytes) => Reply {
            status: 200,
            mime: mime(&path),
            body: bytes.to_vec(),
        },
        // Nothing built yet (the content was broken from the start): every
        // page is the overlay, and reloads once the content builds.
        None if !overlay.is_empty() && (path.ends_with(".html")) => Reply {
            status: 200,
            mime: "text/html; charset=utf-8",
            body: inject(
                "<!DOCTYPE html><html lang=\"ko\"><head><meta charset=\"utf-8\"><title>planbook serve</title></head><body><p>The plan has not built yet.</p></body></html>".as_bytes(),
                version,
                &overlay,
            ),
        },
        None => text(404, format!("not found: {}", html_attr(&path))),
    }
}

/// (modified, length) of every file under the content folder: a change of
/// either (or a file added or removed) means a rebuild.
pub type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64)>;

pub fn snapshot(dir: &Path) -> Snapshot {
    let mut out = Snapshot::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            if out.len() >= MAX_WATCHED {
                return out;
            }
            // Not followed: the loader refuses links that lead out, and a
            // link cycle must not loop the watcher.
            let Ok(m) = e.path().symlink_metadata() else {
                continue;
            };
            if m.is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), (m.modified().ok(), m.len()));
            }
        }
    }
    out
}

/// One rebuild: the new site, or the overlay; with a progress line.
pub fn rebuild(dir: &Path, kept: &mut Kept) -> (Result<Site, String>, String) {
    let start = Instant::now();
    match build_site_with(dir, kept) {
        Ok(files) => {
            let pages = files.iter().filter(|f| f.path.ends_with(".html")).count();
            let ms = start.elapsed().as_secs_f64() * 1000.0;
            (
                Ok(to_site(files)),
                format!("rebuilt in {ms:.0} ms ({pages} pages)\n"),
            )
        }
        Err(d) => {
            let n = d.count(Severity::Error);
            let msg = format!(
                "{}content has {n} error(s): still serving the last good build; the pages show the errors\n",
                d.render_human()
            );
            (Err(overlay_html(&d, dir)), msg)
        }
    }
}

pub struct Options {
    pub content: PathBuf,
    pub port: u16,
    pub open: bool,
}

/// Serves until the process is ended. Returns only when the server cannot
/// start.
pub fn run(opts: &Options) -> Result<(), String> {
    let say = crate::cli::say;
    let shared = Arc::new(Shared::default());
    let mut seen = snapshot(&opts.content);
    let mut kept = Kept::default();
    let (first, msg) = rebuild(&opts.content, &mut kept);
    say(&msg);
    shared.publish(first);

    // Loopback only: the preview is for the author at this machine.
    let server = tiny_http::Server::http(("127.0.0.1", opts.port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{}: {e}", opts.port))?;
    let port = server.server_addr().to_ip().map_or(opts.port, |a| a.port());
    let url = format!("http://127.0.0.1:{port}/");
    say(&format!(
        "serving {} at {url} (Ctrl-C stops)\n",
        opts.content.display()
    ));
    if opts.open {
        open_browser(&url);
    }
    let server = Arc::new(server);
    {
        let shared = Arc::clone(&shared);
        let server = Arc::clone(&server);
        std::thread::spawn(move || accept(&server, &shared));
    }
    loop {
        std::thread::sleep(POLL);
        let now = snapshot(&opts.content);
        if now == seen {
            continue;
        }
        seen = now;
        let (result, msg) = rebuild(&opts.content, &mut kept);
        say(&msg);
        shared.publish(result);
    }
}

fn accept(server: &tiny_http::Server, shared: &Arc<Shared>) {
    static ACTIVE: AtomicUsize = AtomicUsize::new(0);
    for req in server.incoming_requests() {
        if ACTIVE.fetch_add(1, Ordering::SeqCst) >= MAX_ACTIVE {
            ACTIVE.fetch_sub(1, Ordering::SeqCst);
            let _ = req.respond(tiny_http::Response::empty(503));
            continue;
        }
        let shared = Arc::clone(shared);
        std::thread::spawn(move || {
            handle(req, &shared);
            ACTIVE.fetch_sub(1, Ordering::SeqCst);
        });
    }
}

fn handle(req: tiny_http::Request, shared: &Shared) {
    let reply = match req.method() {
        tiny_http::Method::Get | tiny_http::Method::Head => answer(shared, req.url()),
        _ => Reply {
            status: 405,
            mime: "text/plain; charset=utf-8",
            body: b"method not allowed".to_vec(),
        },
    };
    let mut resp = tiny_http::Response::from_data(reply.body).with_status_code(reply.status);
    for (k, v) in [("Content-Type", reply.mime), ("Cache-Control", "no-store")] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp.add_header(h);
        }
    }
    let _ = req.respond(resp);
}

fn open_browser(url: &str) {
    #[cfg(target_os = "windows")]
    let r = std::process::Command::new("cmd")
        .args(["/C", "start", "", url])
        .spawn();
    #[cfg(target_os = "macos")]
    let r = std::process::Command::new("open").arg(url).spawn();
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    let r = std::process::Command::new("xdg-open").arg(url).spawn();
    if let Err(e) = r {
        crate::cli::say(&format!("could not open a browser ({e}); open {url}\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_stay_in_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/viii/").as_deref(), Some("viii/index.html"));
        assert_eq!(
            site_path("/viii/viii-2.html?x=1#a").as_deref(),
            Some("viii/viii-2.html")
        );
        for bad in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/x",
            "//etc/passwd",
            "/C:/Windows",
            "/a\\..\\b",
            "/./a",
            "etc/passwd",
            "/%zz",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn served_pages_drop_their_font_preloads_only() {
        let page = "<head><link rel=\"stylesheet\" href=\"a.css\">\n<link rel=\"preload\" href=\"f.woff2\" as=\"font\" crossorigin>\n<title>t</title></head><body></body>";
        let out = String::from_utf8(inject(page.as_bytes(), 1, "")).expect("utf-8");
        assert!(!out.contains("preload"), "{out}");
        assert!(
            out.contains("<link rel=\"stylesheet\" href=\"a.css\">\n<title>t</title>"),
            "{out}"
        );
    }

    #[test]
    fn the_script_goes_before_the_body_end() {
        let out = inject(b"<html><body><p>x</p></body></html>", 7, "<div>o</div>");
        let s = String::from_utf8(out).unwrap();
        assert!(s.ends_with("</script></body></html>"), "{s}");
        assert!(s.contains("<div>o</div><script>"));
        assert!(s.contains("var v=7;"));
    }

    /// A rebuild that reuses the previous data side and workbooks serves
    /// exactly what a build from nothing serves: after a narrative edit
    /// that renumbers the tables (the data side kept), and after a data
    /// edit that changes a table (the data loaded again).
    #[test]
    fn a_cached_rebuild_equals_a_fresh_build() {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        copy(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("content"),
            &content,
        );
        let mut kept = Kept::default();
        build_site_with(&content, &mut kept).expect("first");
        assert!(!kept.data_reused);
        assert!(!kept.xlsx.lock().expect("lock").is_empty());
        let same = |kept: &mut Kept| {
            let cached = build_site_with(&content, kept).expect("cached");
            let fresh = build_site(&content).expect("fresh");
            assert_eq!(cached.len(), fresh.len());
            for (a, b) in cached.iter().zip(&fresh) {
                assert_eq!(a.path, b.path);
                assert!(a.bytes == b.bytes, "{} differs", a.path);
            }
        };
        // III-1-2's first embedded table moves behind the others: the
        // tables of the page are numbered anew.
        let moved_in = content.join("chapters/III/III-1-2.md");
        let text = std::fs::read_to_string(&moved_in).expect("read");
        let first = text
            .lines()
            .find(|l| l.trim_start().starts_with("{{table "))
            .expect("III-1-2 embeds a table")
            .to_string();
        let moved = format!("{}\n{first}\n", text.replacen(&format!("{first}\n"), "", 1));
        std::fs::write(&moved_in, moved).expect("write");
        same(&mut kept);
        assert!(kept.data_reused, "a Markdown edit keeps the data side");
        // A value of a data table changes.
        let data = content.join("data/tables/v-6.yaml");
        let yaml = std::fs::read_to_string(&data).expect("read");
        let digit = yaml
            .char_indices()
            .find(|(i, c)| c.is_ascii_digit() && yaml[..*i].contains("rows:"))
            .map(|(i, _)| i)
            .expect("a number in the rows");
        let mut edited = yaml.clone();
        let d = edited.as_bytes()[digit];
        edited.replace_range(digit..=digit, if d == b'9' { "8" } else { "9" });
        std::fs::write(&data, edited).expect("write");
        same(&mut kept);
        assert!(!kept.data_reused, "a data edit loads the data again");
        // A sentence quoting a figure the data does not have: the
        // narrative's checks run over the kept data and locate it.
        std::fs::write(
            &moved_in,
            format!("{text}\n없는 값 {{{{val no.such.figure}}}}.\n"),
        )
        .expect("write");
        let Err(d) = build_site_with(&content, &mut kept) else {
            panic!("an unknown figure is an error")
        };
        assert!(kept.data_reused);
        assert!(
            d.items
                .iter()
                .any(|x| x.is_error()
                    && x.file.as_deref().is_some_and(|f| f.ends_with("III-1-2.md"))),
            "{}",
            d.render_human()
        );
    }

    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("ls").flatten() {
            let p = e.path();
            if p.is_dir() {
                copy(&p, &to.join(e.file_name()));
            } else {
                std::fs::copy(&p, to.join(e.file_name())).expect("copy");
            }
        }
    }

    #[test]
    fn the_overlay_escapes_what_the_content_says() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::error("E002", "bad <script>alert(1)</script>"));
        let o = overlay_html(&d, Path::new("."));
        assert!(o.contains("bad &lt;script&gt;"));
        assert!(!o.contains("<script>"));
    }
}
