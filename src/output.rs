//! Writing the output tree atomically: everything goes to a fresh sibling
//! folder first, which replaces the old output only when complete. A failed
//! build leaves the previous output/ exactly as it was.

use crate::render::OutFile;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    out.with_file_name(format!(".{name}.{tag}-{}", std::process::id()))
}

pub fn write_atomic(out: &Path, files: &[OutFile]) -> io::Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent)?;
    }
    let staging = sibling(out, "new");
    if staging.exists() {
        fs::remove_dir_all(&staging)?;
    }
    let result = (|| {
        for f in files {
            let p = staging.join(&f.path);
            if let Some(dir) = p.parent() {
                fs::create_dir_all(dir)?;
            }
            fs::write(&p, &f.bytes)?;
        }
        Ok::<(), io::Error>(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    let old = sibling(out, "old");
    if out.exists() {
        fs::rename(out, &old)?;
    }
    if let Err(e) = fs::rename(&staging, out) {
        // Put the previous output back before reporting.
        if old.exists() {
            let _ = fs::rename(&old, out);
        }
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if old.exists() {
        fs::remove_dir_all(&old)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_whole_tree() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("output");
        fs::create_dir_all(out.join("stale")).expect("mkdir");
        fs::write(out.join("stale/x.html"), "old").expect("write");
        let files = vec![OutFile {
            path: "a/b.txt".into(),
            bytes: b"new".to_vec(),
        }];
        write_atomic(&out, &files).expect("write");
        assert_eq!(
            fs::read_to_string(out.join("a/b.txt")).expect("read"),
            "new"
        );
        assert!(!out.join("stale").exists());
        let leftovers: Vec<_> = fs::read_dir(dir.path()).expect("ls").collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left behind");
    }
}
