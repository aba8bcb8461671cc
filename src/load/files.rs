//! Reading the files a plan names, and nothing else: every path the content
//! gives is resolved inside the content folder (no absolute paths, no `..`,
//! no symlink that leads out), must be a regular file (not a FIFO that blocks
//! for ever, not `/dev/zero`), and is read with a size limit.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The largest file planbook reads: a million-row table is about 60 MB of
/// YAML; anything beyond this is a mistake or an attack, not a plan.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The content folder, canonicalised once so that every check compares
/// resolved paths.
#[derive(Debug, Clone)]
pub struct Root {
    /// As the user gave it: diagnostics show paths under this.
    pub given: PathBuf,
    canonical: PathBuf,
}

impl Root {
    pub fn new(dir: &Path) -> std::io::Result<Root> {
        Ok(Root {
            given: dir.to_path_buf(),
            canonical: std::fs::canonicalize(dir)?,
        })
    }

    /// `rel` (a path written in the content, `/`-separated) under the content
    /// folder, or why it may not be read.
    pub fn resolve(&self, rel: &str) -> Result<PathBuf, String> {
        let p = Path::new(rel);
        if rel.trim().is_empty() {
            return Err("the path is empty".into());
        }
        for c in p.components() {
            match c {
                Component::Normal(_) | Component::CurDir => {}
                Component::ParentDir => {
                    return Err(format!(
                        "`{rel}` goes up with `..`: paths in the content stay inside the content folder"
                    ))
                }
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!(
                        "`{rel}` is an absolute path: write it relative to the content folder"
                    ))
                }
            }
        }
        // A Windows drive-relative path such as `C:x` has a prefix only there;
        // refuse it everywhere so that a plan behaves the same on every OS.
        if rel.contains(':') || rel.starts_with('\\') {
            return Err(format!(
                "`{rel}` is not a plain relative path: write it relative to the content folder with `/`"
            ));
        }
        Ok(self.given.join(p))
    }

    /// Checks that an existing `path` (under `given`) resolves inside the
    /// content folder and is a regular file.
    pub fn check_file(&self, path: &Path) -> Result<(), String> {
        let real = std::fs::canonicalize(path).map_err(|e| format!("cannot be read: {e}"))?;
        if !real.starts_with(&self.canonical) {
            return Err(
                "leads outside the content folder (through a symlink): copy the file into the content folder"
                    .into(),
            );
        }
        let meta = std::fs::metadata(&real).map_err(|e| format!("cannot be read: {e}"))?;
        if !meta.is_file() {
            return Err("is not a regular file".into());
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(format!(
                "is {} MiB, larger than the {} MiB a content file may have",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ));
        }
        Ok(())
    }

    /// Checks that a folder named by the content resolves inside it.
    pub fn check_dir(&self, path: &Path) -> Result<(), String> {
        let real = std::fs::canonicalize(path).map_err(|e| format!("{e}"))?;
        if !real.starts_with(&self.canonical) {
            return Err("it leads outside the content folder (through a symlink)".into());
        }
        if !real.is_dir() {
            return Err("it is not a folder".into());
        }
        Ok(())
    }

    /// Reads a checked file as UTF-8, never more than the limit (the file
    /// may grow between the check and the read).
    pub fn read(&self, path: &Path) -> Result<String, String> {
        self.check_file(path)?;
        let f = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
        let mut bytes = Vec::new();
        f.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot be read: {e}"))?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "is larger than the {} MiB a content file may have",
                MAX_FILE_BYTES >> 20
            ));
        }
        String::from_utf8(bytes).map_err(|e| {
            format!(
                "is not UTF-8 text (byte {}): save it as UTF-8",
                e.utf8_error().valid_up_to()
            )
        })
    }

    /// True when `path` exists as something planbook could read (used for
    /// the conventional narrative paths, which are optional).
    pub fn exists(&self, path: &Path) -> bool {
        std::fs::symlink_metadata(path).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_paths_that_leave_the_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = Root::new(dir.path()).expect("root");
        assert!(root.resolve("data/x.yaml").is_ok());
        assert!(root.resolve("./data/x.yaml").is_ok());
        for bad in [
            "../x",
            "data/../../x",
            "/etc/passwd",
            "C:/x",
            "c:x",
            "\\\\server\\x",
            "",
        ] {
            assert!(root.resolve(bad).is_err(), "{bad}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_out_fifos_and_devices() {
        let dir = tempfile::tempdir().expect("tempdir");
        let outside = tempfile::tempdir().expect("tempdir");
        std::fs::write(outside.path().join("secret"), "secret").expect("write");
        std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("link"))
            .expect("symlink");
        std::fs::write(dir.path().join("ok"), "fine").expect("write");
        std::os::unix::fs::symlink(dir.path().join("ok"), dir.path().join("inner"))
            .expect("symlink");
        let root = Root::new(dir.path()).expect("root");
        assert!(root.read(&dir.path().join("link")).is_err());
        assert_eq!(root.read(&dir.path().join("inner")).as_deref(), Ok("fine"));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            assert!(root.read(&fifo).is_err(), "a FIFO is refused, not read");
        }
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero")).expect("symlink");
        assert!(root.read(&dir.path().join("zero")).is_err());
    }
}
