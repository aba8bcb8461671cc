//! What sharing a page expects: a description from the page's first
//! sentence (`<meta name="description">`, Open Graph), and with a base URL
//! (`build --base-url`) canonical links and a sitemap. Without one every
//! link stays relative and the site works from `file://`.

use super::OutFile;

/// At most this many characters of a description (search engines show
/// about as many, a messenger's preview fewer).
const MAX_DESCRIPTION: usize = 150;

/// `--base-url`: an absolute http(s) URL, with a slash put at its end.
pub fn parse_base_url(s: &str) -> Result<String, String> {
    let s = s.trim();
    let rest = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
        .ok_or_else(|| format!("`{s}` is not an http:// or https:// URL"))?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(format!("`{s}` names no host"));
    }
    if let Some(c) = s.chars().find(|c| {
        c.is_whitespace() || c.is_control() || matches!(c, '"' | '<' | '>' | '\\' | '`' | '?' | '#')
    }) {
        return Err(format!(
            "`{s}` holds {c:?}; give the site's folder URL only"
        ));
    }
    Ok(if s.ends_with('/') {
        s.to_string()
    } else {
        format!("{s}/")
    })
}

/// The page's first sentence, as plain text: of the first paragraph or list
/// item after its title (a cover: its cover block). None if it has none.
pub fn description(body: &str) -> Option<String> {
    if let Some(at) = body.find("<section class=\"cover\">") {
        let end = body[at..].find("</section>").map_or(body.len(), |e| at + e);
        return Some(cut(&plain(&body[at..end]))).filter(|s| !s.is_empty());
    }
    let mut rest = body.find("</h1>").map_or(body, |at| &body[at..]);
    // The page's own contents come first: not its description.
    if let Some(at) = rest.find("<nav class=\"page-toc\"") {
        if let Some(end) = rest[at..].find("</nav>") {
            rest = &rest[at + end..];
        }
    }
    // A divider lists its sections: the description if it says nothing else.
    let mut sections = None;
    if let Some(at) = rest.find("<ul class=\"chapter-toc\">") {
        if let Some(end) = rest[at..].find("</ul>") {
            let items: Vec<String> = rest[at..at + end]
                .split("<li>")
                .skip(1)
                .map(plain)
                .filter(|t| !t.is_empty())
                .collect();
            sections = Some(cut(&items.join(", "))).filter(|t| !t.is_empty());
            rest = &rest[at + end..];
        }
    }
    let mut from = 0;
    while let Some(p) = next_block(&rest[from..]) {
        let at = from + p;
        let block = &rest[at..];
        let end = ["</p>", "</li>", "<ul", "<ol"]
            .iter()
            .filter_map(|t| block[1..].find(t).map(|e| e + 1))
            .min()
            .unwrap_or(block.len());
        let text = plain(&block[..end]);
        let text = text
            .trim_start_matches(|c: char| c.is_whitespace() || "◆◇□■○●▪▫❖•·※-*>◎▶►".contains(c));
        if !text.is_empty() && text != "KEY POINT" && text != "작성 예정" {
            return Some(cut(&sentence(text)));
        }
        from = at + end.max(1);
    }
    sections
}

/// Where the next plain `<p>` or `<li>` opens: one with a class is a label
/// of the theme (KEY POINT, 작성 예정, a link to the main body), not text,
/// but for a KEY POINT's bullet. Text in a `<noscript>` is passed over.
fn next_block(s: &str) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = s[i..].find('<') {
        let at = i + p;
        let t = &s[at..];
        if t.starts_with("<noscript") {
            i = t.find("</noscript>").map_or(s.len(), |e| at + e);
            continue;
        }
        // `li.g`: a KEY POINT's bullet.
        if t.starts_with("<p>") || t.starts_with("<li>") || t.starts_with("<li class=\"g\">") {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Plain text of a fragment as read: inline tags (a figure's `<span>`, a
/// link) join their text without a space, block ones part it; an errata
/// mark's text and a `<noscript>` are left out.
fn plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        let Some(end) = tag.find('>') else {
            rest = "";
            break;
        };
        let name: String = tag[1..end]
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let skip_to = if tag.starts_with("<sup class=\"erratum\"") {
            tag.find("</sup>").map(|e| e + 6)
        } else if tag.starts_with("<noscript") {
            tag.find("</noscript>").map(|e| e + 11)
        } else {
            None
        };
        if let Some(to) = skip_to {
            rest = &tag[to..];
            continue;
        }
        if !matches!(
            name.as_str(),
            "a" | "span" | "b" | "strong" | "em" | "i" | "u" | "sup" | "sub" | "mark" | "small"
        ) {
            out.push(' ');
        }
        rest = &tag[end + 1..];
    }
    out.push_str(rest);
    super::page::decoded_words(&out)
}

/// Up to the end of the first sentence: "…다." or ". " (not a decimal point).
fn sentence(text: &str) -> String {
    let mut prev: Option<char> = None;
    let mut it = text.char_indices().peekable();
    while let Some((at, c)) = it.next() {
        // "…다." or "…함.", not "Ⅱ-1." or "2025. 7.".
        let after_word = prev.is_some_and(|p| ('\u{AC00}'..='\u{D7A3}').contains(&p));
        let ends = it.peek().is_none_or(|(_, n)| n.is_whitespace());
        if c == '.' && ends && after_word {
            return text.get(..=at).unwrap_or(text).to_string();
        }
        prev = Some(c);
    }
    text.to_string()
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_DESCRIPTION {
        return text.to_string();
    }
    let s: String = text.chars().take(MAX_DESCRIPTION - 1).collect();
    format!("{}…", s.trim_end())
}

/// `sitemap.xml` of the given pages (output paths) under `base`.
pub fn sitemap(base: &str, pages: &[&str]) -> OutFile {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in pages {
        s.push_str(&format!(
            "<url><loc>{}</loc></url>\n",
            super::escape::html_text(&format!("{base}{p}"))
        ));
    }
    s.push_str("</urlset>\n");
    OutFile {
        path: "sitemap.xml".into(),
        bytes: s.into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_base_url_is_absolute_and_ends_with_a_slash() {
        assert_eq!(
            parse_base_url("https://example.org/plan").as_deref(),
            Ok("https://example.org/plan/")
        );
        assert!(parse_base_url("example.org").is_err());
        assert!(parse_base_url("https://").is_err());
        assert!(parse_base_url("https://x.org/\"><script>").is_err());
        assert!(parse_base_url("javascript:alert(1)").is_err());
    }

    #[test]
    fn the_description_is_the_first_sentence_after_the_title() {
        let body = "<h1>Ⅰ-1 제목</h1>\n<nav class=\"page-toc\"><ul><li>목차</li></ul></nav><div class=\"keypoint\"><p class=\"kp-title\">KEY POINT</p><ul><li>◆ 총 146.12억원 투자 계획<ul><li>세부</li></ul></li></ul></div><p>둘째.</p>";
        assert_eq!(
            description(body).as_deref(),
            Some("총 146.12억원 투자 계획")
        );
        let body = "<h1>x</h1><p>지역산업을 육성한다. 다음 문장.</p>";
        assert_eq!(description(body).as_deref(), Some("지역산업을 육성한다."));
        assert_eq!(description("<h1>x</h1>"), None);
        let divider = "<h1>Ⅱ</h1><ul class=\"chapter-toc\"><li><a href=\"a\">Ⅱ-1. 가</a></li><li><a href=\"b\">Ⅱ-2. 나</a></li></ul>";
        assert_eq!(description(divider).as_deref(), Some("Ⅱ-1. 가, Ⅱ-2. 나"));
        let body = "<h1>x</h1><p>총 <span class=\"v\">146.12</span><sup class=\"erratum\" title=\"t\"><span>정오: </span>※</sup>억원</p>";
        assert_eq!(description(body).as_deref(), Some("총 146.12억원"));
        let long = format!("<h1>x</h1><p>{}</p>", "가".repeat(400));
        assert_eq!(description(&long).map(|d| d.chars().count()), Some(150));
    }
}
