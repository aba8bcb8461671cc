//! Printing with a headless Chromium, and reading back the page of every
//! heading from the PDF outline (bookmarks) that Chromium writes, so that the
//! printed contents can show real page numbers.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The browser given, or the first of chromium / chromium-browser /
/// google-chrome found on PATH.
pub fn find_browser(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let cand = dir.join(name);
            if cand.is_file() {
                return Some(cand);
            }
        }
    }
    None
}

/// Prints `html` to `pdf` with bookmarks; gives up after `timeout`.
pub fn print(browser: &Path, html: &Path, pdf: &Path, timeout: Duration) -> Result<(), String> {
    let html = std::fs::canonicalize(html).map_err(|e| format!("{}: {e}", html.display()))?;
    let profile = std::env::temp_dir().join(format!(
        "planbook-chromium-{}-{}",
        std::process::id(),
        pdf.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(file_url(&html))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", browser.display()))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                let _ = std::fs::remove_dir_all(&profile);
                return Err(format!(
                    "{} did not finish printing within {} s",
                    browser.display(),
                    timeout.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let _ = std::fs::remove_dir_all(&profile);
    if !status.success() || !pdf.is_file() {
        return Err(format!(
            "{} could not print {} ({status})",
            browser.display(),
            html.display()
        ));
    }
    Ok(())
}

/// `file://` URL of an absolute path, with the bytes a URL cannot hold
/// escaped (a space, `#` or `%` in a directory name would otherwise cut the
/// path short).
pub fn file_url(path: &Path) -> String {
    let mut url = String::from("file://");
    for &b in path.as_os_str().as_encoded_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            url.push(b as char);
        } else {
            url.push_str(&format!("%{b:02X}"));
        }
    }
    url
}

/// How a run of pages is labelled in a viewer (PDF page labels, §12.4.2):
/// the page (from 1) where the run begins and its numbering style.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelStyle {
    /// A, B, C …: the front matter, which carries no printed number.
    Letters,
    /// 1, 2, 3 …
    Decimal,
    /// i, ii, iii …
    Roman,
}

/// Prints `label(k)` at the foot of page `k` (from 1) of `doc` (no number
/// where it is `None`), records `runs` as the PDF's page labels, and saves
/// it as `pdf` (loaded once by the caller: a 150-page print takes 0.2 s to
/// parse).
///
/// Chromium counts pages through the whole document and ignores a reset of
/// the page counter, so it can neither leave the front matter uncounted nor
/// restart at i for the attachments: the print leaves every foot empty and
/// the numbers are printed apart, on blank pages of the same sizes, each with
/// its number as the print style's own footer (same font, size and place),
/// and laid over their pages as form XObjects. One print holds all of them.
/// The outline, links, tags and metadata stay as Chromium wrote them, but
/// for what would make two prints of the same document differ (see
/// [`make_reproducible`]; `date` is a PDF date, `D:20250701000000Z`).
/// `assets` is the built site's `assets/` folder; `work` a scratch folder.
///
/// A page-number slot (see [`slots`]) gets the text `fill` gives it, laid
/// over it with the page number, and its link then opens the page `fill`
/// names; a slot with no fill stays blank, but for the summary's references
/// to the plan, which must all have their page.
#[allow(clippy::too_many_arguments)]
pub fn stamp_page_numbers(
    browser: &Path,
    (mut doc, pdf): (Document, &Path),
    label: &dyn Fn(u32) -> Option<String>,
    runs: &[(u32, LabelStyle)],
    date: Option<&str>,
    fill: &dyn Fn(&Slot) -> Option<Fill>,
    assets: &Path,
    work: &Path,
    timeout: Duration,
) -> Result<(), String> {
    let found = slots(&doc)?;
    let mut fills = Vec::new();
    let mut marks: BTreeMap<u32, Marks> = BTreeMap::new();
    for s in &found {
        let Some(f) = fill(s) else {
            if s.kind == SlotUse::Reference {
                return Err(format!(
                    "{}: page {}: no number for the reference #{}{}",
                    pdf.display(),
                    s.page,
                    crate::render::PAGE_SLOT_PREFIX,
                    s.fragment
                ));
            }
            continue;
        };
        marks
            .entry(s.page)
            .or_default()
            .push((s.rect, f.text.clone(), s.kind));
        fills.push((s.annot, f));
    }
    let targets: Vec<(ObjectId, String, Marks)> = doc
        .get_pages()
        .into_iter()
        .filter_map(|(n, id)| {
            let m = marks.remove(&n).unwrap_or_default();
            match label(n) {
                Some(l) => Some((id, l, m)),
                None if !m.is_empty() => Some((id, String::new(), m)),
                None => None,
            }
        })
        .collect();
    let sizes: Vec<[f32; 4]> = targets
        .iter()
        .map(|&(id, ..)| media_box(&doc, id))
        .collect::<Result<_, _>>()?;
    if !targets.is_empty() {
        let assets = std::fs::canonicalize(assets)
            .map_err(|e| format!("{}: {e} (build the site first)", assets.display()))?;
        // The slots' text is shrunk as Chromium shrank the print.
        let scale = scale_width_of(&doc).map_or(1.0, |w| (w / 600.0).clamp(0.3, 1.0));
        let sheets: Vec<Sheet> = sizes
            .iter()
            .zip(&targets)
            .map(|(s, (_, l, m))| Sheet {
                size: *s,
                label: l,
                marks: m,
                scale,
            })
            .collect();
        let html = work.join("page-numbers.html");
        std::fs::write(&html, numbers_document(&assets, &sheets))
            .map_err(|e| format!("cannot write {}: {e}", html.display()))?;
        // Named after the document: the browser profile is named after the
        // PDF it prints, and two documents are numbered at the same time.
        let stem = pdf
            .file_stem()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let numbers_pdf = work.join(format!("{stem}-page-numbers.pdf"));
        print(browser, &html, &numbers_pdf, timeout)?;
        let numbers = Document::load(&numbers_pdf)
            .map_err(|e| format!("cannot read {}: {e}", numbers_pdf.display()))?;
        let stamps: Vec<ObjectId> = numbers.get_pages().into_values().collect();
        if stamps.len() != targets.len() {
            return Err(format!(
                "the page numbers printed on {} pages for {} numbered pages; \
                 is {} the print style of this build?",
                stamps.len(),
                targets.len(),
                assets.join("print.css").display()
            ));
        }
        let targets: Vec<(ObjectId, String)> =
            targets.into_iter().map(|(id, l, _)| (id, l)).collect();
        overlay(&mut doc, &numbers, &targets, &stamps, &sizes)
            .map_err(|e| format!("{}: {e}", pdf.display()))?;
    }
    // The slot's link, a marker to nowhere, now opens the page it names.
    let page_ids = doc.get_pages();
    for (annot, f) in &fills {
        let mut action = Dictionary::new();
        let index = i64::from(f.page.max(1)) - 1;
        match &f.file {
            Some(file) => {
                action.set("S", Object::Name(b"GoToR".to_vec()));
                action.set("F", Object::string_literal(file.as_str()));
                action.set(
                    "D",
                    Object::Array(vec![Object::Integer(index), Object::Name(b"Fit".to_vec())]),
                );
            }
            None => {
                let Some(&target) = page_ids.get(&f.page) else {
                    continue;
                };
                action.set("S", Object::Name(b"GoTo".to_vec()));
                action.set(
                    "D",
                    Object::Array(vec![
                        Object::Reference(target),
                        Object::Name(b"Fit".to_vec()),
                    ]),
                );
            }
        }
        if let Ok(annot) = doc.get_dictionary_mut(*annot) {
            annot.set("A", Object::Dictionary(action));
        }
    }
    // Viewers then show and accept the printed numbers (page "iii").
    let nums = runs
        .iter()
        .flat_map(|&(from, style)| {
            let mut d = Dictionary::new();
            let s: &[u8] = match style {
                LabelStyle::Letters => b"A",
                LabelStyle::Decimal => b"D",
                LabelStyle::Roman => b"r",
            };
            d.set("S", Object::Name(s.to_vec()));
            [
                Object::Integer(i64::from(from.max(1)) - 1),
                Object::Dictionary(d),
            ]
        })
        .collect();
    let mut page_labels = Dictionary::new();
    page_labels.set("Nums", Object::Array(nums));
    doc.catalog_mut()
        .map_err(|e| format!("{}: no catalog: {e}", pdf.display()))?
        .set("PageLabels", Object::Dictionary(page_labels));
    make_reproducible(&mut doc, date);
    doc.save(pdf)
        .map_err(|e| format!("cannot write {}: {e}", pdf.display()))?;
    Ok(())
}

/// Takes out of `doc` what differs between two prints of the same
/// document, so that the same content gives byte-identical PDFs
/// (reproducible-builds.org): the creation and modification dates, set to
/// `date` (left as printed without one), and the ids of the tagged structure
/// elements, which Chromium names after its DOM nodes (`node00000028`) and
/// which shift from one print to the next. The ids are renumbered in their
/// order, so the ID tree's sorted keys stay sorted.
pub fn make_reproducible(doc: &mut Document, date: Option<&str>) {
    if let Some(date) = date {
        let info = match doc.trailer.get(b"Info") {
            Ok(Object::Reference(id)) => Some(*id),
            _ => None,
        };
        if let Some(info) = info.and_then(|id| doc.get_dictionary_mut(id).ok()) {
            for key in ["CreationDate", "ModDate"] {
                info.set(key, Object::string_literal(date));
            }
        }
    }
    fn node_id(o: &Object) -> Option<&[u8]> {
        match o {
            Object::String(b, _)
                if b.len() == 12
                    && b.starts_with(b"node")
                    && b[4..].iter().all(u8::is_ascii_digit) =>
            {
                Some(b)
            }
            _ => None,
        }
    }
    fn visit(o: &mut Object, f: &mut dyn FnMut(&mut Object)) {
        f(o);
        match o {
            Object::Array(a) => a.iter_mut().for_each(|x| visit(x, f)),
            Object::Dictionary(d) => d.iter_mut().for_each(|(_, x)| visit(x, f)),
            Object::Stream(s) => s.dict.iter_mut().for_each(|(_, x)| visit(x, f)),
            _ => {}
        }
    }
    let mut ids = std::collections::BTreeSet::new();
    for o in doc.objects.values_mut() {
        visit(o, &mut |x| {
            if let Some(id) = node_id(x) {
                ids.insert(id.to_vec());
            }
        });
    }
    let renamed: BTreeMap<Vec<u8>, Vec<u8>> = ids
        .into_iter()
        .enumerate()
        .map(|(k, id)| (id, format!("node{k:08}").into_bytes()))
        .collect();
    for o in doc.objects.values_mut() {
        visit(o, &mut |x| {
            if let Some(new) = node_id(x).and_then(|id| renamed.get(id)) {
                *x = Object::String(new.clone(), lopdf::StringFormat::Literal);
            }
        });
    }
}

/// The PDF date (`D:YYYYMMDDHHmmSSZ`) of a `SOURCE_DATE_EPOCH` (seconds
/// since 1970, UTC) or, without one, of an edition date as the plan prints
/// it ("2025. 7.", "2025. 7. 15."): its first day when no day is given.
pub fn pdf_date(source_date_epoch: Option<&str>, edition_date: &str) -> Option<String> {
    if let Some(secs) = source_date_epoch.and_then(|s| s.trim().parse::<i64>().ok()) {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        return Some(format!(
            "D:{y:04}{m:02}{d:02}{:02}{:02}{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        ));
    }
    let mut parts = edition_date
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<u32>().ok());
    let y = parts.next()??;
    let m = parts.next().flatten().unwrap_or(1);
    let d = parts.next().flatten().unwrap_or(1);
    ((1000..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| format!("D:{y:04}{m:02}{d:02}000000Z"))
}

/// A page-reference slot left empty by the print: a link to
/// `…#pbref-<anchor>` (see `render::PAGE_SLOT_PREFIX`), on page `page`
/// (from 1), in `rect` (PDF units).
#[derive(Debug, Clone, PartialEq)]
pub struct Slot {
    pub page: u32,
    pub rect: [f32; 4],
    /// What the slot is for, from its prefix.
    pub kind: SlotUse,
    /// The anchor after the prefix.
    pub fragment: String,
    annot: ObjectId,
}

/// What a slot holds: the summary's reference to the plan ("24쪽"), or a
/// page number of the front matter and the errata list (see
/// [`crate::render::SlotKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlotUse {
    Reference,
    Page(crate::render::SlotKind),
}

impl SlotUse {
    const ALL: [SlotUse; 3] = [
        SlotUse::Reference,
        SlotUse::Page(crate::render::SlotKind::Toc),
        SlotUse::Page(crate::render::SlotKind::Feedback),
    ];

    fn prefix(self) -> &'static str {
        match self {
            SlotUse::Reference => crate::render::PAGE_SLOT_PREFIX,
            SlotUse::Page(k) => k.prefix(),
        }
    }
}

/// What a slot gets: its text, the page (from 1) its link opens, and the
/// PDF that page is in (None: this one).
pub struct Fill {
    pub text: String,
    pub page: u32,
    pub file: Option<String>,
}

/// Every page-reference slot of `doc`, in page order.
pub fn slots(doc: &Document) -> Result<Vec<Slot>, String> {
    let mut out = Vec::new();
    for (n, page) in doc.get_pages() {
        let Some(annots) = page_annots(doc, page) else {
            continue;
        };
        for a in annots {
            let Object::Reference(id) = a else { continue };
            let Ok(annot) = doc.get_dictionary(*id) else {
                continue;
            };
            let uri = annot
                .get(b"A")
                .ok()
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok())
                .and_then(|a| a.get(b"URI").ok())
                .and_then(|o| deref(doc, o));
            let Some(Object::String(uri, _)) = uri else {
                continue;
            };
            let uri = String::from_utf8_lossy(uri);
            let Some((_, fragment)) = uri.rsplit_once('#') else {
                continue;
            };
            let Some((kind, fragment)) = SlotUse::ALL
                .iter()
                .find_map(|k| Some((*k, fragment.strip_prefix(k.prefix())?)))
            else {
                continue;
            };
            let rect = annot_rect(doc, annot);
            let [x0, y0, x1, y1] = rect[..] else {
                return Err(format!("page {n}: a reference slot without its place"));
            };
            out.push(Slot {
                page: n,
                rect: [x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1)],
                kind,
                fragment: fragment.to_string(),
                annot: *id,
            });
        }
    }
    Ok(out)
}

/// The width the print document's `#pb-scale` link is wide (600 CSS px,
/// see print.css), in CSS px of the PDF: under 600 when Chromium shrank the
/// print to fit content wider than the page. None without the link.
pub fn scale_link_width(pdf: &Path) -> Result<Option<f32>, String> {
    let doc = Document::load(pdf).map_err(|e| format!("cannot read {}: {e}", pdf.display()))?;
    Ok(scale_width_of(&doc))
}

/// A page's annotations (links), if it has any.
fn page_annots(doc: &Document, page: ObjectId) -> Option<&Vec<Object>> {
    match doc
        .get_dictionary(page)
        .ok()
        .and_then(|d| d.get(b"Annots").ok())
        .and_then(|o| deref(doc, o))
    {
        Some(Object::Array(a)) => Some(a),
        _ => None,
    }
}

/// An annotation's `Rect` as numbers (empty when it has none).
fn annot_rect(doc: &Document, annot: &Dictionary) -> Vec<f32> {
    annot
        .get(b"Rect")
        .ok()
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|x| match x {
                    Object::Integer(i) => Some(*i as f32),
                    Object::Real(r) => Some(*r),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

pub fn scale_width_of(doc: &Document) -> Option<f32> {
    let &first = doc.get_pages().get(&1)?;
    let annots = page_annots(doc, first)?;
    for a in annots {
        let Some(annot) = deref(doc, a).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let dest = annot.get(b"Dest").ok().and_then(|o| deref(doc, o));
        if !matches!(dest, Some(Object::Name(n) | Object::String(n, _)) if n == b"pb-scale") {
            continue;
        }
        let r = annot_rect(doc, annot);
        if let [x0, _, x1, _] = r[..] {
            // PDF units are points: 3/4 of a CSS px.
            return Some((x1 - x0).abs() / 0.75);
        }
    }
    None
}

/// Lays stamp page `stamps[k]` of `numbers` over page `targets[k]` of `doc`.
fn overlay(
    doc: &mut Document,
    numbers: &Document,
    targets: &[(ObjectId, String)],
    stamps: &[ObjectId],
    sizes: &[[f32; 4]],
) -> Result<(), String> {
    let open = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let mut copied = BTreeMap::new();
    for ((&(page, ref label), &stamp), size) in targets.iter().zip(stamps).zip(sizes) {
        let stamp_size = media_box(numbers, stamp)?;
        if stamp_size
            .iter()
            .zip(size)
            .any(|(a, b)| (a - b).abs() > 1.0)
        {
            return Err(format!(
                "page number {label} printed on a {stamp_size:?} page for a {size:?} page"
            ));
        }
        let content = numbers
            .get_page_content(stamp)
            .map_err(|e| format!("cannot read the page numbers: {e}"))?;
        let resources = match numbers
            .get_dictionary(stamp)
            .and_then(|d| d.get(b"Resources"))
        {
            Ok(r) => import(numbers, doc, r, &mut copied, b"PBPAGE"),
            Err(_) => Object::Dictionary(Dictionary::new()),
        };
        let mut form = Dictionary::new();
        form.set("Type", Object::Name(b"XObject".to_vec()));
        form.set("Subtype", Object::Name(b"Form".to_vec()));
        form.set(
            "BBox",
            Object::Array(stamp_size.iter().map(|&v| Object::Real(v)).collect()),
        );
        form.set("Resources", resources);
        let mut form = Stream::new(form, content);
        // A stream that does not shrink is left as it is.
        let _ = form.compress();
        let form = doc.add_object(form);
        // The footer is pagination, not content, for a reader of the tags.
        let close = doc.add_object(Stream::new(
            Dictionary::new(),
            b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq /PlanbookPageNumber Do Q\nEMC\n"
                .to_vec(),
        ));
        let mut resources = inherited_resources(doc, page)?;
        let mut xobjects = match resources.get(b"XObject") {
            Ok(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
            Ok(Object::Dictionary(d)) => d.clone(),
            _ => Dictionary::new(),
        };
        xobjects.set("PlanbookPageNumber", Object::Reference(form));
        resources.set("XObject", Object::Dictionary(xobjects));
        let page_dict = doc
            .get_dictionary_mut(page)
            .map_err(|e| format!("page {page:?}: {e}"))?;
        let mut contents = vec![Object::Reference(open)];
        match page_dict.get(b"Contents") {
            Ok(Object::Array(a)) => contents.extend(a.iter().cloned()),
            Ok(o) => contents.push(o.clone()),
            Err(_) => {}
        }
        contents.push(Object::Reference(close));
        page_dict.set("Contents", Object::Array(contents));
        page_dict.set("Resources", Object::Dictionary(resources));
    }
    Ok(())
}

/// Blank pages of the given sizes whose only mark is the footer page number
/// given, styled by the print style of the site. Each sheet is a named page
/// of its own, so that its footer can say its number literally.
/// The texts to set in a page's slots, each in its rectangle (PDF units).
type Marks = Vec<([f32; 4], String, SlotUse)>;

/// One page of [`numbers_document`]: the size of the page it is laid over,
/// its footer, and the texts to set in the slots on it (PDF rectangles).
struct Sheet<'a> {
    size: [f32; 4],
    label: &'a str,
    marks: &'a [([f32; 4], String, SlotUse)],
    /// How much Chromium shrank the print the slots are in.
    scale: f32,
}

/// The print's page margins, top, left and right, bottom, in mm: print.css's
/// `@page` rule says the same (a test holds them together), and the page
/// numbers stamped into slots are placed from them.
pub const PAGE_MARGINS_MM: [f32; 3] = [15.0, 15.0, 17.0];

fn numbers_document(assets: &Path, sheets: &[Sheet]) -> String {
    let css = |name: &str| {
        format!(
            "<link rel=\"stylesheet\" href=\"{}\">",
            file_url(&assets.join(name))
        )
    };
    // A sheet is its page's text area, 5 mm shorter so that rounding cannot
    // spill a page; a slot is placed in it from its page's corner.
    let [top, side, bottom] = PAGE_MARGINS_MM;
    let mut style = format!(
        ".blank {{ position: relative; height: {}mm; break-after: page; }} .blank.landscape {{ height: {}mm; }} .blank > .page-slot {{ position: absolute; margin: 0; }} .blank > .pb-stamp {{ position: absolute; margin: 0; line-height: 1.3; white-space: nowrap; font-weight: 400; text-align: left; }} .blank > .pb-stamp.right {{ text-align: right; }} .blank > .pb-stamp.fb {{ color: var(--muted); }}",
        297.0 - top - bottom - 5.0,
        210.0 - top - bottom - 5.0
    );
    for (k, sheet) in sheets.iter().enumerate() {
        let (s, label) = (sheet.size, sheet.label);
        let landscape = (s[2] - s[0]) > (s[3] - s[1]);
        // Labels are digits or Roman letters; anything else is dropped
        // rather than let out of the CSS string.
        let label: String = label
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect();
        style.push_str(&format!(
            " @page n{k} {{ size: A4{}; @top-center {{ content: none; }} @bottom-center {{ content: \"{label}\"; }} }} .n{k} {{ page: n{k}; }}",
            if landscape { " landscape" } else { "" }
        ));
    }
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n<title>page numbers</title>\n{}\n{}\n<style>{style}</style>\n</head>\n<body class=\"print\">\n",
        css("style.css"),
        css("print.css")
    );
    // Chromium fetches a web font only for text that uses it, and the
    // footers alone come too late: hidden numerals ask for it (hidden text
    // is not printed).
    html.push_str("<p style=\"visibility: hidden; position: absolute; font-family: NanumSquare\">0123456789ivxlcdm쪽</p>\n");
    let mm = 72.0 / 25.4;
    for (k, sheet) in sheets.iter().enumerate() {
        let s = sheet.size;
        let landscape = (s[2] - s[0]) > (s[3] - s[1]);
        html.push_str(&format!(
            "<div class=\"blank n{k}{}\">",
            if landscape { " landscape" } else { "" }
        ));
        for (r, text, kind) in sheet.marks {
            let place = format!(
                "left: {:.3}pt; top: {:.3}pt; width: {:.3}pt; zoom: {:.4}",
                (r[0] - s[0] - side * mm) / sheet.scale,
                (s[3] - r[3] - top * mm) / sheet.scale,
                (r[2] - r[0]) / sheet.scale,
                sheet.scale
            );
            let text = crate::render::escape::html_text(text);
            match kind {
                // In print.css's metrics for the summary's references.
                SlotUse::Reference => html.push_str(&format!(
                    "<span class=\"page-slot\" style=\"{place}\">{text}</span>"
                )),
                // The slot's text size is that of its line, which the slot
                // is 1.3 times as high as (print.css `.pb-slot`).
                SlotUse::Page(k) => html.push_str(&format!(
                    "<span class=\"pb-stamp{}\" style=\"{place}; font-size: {:.3}pt\">{text}</span>",
                    if *k == crate::render::SlotKind::Toc { " right" } else { " fb" },
                    (r[3] - r[1]) / 1.3 / sheet.scale
                )),
            }
        }
        html.push_str("</div>\n");
    }
    html.push_str("</body>\n</html>\n");
    html
}

fn media_box(doc: &Document, page: ObjectId) -> Result<[f32; 4], String> {
    let mut node = doc.get_dictionary(page).ok();
    // MediaBox may be inherited from the page tree.
    for _ in 0..64 {
        let Some(d) = node else { break };
        if let Ok(o) = d.get(b"MediaBox") {
            let a = deref(doc, o)
                .and_then(|o| o.as_array().ok())
                .ok_or("a page's MediaBox is not an array")?;
            let v: Vec<f32> = a
                .iter()
                .filter_map(|x| match x {
                    Object::Integer(i) => Some(*i as f32),
                    Object::Real(r) => Some(*r),
                    _ => None,
                })
                .collect();
            return match v[..] {
                [a, b, c, d] => Ok([a, b, c, d]),
                _ => Err("a page's MediaBox does not hold four numbers".into()),
            };
        }
        node = d
            .get(b"Parent")
            .ok()
            .and_then(|p| deref(doc, p))
            .and_then(|p| p.as_dict().ok());
    }
    Err(format!("page {page:?} has no MediaBox"))
}

/// A copy of the resources a page uses, its own or inherited from the page tree.
fn inherited_resources(doc: &Document, page: ObjectId) -> Result<Dictionary, String> {
    let mut node = doc.get_dictionary(page).ok();
    for _ in 0..64 {
        let Some(d) = node else { break };
        if let Some(r) = d
            .get(b"Resources")
            .ok()
            .and_then(|o| deref(doc, o))
            .and_then(|o| o.as_dict().ok())
        {
            return Ok(r.clone());
        }
        node = d
            .get(b"Parent")
            .ok()
            .and_then(|p| deref(doc, p))
            .and_then(|p| p.as_dict().ok());
    }
    Ok(Dictionary::new())
}

/// Copies `o` and every object it refers to from `src` into `dst`; `copied`
/// maps the ids already copied, so shared objects (a font) are copied once.
fn import(
    src: &Document,
    dst: &mut Document,
    o: &Object,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
    tag: &[u8; 6],
) -> Object {
    match o {
        Object::Reference(id) => {
            if let Some(new) = copied.get(id) {
                return Object::Reference(*new);
            }
            let new = dst.new_object_id();
            copied.insert(*id, new);
            let obj = match src.get_object(*id) {
                Ok(obj) => import(src, dst, obj, copied, tag),
                Err(_) => Object::Null,
            };
            dst.objects.insert(new, obj);
            Object::Reference(new)
        }
        Object::Array(a) => {
            Object::Array(a.iter().map(|x| import(src, dst, x, copied, tag)).collect())
        }
        Object::Dictionary(d) => Object::Dictionary(import_dict(src, dst, d, copied, tag)),
        Object::Stream(s) => {
            let dict = import_dict(src, dst, &s.dict, copied, tag);
            // Font programs must stay byte for byte as they are.
            Object::Stream(Stream::new(dict, s.content.clone()).with_compression(false))
        }
        other => other.clone(),
    }
}

fn import_dict(
    src: &Document,
    dst: &mut Document,
    d: &Dictionary,
    copied: &mut BTreeMap<ObjectId, ObjectId>,
    tag: &[u8; 6],
) -> Dictionary {
    let mut out = Dictionary::new();
    for (k, v) in d.iter() {
        match v {
            // Chromium tags every font subset AAAAAA+, BAAAAA+ … per document;
            // two different subsets under one name can confuse a viewer.
            Object::Name(n)
                if (k == b"BaseFont" || k == b"FontName") && n.get(6) == Some(&b'+') =>
            {
                let mut renamed = tag.to_vec();
                renamed.extend_from_slice(&n[6..]);
                out.set(k.clone(), Object::Name(renamed));
            }
            _ => out.set(k.clone(), import(src, dst, v, copied, tag)),
        }
    }
    out
}

/// A PDF text string: UTF-16BE with a byte-order mark, or PDFDocEncoding
/// (close enough to Latin-1 for the titles we write).
fn text(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    match o {
        Object::Reference(id) => doc.get_object(*id).ok(),
        o => Some(o),
    }
}

fn named_dest(doc: &Document, name: &[u8]) -> Option<ObjectId> {
    let catalog = doc.catalog().ok()?;
    // PDF 1.1 /Dests dictionary …
    if let Some(Object::Dictionary(d)) = catalog.get(b"Dests").ok().and_then(|o| deref(doc, o)) {
        if let Some(o) = d.get(name).ok().and_then(|o| deref(doc, o)) {
            return dest_page(doc, o);
        }
    }
    // … or the /Names /Dests name tree.
    let names = catalog
        .get(b"Names")
        .ok()
        .and_then(|o| deref(doc, o))?
        .as_dict()
        .ok()?;
    let root = names
        .get(b"Dests")
        .ok()
        .and_then(|o| deref(doc, o))?
        .as_dict()
        .ok()?;
    find_in_tree(doc, root, name)
}

fn find_in_tree(doc: &Document, node: &Dictionary, name: &[u8]) -> Option<ObjectId> {
    if let Ok(Object::Array(pairs)) = node.get(b"Names") {
        for pair in pairs.chunks(2) {
            if let (Object::String(k, _), Some(v)) = (&pair[0], pair.get(1)) {
                if k.as_slice() == name {
                    return dest_page(doc, deref(doc, v)?);
                }
            }
        }
    }
    if let Ok(Object::Array(kids)) = node.get(b"Kids") {
        for k in kids {
            if let Some(found) = deref(doc, k)
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| find_in_tree(doc, d, name))
            {
                return Some(found);
            }
        }
    }
    None
}

fn dest_page(doc: &Document, o: &Object) -> Option<ObjectId> {
    match o {
        Object::Array(a) => match a.first()? {
            Object::Reference(id) => Some(*id),
            _ => None,
        },
        Object::Dictionary(d) => dest_page(doc, deref(doc, d.get(b"D").ok()?)?),
        Object::Name(n) | Object::String(n, _) => named_dest(doc, n),
        _ => None,
    }
}

/// (title, page number from 1) of every bookmark, in document order.
pub fn outline(pdf: &Path) -> Result<Vec<(String, u32)>, String> {
    let doc = Document::load(pdf).map_err(|e| format!("cannot read {}: {e}", pdf.display()))?;
    Ok(outline_of(&doc))
}

/// [`outline`] of a loaded document.
pub fn outline_of(doc: &Document) -> Vec<(String, u32)> {
    let page_of: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut out = Vec::new();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Outlines").ok())
        .and_then(|o| deref(doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return out;
    };
    let mut stack: Vec<ObjectId> = Vec::new();
    if let Ok(Object::Reference(first)) = root.get(b"First") {
        stack.push(*first);
    }
    // Depth-first: an item, then its children, then its next sibling.
    let mut guard = 0;
    while let Some(id) = stack.pop() {
        guard += 1;
        if guard > 100_000 {
            break;
        }
        let Ok(item) = doc.get_dictionary(id) else {
            continue;
        };
        let title = match item.get(b"Title").ok().and_then(|o| deref(doc, o)) {
            Some(Object::String(b, _)) => text(b),
            _ => String::new(),
        };
        let dest = item
            .get(b"Dest")
            .ok()
            .and_then(|o| deref(doc, o))
            .or_else(|| item.get(b"A").ok().and_then(|o| deref(doc, o)));
        if let Some(page) = dest
            .and_then(|d| dest_page(doc, d))
            .and_then(|p| page_of.get(&p))
        {
            out.push((title, *page));
        }
        if let Ok(Object::Reference(next)) = item.get(b"Next") {
            stack.push(*next);
        }
        if let Ok(Object::Reference(first)) = item.get(b"First") {
            stack.push(*first);
        }
    }
    out
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Pages of the headings we know, matched in order against the bookmarks.
pub fn pages_of(
    headings: &[(String, String)],
    bookmarks: &[(String, u32)],
) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let mut j = 0;
    for (anchor, title) in headings {
        let t = norm(title);
        // A heading may carry a mark after its title (컨설팅 반영).
        if let Some(k) = bookmarks[j..]
            .iter()
            .position(|(b, _)| norm(b).starts_with(&t))
        {
            out.insert(anchor.clone(), bookmarks[j + k].1);
            j += k + 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf16_titles() {
        let mut b = vec![0xFE, 0xFF];
        for u in "Ⅷ-2 예산".encode_utf16() {
            b.extend(u.to_be_bytes());
        }
        assert_eq!(text(&b), "Ⅷ-2 예산");
    }

    #[test]
    fn file_urls_escape_what_would_cut_the_path() {
        assert_eq!(
            file_url(Path::new("/tmp/계획 #2/100%/print.html")),
            "file:///tmp/%EA%B3%84%ED%9A%8D%20%232/100%25/print.html"
        );
    }

    #[test]
    fn page_number_sheets_follow_the_page_orientation() {
        let portrait = [0.0, 0.0, 594.96, 841.92];
        let landscape = [0.0, 0.0, 841.92, 594.96];
        let slot = [
            (
                [100.0, 700.0, 140.0, 713.0],
                "37쪽".to_string(),
                SlotUse::Reference,
            ),
            (
                [500.0, 600.0, 522.0, 613.0],
                "xii".to_string(),
                SlotUse::Page(crate::render::SlotKind::Toc),
            ),
        ];
        let sheet = |size, label, marks: &'static [([f32; 4], String, SlotUse)]| Sheet {
            size,
            label,
            marks,
            scale: 1.0,
        };
        let marks: &'static [([f32; 4], String, SlotUse)] = Box::leak(Box::new(slot));
        let html = numbers_document(
            Path::new("/site/assets"),
            &[
                sheet(portrait, "12", &[]),
                sheet(landscape, "13", &[]),
                sheet(portrait, "iv", marks),
            ],
        );
        let pages: Vec<&str> = html
            .lines()
            .filter(|l| l.starts_with("<div class=\"blank"))
            .collect();
        assert_eq!(
            pages,
            [
                "<div class=\"blank n0\"></div>",
                "<div class=\"blank n1 landscape\"></div>",
                "<div class=\"blank n2\"><span class=\"page-slot\" style=\"left: 57.480pt; top: 86.400pt; width: 40.000pt; zoom: 1.0000\">37쪽</span>\
                 <span class=\"pb-stamp right\" style=\"left: 457.480pt; top: 186.400pt; width: 22.000pt; zoom: 1.0000; font-size: 10.000pt\">xii</span></div>"
            ]
        );
        assert!(html.contains("href=\"file:///site/assets/print.css\""));
        assert!(html.contains("@page n0 { size: A4; "));
        assert!(html.contains("@page n1 { size: A4 landscape; "));
        assert!(html.contains("@bottom-center { content: \"iv\"; }"));
    }

    #[test]
    fn pdf_dates_from_the_epoch_or_the_edition() {
        assert_eq!(
            pdf_date(Some("1751328000"), "2024. 1."),
            Some("D:20250701000000Z".into())
        );
        assert_eq!(pdf_date(None, "2025. 7."), Some("D:20250701000000Z".into()));
        assert_eq!(
            pdf_date(None, "2025. 7. 15."),
            Some("D:20250715000000Z".into())
        );
        assert_eq!(pdf_date(Some("x"), "미정"), None);
    }

    /// Two prints of one document differ in their dates and in the ids
    /// Chromium gives the tagged elements; after this they are the same bytes.
    #[test]
    fn reproducible_pdfs_do_not_depend_on_the_print() {
        let print = |stamp: &str, first_node: u32| {
            let mut doc = Document::with_version("1.7");
            let mut info = Dictionary::new();
            info.set("CreationDate", Object::string_literal(stamp));
            info.set("ModDate", Object::string_literal(stamp));
            let info = doc.add_object(info);
            doc.trailer.set("Info", Object::Reference(info));
            let node = |k: u32| Object::string_literal(format!("node{:08}", first_node + k));
            let mut th = Dictionary::new();
            th.set("ID", node(0));
            let mut td = Dictionary::new();
            td.set(
                "A",
                Object::Array(vec![Object::Array(vec![node(0), node(5)])]),
            );
            td.set("ID", node(5));
            let (th, td) = (doc.add_object(th), doc.add_object(td));
            let mut tree = Dictionary::new();
            tree.set(
                "Names",
                Object::Array(vec![
                    node(0),
                    Object::Reference(th),
                    node(5),
                    Object::Reference(td),
                ]),
            );
            doc.add_object(tree);
            make_reproducible(&mut doc, Some("D:20250701000000Z"));
            let mut bytes = Vec::new();
            doc.save_to(&mut bytes).expect("save");
            bytes
        };
        let a = print("D:20261201230654+00'00'", 28);
        assert_eq!(a, print("D:20261201230820+00'00'", 30));
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("(D:20250701000000Z)"), "{text}");
        assert!(text.contains("(node00000000)") && text.contains("(node00000001)"));
    }

    #[test]
    fn matches_headings_in_order_even_when_titles_repeat() {
        let headings = vec![
            ("a".to_string(), "1. 총괄".to_string()),
            ("b".to_string(), "1. 총괄".to_string()),
        ];
        let marks = vec![
            ("목 차".to_string(), 2),
            ("1.  총괄".to_string(), 5),
            ("1. 총괄 컨설팅 반영".to_string(), 9),
        ];
        let p = pages_of(&headings, &marks);
        assert_eq!((p["a"], p["b"]), (5, 9));
    }

    #[test]
    fn the_slots_use_the_margins_print_css_sets() {
        let css = include_str!("../templates/assets/print.css");
        let [top, side, bottom] = PAGE_MARGINS_MM;
        let rule = format!("@page {{ size: A4; margin: {top}mm {side}mm {bottom}mm;");
        assert!(css.contains(&rule), "print.css has no `{rule}`");
    }
}
