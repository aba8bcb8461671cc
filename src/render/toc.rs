//! The sidebar's outline, written once per edition into a script that every
//! page loads (as mdBook's toc.js): `assets/toc.js` for the plan,
//! `assets/toc-summary.js` for the summary. A page carries only a link to
//! the contents, so its size does not grow with the plan; `assets/site.js`
//! draws the outline from this script, with the current page marked, also
//! from `file://` (a script, not JSON: such pages cannot fetch()).

use super::escape::{json_in_script, safe_url};
use super::{Nav, NavEntry, OutFile};
use serde_json::{json, Value};

fn leaf(e: &NavEntry, title: String) -> Value {
    // The script puts it into a link.
    json!({ "t": title, "u": safe_url(&e.url) })
}

/// The outline of `nav` as `window.PLANBOOK_TOC=…;`, written to `path`.
pub fn script(nav: &Nav, path: &str) -> Result<OutFile, String> {
    let front: Vec<Value> = nav.front.iter().map(|f| leaf(f, f.title.clone())).collect();
    let chapters: Vec<Value> = nav
        .chapters
        .iter()
        .map(|c| {
            let mut s = vec![leaf(c, format!("{}장 표지", c.number))];
            s.extend(
                c.sections
                    .iter()
                    .map(|x| leaf(x, format!("{} {}", x.number, x.title))),
            );
            json!({ "t": format!("{}. {}", c.number, c.title), "u": safe_url(&c.url), "s": s })
        })
        .collect();
    let attachments: Vec<Value> = nav
        .attachments
        .iter()
        .map(|a| leaf(a, a.title.clone()))
        .collect();
    let data = json!({ "front": front, "chapters": chapters, "attachments": attachments });
    let text = serde_json::to_string(&data).map_err(|e| e.to_string())?;
    Ok(OutFile {
        path: path.into(),
        bytes: format!("window.PLANBOOK_TOC={};\n", json_in_script(&text)).into_bytes(),
    })
}
