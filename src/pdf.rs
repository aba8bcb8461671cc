//! Printing with a headless Chromium, and reading back the page of every
//! heading from the PDF outline (bookmarks) that Chromium writes, so that the
//! printed contents can show real page numbers.

use lopdf::{Dictionary, Document, Object, ObjectId};
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
        .arg(format!("file://{}", html.display()))
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
    let page_of: BTreeMap<ObjectId, u32> =
        doc.get_pages().into_iter().map(|(n, id)| (id, n)).collect();
    let mut out = Vec::new();
    let Some(root) = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Outlines").ok())
        .and_then(|o| deref(&doc, o))
        .and_then(|o| o.as_dict().ok())
    else {
        return Ok(out);
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
        let title = match item.get(b"Title").ok().and_then(|o| deref(&doc, o)) {
            Some(Object::String(b, _)) => text(b),
            _ => String::new(),
        };
        let dest = item
            .get(b"Dest")
            .ok()
            .and_then(|o| deref(&doc, o))
            .or_else(|| item.get(b"A").ok().and_then(|o| deref(&doc, o)));
        if let Some(page) = dest
            .and_then(|d| dest_page(&doc, d))
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
    Ok(out)
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
}
