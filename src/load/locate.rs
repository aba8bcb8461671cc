//! Where things are in a YAML file. serde_yaml gives positions only for parse
//! errors, so semantic checks find their node again by its `id:` line and the
//! key path below it, using indentation. Good enough for the block-and-flow
//! style the content uses; when a key cannot be found the node's line is used.

/// 1-based (line, column) of `id: <id>`.
pub fn find_id(src: &str, id: &str) -> Option<(usize, usize)> {
    find_id_from(src, 0, id)
}

/// Like `find_id`, searching from line `from` (1-based, inclusive) on: ids
/// are unique within a table, not within a file.
pub fn find_id_from(src: &str, from: usize, id: &str) -> Option<(usize, usize)> {
    // The audit asks for hundreds of ids in the same few files: the `id:`
    // lines of the last file asked about are indexed once.
    /// (address, length, fingerprint, id lines) of the indexed source.
    type Index = (usize, usize, u64, Vec<(String, usize, usize)>);
    thread_local! {
        static INDEX: std::cell::RefCell<Index> = const { std::cell::RefCell::new((0, 0, 0, Vec::new())) };
    }
    let key = (src.as_ptr() as usize, src.len(), quick_hash(src));
    INDEX.with(|cell| {
        let mut idx = cell.borrow_mut();
        if (idx.0, idx.1, idx.2) != key {
            *idx = (key.0, key.1, key.2, id_lines(src));
        }
        idx.3
            .iter()
            .find(|(v, line, _)| v == id && *line >= from.max(1))
            .map(|(_, l, c)| (*l, *c))
    })
}

/// A cheap fingerprint of a source, so a new text at a reused address is not
/// mistaken for the indexed one.
fn quick_hash(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut h: u64 = 1469598103934665603;
    for &x in b.iter().take(256).chain(b.iter().rev().take(256)) {
        h = (h ^ u64::from(x)).wrapping_mul(1099511628211);
    }
    h
}

/// Every `id: value` line: (value, line, column), in file order.
fn id_lines(src: &str) -> Vec<(String, usize, usize)> {
    let mut out = Vec::new();
    for (i, line) in src.lines().enumerate() {
        if !line.contains("id:") {
            continue;
        }
        let t = line.trim_start();
        let t2 = t.strip_prefix("- ").unwrap_or(t).trim_start();
        // Flow mappings (`- { id: x, … }`) hold the id after the brace.
        let t2 = t2.strip_prefix('{').map_or(t2, str::trim_start);
        if let Some(rest) = t2.strip_prefix("id:") {
            let v = rest.trim().trim_matches(|c| c == '"' || c == '\'');
            let v = v.split(" #").next().unwrap_or(v).trim();
            let v = v
                .split(',')
                .next()
                .unwrap_or(v)
                .trim()
                .trim_matches(|c| c == '"' || c == '\'');
            let col = line.len() - t2.len() + 1;
            out.push((v.to_string(), i + 1, char_col(line, col)));
        }
    }
    out
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn char_col(line: &str, byte_col: usize) -> usize {
    line[..byte_col.saturating_sub(1).min(line.len())]
        .chars()
        .count()
        + 1
}

/// Finds `keys[0]: … keys[1]: …` under the mapping that holds `id: <id>`.
/// Returns the deepest key found, so a report lands as close as it can.
pub fn find_under_id(src: &str, id: &str, keys: &[&str]) -> Option<(usize, usize)> {
    find_under_id_from(src, 0, id, keys)
}

pub fn find_under_id_from(
    src: &str,
    from: usize,
    id: &str,
    keys: &[&str],
) -> Option<(usize, usize)> {
    let (id_line, id_col) = find_id_from(src, from, id)?;
    // Only the lines from the id on are needed; collecting all of them for
    // every lookup made the audit quadratic in the file size.
    let lines: Vec<&str> = src.lines().skip(id_line - 1).collect();
    let base = id_line - 1;
    let key_indent = {
        let l = lines[0];
        let t = l.trim_start();
        indent(l) + if t.starts_with("- ") { 2 } else { 0 }
    };
    let mut best = (id_line, id_col);
    // Patterns built once: this runs for every published figure.
    let pats: Vec<String> = keys.iter().map(|k| format!("{k}:")).collect();
    let mut want = 0usize;
    let mut min_indent = key_indent;
    let mut exact = true;
    for (i, line) in lines.iter().enumerate().skip(1).map(|(i, l)| (i + base, l)) {
        if want >= keys.len() {
            break;
        }
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let ind = indent(line);
        if ind < key_indent
            || (ind == key_indent.saturating_sub(2) && line.trim_start().starts_with("- "))
        {
            break;
        }
        let t = line.trim_start();
        let matches_level = if exact {
            ind == min_indent
        } else {
            ind >= min_indent
        };
        if matches_level && t.starts_with(pats[want].as_str()) {
            best = (i + 1, ind + 1);
            want += 1;
            // Remaining keys inside a flow mapping on the same line.
            let mut pos = ind + keys[want - 1].len() + 1;
            while want < keys.len() {
                let pat = &pats[want];
                let found = line[pos..].match_indices(pat.as_str()).find(|(at, _)| {
                    let abs = pos + at;
                    abs == 0
                        || !line.as_bytes()[abs - 1].is_ascii_alphanumeric()
                            && line.as_bytes()[abs - 1] != b'_'
                            && line.as_bytes()[abs - 1] != b'-'
                });
                match found {
                    Some((at, _)) => {
                        pos += at;
                        best = (i + 1, char_col(line, pos + 1));
                        pos += pat.len();
                        want += 1;
                    }
                    None => break,
                }
            }
            min_indent = ind + 1;
            exact = false;
        }
    }
    Some(best)
}

/// Line (1-based) of the first `key:` at or after line `from`.
pub fn find_key_from(src: &str, from: usize, key: &str) -> Option<usize> {
    let pat = format!("{key}:");
    src.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.trim_start().starts_with(&pat))
        .map(|(i, _)| i + 1)
}

/// (line, column) of `key:` inside a flow mapping on `line`.
pub fn find_inline(src: &str, line: usize, key: &str) -> Option<(usize, usize)> {
    let text = src.lines().nth(line.checked_sub(1)?)?;
    let pat = format!("{key}:");
    let mut from = 0;
    while let Some(at) = text[from..].find(&pat) {
        let abs = from + at;
        let before = text[..abs].chars().last();
        if before.is_none_or(|c| c == ' ' || c == '{' || c == ',') {
            return Some((line, text[..abs].chars().count() + 1));
        }
        from = abs + pat.len();
    }
    Some((line, 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SRC: &str = "tree:\n  - id: total\n    label: 총 계\n    children:\n      - id: rnd\n        published:\n          plan: { a: \"1\" }\n    published:\n      plan: { gov24: \"1\", total24: \"2\" }\n";

    #[test]
    fn finds_ids() {
        assert_eq!(find_id(SRC, "rnd"), Some((5, 9)));
        assert_eq!(find_id(SRC, "nope"), None);
    }

    #[test]
    fn finds_keys_of_the_node_not_of_its_children() {
        assert_eq!(
            find_under_id(SRC, "total", &["published", "plan", "total24"]),
            Some((9, 27))
        );
        assert_eq!(
            find_under_id(SRC, "rnd", &["published", "plan", "a"]),
            Some((7, 19))
        );
        assert_eq!(find_under_id(SRC, "total", &["label"]), Some((3, 5)));
    }
}
