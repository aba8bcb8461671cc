//! Finishing a page's HTML: heading levels that never skip (h1 → h2 → h3),
//! a stable id on every heading, and the page's own contents.

use super::escape::{html_attr, html_text};

/// Plain text of an HTML fragment (tags dropped, the five entities decoded).
pub fn text_of(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    decoded_words(&out)
}

/// Text with tags already dropped: the entities the renderer writes decoded
/// and the whitespace collapsed to single spaces.
pub fn decoded_words(text: &str) -> String {
    let out = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn slug(text: &str) -> String {
    let s: String = text
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    format!("h-{}", s.chars().take(40).collect::<String>())
}

/// One heading of a page: level after fixing, id, text.
#[derive(Debug, Clone, PartialEq)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub text: String,
}

/// The levels of a page's headings as written, lowest first, each once.
fn levels_used(html: &str) -> Vec<u8> {
    let mut used = Vec::new();
    let mut rest = html;
    while let Some(pos) = find_open(rest) {
        let level = rest
            .as_bytes()
            .get(pos + 2)
            .map_or(0, |b| b.saturating_sub(b'0'));
        if !used.contains(&level) {
            used.push(level);
        }
        rest = &rest[pos + 3..];
    }
    used.sort_unstable();
    used
}

/// Rewrites `<hN>` so that one outline level is one element on the page and
/// no level skips one, gives each heading an id, and returns the headings.
///
/// A level is the rank of the written level among those the page uses: on a
/// page whose Markdown writes "(1)" as `###` under the `<h1>` and no `##`,
/// every "(1)", "(2)", "(3)" is an `<h2>` (before, the first was pulled up to
/// `<h2>` and the others stayed `<h3>`, so siblings got two sizes). A heading
/// that would still skip a level after the one before it is pulled up.
pub fn finish(html: &str) -> (String, Vec<Heading>) {
    let mut out = String::with_capacity(html.len() + 1024);
    let mut heads = Vec::new();
    let mut ids: Vec<String> = Vec::new();
    let mut prev = 0u8;
    let used = levels_used(html);
    let base = used.first().copied().unwrap_or(1);
    let rank = |orig: u8| {
        used.iter()
            .position(|l| *l == orig)
            .and_then(|i| u8::try_from(i).ok())
            .map_or(orig, |i| (base + i).min(6))
    };
    let mut rest = html;
    while let Some(pos) = find_open(rest) {
        out.push_str(&rest[..pos]);
        let tag_start = &rest[pos..];
        // find_open only stops at `<h` and a digit.
        let orig = tag_start
            .as_bytes()
            .get(2)
            .map_or(0, |b| b.saturating_sub(b'0'));
        let Some(open_end) = tag_start.find('>') else {
            break;
        };
        let attrs = &tag_start[3..open_end];
        let close = format!("</h{orig}>");
        let Some(close_at) = tag_start.find(&close) else {
            break;
        };
        let inner = &tag_start[open_end + 1..close_at];
        let level = if prev == 0 {
            rank(orig)
        } else {
            rank(orig).min(prev + 1)
        };
        prev = level;
        let text = text_of(inner);
        let id = match attr(attrs, "id") {
            Some(id) => id.to_string(),
            None => {
                let base = slug(&text);
                let mut id = base.clone();
                let mut n = 2;
                while ids.contains(&id) {
                    id = format!("{base}-{n}");
                    n += 1;
                }
                id
            }
        };
        ids.push(id.clone());
        let attrs = if attr(attrs, "id").is_some() {
            attrs.to_string()
        } else {
            format!(" id=\"{}\"{attrs}", html_attr(&id))
        };
        out.push_str(&format!("<h{level}{attrs}>{inner}</h{level}>"));
        heads.push(Heading { level, id, text });
        rest = &tag_start[close_at + close.len()..];
    }
    out.push_str(rest);
    (out, heads)
}

fn find_open(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while let Some(p) = s[i..].find("<h") {
        let at = i + p;
        if b.get(at + 2).is_some_and(|c| (b'1'..=b'6').contains(c))
            && b.get(at + 3).is_some_and(|c| *c == b'>' || *c == b' ')
        {
            return Some(at);
        }
        i = at + 2;
    }
    None
}

fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let pat = format!("{name}=\"");
    let at = attrs.find(&pat)? + pat.len();
    let end = attrs[at..].find('"')?;
    Some(&attrs[at..at + end])
}

/// The page's contents: its h2 and h3 headings as a nested list.
pub fn contents(heads: &[Heading]) -> String {
    let items: Vec<&Heading> = heads
        .iter()
        .filter(|h| h.level == 2 || h.level == 3)
        .collect();
    if items.len() < 2 {
        return String::new();
    }
    let mut s = String::from("<nav class=\"page-toc\" aria-label=\"이 쪽의 내용\"><details open><summary>이 쪽의 내용</summary><ul>");
    for h in items {
        s.push_str(&format!(
            "<li class=\"l{}\"><a href=\"#{}\">{}</a></li>",
            h.level,
            html_attr(&h.id),
            html_text(&h.text)
        ));
    }
    s.push_str("</ul></details></nav>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_never_skip_and_every_heading_has_an_id() {
        let (html, heads) = finish("<h1 id=\"sec-a\">A</h1><p>x</p><h3>□ 하나</h3><h4>○ 둘</h4><h2 class=\"item\">1. 셋</h2><h4>□ 하나</h4>");
        let levels: Vec<u8> = heads.iter().map(|h| h.level).collect();
        assert_eq!(levels, vec![1, 2, 3, 2, 3]);
        assert!(html.contains("<h2 id=\"h-하나\">□ 하나</h2>"));
        assert!(html.contains("<h3 id=\"h-하나-2\">□ 하나</h3>"), "{html}");
        assert!(html.contains("<h1 id=\"sec-a\">A</h1>"));
        assert!(contents(&heads).contains("href=\"#h-둘\""));
    }

    #[test]
    fn siblings_written_at_one_level_get_one_element() {
        // I-1: "(1)" and "(2)" are `###` under the section's h1, with no `##`.
        let (html, heads) =
            finish("<h1>Ⅰ-1</h1><h3>(1) 가</h3><h4>□ 나</h4><h3>(2) 다</h3><h3>(3) 라</h3>");
        let levels: Vec<u8> = heads.iter().map(|h| h.level).collect();
        assert_eq!(levels, vec![1, 2, 3, 2, 2]);
        assert!(html.contains("<h2 id=\"h-2-다\">(2) 다</h2>"), "{html}");
    }

    #[test]
    fn text_of_drops_tags_and_decodes() {
        assert_eq!(text_of("<b>R&amp;D</b> 합계<br>146.12"), "R&D 합계 146.12");
    }
}
