//! `new-edition`: the next year's content folder, written beside the old one.

use super::SUPPLY_COMMENT;
use crate::compute::budget::yy;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// What a roll-over did.
#[derive(Debug, Clone, Default)]
pub struct Rollover {
    pub from: u16,
    pub to: u16,
    /// Files written.
    pub files: usize,
    /// `# 자료 입력 필요` comments written into data files.
    pub to_supply: usize,
    /// `{{val}}` directives marked `update`.
    pub to_update: usize,
    /// Published figures and accepted errata removed (lines).
    pub cleared: usize,
}

/// Writes the edition after the one in `content` into `out` (a new or empty
/// folder outside the content folder). `year` must be the next year.
pub fn new_edition(content: &Path, year: Option<u16>, out: &Path) -> Result<Rollover, String> {
    let (old, _) = crate::load::load(content).map_err(|(_, d)| {
        format!(
            "the plan in {} does not load ({} error(s)); run `planbook check --content {}`",
            content.display(),
            d.count(crate::validate::diagnostic::Severity::Error),
            content.display()
        )
    })?;
    let ed = &old.plan.value.edition;
    let from = ed.year;
    let to = year.unwrap_or(from.saturating_add(1));
    if Some(to) != from.checked_add(1) {
        return Err(format!(
            "the plan in {} is the {from} edition; new-edition makes the next one, --year {}",
            content.display(),
            from.saturating_add(1)
        ));
    }
    let target = check_out(content, out)?;

    let [prev, cur] = ed.plan_years();
    let hist_new: Vec<u16> = ed.history().iter().map(|y| y.saturating_add(1)).collect();
    let years = Years {
        prev,
        cur,
        new: to,
        hist_new,
    };
    // Loaded paths may be shown relative to the current folder.
    let shown_dir = crate::validate::diagnostic::rel(&old.dir);
    let rel = |p: &Path| {
        p.strip_prefix(&old.dir)
            .or_else(|_| p.strip_prefix(&shown_dir))
            .map(Path::to_path_buf)
            .ok()
    };
    let budgets: BTreeSet<PathBuf> = old.budgets.iter().filter_map(|b| rel(&b.path)).collect();
    let perfs: BTreeSet<PathBuf> = old
        .performance
        .iter()
        .filter_map(|b| rel(&b.path))
        .collect();
    // The datasets whose values move with the year: every budget dataset
    // and view, every performance table.
    let mut moving: BTreeSet<String> = BTreeSet::new();
    for b in &old.budgets {
        moving.insert(b.value.id.clone());
        moving.extend(b.value.views.iter().map(|v| v.id.clone()));
    }
    for p in &old.performance {
        for t in [
            &p.value.tables.review,
            &p.value.tables.roi,
            &p.value.tables.result,
        ] {
            for ind in &p.value.indicators {
                moving.insert(format!("{t}-{ind}"));
            }
        }
    }
    let computed_ids = moving.clone();
    // Static tables computed from a moving value move too (their formulas
    // read `v("budget.….total_cur")`), until nothing more is added.
    loop {
        let before = moving.len();
        for t in &old.tables {
            let reads_moving = moving.iter().any(|m| t.src.contains(&format!("v(\"{m}.")));
            if reads_moving {
                moving.extend(t.value.tables.iter().map(|x| x.id.clone()));
            }
        }
        if moving.len() == before {
            break;
        }
    }
    let narratives: BTreeSet<PathBuf> = old
        .narratives
        .iter()
        .filter_map(|(file, n)| rel(&n.path).or_else(|| Some(PathBuf::from(file))))
        .collect();

    let mut files = Vec::new();
    collect(&old.dir, &old.dir, &mut files)?;
    let mut r = Rollover {
        from,
        to,
        ..Default::default()
    };
    let staging = target.with_file_name(format!(
        ".{}.new-edition-{}",
        target
            .file_name()
            .map_or_else(|| "out".into(), |n| n.to_string_lossy()),
        std::process::id()
    ));
    let write = || -> Result<(), String> {
        for relp in &files {
            let src = old.dir.join(relp);
            let dst = staging.join(relp);
            if let Some(parent) = dst.parent() {
                fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            let is = |ext: &str| relp.extension().is_some_and(|x| x == ext);
            let text = if is("yaml") || is("yml") || is("md") {
                fs::read_to_string(&src).ok()
            } else {
                None
            };
            let new_text = match text {
                Some(t) if relp == Path::new("plan.yaml") => Some(roll_plan(&t, &years)),
                Some(t) if budgets.contains(relp) => Some(roll_budget(&clear(&t), &years)),
                Some(t) if perfs.contains(relp) => Some(roll_perf(&clear(&t), &years)),
                Some(t) if relp.starts_with("data") && !is("md") => {
                    Some(shift_charts(&clear(&t), &computed_ids, &years))
                }
                Some(t) if narratives.contains(relp) => Some(roll_narrative(&t, &moving)),
                _ => None,
            };
            match new_text {
                Some(t) => fs::write(&dst, t),
                None => fs::copy(&src, &dst).map(|_| ()),
            }
            .map_err(|e| format!("{}: {e}", dst.display()))?;
        }
        Ok(())
    };
    let done = write();
    if let Err(e) = done {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    // Count what was written.
    for relp in &files {
        let new = fs::read_to_string(staging.join(relp)).unwrap_or_default();
        if relp.extension().is_none_or(|x| x != "md") {
            r.to_supply += new.matches(SUPPLY_COMMENT).count();
        }
        if narratives.contains(relp) {
            r.to_update += new.matches(" update}}").count();
        }
        if let Ok(o) = fs::read_to_string(old.dir.join(relp)) {
            let count = |t: &str| {
                t.lines()
                    .filter(|l| {
                        let l = l.trim_start();
                        l.starts_with("published:") || l.starts_with("accepted:")
                    })
                    .count()
            };
            r.cleared += count(&o).saturating_sub(count(&new));
        }
    }
    r.files = files.len();
    if target.is_dir() {
        fs::remove_dir(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    fs::rename(&staging, &target).map_err(|e| {
        let _ = fs::remove_dir_all(&staging);
        format!("{}: {e}", target.display())
    })?;
    Ok(r)
}

/// `out` must be new or an empty folder, and neither the content folder, a
/// folder holding it nor a folder inside it.
fn check_out(content: &Path, out: &Path) -> Result<PathBuf, String> {
    let t = crate::output::Target::resolve(Some(content), out).map_err(|e| e.to_string())?;
    let path = t.path();
    let content_real =
        fs::canonicalize(content).map_err(|e| format!("{}: {e}", content.display()))?;
    if path.starts_with(&content_real) {
        return Err(format!(
            "refusing --out {}: it is inside the content folder {}",
            out.display(),
            content.display()
        ));
    }
    match fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(path),
        Err(e) => Err(format!("{}: {e}", out.display())),
        Ok(m) if m.is_dir() => {
            let empty = fs::read_dir(&path)
                .map_err(|e| format!("{}: {e}", out.display()))?
                .next()
                .is_none();
            if empty {
                Ok(path)
            } else {
                Err(format!(
                    "refusing --out {}: it is not empty (new-edition writes a new content folder)",
                    out.display()
                ))
            }
        }
        Ok(_) => Err(format!(
            "refusing --out {}: it is not a folder",
            out.display()
        )),
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            collect(root, &p, out)?;
        } else if ft.is_file() {
            if let Ok(r) = p.strip_prefix(root) {
                out.push(r.to_path_buf());
            }
        }
    }
    Ok(())
}

struct Years {
    prev: u16,
    cur: u16,
    new: u16,
    hist_new: Vec<u16>,
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

fn join(lines: Vec<String>, original: &str) -> String {
    let mut s = lines.join("\n");
    if original.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// Removes every `published:` and `accepted:` block (the published plan's
/// figures and its acknowledged errata belong to the old edition).
fn clear(text: &str) -> String {
    let mut out = Vec::new();
    let mut skip: Option<usize> = None;
    for line in text.lines() {
        let ind = indent(line);
        if let Some(s) = skip {
            if line.trim().is_empty() || ind > s {
                continue;
            }
            skip = None;
        }
        let t = line.trim_start();
        if t.starts_with("published:") || t.starts_with("accepted:") {
            skip = Some(ind);
            continue;
        }
        out.push(line.to_string());
    }
    join(fix_empty_keys(out), text)
}

/// A block key left without children (its only children were cleared)
/// becomes an empty mapping, so that the file still parses.
fn fix_empty_keys(lines: Vec<String>) -> Vec<String> {
    let mut out = lines.clone();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim();
        if t.starts_with('#') || !t.ends_with(':') || t.starts_with("- ") {
            continue;
        }
        let ind = indent(line);
        let next = lines
            .iter()
            .skip(i + 1)
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
        let has_child = next.is_some_and(|n| {
            indent(n) > ind || (indent(n) == ind && n.trim_start().starts_with("- "))
        });
        if !has_child {
            if let Some(o) = out.get_mut(i) {
                o.push_str(" {}");
            }
        }
    }
    out
}

/// `2025: { … }` or `2025:` (a block follows): the year and the rest.
fn year_key(t: &str) -> Option<(u16, &str)> {
    let (y, rest) = t.split_once(':')?;
    if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((y.parse().ok()?, rest.trim()))
}

fn relabel(line: &str, y: &Years) -> String {
    if line.trim_start().starts_with('#') {
        return line.to_string();
    }
    line.replace(&format!("'{}", yy(y.cur)), &format!("'{}", yy(y.new)))
        .replace(&format!("'{}", yy(y.prev)), &format!("'{}", yy(y.cur)))
}

/// What a year's budget entry held, for the comment of the new year's.
fn budget_fields(text: &str) -> String {
    let mut f = Vec::new();
    for (k, label) in [
        ("gov:", "국비(gov)"),
        ("local:", "지방비(local)"),
        ("city:", "시군비(city)"),
        ("project_cost:", "총사업비(project_cost)"),
        ("tasks:", "과제수(tasks)"),
        ("sales_achievement:", "달성률(sales_achievement)"),
        ("parts:", "세부 내역(parts)"),
    ] {
        if text.contains(k) {
            f.push(label.to_string());
        }
    }
    if let Some(at) = text.find("targets:") {
        let rest = text.get(at + 8..).unwrap_or("");
        let inner = rest
            .split_once('{')
            .and_then(|(_, r)| r.split_once('}'))
            .map_or("", |(i, _)| i);
        let keys: Vec<&str> = inner
            .split(',')
            .filter_map(|kv| kv.split_once(':').map(|(k, _)| k.trim()))
            .filter(|k| !k.is_empty())
            .collect();
        f.push(format!("목표(targets: {})", keys.join(", ")));
    }
    if f.is_empty() {
        f.push("국비(gov), 지방비(local)".into());
    }
    f.join(", ")
}

fn pending_budget(ind: usize, node: &str, y: &Years, fields: &str) -> String {
    format!(
        "{}{}: {{}}  {SUPPLY_COMMENT} `{node}` {}년 {fields}",
        spaces(ind),
        y.new,
        y.new
    )
}

fn roll_budget(text: &str, y: &Years) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut node = String::new();
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let t = line.trim_start();
        let ind = indent(line);
        if let Some(id) = t.strip_prefix("- id:") {
            node = id.trim().trim_matches('"').to_string();
        }
        // The year's block: the lines below it that are indented deeper.
        let block_end = |from: usize| {
            let mut j = from + 1;
            while lines
                .get(j)
                .is_some_and(|l| l.trim().is_empty() || indent(l) > ind)
            {
                j += 1;
            }
            j
        };
        if t.starts_with("years:") {
            out.push(format!("{}years: [{}, {}]", spaces(ind), y.cur, y.new));
            i += 1;
            continue;
        }
        if let Some((year, rest)) = year_key(t) {
            let end = if rest.is_empty() { block_end(i) } else { i + 1 };
            if year == y.prev {
                let next = lines
                    .iter()
                    .skip(end)
                    .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
                let has_cur = next.is_some_and(|n| {
                    indent(n) == ind && year_key(n.trim_start()).is_some_and(|(yr, _)| yr == y.cur)
                });
                if !has_cur {
                    let body = lines.get(i..end).map(|b| b.join("\n")).unwrap_or_default();
                    out.push(pending_budget(ind, &node, y, &budget_fields(&body)));
                }
                i = end;
                continue;
            }
            if year == y.cur {
                let body: Vec<&str> = lines.get(i..end).map(<[&str]>::to_vec).unwrap_or_default();
                out.extend(body.iter().map(|l| l.to_string()));
                out.push(pending_budget(
                    ind,
                    &node,
                    y,
                    &budget_fields(&body.join("\n")),
                ));
                i = end;
                continue;
            }
        }
        out.push(relabel(line, y));
        i += 1;
    }
    join(out, text)
}

/// `plan: { 2024: "a", 2025: "b" }` → `plan: { 2025: "b", 2026: "b" }`: the
/// budget nodes of the new year are those of the old plan year until the
/// author says otherwise (a mapping, not a figure).
fn roll_plan_map(line: &str, y: &Years) -> String {
    let Some(at) = line.find("plan: {") else {
        return line.to_string();
    };
    let head = line.get(..at).unwrap_or("");
    let rest = line.get(at + 7..).unwrap_or("");
    let Some((inner, tail)) = rest.split_once('}') else {
        return line.to_string();
    };
    let cur = inner.split(',').find_map(|kv| {
        let (k, v) = kv.split_once(':')?;
        (k.trim().parse::<u16>().ok()? == y.cur).then(|| v.trim().to_string())
    });
    let map = match cur {
        Some(v) => format!("{{ {}: {v}, {}: {v} }}", y.cur, y.new),
        None => "{}".to_string(),
    };
    format!("{head}plan: {map}{tail}")
}

/// The entries `YYYY: { … }` of a one-line trend map.
fn trend_entries(s: &str) -> Vec<(u16, String)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find(": {") {
        let key = rest.get(..open).unwrap_or("");
        let key = key
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap_or("");
        let after = rest.get(open + 3..).unwrap_or("");
        let Some(close) = after.find('}') else { break };
        if let Ok(year) = key.parse::<u16>() {
            out.push((year, after.get(..close).unwrap_or("").trim().to_string()));
        }
        rest = after.get(close + 1..).unwrap_or("");
    }
    out
}

/// An indicator block of the performance file being rolled: its indent,
/// whether it has a `trend:` line, and its programme's.
struct OpenIndicator {
    indent: usize,
    key: String,
    prog: String,
    has_trend: bool,
    /// The programme's years that the new trend needs (its active years of
    /// the new window but the last); empty when it is not in the ROI table.
    wanted: Vec<u16>,
}

fn roll_perf(text: &str, y: &Years) -> String {
    let mut out = Vec::new();
    let mut prog = String::new();
    let mut ind_key = String::new();
    let last_new = y.hist_new.last().copied().unwrap_or(y.prev);
    let first_new = y.hist_new.first().copied().unwrap_or(y.prev);
    let trend_years: Vec<u16> = y
        .hist_new
        .iter()
        .copied()
        .filter(|yr| *yr != last_new)
        .collect();
    // The programme being read: its active years and whether the ROI
    // table shows it.
    let mut active: Option<Vec<u16>> = None;
    let mut in_roi = true;
    let mut open: Option<OpenIndicator> = None;
    // The indent of the `indicators:` map being read.
    let mut indicators_at: Option<usize> = None;
    // An indicator of the ROI table without a trend (a programme that
    // started in the old window's last year) gets one to supply: that
    // year's 1억원당 figures are history now, no longer the `last` inputs.
    let close = |o: OpenIndicator, out: &mut Vec<String>| {
        if !o.has_trend && !o.wanted.is_empty() {
            let years: Vec<String> = o.wanted.iter().map(u16::to_string).collect();
            out.push(format!(
                "{}trend: {{}}  {SUPPLY_COMMENT} `{}` {} {}년 1억원당 목표·성과(trend)",
                spaces(o.indent + 2),
                o.prog,
                o.key,
                years.join("·")
            ));
        }
    };
    for line in text.lines() {
        let t = line.trim_start();
        let ind = indent(line);
        if !t.is_empty() && !t.starts_with('#') && open.as_ref().is_some_and(|o| ind <= o.indent) {
            if let Some(o) = open.take() {
                close(o, &mut out);
            }
        }
        if !t.is_empty() && !t.starts_with('#') && indicators_at.is_some_and(|i| ind <= i) {
            indicators_at = None;
        }
        if t == "indicators:" {
            indicators_at = Some(ind);
        }
        if let Some(id) = t.strip_prefix("- id:") {
            prog = id.trim().trim_matches('"').to_string();
            active = None;
            in_roi = true;
        }
        if t.starts_with("in_roi_table: false") {
            in_roi = false;
        }
        if let Some(list) = t.strip_prefix("active:") {
            let old: Vec<u16> = list
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .split(',')
                .filter_map(|x| x.trim().parse().ok())
                .collect();
            // A programme that ran in the old window's last year runs on
            // into the new one's, whose results are to supply.
            let mut new: Vec<u16> = old
                .iter()
                .copied()
                .filter(|yr| y.hist_new.contains(yr))
                .collect();
            if old.contains(&last_new.saturating_sub(1)) && !new.contains(&last_new) {
                new.push(last_new);
            }
            let h: Vec<String> = new.iter().map(u16::to_string).collect();
            out.push(format!("{}active: [{}]", spaces(ind), h.join(", ")));
            active = Some(new);
            continue;
        }
        if let Some(k) = t.strip_suffix(':') {
            if !matches!(k, "indicators" | "children" | "programmes" | "results")
                && k.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
            {
                ind_key = k.to_string();
            }
            if indicators_at.is_some_and(|i| ind > i) {
                let wanted = if in_roi {
                    trend_years
                        .iter()
                        .copied()
                        .filter(|yr| active.as_ref().is_none_or(|a| a.contains(yr)))
                        .collect()
                } else {
                    Vec::new()
                };
                open = Some(OpenIndicator {
                    indent: ind,
                    key: k.to_string(),
                    prog: prog.clone(),
                    has_trend: false,
                    wanted,
                });
            }
        }
        if t.starts_with("trend:") {
            if let Some(o) = open.as_mut() {
                o.has_trend = true;
            }
        }
        if t.starts_with("history:") {
            let h: Vec<String> = y.hist_new.iter().map(u16::to_string).collect();
            out.push(format!("{}history: [{}]", spaces(ind), h.join(", ")));
            continue;
        }
        let what = if t.starts_with("budget: {") {
            Some("예산(budget)".to_string())
        } else if t.starts_with("target: {") {
            Some(format!("{ind_key} 목표(target)"))
        } else if t.starts_with("result: {") {
            Some(format!("{ind_key} 성과(result)"))
        } else {
            None
        };
        if let Some(what) = what {
            out.push(format!(
                "{}{SUPPLY_COMMENT} `{prog}` {what}: {last_new}년 값(last), {first_new}~{}년 합계(earlier)",
                spaces(ind),
                last_new.saturating_sub(1)
            ));
            continue;
        }
        if let Some(map) = t.strip_prefix("trend:") {
            let entries = trend_entries(map);
            let wanted = &trend_years;
            let kept: Vec<String> = entries
                .iter()
                .filter(|(yr, _)| wanted.contains(yr))
                .map(|(yr, v)| format!("{yr}: {{ {v} }}"))
                .collect();
            let missing: Vec<String> = wanted
                .iter()
                .filter(|yr| !entries.iter().any(|(e, _)| e == *yr))
                .map(u16::to_string)
                .collect();
            let map = if kept.is_empty() {
                "{}".to_string()
            } else {
                format!("{{ {} }}", kept.join(", "))
            };
            let mut l = format!("{}trend: {map}", spaces(ind));
            if !missing.is_empty() {
                l.push_str(&format!(
                    "  {SUPPLY_COMMENT} `{prog}` {ind_key} {}년 1억원당 목표·성과(trend)",
                    missing.join("·")
                ));
            }
            out.push(l);
            continue;
        }
        out.push(roll_plan_map(line, y));
    }
    if let Some(o) = open.take() {
        close(o, &mut out);
    }
    join(fix_empty_keys(out), text)
}

fn roll_plan(text: &str, y: &Years) -> String {
    let (from, to) = (y.cur, y.new);
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        let ind = indent(line);
        if t.starts_with('#') {
            out.push(line.to_string());
            continue;
        }
        if t == format!("year: {from}") {
            out.push(format!("{}year: {to}", spaces(ind)));
            continue;
        }
        if t.starts_with("history:") {
            let h: Vec<String> = y.hist_new.iter().map(u16::to_string).collect();
            out.push(format!("{}history: [{}]", spaces(ind), h.join(", ")));
            continue;
        }
        if let Some(d) = t.strip_prefix("date:") {
            let d = d.trim().replacen(&from.to_string(), &to.to_string(), 1);
            out.push(format!(
                "{}date: {d}  {SUPPLY_COMMENT} 발간일(edition.date)",
                spaces(ind)
            ));
            continue;
        }
        out.push(line.replace(&format!("{from}년도"), &format!("{to}년도")));
    }
    join(out, text)
}

/// A chart of a static table file that draws a table whose figures move
/// (`table: perf-roi-jobs`, a computed table; not a static table whose
/// columns name their years) has its years moved too: its axis and title
/// ('21 … '25, 2023년) name the years of the window it reads.
fn shift_charts(text: &str, moving: &BTreeSet<String>, y: &Years) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::new();
    let first = y.hist_new.first().map_or(y.prev, |f| f.saturating_sub(1));
    let mut in_charts = false;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        if indent(line) == 0 && !line.trim().is_empty() && !line.starts_with('#') {
            in_charts = line.trim_end() == "charts:";
        }
        let t = line.trim_start();
        if !(in_charts && t.starts_with("- id:")) {
            out.push(line.to_string());
            i += 1;
            continue;
        }
        let ind = indent(line);
        let mut end = i + 1;
        while lines.get(end).is_some_and(|l| {
            l.trim().is_empty() || indent(l) > ind || l.trim_start().starts_with('#')
        }) {
            end += 1;
        }
        let block = lines.get(i..end).unwrap_or_default();
        let reads_moving = block.iter().any(|l| {
            l.trim_start()
                .strip_prefix("table:")
                .is_some_and(|tb| moving.contains(tb.trim()))
        });
        for l in block {
            if !reads_moving || l.trim_start().starts_with('#') {
                out.push(l.to_string());
                continue;
            }
            let mut l = l.to_string();
            // Latest first, so that no year moves twice.
            for yr in (first..=y.cur).rev() {
                let next = yr.saturating_add(1);
                l = l
                    .replace(&format!("'{}", yy(yr)), &format!("'{}", yy(next)))
                    .replace(&format!("{yr}년"), &format!("{next}년"));
            }
            out.push(l);
        }
        i = end;
    }
    join(out, text)
}

/// `printed=` and `accepted="…"` options dropped (the new edition has no
/// published text yet, hence no errata); `update` added to every value of a
/// dataset whose figures move with the year.
fn roll_narrative(text: &str, moving: &BTreeSet<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // `{{count}}` states a printed count too; it keeps counting, unchecked.
    let next = |r: &str| {
        [("{{val ", "val"), ("{{count ", "count")]
            .into_iter()
            .filter_map(|(open, name)| r.find(open).map(|at| (at, open.len(), name)))
            .min()
    };
    while let Some((at, open_len, name)) = next(rest) {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at + open_len..).unwrap_or("");
        let Some(end) = after.find("}}") else {
            out.push_str(rest.get(at..).unwrap_or(""));
            rest = "";
            break;
        };
        let inner = after.get(..end).unwrap_or("");
        // `accepted="…"` holds free text: cut out whole before the split.
        let inner = match inner.split_once("accepted=\"") {
            Some((head, tail)) => match tail.split_once('"') {
                Some((_, rest)) => format!("{head} {rest}"),
                None => inner.to_string(),
            },
            None => inner.to_string(),
        };
        let mut parts = inner.split_whitespace();
        let key = parts.next().unwrap_or("");
        let mut opts: Vec<&str> = parts.filter(|o| !o.starts_with("printed=")).collect();
        let dataset = key.split('.').next().unwrap_or("");
        if name == "val" && moving.contains(dataset) && !opts.contains(&"update") {
            opts.push("update");
        }
        out.push_str("{{");
        out.push_str(name);
        out.push(' ');
        out.push_str(key);
        for o in opts {
            out.push(' ');
            out.push_str(o);
        }
        out.push_str("}}");
        rest = after.get(end + 2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn years() -> Years {
        Years {
            prev: 2024,
            cur: 2025,
            new: 2026,
            hist_new: vec![2022, 2023, 2024],
        }
    }

    #[test]
    fn a_budget_leaf_moves_a_year() {
        let t = "  - id: a\n    amounts:\n      2024: { gov: 1, local: 2 }\n      2025: { gov: 3, targets: { jobs: 4 } }\n    published:\n      budget-plan: { gov_cur: \"3\" }\n";
        let r = roll_budget(&clear(t), &years());
        assert!(!r.contains("2024:"), "{r}");
        assert!(r.contains("2025: { gov: 3, targets: { jobs: 4 } }"), "{r}");
        assert!(
            r.contains("2026: {}  # 자료 입력 필요: `a` 2026년 국비(gov), 목표(targets: jobs)"),
            "{r}"
        );
        assert!(!r.contains("published"), "{r}");
    }

    #[test]
    fn a_trend_drops_its_oldest_year() {
        let t = "  - id: p\n    indicators:\n      jobs:\n        target: { last: 1, earlier: 2 }\n        trend: { 2021: { target: 1.0 }, 2022: { target: 2.0, result: 1.5 } }\n";
        let r = roll_perf(t, &years());
        assert!(
            r.contains(
                "trend: { 2022: { target: 2.0, result: 1.5 } }  # 자료 입력 필요: `p` jobs 2023년"
            ),
            "{r}"
        );
        assert!(
            r.contains("# 자료 입력 필요: `p` jobs 목표(target): 2024년"),
            "{r}"
        );
    }

    #[test]
    fn a_programme_new_in_the_last_year_gets_a_trend_to_supply() {
        let t = "  - id: p\n    active: [2021, 2023]\n    indicators:\n      jobs:\n        target: { last: 1 }\n  - id: q\n    in_roi_table: false\n    indicators:\n      jobs:\n        target: { last: 1 }\n";
        let r = roll_perf(t, &years());
        assert!(r.contains("    active: [2023, 2024]\n"), "{r}");
        assert!(
            r.contains("        trend: {}  # 자료 입력 필요: `p` jobs 2023년 1억원당"),
            "{r}"
        );
        assert_eq!(r.matches("trend:").count(), 1, "{r}");
    }

    #[test]
    fn values_that_move_are_marked() {
        let m: BTreeSet<String> = ["budget".to_string()].into();
        let r = roll_narrative(
            "a {{val budget.x.total_cur printed=\"1.0\" accepted=\"원본 L1 오류\"}} b {{val t.x.y dp=1}}",
            &m,
        );
        assert_eq!(
            r,
            "a {{val budget.x.total_cur update}} b {{val t.x.y dp=1}}"
        );
    }

    #[test]
    fn stated_counts_lose_their_printed_figure() {
        let r = roll_narrative(
            "{{count above where=★ printed=\"6\"}}개, {{count t.x printed=\"13\" accepted=\"원본 L5 오류\"}}개",
            &BTreeSet::new(),
        );
        assert_eq!(r, "{{count above where=★}}개, {{count t.x}}개");
    }
}
