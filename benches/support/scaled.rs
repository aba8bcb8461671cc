//! A plan `times` the size of `content/`, for measuring how the build grows
//! with the plan (issue #18: a 20× plan in at most 22× the 1× time).
//!
//! Shared by `benches/build.rs` and `examples/profile.rs` (`#[path]`; in a
//! subfolder so that cargo does not take it for a benchmark of its own).
//! Every section and numbered item of every chapter is repeated `times`
//! over with a new id (`II-1` → `II-1x2` … `II-1x20`), its narrative and its
//! summary copied to the conventional path of the new id. The copies embed
//! the same tables, charts and records as the original (a warning, W003,
//! not an error), so the site's pages, their text and their tables all grow
//! `times`-fold. The front pages (but the cover) and the attachments are
//! repeated the same way; the datasets stay as they are. Ids a narrative defines and that must stay unique (shared
//! blocks, named CSV tables) get the copy's suffix, and so do the
//! references to them in the copied files. Nothing is invented: every
//! sentence is the 2025 plan's own.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

/// Writes the scaled plan into `dest` (which must not exist yet).
pub fn write_scaled(content: &Path, dest: &Path, times: usize) -> io::Result<()> {
    copy_dir(content, dest)?;
    let plan_src = fs::read_to_string(content.join("plan.yaml"))?;
    let (loaded, _) =
        planbook::load::load(content).map_err(|(_, d)| io::Error::other(d.render_human()))?;
    let plan = &loaded.plan.value;
    let exists = |rel: &str| content.join(rel).is_file();

    // (original narrative, the copy's path, the copy's number)
    let mut copies: Vec<(String, String, usize)> = Vec::new();
    let mut chapters = String::from("chapters:\n");
    for c in &plan.chapters {
        let _ = writeln!(chapters, "  - id: {}\n    title: {}", c.id, json(&c.title));
        if let Some(f) = &c.file {
            let _ = writeln!(chapters, "    file: {}", json(f));
        }
        chapters.push_str("    sections:\n");
        for k in 1..=times {
            for s in &c.sections {
                let id = if k == 1 {
                    s.id.clone()
                } else {
                    format!("{}x{k}", s.id)
                };
                let _ = writeln!(
                    chapters,
                    "      - id: {id}\n        title: {}",
                    json(&s.title)
                );
                let own = s
                    .file
                    .clone()
                    .unwrap_or_else(|| format!("chapters/{}/{}.md", c.id, s.id));
                if k == 1 {
                    if let Some(f) = &s.file {
                        let _ = writeln!(chapters, "        file: {}", json(f));
                    }
                } else {
                    if exists(&own) {
                        copies.push((own.clone(), format!("chapters/{}/{id}.md", c.id), k));
                    }
                    let sum = format!("summary/{}.md", s.id);
                    if exists(&sum) {
                        copies.push((sum, format!("summary/{id}.md"), k));
                    }
                }
                if s.items.is_empty() {
                    continue;
                }
                chapters.push_str("        items:\n");
                for it in &s.items {
                    let _ = writeln!(
                        chapters,
                        "          - no: {}\n            title: {}",
                        json(&it.no),
                        json(&it.title)
                    );
                    let own = it
                        .file
                        .clone()
                        .unwrap_or_else(|| format!("chapters/{}/{}-{}.md", c.id, s.id, it.no));
                    if k == 1 {
                        if let Some(f) = &it.file {
                            let _ = writeln!(chapters, "            file: {}", json(f));
                        }
                    } else if exists(&own) {
                        copies.push((own, format!("chapters/{}/{id}-{}.md", c.id, it.no), k));
                    }
                }
            }
        }
    }

    let mut leaves = |key: &str, folder: &str, list: &[planbook::model::outline::Leaf]| {
        let mut y = format!("{key}:\n");
        for k in 1..=times {
            // The cover is one page whatever the plan's size.
            for l in list.iter().filter(|l| k == 1 || l.id != "cover") {
                let id = if k == 1 {
                    l.id.clone()
                } else {
                    format!("{}x{k}", l.id)
                };
                let _ = writeln!(y, "  - id: {id}\n    title: {}", json(&l.title));
                let own = l
                    .file
                    .clone()
                    .unwrap_or_else(|| format!("{folder}/{}.md", l.id));
                if k == 1 {
                    if let Some(f) = &l.file {
                        let _ = writeln!(y, "    file: {}", json(f));
                    }
                } else if exists(&own) {
                    copies.push((own, format!("{folder}/{id}.md"), k));
                }
            }
        }
        y
    };
    let front = leaves("front", "front", &plan.front);
    let attachments = leaves("attachments", "attachments", &plan.attachments);

    // Ids defined in the copied files that must stay unique.
    let mut defined = BTreeSet::new();
    for (from, _, _) in &copies {
        let text = fs::read_to_string(content.join(from))?;
        for line in text.lines() {
            let t = line.trim();
            if let Some(id) = t.strip_prefix("::: block ") {
                defined.insert(id.trim().to_string());
            }
            if let Some(rest) = t.strip_prefix("<!-- csv:") {
                if let Some(id) = rest.strip_suffix("-->") {
                    defined.insert(id.trim().to_string());
                }
            }
            if let Some(rest) = t.split("<table id=\"").nth(1) {
                if let Some(id) = rest.split('"').next() {
                    defined.insert(id.to_string());
                }
            }
        }
    }
    for (from, to, k) in &copies {
        let mut text = fs::read_to_string(content.join(from))?;
        for id in &defined {
            let new = format!("{id}-x{k}");
            for (a, b) in [
                (format!("::: block {id}\n"), format!("::: block {new}\n")),
                (
                    format!("{{{{block {id}}}}}"),
                    format!("{{{{block {new}}}}}"),
                ),
                (
                    format!("<!-- csv: {id} -->"),
                    format!("<!-- csv: {new} -->"),
                ),
                (
                    format!("<table id=\"{id}\""),
                    format!("<table id=\"{new}\""),
                ),
                (format!("{{{{ref {id}}}}}"), format!("{{{{ref {new}}}}}")),
            ] {
                text = text.replace(&a, &b);
            }
        }
        fs::write(dest.join(to), text)?;
    }

    // plan.yaml: the original with its outline replaced.
    let mut out = String::new();
    let mut skipping = false;
    for line in plan_src.lines() {
        let top = !line.starts_with([' ', '#', '\t']) && !line.is_empty();
        if top {
            let new = [
                ("chapters:", &chapters),
                ("front:", &front),
                ("attachments:", &attachments),
            ]
            .into_iter()
            .find(|(key, _)| line.starts_with(key));
            skipping = new.is_some();
            if let Some((_, text)) = new {
                out.push_str(text);
            }
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    fs::write(dest.join("plan.yaml"), out)
}

/// A YAML scalar that needs no thought about quoting: a JSON string.
fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for e in fs::read_dir(from)? {
        let e = e?;
        let t = e.file_type()?;
        let dest = to.join(e.file_name());
        if t.is_dir() {
            copy_dir(&e.path(), &dest)?;
        } else if t.is_file() {
            fs::copy(e.path(), dest)?;
        }
    }
    Ok(())
}
