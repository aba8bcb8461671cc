#![allow(dead_code)]
//! Shared helpers for integration tests.

use std::fs;
use std::path::{Path, PathBuf};

pub fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}

/// Copies the embedded 2025 plan so that a test can edit it.
pub fn copy_content(to: &Path) -> PathBuf {
    let dst = to.join("content");
    copy_dir(&content_dir(), &dst);
    dst
}

pub fn sample_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("samples")
        .join(name)
}

/// Copies a plan of samples/ so that a test can edit it.
pub fn copy_sample_plan(name: &str, to: &Path) -> PathBuf {
    let dst = to.join("sample");
    copy_dir(&sample_dir(name), &dst);
    dst
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for e in fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

pub fn replace_in(path: &Path, from: &str, to: &str) {
    let s = fs::read_to_string(path).expect("read");
    assert_eq!(
        s.matches(from).count(),
        1,
        "`{from}` must occur once in {}",
        path.display()
    );
    fs::write(path, s.replacen(from, to, 1)).expect("write");
}

/// CSV rows (BOM stripped), split on commas outside quotes.
/// RFC 4180 records (quoted fields may hold line breaks); the BOM required.
pub fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let text = fs::read_to_string(path).expect("csv");
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or_else(|| panic!("{} starts with a BOM", path.display()));
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => row.push(std::mem::take(&mut cur)),
            '\r' if !quoted => {}
            '\n' if !quoted => {
                row.push(std::mem::take(&mut cur));
                rows.push(std::mem::take(&mut row));
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() || !row.is_empty() {
        row.push(cur);
        rows.push(row);
    }
    rows
}

pub fn csv_cell(rows: &[Vec<String>], row_id: &str, header: &str) -> String {
    let col = rows[0]
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header}"));
    rows.iter()
        .find(|r| r[0] == row_id)
        .unwrap_or_else(|| panic!("no row {row_id}"))[col]
        .clone()
}
