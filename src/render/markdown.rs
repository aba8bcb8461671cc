//! Narrative → HTML: directives become values, links and embed placeholders,
//! then pulldown-cmark renders the Markdown.

use super::escape::{html_attr, html_text, safe_url, sanitize_html};
use super::registry::{LinkMode, Registry};
use crate::compute::Computed;
use crate::load::narrative::{EmbedKind, Line, Narrative, Piece};
use crate::numfmt::{format_fixed, format_num};
use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub struct MdContext<'a> {
    pub computed: &'a Computed,
    pub registry: &'a Registry,
    pub mode: &'a LinkMode,
    /// Added to every Markdown heading level (print nests one level deeper).
    pub heading_shift: usize,
    /// Where the narrative's own tables get their CSV, and the file they
    /// come from (which names their ids).
    pub csv: &'a super::csvtables::CsvTables,
    pub file: &'a str,
    /// The link root of the page (empty in print).
    pub root: &'a str,
}

/// Escapes text but keeps the few inline tags content may carry on purpose
/// (`<br>`, `<b>`, `<u>`, `<sub>`, `<sup>`), so that `R&D` becomes `R&amp;D`.
pub fn inline_html(s: &str) -> String {
    let mut out = html_text(s);
    for tag in ["br", "b", "u", "sub", "sup"] {
        out = out.replace(&format!("&lt;{tag}&gt;"), &format!("<{tag}>"));
        out = out.replace(&format!("&lt;/{tag}&gt;"), &format!("</{tag}>"));
    }
    out.replace("&lt;br/&gt;", "<br>")
        .replace("&lt;br /&gt;", "<br>")
}

fn shift(level: HeadingLevel, by: usize) -> HeadingLevel {
    let n = (level as usize + by).min(6);
    match n {
        1 => HeadingLevel::H1,
        2 => HeadingLevel::H2,
        3 => HeadingLevel::H3,
        4 => HeadingLevel::H4,
        5 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The text a `{{val}}` shows and its errata mark ("" when none): the
/// published edition keeps a sentence's printed figure, marked when the value
/// does not allow it; the computed edition shows the value, marked with the
/// printed figure when they disagree.
pub fn val_text(
    computed: &Computed,
    key: &str,
    dp: Option<u32>,
    printed: Option<&str>,
) -> (String, String) {
    let computed_text = computed.values.get(key).map(|v| match dp {
        Some(dp) => format_fixed(v.value, dp),
        None => format_num(v.value, v.format),
    });
    let consistent = printed.and_then(|p| crate::publish::quoted_consistent(computed, key, p));
    let published = computed.edition == crate::publish::Edition::Published;
    match (printed, consistent) {
        // The sentence's own printed figure, as printed.
        (Some(p), Some(false)) if published => (
            p.to_string(),
            super::table::erratum_mark("계산값", computed_text.as_deref().unwrap_or("?")),
        ),
        // Consistent with the table's printed figure, which may itself be
        // an erratum: then the sentence carries the table's mark.
        (Some(p), _) if published => (
            p.to_string(),
            computed
                .value_errata
                .get(key)
                .map_or_else(String::new, |e| {
                    super::table::erratum_mark(e.what, &e.other)
                }),
        ),
        (Some(p), Some(false)) => (
            computed_text.unwrap_or_else(|| "?".into()),
            super::table::erratum_mark("원본", p),
        ),
        _ => (
            computed_text.unwrap_or_else(|| "?".into()),
            computed
                .value_errata
                .get(key)
                .map_or_else(String::new, |e| {
                    super::table::erratum_mark(e.what, &e.other)
                }),
        ),
    }
}

/// A `{{val}}` as the page shows it.
pub fn val_html(computed: &Computed, key: &str, dp: Option<u32>, printed: Option<&str>) -> String {
    let (text, mark) = val_text(computed, key, dp, printed);
    format!(
        "<span class=\"v\" data-key=\"{}\">{}{mark}</span>",
        html_attr(key),
        super::escape::html_text(&text)
    )
}

/// A one-line text with `{{val}}` directives (a table's source note): as
/// HTML (values marked like a sentence's) and as plain text.
pub fn quoted_line(computed: &Computed, s: &str) -> (String, String) {
    let (n, _) = crate::load::narrative::parse(std::path::Path::new(""), s);
    let (mut html, mut plain) = (String::new(), String::new());
    for p in n.pieces() {
        match p {
            Piece::Text(t) => {
                html.push_str(&super::escape::html_text(t));
                plain.push_str(t);
            }
            Piece::Val {
                key, dp, printed, ..
            } => {
                html.push_str(&val_html(computed, key, *dp, printed.as_deref()));
                plain.push_str(&val_text(computed, key, *dp, printed.as_deref()).0);
            }
            Piece::Ref { id, .. } => {
                html.push_str(&super::escape::html_text(id));
                plain.push_str(id);
            }
            // A stated count prints as the published plan printed it (a new
            // edition's text: as its source counts).
            Piece::Count { shown, .. } => {
                html.push_str(&super::escape::html_text(shown));
                plain.push_str(shown);
            }
        }
    }
    (html, plain)
}

/// Writes a narrative's lines as Markdown: values and links inline, each
/// embed as a placeholder (its HTML in `blocks`), a shared block's lines in
/// place.
fn push_lines(
    lines: &[Line],
    ctx: &MdContext,
    embed: &dyn Fn(EmbedKind, &str) -> String,
    md: &mut String,
    blocks: &mut Vec<String>,
) {
    for line in lines {
        match line {
            Line::Text(pieces) => {
                for p in pieces {
                    match p {
                        Piece::Text(t) => md.push_str(t),
                        Piece::Val {
                            key,
                            dp,
                            printed,
                            update,
                            ..
                        } => {
                            // A value still to supply in a new edition reads
                            // 자료 입력 필요; one whose meaning moved is marked.
                            if *update && !ctx.computed.values.contains_key(key) {
                                md.push_str(&format!(
                                    "<span class=\"v\" data-key=\"{}\">{}</span>",
                                    html_attr(key),
                                    super::escape::html_text(crate::edition::TO_SUPPLY)
                                ));
                            } else {
                                md.push_str(&val_html(ctx.computed, key, *dp, printed.as_deref()));
                            }
                            if *update {
                                md.push_str(&format!(
                                    "<span class=\"pb-update\">〔{}〕</span>",
                                    crate::edition::TO_UPDATE
                                ));
                            }
                        }
                        Piece::Ref { id, .. } => md.push_str(&ctx.registry.ref_html(id, ctx.mode)),
                        // As printed: the count is checked, not replaced.
                        // Without a printed count, the source's count.
                        Piece::Count { shown, .. } => md.push_str(&super::escape::html_text(shown)),
                    }
                }
                md.push('\n');
            }
            Line::Embed { kind, id, .. } => {
                md.push_str(&format!("\n<!--pb:{}-->\n\n", blocks.len()));
                blocks.push(embed(*kind, id));
            }
            Line::Open { kind, .. } => {
                md.push_str(&format!("\n<div class=\"{}\">\n", html_attr(kind)));
                match kind.as_str() {
                    "keypoint" => md.push_str("<p class=\"kp-title\">KEY POINT</p>\n"),
                    "missing" => md.push_str("<p class=\"missing-tag\">원자료 미수록</p>\n"),
                    _ => {}
                }
                md.push('\n');
            }
            Line::Close => md.push_str("\n</div>\n\n"),
            // A shared block's lines, as if written here.
            Line::Block { lines, .. } => push_lines(lines, ctx, embed, md, blocks),
        }
    }
}

/// Renders a narrative; `embed` returns the HTML of a table or chart by id.
pub fn render(n: &Narrative, ctx: &MdContext, embed: &dyn Fn(EmbedKind, &str) -> String) -> String {
    let mut md = String::new();
    let mut blocks: Vec<String> = Vec::new();
    push_lines(&n.lines, ctx, embed, &mut md, &mut blocks);
    // Markdown passes raw HTML through; an HTML block arrives line by line,
    // so its lines are joined first, lest a tag cut in two pass the check.
    let mut events: Vec<Event> = Vec::new();
    let mut block: Option<String> = None;
    for ev in Parser::new_ext(&md, Options::ENABLE_TABLES) {
        match (ev, &mut block) {
            (Event::Start(Tag::HtmlBlock), _) => block = Some(String::new()),
            (Event::End(TagEnd::HtmlBlock), b) => {
                let html = b.take().unwrap_or_default();
                events.push(Event::Html(sanitize_html(&html).into()));
            }
            (Event::Html(h), Some(b)) => b.push_str(&h),
            (Event::Html(h) | Event::InlineHtml(h), None) => {
                events.push(Event::InlineHtml(sanitize_html(&h).into()));
            }
            (ev, _) => events.push(ev),
        }
    }
    let parser = events.into_iter().map(|ev| match ev {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: shift(level, ctx.heading_shift),
            id,
            classes,
            attrs,
        }),
        // Markdown links are written by pulldown-cmark, which checks no scheme.
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe_url(&dest_url).into_owned().into(),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: safe_url(&dest_url).into_owned().into(),
            title,
            id,
        }),
        Event::End(TagEnd::Heading(level)) => {
            Event::End(TagEnd::Heading(shift(level, ctx.heading_shift)))
        }
        e => e,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    let out = glyph_items(out);
    // The narrative's own tables (Markdown and raw HTML), before the embeds
    // come in: each gets its CSV and a link.
    let out = ctx.csv.link(
        &out,
        ctx.file,
        &super::csvtables::narrative_prefix(ctx.file),
        ctx.root,
    );
    if blocks.is_empty() {
        return out;
    }
    // One pass over the page: each placeholder is swapped for its block.
    let mut done = String::with_capacity(out.len() + blocks.iter().map(String::len).sum::<usize>());
    let mut rest = out.as_str();
    while let Some(at) = rest.find("<!--pb:") {
        done.push_str(&rest[..at]);
        let tail = &rest[at + 7..];
        let Some(end) = tail.find("-->") else {
            done.push_str(&rest[at..]);
            rest = "";
            break;
        };
        match tail[..end]
            .parse::<usize>()
            .ok()
            .and_then(|i| blocks.get(i))
        {
            Some(b) => done.push_str(b),
            None => done.push_str(&rest[at..at + 7 + end + 3]),
        }
        rest = &tail[end + 3..];
    }
    done.push_str(rest);
    done
}

/// The seed's own bullet glyphs (◆ □ ○ ■ …) are the markers of their items:
/// such an item gets `class="g"`, which hides the list's own bullet so the
/// reader does not see "• ◆".
fn glyph_items(html: String) -> String {
    const GLYPHS: &[char] = &[
        '◆', '◇', '□', '○', '●', '■', '▪', '▶', '❖', '✓', '☑', '★', '※', '⇒', '→', '-', '·', '•',
        '①', '②', '③', '④', '⑤', '⑥', '⑦', '⑧',
    ];
    if !html.contains("<li>") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html.as_str();
    while let Some(at) = rest.find("<li>") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 4..];
        let text = after.trim_start_matches(['\n', ' ']);
        let text = text.strip_prefix("<p>").unwrap_or(text);
        if text.starts_with(GLYPHS) {
            out.push_str("<li class=\"g\">");
        } else {
            out.push_str("<li>");
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod glyph_tests {
    #[test]
    fn items_that_carry_their_own_glyph_lose_the_list_bullet() {
        let html =
            "<ul>\n<li>◆ 총 146.12억원</li>\n<li>일반 항목</li>\n<li>\n<p>□ 문단</p>\n</li>\n</ul>"
                .to_string();
        let out = super::glyph_items(html);
        assert_eq!(out.matches("<li class=\"g\">").count(), 2);
        assert!(out.contains("<li>일반 항목</li>"));
    }
}
