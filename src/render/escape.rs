//! The one place where content text is made safe for the context it is
//! written into: HTML text, HTML attribute values, URLs, file names and
//! fragment ids, CSV cells, JSON inside a `<script>`, and raw HTML that an
//! author wrote into a narrative.
//!
//! Markup is still written two ways: the Tera theme (autoescaped with
//! [`html_attr`]) and string builders in src/render and src/chart (the default
//! table and page headings are built in Rust because Tera is too slow for big
//! tables). Moving every builder into templates would change the shipped
//! output and slow the build, so the builders stay and instead take their
//! values through the functions here; a builder that interpolates anything
//! else than a constant or a value from this module is a bug. Content ids are
//! additionally reduced to a safe token by [`token`] where they become URLs,
//! anchors and file names, so they never need escaping there at all.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Text between tags. `"` is escaped too so that the same string may also be
/// used in a double-quoted attribute, which the narrative renderer relies on.
pub fn html_text(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            c => o.push(c),
        }
    }
    o
}

/// An attribute value, double- or single-quoted. This is also Tera's escape
/// function: Tera's own escapes `/`, which would mangle every URL.
pub fn html_attr(s: &str) -> String {
    html_text(s).replace('\'', "&#39;")
}

/// Whether `url` may be followed by a reader: a relative URL (what planbook
/// builds), a `#fragment`, or an absolute http, https or mailto URL. The
/// scheme is read the way a browser does — ASCII tab, newline and other
/// control characters and spaces removed, case folded — so ` JaVa\tScRiPt:`
/// is `javascript:`. An `&` before the scheme's colon (an entity trick such
/// as `javascript&#58;`) and protocol-relative `//host` or `\host` forms are
/// refused: planbook never builds them.
pub fn url_is_safe(url: &str) -> bool {
    let norm: String = url
        .chars()
        .filter(|c| !c.is_ascii_control() && !c.is_whitespace())
        .collect();
    if norm.starts_with("//") || norm.starts_with('\\') || norm.starts_with("/\\") {
        return false;
    }
    let end = norm.find(['/', '?', '#']).unwrap_or(norm.len());
    let head = &norm[..end];
    if head.contains('&') {
        return false;
    }
    match head.find(':') {
        None => true,
        Some(at) => {
            let scheme = head[..at].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto")
        }
    }
}

/// `url` if [`url_is_safe`], else `#` (a link that goes nowhere). Not escaped.
pub fn safe_url(url: &str) -> Cow<'_, str> {
    if url_is_safe(url) {
        Cow::Borrowed(url)
    } else {
        Cow::Borrowed("#")
    }
}

/// A checked URL ready for `href="…"`.
pub fn href(url: &str) -> String {
    html_attr(&safe_url(url))
}

/// A content id made into a token that is safe, unchanged, as a file name, a
/// path segment, an `id` attribute and a `#fragment`: letters (any script),
/// digits, `-`, `_` and `.` not at the start. Anything else (`/`, `:`, `<`,
/// quotes, spaces, a leading `.` as in `..`) becomes `_`, and then a hash of
/// the original is appended so that two ids that differ only there do not
/// overwrite each other's page. The shipped ids are tokens already.
pub fn token(id: &str) -> Cow<'_, str> {
    let ok = |i: usize, c: char| c.is_alphanumeric() || c == '-' || c == '_' || (c == '.' && i > 0);
    if !id.is_empty() && id.chars().enumerate().all(|(i, c)| ok(i, c)) {
        return Cow::Borrowed(id);
    }
    let mut s: String = id
        .chars()
        .enumerate()
        .map(|(i, c)| if ok(i, c) { c } else { '_' })
        .collect();
    // FNV-1a: stable across builds and platforms, unlike the std hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in id.bytes() {
        h = (h ^ u32::from(b)).wrapping_mul(0x0100_0193);
    }
    let _ = write!(s, "-{h:08x}");
    Cow::Owned(s)
}

/// Whether a cell is a real number and must be written as it is, not
/// neutralised: an optional sign (`+`, `-`, or the plan's `△` for negative),
/// a digit, then digits and thousands commas, an optional fraction of one or
/// more digits and an optional `%` — `^[+\-△]?[0-9][0-9,]*(\.[0-9]+)?%?$`.
/// The plan's lone dash `-` ("not applicable") counts as a number too.
/// `-2+3`, `-1e3`, `+A1` are not numbers.
pub fn is_plain_number(s: &str) -> bool {
    if s == "-" {
        return true;
    }
    let s = s.strip_prefix(['+', '-', '△']).unwrap_or(s);
    let s = s.strip_suffix('%').unwrap_or(s);
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    int.starts_with(|c: char| c.is_ascii_digit())
        && int.chars().all(|c| c.is_ascii_digit() || c == ',')
        && frac.is_none_or(|f| !f.is_empty() && f.chars().all(|c| c.is_ascii_digit()))
}

/// One CSV field (RFC 4180 quoting) that a spreadsheet will not evaluate
/// (OWASP "CSV injection"): a cell beginning with `=`, `+`, `-`, `@`, tab or
/// CR that is not a real number ([`is_plain_number`]) is prefixed with `'`,
/// which Excel and LibreOffice show as text and do not run.
pub fn csv_cell(s: &str) -> String {
    let risky = s.starts_with(['=', '+', '-', '@', '\t', '\r']) && !is_plain_number(s);
    let s: Cow<str> = if risky {
        Cow::Owned(format!("'{s}"))
    } else {
        Cow::Borrowed(s)
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}

/// JSON written inside `<script>`: `</` would end the script, and `<!--` and
/// `<script` would switch the parser into its escaped states, so a `<` before
/// `/`, `!` or a letter is written `\u003c` (the same string to JavaScript);
/// `<표 Ⅱ-1>` stays as it is. U+2028/2029 are line ends to old engines.
pub fn json_in_script(json: &str) -> String {
    let mut o = String::with_capacity(json.len());
    let mut chars = json.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '<' if chars
                .peek()
                .is_some_and(|n| matches!(n, '/' | '!' | '?') || n.is_ascii_alphabetic()) =>
            {
                o.push_str("\\u003c");
            }
            '\u{2028}' => o.push_str("\\u2028"),
            '\u{2029}' => o.push_str("\\u2029"),
            c => o.push(c),
        }
    }
    o
}

/// Raw HTML that an author wrote into a narrative (Markdown passes it through
/// untouched). The plan uses a little on purpose — line breaks, bold, tables
/// with spans — so known harmless tags with known harmless attributes are
/// kept byte for byte, comments too; any other `<` (a `<script>`, an
/// `onerror=`, a `javascript:` link, a tag cut in two) is written `&lt;` and
/// so shows as text. Text between tags is left as Markdown left it.
pub fn sanitize_html(s: &str) -> String {
    const TAGS: &[&str] = &[
        "a", "b", "br", "caption", "col", "colgroup", "div", "em", "i", "li", "ol", "p", "small",
        "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u",
        "ul",
    ];
    const ATTRS: &[&str] = &[
        "class",
        "colspan",
        "rowspan",
        "scope",
        "id",
        "title",
        "lang",
        "data-key",
        "data-other",
        "href",
    ];
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        if let Some(body) = tail.strip_prefix("<!--") {
            if let Some(end) = body.find("-->") {
                let len = 4 + end + 3;
                out.push_str(&tail[..len]);
                rest = &tail[len..];
                continue;
            }
        } else if let Some(len) = allowed_tag(tail, TAGS, ATTRS) {
            out.push_str(&tail[..len]);
            rest = &tail[len..];
            continue;
        }
        out.push_str("&lt;");
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// The length of the tag at the start of `s` if it is one of `tags` with only
/// `attrs`, each value quoted and without `<`, an `href` passing [`url_is_safe`].
fn allowed_tag(s: &str, tags: &[&str], attrs: &[&str]) -> Option<usize> {
    let end = s.find('>')?;
    let inner = &s[1..end];
    if inner.contains('<') {
        return None;
    }
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    let name_end = inner
        .find(|c: char| c.is_ascii_whitespace())
        .unwrap_or(inner.len());
    let name = &inner[..name_end];
    if !tags.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let mut a = inner[name_end..].trim_start();
    while !a.is_empty() {
        let eq = a.find('=')?;
        let key = a[..eq].trim();
        if !attrs.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            return None;
        }
        let v = a[eq + 1..].trim_start();
        let (value, after) = match v.chars().next()? {
            q @ ('"' | '\'') => {
                let close = v[1..].find(q)?;
                (&v[1..1 + close], &v[close + 2..])
            }
            _ => {
                let stop = v.find(|c: char| c.is_ascii_whitespace()).unwrap_or(v.len());
                let value = &v[..stop];
                if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                    return None;
                }
                (value, &v[stop..])
            }
        };
        if key.eq_ignore_ascii_case("href") && !url_is_safe(&decode_entities(value)) {
            return None;
        }
        a = after.trim_start();
    }
    Some(end + 1)
}

/// The entities a browser would decode in an attribute value before reading
/// it as a URL: numeric ones and the few named ones that spell a scheme.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let stop = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .unwrap_or(tail.len());
        let name = &tail[..stop];
        let decoded = if let Some(num) = name.strip_prefix('#') {
            let n = match num.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok(),
                None => num.parse().ok(),
            };
            n.and_then(char::from_u32)
        } else {
            match name.to_ascii_lowercase().as_str() {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => None,
            }
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = tail[stop..].strip_prefix(';').unwrap_or(&tail[stop..]);
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes() {
        assert_eq!(
            html_text("<script>alert(1)</script>&\""),
            "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;"
        );
        assert_eq!(
            html_attr("\"><img src=x onerror=alert(1)>'"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;"
        );
    }

    #[test]
    fn only_relative_fragment_and_web_urls_are_links() {
        for ok in [
            "../ii/ii-1.html#sec-ii-1",
            "#fig-x",
            "tables/a.csv",
            "https://example.org/a:b",
            "HTTP://x",
            "mailto:a@b.c",
            "a/b:c.html",
        ] {
            assert!(url_is_safe(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:x",
            "data:text/html,<script>",
            "vbscript:msgbox",
            "javascript&#58;alert(1)",
            "javascript&colon;alert(1)",
            "javascript:alert(1)/index.html",
            "//evil.example",
            "\\\\evil",
            "/\\evil",
        ] {
            assert!(!url_is_safe(bad), "{bad}");
            assert_eq!(href(bad), "#");
        }
        assert_eq!(href("a.html?x=1&y=\"2\""), "a.html?x=1&amp;y=&quot;2&quot;");
    }

    #[test]
    fn ids_become_tokens() {
        assert_eq!(token("ii-3"), "ii-3");
        assert_eq!(token("붙임1"), "붙임1");
        for bad in [
            "javascript:alert(1)",
            "\"><script>alert(1)</script>",
            "..",
            "../x",
            "a b",
            "",
        ] {
            let t = token(bad);
            assert!(
                t.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == '.'),
                "{t}"
            );
            assert!(!t.starts_with('.') && !t.is_empty(), "{t}");
        }
        assert_ne!(token("a:b"), token("a/b"));
        assert!(!token("javascript:alert(1)").contains(':'));
    }

    #[test]
    fn real_numbers_stay_numbers() {
        for n in [
            "-1.48", "△1.48", "+3.2", "-", "1,234", "12%", "-0.5%", "0", "146.12",
        ] {
            assert!(is_plain_number(n), "{n}");
            assert_eq!(
                csv_cell(n),
                if n.contains(',') {
                    format!("\"{n}\"")
                } else {
                    n.to_string()
                }
            );
        }
        for s in [
            "-2+3", "-1e3", "+A1", "--1", "-.5", "1.", "-%", "=1", "+", "",
        ] {
            assert!(!is_plain_number(s), "{s}");
        }
    }

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(
            csv_cell("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(csv_cell("@SUM(1+1)"), "'@SUM(1+1)");
        assert_eq!(csv_cell("-2+3"), "'-2+3");
        assert_eq!(csv_cell("\t=1"), "'\t=1");
        assert_eq!(csv_cell("\r=1"), "\"'\r=1\"");
        assert_eq!(csv_cell("합계"), "합계");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
    }

    #[test]
    fn script_data_cannot_close_the_script() {
        let j = json_in_script(r#"{"x":"</script><script>alert(1)</script><!--"}"#);
        assert!(!j.contains('<'), "{j}");
        assert_eq!(json_in_script("<표 Ⅱ-1>"), "<표 Ⅱ-1>");
    }

    #[test]
    fn raw_html_keeps_the_plan_tags_only() {
        let kept = "<table>\n<tr><th colspan=\"2\">구분</th><td rowspan=2>a<br>b</td></tr>\n</table><!-- x --><b>R&D</b><br/>";
        assert_eq!(sanitize_html(kept), kept);
        let ok_link = "<a class=\"ref\" href=\"../ii/ii-1.html#sec-ii-1\">Ⅱ-1</a>";
        assert_eq!(sanitize_html(ok_link), ok_link);
        for bad in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<a href=\" JaVaScRiPt:alert(1)\">x</a>",
            "<a href=\"javascript&#58;alert(1)\">x</a>",
            "<b onclick=\"x\">",
            "<td style=\"x\">",
            "<svg/onload=alert(1)>",
            "</script><script>alert(1)</script>",
        ] {
            let s = sanitize_html(bad);
            assert!(
                !s.contains("<script") && !s.contains("<img") && !s.contains("<a "),
                "{s}"
            );
            assert!(
                !s.contains("<b ") && !s.contains("<svg") && !s.contains("<td "),
                "{s}"
            );
        }
    }
}
