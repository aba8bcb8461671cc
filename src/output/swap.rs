//! Replacing the output: lock, recovery of killed builds, staging, exchange.

use super::target::{ownership, Found, Target};
use super::{checked_path, OutError, MARKER, MARKER_TEXT};
use crate::render::OutFile;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// How the new output is moved in. Only tests choose anything but `Exchange`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// One atomic exchange where the OS has it, else the two renames.
    Exchange,
    /// The two renames even where an exchange is possible.
    #[cfg(test)]
    TwoRenames,
    /// The two renames' first half only, as if killed in between.
    StopAfterFirstRename,
}

impl Target {
    /// Replaces the output with `files` (and the marker).
    pub fn write(&self, files: &[OutFile]) -> Result<(), OutError> {
        self.write_with(files, Mode::Exchange)
    }

    /// Puts back an output stranded by a build killed between its two
    /// renames, and removes staging folders killed builds left. Takes the
    /// lock only when there is something to do, so that a build that stops
    /// on bad content writes nothing beside the output either.
    pub fn recover(&self) -> Result<(), OutError> {
        if self.staging_folders().is_empty() {
            return Ok(());
        }
        let _lock = self.lock()?;
        self.recover_locked()?;
        self.clean_stale();
        Ok(())
    }

    pub(super) fn write_with(&self, files: &[OutFile], mode: Mode) -> Result<(), OutError> {
        // Every path is checked before anything is created.
        for f in files {
            checked_path(&f.path)?;
        }
        fs::create_dir_all(&self.parent)
            .map_err(|e| OutError::io(format!("cannot create {}", self.parent.display()), e))?;
        let _lock = self.lock()?;
        self.recover_locked()?;
        self.clean_stale();
        // Checked again under the lock: the folder may have changed since
        // the build started.
        let found = self.found()?;
        let staging = self.unique_sibling("new");
        fs::create_dir(&staging)
            .map_err(|e| OutError::io(format!("cannot create {}", staging.display()), e))?;
        if let Err(e) = self.fill(&staging, files, found) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        if found == Found::Missing {
            return fs::rename(&staging, self.path()).map_err(|e| {
                let _ = fs::remove_dir_all(&staging);
                OutError::io(format!("cannot create {}", self.shown.display()), e)
            });
        }
        self.swap(&staging, mode)
    }

    /// Writes the staging folder. The marker goes first, so that a staging
    /// folder left by a killed build is recognisably planbook's.
    fn fill(&self, staging: &Path, files: &[OutFile], found: Found) -> Result<(), OutError> {
        write_new(&staging.join(MARKER), MARKER_TEXT.as_bytes())
            .map_err(|e| self.cannot_write(MARKER, e))?;
        // Only a folder the marker proves planbook's lends its files.
        let previous = (found == Found::Previous).then(|| self.path());
        // The folders first, each once; then the files, which are
        // independent, half on each core (a file costs a few system calls,
        // and there are hundreds).
        let mut dirs = std::collections::BTreeMap::new();
        for f in files {
            if let Some(dir) = checked_path(&f.path)?.parent() {
                dirs.entry(dir).or_insert(f.path.as_str());
            }
        }
        for (dir, file) in dirs {
            fs::create_dir_all(staging.join(dir)).map_err(|e| self.cannot_write(file, e))?;
        }
        let put = |f: &OutFile| -> Result<(), OutError> {
            let rel = checked_path(&f.path)?;
            let p = staging.join(rel);
            if let Some(prev) = previous.as_deref() {
                if reuse(prev, rel, &f.bytes, &p) {
                    return Ok(());
                }
            }
            write_new(&p, &f.bytes).map_err(|e| self.cannot_write(&f.path, e))
        };
        let (even, odd) = std::thread::scope(|s| {
            let odd = s.spawn(|| files.iter().skip(1).step_by(2).try_for_each(put));
            let even = files.iter().step_by(2).try_for_each(put);
            (even, odd.join())
        });
        even?;
        odd.map_err(|_| {
            OutError::io(
                format!("cannot write {}", self.shown.display()),
                io::Error::other("a writing thread panicked"),
            )
        })??;
        // The repository commits an otherwise empty output/ with a .gitkeep;
        // carrying it over keeps `git status` clean after a build.
        if found != Found::Missing {
            let keep = self.path().join(".gitkeep");
            if fs::symlink_metadata(&keep).is_ok_and(|m| m.is_file()) {
                let bytes = fs::read(&keep).map_err(|e| self.cannot_write(".gitkeep", e))?;
                match write_new(&staging.join(".gitkeep"), &bytes) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        return Err(self.cannot_write(".gitkeep", e))
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }

    fn cannot_write(&self, file: &str, e: io::Error) -> OutError {
        OutError::io(
            format!("cannot write {file} of {}", self.shown.display()),
            e,
        )
    }

    fn swap(&self, staging: &Path, mode: Mode) -> Result<(), OutError> {
        let path = self.path();
        let failed = |e| OutError::io(format!("cannot replace {}", self.shown.display()), e);
        if mode == Mode::Exchange {
            match exchange(staging, &path) {
                Ok(true) => {
                    // `staging` now holds the old output. Should removing it
                    // fail, the next build removes it (it is planbook's).
                    let _ = fs::remove_dir_all(staging);
                    return Ok(());
                }
                Ok(false) => {}
                Err(e) => {
                    let _ = fs::remove_dir_all(staging);
                    return Err(failed(e));
                }
            }
        }
        // No exchange here (Windows, most unixes, or a filesystem that
        // refuses it): two renames, between which there is no output at
        // `path`. A build killed there leaves the old output in `.NAME.old-…`
        // and the next build puts it back (recover_locked) before anything else.
        let old = self.unique_sibling("old");
        if let Err(e) = fs::rename(&path, &old) {
            let _ = fs::remove_dir_all(staging);
            return Err(failed(e));
        }
        if mode == Mode::StopAfterFirstRename {
            return Ok(());
        }
        if let Err(e) = fs::rename(staging, &path) {
            if fs::rename(&old, &path).is_ok() {
                let _ = fs::remove_dir_all(staging);
                return Err(failed(e));
            }
            return Err(OutError::Stranded {
                out: self.shown.clone(),
                old,
                err: e,
            });
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    }

    /// Holds `.NAME.lock` beside the output until dropped.
    fn lock(&self) -> Result<Lock, OutError> {
        let path = self.sibling("lock");
        let err = |e| OutError::io(format!("cannot lock {}", path.display()), e);
        let mut said = false;
        loop {
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(err)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    if !said {
                        crate::cli::say(&format!(
                            "waiting for another build of {} …\n",
                            self.shown.display()
                        ));
                        said = true;
                    }
                    file.lock().map_err(err)?;
                }
                Err(fs::TryLockError::Error(e)) => return Err(err(e)),
            }
            // The build before us may have removed the file while we waited
            // on it (see Lock's drop); a lock on a removed file excludes no
            // one, so take the file now at the path instead.
            if is_file_at(&file, &path) {
                return Ok(Lock { _file: file, path });
            }
        }
    }

    /// With the lock held: if there is no output but a previous one was
    /// moved aside by a killed build, it is put back.
    fn recover_locked(&self) -> Result<(), OutError> {
        let path = self.path();
        if fs::symlink_metadata(&path).is_ok() {
            return Ok(());
        }
        let newest = self
            .staging_folders()
            .into_iter()
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.contains(".old-"))
            })
            .filter(|p| matches!(ownership(p), Ok(Some(Found::Previous))))
            .filter_map(|p| Some((fs::metadata(&p).ok()?.modified().ok()?, p)))
            .max();
        if let Some((_, old)) = newest {
            fs::rename(&old, &path).map_err(|e| {
                OutError::io(
                    format!(
                        "cannot put the previous output {} back to {}",
                        old.display(),
                        self.shown.display()
                    ),
                    e,
                )
            })?;
        }
        Ok(())
    }

    /// With the lock held no other build is running, so every staging
    /// folder is a killed build's. Only folders planbook recognises as its
    /// own (marker, or empty) are removed.
    fn clean_stale(&self) {
        for p in self.staging_folders() {
            if ownership(&p).is_ok_and(|o| o.is_some()) {
                let _ = fs::remove_dir_all(&p);
            }
        }
    }

    /// `.NAME.new-…` and `.NAME.old-…` folders (not symlinks) beside the output.
    fn staging_folders(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.parent) else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter(|e| self.is_staging_name(&e.file_name()) == Some(true))
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect()
    }

    /// A staging name no other process or call uses: pid, a per-process
    /// count, and the clock (in case a pid is reused while a folder remains).
    fn unique_sibling(&self, tag: &str) -> PathBuf {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        self.sibling(&format!(
            "{tag}-{}-{}-{nanos:x}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        ))
    }
}

/// The lock on `.NAME.lock`, released when dropped.
struct Lock {
    /// Held for its lock, which closing it releases.
    _file: File,
    path: PathBuf,
}

impl Drop for Lock {
    /// On unix the lock file is removed while still locked, so that a
    /// build leaves nothing beside the output; a build waiting on the
    /// removed file notices and retries (`is_file_at`). Windows keeps the
    /// file: std cannot tell there whether the file at the path is the one
    /// locked, and removing it would let two builds hold "the" lock.
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = fs::remove_file(&self.path);
    }
}

/// Whether `path` still names the open `file`.
#[cfg(unix)]
fn is_file_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_file_at(_: &File, _: &Path) -> bool {
    true
}

/// Hard-links the previous output's `rel` to `new` (in the staging folder)
/// when its bytes are `bytes`: an unchanged file of a rebuild costs a link,
/// not a new inode and a write. The new output is still built whole in the
/// staging folder and swapped in, so a reader sees the old or the new output.
///
/// Only a regular file reached through real folders of the previous output
/// (no symlink anywhere on the way, none followed), and one with no other
/// link (`nlink` 1): a file the user linked elsewhere stays out of the new
/// output, so that no later in-place write to the output (`build --pdf`
/// rewrites the print documents) can reach a file outside it. After the
/// swap the previous output is removed and the link count is 1 again.
/// `false` (write the bytes instead) on any doubt or failure, such as a
/// filesystem without hard links (FAT, some network shares; Windows falls
/// back the same way).
fn reuse(prev_root: &Path, rel: &Path, bytes: &[u8], new: &Path) -> bool {
    let Some(at) = inside(prev_root, rel) else {
        return false;
    };
    let Ok(before) = fs::symlink_metadata(&at) else {
        return false;
    };
    if before.len() != bytes.len() as u64 || !sole_link(&before) {
        return false;
    }
    let same_bytes = fs::read(&at).is_ok_and(|b| b == bytes);
    if !same_bytes || fs::hard_link(&at, new).is_err() {
        return false;
    }
    // What was linked must be what was checked (the previous output is
    // planbook's and the lock is held, but a user may still touch it).
    match fs::symlink_metadata(new) {
        Ok(m) if m.file_type().is_file() && same_file(&m, &before) && m.len() == before.len() => {
            true
        }
        _ => {
            let _ = fs::remove_file(new);
            false
        }
    }
}

/// `root/rel` when every folder on the way is a folder and `rel` a regular
/// file: no symbolic link leads out of the previous output.
fn inside(root: &Path, rel: &Path) -> Option<PathBuf> {
    let mut at = root.to_path_buf();
    let mut parts = rel.components().peekable();
    while let Some(c) = parts.next() {
        at.push(c);
        let m = fs::symlink_metadata(&at).ok()?;
        let last = parts.peek().is_none();
        if (last && !m.file_type().is_file()) || (!last && !m.file_type().is_dir()) {
            return None;
        }
    }
    Some(at)
}

impl Target {
    /// A file of the output this build replaces, when that output is
    /// planbook's, the file is regular and under `limit` bytes; else none.
    /// For what a rebuild may take again (the web fonts).
    pub fn previous_file(&self, rel: &str, limit: u64) -> Option<Vec<u8>> {
        if self.found().ok()? != Found::Previous {
            return None;
        }
        let at = inside(&self.path(), checked_path(rel).ok()?)?;
        if fs::symlink_metadata(&at).ok()?.len() > limit {
            return None;
        }
        fs::read(at).ok()
    }
}

#[cfg(unix)]
fn sole_link(m: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    m.nlink() == 1
}

#[cfg(unix)]
fn same_file(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

/// Without a link count or inode numbers in std, nothing is reused: the
/// bytes are written, as before.
#[cfg(not(unix))]
fn sole_link(_: &fs::Metadata) -> bool {
    false
}

#[cfg(not(unix))]
fn same_file(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}

/// Creates `p`, failing if anything (a file, a symlink) is already there.
fn write_new(p: &Path, bytes: &[u8]) -> io::Result<()> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(p)?
        .write_all(bytes)
}

/// Swaps two paths in one step (Linux `renameat2(RENAME_EXCHANGE)`, macOS
/// `renamex_np(RENAME_SWAP)`). `Ok(false)`: not available here.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // Old kernels (ENOSYS) and filesystems without the exchange
        // (EINVAL, ENOTSUP) take the two renames.
        Err(e) if e == Errno::NOSYS || e == Errno::INVAL || e == Errno::NOTSUP => Ok(false),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(_: &Path, _: &Path) -> io::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exchange_swaps_or_says_it_cannot() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).expect("mkdir");
        fs::create_dir(&b).expect("mkdir");
        fs::write(a.join("x"), "a").expect("write");
        fs::write(b.join("x"), "b").expect("write");
        let swapped = exchange(&a, &b).expect("exchange");
        let (in_a, in_b) = (
            fs::read_to_string(a.join("x")).expect("read"),
            fs::read_to_string(b.join("x")).expect("read"),
        );
        if swapped {
            assert_eq!((in_a.as_str(), in_b.as_str()), ("b", "a"));
        } else {
            assert_eq!((in_a.as_str(), in_b.as_str()), ("a", "b"));
        }
        // Not asserted: some filesystems (older ZFS, some network ones)
        // lack the exchange, and the fallback covers them.
        eprintln!("exchange available here: {swapped}");
    }

    /// A build that waited on the lock file while its holder removed it must
    /// not go on holding a lock on the removed file: a third build would
    /// then lock a new file at the path and run alongside it.
    #[cfg(unix)]
    #[test]
    fn a_waiter_takes_the_lock_file_now_at_the_path() {
        use std::sync::mpsc;
        use std::time::Duration;
        let dir = tempfile::tempdir().expect("tempdir");
        let t = Target::resolve(None, &dir.path().join("output")).expect("resolve");
        let first = t.lock().expect("first lock");
        let (tx, rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let t2 = t.clone();
        let waiter = std::thread::spawn(move || {
            let held = t2.lock().expect("second lock");
            tx.send(()).expect("send");
            release_rx.recv().expect("recv");
            drop(held);
        });
        assert!(
            rx.recv_timeout(Duration::from_millis(200)).is_err(),
            "waits"
        );
        drop(first);
        rx.recv_timeout(Duration::from_secs(10))
            .expect("second build gets the lock");
        let third = File::open(t.sibling("lock")).expect("the lock file is at the path");
        assert!(
            matches!(third.try_lock(), Err(fs::TryLockError::WouldBlock)),
            "a third build must wait for the second"
        );
        release_tx.send(()).expect("send");
        waiter.join().expect("join");
        assert!(!t.sibling("lock").exists(), "the last holder removes it");
    }
}
