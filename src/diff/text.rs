//! The narrative of two plans, part by part of the outline, 어절 by 어절.

use super::values::Labels;
use super::{PartRef, PublishedChange, Side, Status, TextChange};
use crate::load::narrative::{EmbedKind, Piece};
use crate::load::Content;
use crate::model::outline::roman_display;
use serde::Serialize;
use similar::{Algorithm, DiffTag};
use std::collections::{BTreeMap, BTreeSet};

/// Words of unchanged text kept around a change.
const CONTEXT: usize = 6;

/// How long the diff of one part may take before it settles for a coarser
/// (still correct) result: a guard against pathological input.
const DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Equal,
    Delete,
    Insert,
}

/// A run of words: unchanged context, deleted from OLD or inserted in NEW,
/// joined by single spaces.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Segment {
    pub op: Op,
    pub text: String,
}

/// Changes close together, with their context.
#[derive(Debug, Clone, Serialize)]
pub struct Hunk {
    /// Lines (1-based) of the first changed word in each file.
    pub old_line: usize,
    pub new_line: usize,
    pub segments: Vec<Segment>,
}

impl Hunk {
    /// The OLD side: context and deletions.
    pub fn old_side(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.op != Op::Insert)
    }

    /// The NEW side: context and insertions.
    pub fn new_side(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.op != Op::Delete)
    }
}

/// A part of the outline and its narrative file.
#[derive(Debug, Clone)]
pub struct Part {
    pub r: PartRef,
}

/// Every part of the outline that can hold narrative, in outline order:
/// front pages, chapters with their sections and items, attachments, then
/// the summary edition's parts.
pub fn parts(c: &Content) -> Vec<Part> {
    let p = &c.plan.value;
    let mut out = Vec::new();
    let mut push = |id: String, number: String, title: &str, item: Option<String>, file| {
        out.push(Part {
            r: PartRef {
                id,
                number,
                title: title.to_string(),
                item,
                file,
            },
        })
    };
    for f in &p.front {
        push(
            format!("front/{}", f.id),
            String::new(),
            &f.title,
            None,
            f.file.clone(),
        );
    }
    let mut titles = BTreeMap::new();
    for ch in &p.chapters {
        titles.insert(ch.id.as_str(), ch.title.as_str());
        push(
            ch.id.clone(),
            roman_display(&ch.id),
            &ch.title,
            None,
            ch.file.clone(),
        );
        for s in &ch.sections {
            titles.insert(s.id.as_str(), s.title.as_str());
            push(
                s.id.clone(),
                roman_display(&s.id),
                &s.title,
                None,
                s.file.clone(),
            );
            for it in &s.items {
                push(
                    format!("{}-{}", s.id, it.no),
                    roman_display(&s.id),
                    &s.title,
                    Some(format!("{}. {}", it.no, it.title)),
                    it.file.clone(),
                );
            }
        }
    }
    for a in &p.attachments {
        push(a.id.clone(), a.id.clone(), &a.title, None, a.file.clone());
    }
    for (id, file) in &c.summaries {
        let title = titles.get(id.as_str()).copied().unwrap_or_default();
        push(
            format!("summary/{id}"),
            format!("요약본 {}", roman_display(id)),
            title,
            None,
            Some(file.clone()),
        );
    }
    out
}

fn source<'a>(c: &'a Content, p: &Part) -> &'a str {
    p.r.file
        .as_ref()
        .and_then(|f| c.narratives.get(f))
        .map_or("", |n| n.src.as_str())
}

/// The words (어절) of a text with the line (1-based) each is on.
fn words(src: &str) -> (Vec<&str>, Vec<usize>) {
    let mut w = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in src.lines().enumerate() {
        for word in line.split_whitespace() {
            w.push(word);
            lines.push(i + 1);
        }
    }
    (w, lines)
}

/// The hunks of two texts, and the counts of words deleted and inserted.
pub fn word_diff(old: &str, new: &str) -> (Vec<Hunk>, usize, usize) {
    let (ow, ol) = words(old);
    let (nw, nl) = words(new);
    let deadline = std::time::Instant::now() + DEADLINE;
    // Patience anchors on words that occur once on each side, which keeps
    // a rewritten sentence together instead of matching stray particles.
    let ops = similar::capture_diff_slices_deadline(Algorithm::Patience, &ow, &nw, Some(deadline));
    let (mut deleted, mut inserted) = (0, 0);
    let join = |w: &[&str], r: std::ops::Range<usize>| w.get(r).unwrap_or(&[]).join(" ");
    let line_at =
        |lines: &[usize], i: usize| lines.get(i).or_else(|| lines.last()).copied().unwrap_or(1);
    let mut hunks = Vec::new();
    for group in similar::group_diff_ops(ops, CONTEXT) {
        let mut segments = Vec::new();
        let mut first: Option<(usize, usize)> = None;
        for op in &group {
            let (tag, o, n) = op.as_tag_tuple();
            if tag != DiffTag::Equal && first.is_none() {
                first = Some((line_at(&ol, o.start), line_at(&nl, n.start)));
            }
            match tag {
                DiffTag::Equal => segments.push(Segment {
                    op: Op::Equal,
                    text: join(&ow, o),
                }),
                DiffTag::Delete => {
                    deleted += o.len();
                    segments.push(Segment {
                        op: Op::Delete,
                        text: join(&ow, o),
                    });
                }
                DiffTag::Insert => {
                    inserted += n.len();
                    segments.push(Segment {
                        op: Op::Insert,
                        text: join(&nw, n),
                    });
                }
                DiffTag::Replace => {
                    deleted += o.len();
                    inserted += n.len();
                    segments.push(Segment {
                        op: Op::Delete,
                        text: join(&ow, o),
                    });
                    segments.push(Segment {
                        op: Op::Insert,
                        text: join(&nw, n),
                    });
                }
            }
        }
        segments.retain(|s| !s.text.is_empty());
        if let Some((old_line, new_line)) = first {
            hunks.push(Hunk {
                old_line,
                new_line,
                segments,
            });
        }
    }
    (hunks, deleted, inserted)
}

/// The parts of both sides, matched by id: NEW's order, then the parts
/// only OLD has.
fn matched<'a>(old: &'a [Part], new: &'a [Part]) -> Vec<(Option<&'a Part>, Option<&'a Part>)> {
    let by_id: BTreeMap<&str, &Part> = old.iter().map(|p| (p.r.id.as_str(), p)).collect();
    let new_ids: BTreeSet<&str> = new.iter().map(|p| p.r.id.as_str()).collect();
    let mut out: Vec<_> = new
        .iter()
        .map(|p| (by_id.get(p.r.id.as_str()).copied(), Some(p)))
        .collect();
    out.extend(
        old.iter()
            .filter(|p| !new_ids.contains(p.r.id.as_str()))
            .map(|p| (Some(p), None)),
    );
    out
}

/// The parts whose narrative (or outline title) changed.
pub fn narrative(
    old: &Content,
    new: &Content,
    old_parts: &[Part],
    new_parts: &[Part],
) -> Vec<TextChange> {
    let mut out = Vec::new();
    for (o, n) in matched(old_parts, new_parts) {
        let (ot, nt) = (
            o.map_or("", |p| source(old, p)),
            n.map_or("", |p| source(new, p)),
        );
        let (status, part) = match (o, n) {
            (Some(_), Some(p)) => (Status::Changed, p),
            (None, Some(p)) => (Status::Added, p),
            (Some(p), None) => (Status::Removed, p),
            (None, None) => continue,
        };
        let old_title = match (o, n) {
            (Some(a), Some(b)) if a.r.title != b.r.title || a.r.item != b.r.item => {
                Some(a.r.heading())
            }
            _ => None,
        };
        let (hunks, words_deleted, words_inserted) = if ot == nt {
            (Vec::new(), 0, 0)
        } else {
            word_diff(ot, nt)
        };
        if status == Status::Changed && hunks.is_empty() && old_title.is_none() {
            continue;
        }
        out.push(TextChange {
            part: part.r.clone(),
            status,
            old_title,
            words_deleted,
            words_inserted,
            hunks,
        });
    }
    out
}

/// The first part whose narrative embeds a records or feedback dataset.
fn embedding<'a>(c: &Content, parts: &'a [Part], id: &str) -> Option<&'a Part> {
    parts.iter().find(|p| {
        p.r.file
            .as_ref()
            .and_then(|f| c.narratives.get(f))
            .is_some_and(|n| {
                n.embeds().any(|(kind, e, ..)| {
                    matches!(kind, EmbedKind::Records | EmbedKind::Feedback)
                        && (e == id || e.split('/').next() == Some(id))
                })
            })
    })
}

/// The records and feedback files of a plan (their text is shown as
/// written, not computed): relative path → (part, source).
fn data_texts<'a>(c: &'a Content, parts: &[Part]) -> BTreeMap<String, (PartRef, &'a str)> {
    let rel = |p: &std::path::Path| p.strip_prefix(&c.dir).unwrap_or(p).display().to_string();
    let mut files: Vec<(String, &str, String, &str)> = Vec::new();
    for r in &c.records {
        let v = &r.value;
        let title = v.title.clone().unwrap_or_else(|| v.id.clone());
        files.push((rel(&r.path), v.id.as_str(), title, r.src.as_str()));
    }
    for f in &c.feedback {
        let v = &f.value;
        files.push((rel(&f.path), v.id.as_str(), v.title.clone(), f.src.as_str()));
    }
    let mut out = BTreeMap::new();
    for (path, id, title, src) in files {
        let item = Some(format!("{title} (자료 {path})"));
        let r = match embedding(c, parts, id) {
            Some(p) => PartRef {
                id: path.clone(),
                number: p.r.number.clone(),
                title: p.r.title.clone(),
                item,
                file: Some(path.clone()),
            },
            None => PartRef {
                id: path.clone(),
                number: String::new(),
                title: title.clone(),
                item: None,
                file: Some(path.clone()),
            },
        };
        out.insert(path, (r, src));
    }
    out
}

/// The records and feedback files whose text changed, 어절 by 어절.
pub fn data(
    old: &Content,
    new: &Content,
    old_parts: &[Part],
    new_parts: &[Part],
) -> Vec<TextChange> {
    let (o, n) = (data_texts(old, old_parts), data_texts(new, new_parts));
    let keys: BTreeSet<&String> = o.keys().chain(n.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (a, b) = (o.get(k), n.get(k));
        let Some(status) = Status::of(a, b, |x, y| x.1 == y.1) else {
            continue;
        };
        let Some(part) = b.or(a).map(|x| &x.0) else {
            continue;
        };
        let (hunks, words_deleted, words_inserted) =
            word_diff(a.map_or("", |x| x.1), b.map_or("", |x| x.1));
        if status == Status::Changed && hunks.is_empty() {
            continue;
        }
        out.push(TextChange {
            part: part.clone(),
            status,
            old_title: None,
            words_deleted,
            words_inserted,
            hunks,
        });
    }
    out
}

/// `{{val KEY printed="…"}}` of one plan: (part id, key) → the printed
/// figures in order, with the part.
fn printed_map<'a>(
    c: &Content,
    parts: &'a [Part],
) -> BTreeMap<(String, String), (&'a PartRef, Vec<String>)> {
    let mut out: BTreeMap<(String, String), (&PartRef, Vec<String>)> = BTreeMap::new();
    for p in parts {
        let Some(n) = p.r.file.as_ref().and_then(|f| c.narratives.get(f)) else {
            continue;
        };
        for piece in n.pieces_deep() {
            if let Piece::Val {
                key,
                printed: Some(printed),
                ..
            } = piece
            {
                out.entry((p.r.id.clone(), key.clone()))
                    .or_insert_with(|| (&p.r, Vec::new()))
                    .1
                    .push(printed.clone());
            }
        }
    }
    out
}

/// Sentences' printed figures that changed, were added or removed.
pub fn printed(
    old: &Side,
    new: &Side,
    old_parts: &[Part],
    new_parts: &[Part],
) -> Vec<PublishedChange> {
    let (o, n) = (
        printed_map(old.content, old_parts),
        printed_map(new.content, new_parts),
    );
    let mut labels: Option<(Labels, Labels)> = None;
    let keys: BTreeSet<&(String, String)> = o.keys().chain(n.keys()).collect();
    let mut out = Vec::new();
    for k in keys {
        let (a, b) = (o.get(k), n.get(k));
        let Some(status) = Status::of(a, b, |x, y| x.1 == y.1) else {
            continue;
        };
        let (nl, ol) = labels.get_or_insert_with(|| {
            (
                Labels::of(new.content, new.computed),
                Labels::of(old.content, old.computed),
            )
        });
        let part = b.or(a).map(|x| x.0.clone());
        out.push(PublishedChange {
            key: k.1.clone(),
            label: nl
                .get(&k.1)
                .or_else(|| ol.get(&k.1))
                .unwrap_or_else(|| k.1.clone()),
            status,
            file: part
                .as_ref()
                .and_then(|p| p.file.clone())
                .unwrap_or_default(),
            part,
            old: a.map(|x| x.1.join(", ")),
            new: b.map(|x| x.1.join(", ")),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_words_are_compared_whole() {
        let (h, d, i) = word_diff(
            "지역산업 육성을 위한 예산 100억원을 투입한다.\n둘째 줄",
            "지역산업 육성을 위한 예산 120억원을 투입한다.\n둘째 줄",
        );
        assert_eq!((d, i), (1, 1));
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].old_line, 1);
        let del: Vec<_> = h[0]
            .segments
            .iter()
            .filter(|s| s.op != Op::Equal)
            .map(|s| (s.op, s.text.as_str()))
            .collect();
        assert_eq!(
            del,
            vec![(Op::Delete, "100억원을"), (Op::Insert, "120억원을")]
        );
    }

    #[test]
    fn whitespace_alone_is_no_change() {
        let (h, ..) = word_diff("가 나\n다", "가  나 다\n");
        assert!(h.is_empty());
    }
}
