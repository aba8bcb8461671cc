//! Where `--out` really is, and whether planbook may replace it. Nothing
//! here writes: a refusal leaves every file as it was.

use super::{OutError, MARKER};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// A resolved output folder: `parent` is a real (canonical) path, possibly
/// not existing yet, and `name` the output's own name in it. All later work
/// uses this path, so that what was checked is what gets replaced.
#[derive(Debug, Clone)]
pub struct Target {
    /// `--out` as the user wrote it, for messages.
    pub(super) shown: PathBuf,
    pub(super) parent: PathBuf,
    pub(super) name: OsString,
}

/// What is at the output path now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Found {
    Missing,
    /// An empty folder: nothing to lose. Accepted so that `mkdir out` then
    /// `build --out out` works.
    Empty,
    /// Only `.gitkeep`: the repository's committed, otherwise empty `output/`
    /// of a fresh clone. The `.gitkeep` is carried into the new output.
    GitkeepOnly,
    /// A previous planbook output (has the marker).
    Previous,
}

impl Target {
    /// Resolves `out` and refuses anything planbook must not replace. With
    /// `content`, also refuses the content folder, a folder holding it, and
    /// a folder inside it that is not already a planbook output.
    pub fn resolve(content: Option<&Path>, out: &Path) -> Result<Target, OutError> {
        let cwd = std::env::current_dir()
            .map_err(|e| OutError::io("cannot tell the current folder", e))?;
        let cwd_real = real_path(&cwd)?;
        let joined = cwd.join(out);
        // The last component is kept as written (not resolved) so that a
        // symlink at the output path is seen as a symlink and refused, not
        // silently followed to whatever it points at.
        let (parent, name) = match joined.components().next_back() {
            Some(Component::Normal(name)) => {
                let parent = joined.parent().unwrap_or(&joined);
                (real_path(parent)?, name.to_os_string())
            }
            _ => {
                let full = real_path(&joined)?;
                match (full.parent(), full.file_name()) {
                    (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
                    _ => return Err(refused(out, ROOT.0, ROOT.1)),
                }
            }
        };
        let t = Target {
            shown: out.to_path_buf(),
            parent,
            name,
        };
        let path = t.path();
        if let Some(content) = content {
            let content_real = real_path(&cwd.join(content))?;
            if path == content_real {
                return Err(refused(
                    out,
                    "it names the content folder",
                    "choose another folder such as output",
                ));
            }
            if content_real.starts_with(&path) {
                return Err(refused(
                    out,
                    &format!("it holds the content folder {}", content.display()),
                    "choose a folder beside the content folder, such as output",
                ));
            }
            if path.starts_with(&content_real) && t.found()? != Found::Previous {
                return Err(refused(
                    out,
                    &format!("it is inside the content folder {}", content.display()),
                    "choose a folder outside the plan, such as output beside it",
                ));
            }
        }
        if cwd_real.starts_with(&path) {
            return Err(refused(
                out,
                "it is the current folder or a folder above it",
                "choose a new folder below it, such as output",
            ));
        }
        t.found()?;
        Ok(t)
    }

    /// The output path, resolved.
    pub fn path(&self) -> PathBuf {
        self.parent.join(&self.name)
    }

    /// `.NAME.tag` beside the output.
    pub(super) fn sibling(&self, tag: &str) -> PathBuf {
        let mut n = OsString::from(".");
        n.push(&self.name);
        n.push(".");
        n.push(tag);
        self.parent.join(n)
    }

    /// Whether a name in the parent is one of this output's staging folders.
    pub(super) fn is_staging_name(&self, name: &OsStr) -> Option<bool> {
        let name = name.to_str()?;
        let own = self.name.to_str()?;
        let rest = name.strip_prefix('.')?.strip_prefix(own)?;
        Some(rest.starts_with(".new-") || rest.starts_with(".old-"))
    }

    /// What is at the output path, refusing what planbook must not replace.
    pub(super) fn found(&self) -> Result<Found, OutError> {
        let path = self.path();
        let meta = match fs::symlink_metadata(&path) {
            Ok(m) => m,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::Missing),
            Err(e) => return Err(OutError::io(format!("cannot read {}", path.display()), e)),
        };
        if meta.file_type().is_symlink() {
            return Err(refused(
                &self.shown,
                "it is a symbolic link; planbook replaces only folders it wrote",
                "name the folder itself, or choose another folder such as output",
            ));
        }
        if !meta.is_dir() {
            return Err(refused(
                &self.shown,
                "it is a file, not a folder",
                "choose a folder such as output; planbook never replaces a file",
            ));
        }
        match ownership(&path)? {
            Some(found) => Ok(found),
            None => Err(refused(
                &self.shown,
                &format!(
                    "the folder holds files planbook did not write (it has no {MARKER} marker)"
                ),
                &format!(
                    "choose a new or empty folder; if {} is the output of an older planbook, delete it once",
                    self.shown.display()
                ),
            )),
        }
    }
}

/// Whether a folder is planbook's to replace or remove, and as what.
pub(super) fn ownership(dir: &Path) -> Result<Option<Found>, OutError> {
    let read_err = |e| OutError::io(format!("cannot read {}", dir.display()), e);
    let mut only_gitkeep = false;
    for entry in fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let name = entry.file_name();
        let is_file = entry.file_type().map_err(read_err)?.is_file();
        if name == MARKER && is_file {
            return Ok(Some(Found::Previous));
        }
        if name == ".gitkeep" && is_file {
            only_gitkeep = true;
        } else {
            // Keep looking: the marker may come later in the listing.
            return marker_in(dir).map(|m| m.then_some(Found::Previous));
        }
    }
    Ok(Some(if only_gitkeep {
        Found::GitkeepOnly
    } else {
        Found::Empty
    }))
}

fn marker_in(dir: &Path) -> Result<bool, OutError> {
    match fs::symlink_metadata(dir.join(MARKER)) {
        Ok(m) => Ok(m.is_file()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(OutError::io(format!("cannot read {}", dir.display()), e)),
    }
}

const ROOT: (&str, &str) = (
    "it is the root of the filesystem",
    "choose a new folder such as output",
);

fn refused(out: &Path, why: &str, help: &str) -> OutError {
    OutError::Refused {
        out: out.to_path_buf(),
        why: why.to_string(),
        help: help.to_string(),
    }
}

/// `p` with symlinks, `.` and `..` resolved, also when its tail does not
/// exist yet: the nearest existing ancestor is canonicalized and the rest
/// appended (a `..` there drops the missing folder before it, which is what
/// creating the path would do). Canonical paths on Windows carry the `\\?\`
/// prefix; every path compared here goes through this function, so they
/// compare alike.
fn real_path(p: &Path) -> Result<PathBuf, OutError> {
    let parts: Vec<Component> = p.components().collect();
    for keep in (1..=parts.len()).rev() {
        let head: PathBuf = parts[..keep].iter().collect();
        if let Ok(mut real) = fs::canonicalize(&head) {
            for c in &parts[keep..] {
                match c {
                    Component::Normal(n) => real.push(n),
                    Component::ParentDir => {
                        real.pop();
                    }
                    _ => {}
                }
            }
            return Ok(real);
        }
    }
    Err(OutError::io(
        format!("cannot resolve {}", p.display()),
        io::Error::from(io::ErrorKind::NotFound),
    ))
}
