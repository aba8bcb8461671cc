//! `build` never loses or overwrites what planbook did not write, and a
//! reader of --out always finds a whole output (issue 15).

mod common;

use common::copy_content;
use planbook::output::{MARKER, MARKER_TEXT};
use planbook::render::OutFile;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn planbook(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("run planbook")
}

fn build(content: &Path, out: &Path) -> Output {
    planbook(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "build",
            "-q",
            "--content",
            content.to_str().expect("utf-8 path"),
            "--out",
            out.to_str().expect("utf-8 path"),
        ],
    )
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every entry under `root` with the bytes of its files (`None`: a folder;
/// symlinks by their target), to tell that nothing changed.
fn snapshot(root: &Path) -> BTreeMap<String, Option<Vec<u8>>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).expect("ls").map(|e| e.expect("entry")) {
            let p = e.path();
            let key = p
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .into_owned();
            let t = e.file_type().expect("type");
            if t.is_symlink() {
                let to = fs::read_link(&p).expect("link");
                all.insert(key, Some(to.to_string_lossy().as_bytes().to_vec()));
            } else if t.is_dir() {
                all.insert(key, None);
                stack.push(p);
            } else {
                all.insert(key, Some(fs::read(&p).expect("read")));
            }
        }
    }
    all
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .expect("ls")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        // Windows keeps the lock file (see output::swap::Lock).
        .filter(|n| !(cfg!(windows) && n == ".output.lock"))
        .collect();
    v.sort();
    v
}

/// Runs a build that must be refused: exit 2, a message saying why and what
/// to do, and not one byte changed under `root`.
fn assert_refused(root: &Path, content: &Path, out: &Path, why: &str) {
    let before = snapshot(root);
    let o = build(content, out);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(why), "says why: {err}");
    assert!(err.contains("help:"), "says what to do: {err}");
    assert!(err.contains("left as it was"), "{err}");
    assert!(
        before == snapshot(root),
        "nothing under {} changed",
        root.display()
    );
}

#[test]
fn refuses_the_content_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    assert_refused(dir.path(), &content, &content, "names the content folder");
}

#[test]
fn refuses_the_content_folder_named_through_dotdot_and_a_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let sub = fs::read_dir(&content)
        .expect("ls")
        .map(|e| e.expect("entry").path())
        .find(|p| p.is_dir())
        .expect("content has a subfolder");
    assert_refused(
        dir.path(),
        &content,
        &sub.join(".."),
        "names the content folder",
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&content, dir.path().join("alias")).expect("symlink");
        assert_refused(
            dir.path(),
            &content,
            &dir.path().join("alias/."),
            "symbolic link",
        );
        assert_refused(
            dir.path(),
            &content,
            &sub.join("../../alias/.."),
            "holds the content folder",
        );
    }
}

#[test]
fn refuses_the_parent_of_the_content_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    assert_refused(dir.path(), &content, dir.path(), "holds the content folder");
}

#[test]
fn refuses_a_folder_planbook_did_not_write() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let mine = dir.path().join("mine");
    fs::create_dir(&mine).expect("mkdir");
    fs::write(mine.join("notes.txt"), "my notes").expect("write");
    assert_refused(dir.path(), &content, &mine, "did not write");
}

#[test]
fn refuses_a_regular_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let file = dir.path().join("report.html");
    fs::write(&file, "my report").expect("write");
    assert_refused(dir.path(), &content, &file, "is a file");
}

#[test]
fn refuses_a_new_folder_inside_the_content_folder() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    assert_refused(
        dir.path(),
        &content,
        &content.join("output"),
        "inside the content folder",
    );
}

/// The README's first command on a fresh clone: the committed output/
/// holds only `.gitkeep`, which the build accepts and keeps.
#[test]
fn a_fresh_clone_builds_into_its_gitkeep_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_content(dir.path());
    fs::create_dir(dir.path().join("output")).expect("mkdir");
    fs::write(dir.path().join("output/.gitkeep"), "").expect("write");
    for _ in 0..2 {
        let o = planbook(dir.path(), &["build", "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let out = dir.path().join("output");
        assert!(out.join("index.html").is_file());
        assert!(out.join(".gitkeep").is_file(), "the .gitkeep stays");
        assert_eq!(
            fs::read_to_string(out.join(MARKER)).expect("marker"),
            MARKER_TEXT
        );
    }
    assert_eq!(names(dir.path()), ["content", "output"]);
}

#[test]
fn a_build_killed_between_renames_is_put_back_by_the_next_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let out = dir.path().join("output");
    assert!(build(&content, &out).status.success());
    let index = fs::read(out.join("index.html")).expect("index");
    let half = [OutFile {
        path: "index.html".into(),
        bytes: b"half-way build".to_vec(),
    }];
    planbook::output::interrupted_between_renames(&out, &half).expect("first rename");
    assert!(
        !out.exists(),
        "the simulated kill leaves no output/ in place"
    );
    // The next build stops on bad content, and still puts output/ back
    // before anything else.
    fs::write(content.join("plan.yaml"), "[").expect("break the plan");
    let o = build(&content, &out);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("left as it was"));
    assert_eq!(fs::read(out.join("index.html")).expect("index back"), index);
    assert_eq!(names(dir.path()), ["content", "output"]);
}

#[test]
fn staging_folders_of_killed_builds_are_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let out = dir.path().join("output");
    for stale in [".output.new-4242-0-1", ".output.old-4243-0-2"] {
        let p = dir.path().join(stale);
        fs::create_dir_all(p.join("viii")).expect("mkdir");
        fs::write(p.join(MARKER), MARKER_TEXT).expect("marker");
        fs::write(p.join("viii/viii-2.html"), "partial").expect("write");
    }
    // Killed right after creating its staging folder, before the marker.
    fs::create_dir(dir.path().join(".output.new-4244-0-3")).expect("mkdir");
    // Not planbook's, though named like a staging folder: kept.
    fs::create_dir(dir.path().join(".output.new-mine")).expect("mkdir");
    fs::write(dir.path().join(".output.new-mine/notes.txt"), "mine").expect("write");
    let o = build(&content, &out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(dir.path()), [".output.new-mine", "content", "output"]);
    assert!(out.join("index.html").is_file());
}

#[test]
fn concurrent_builds_leave_exactly_one_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = copy_content(dir.path());
    let out = dir.path().join("output");
    let runs: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_planbook"))
                .args(["build", "-q", "--content"])
                .arg(&content)
                .arg("--out")
                .arg(&out)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for r in runs {
        let o = r.wait_with_output().expect("wait");
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(names(dir.path()), ["content", "output"]);
    assert!(out.join(MARKER).is_file());
    assert!(out.join("index.html").is_file());
}

#[test]
fn an_output_file_path_leaving_out_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let page = |path: &str, bytes: &str| OutFile {
        path: path.into(),
        bytes: bytes.as_bytes().to_vec(),
    };
    planbook::output::write_atomic(&out, &[page("index.html", "previous")]).expect("first");
    let before = snapshot(dir.path());
    let absolute = dir.path().join("escaped").to_string_lossy().into_owned();
    for bad in ["../x", "../../x", "a/../../x", absolute.as_str()] {
        let e = planbook::output::write_atomic(
            &out,
            &[page("index.html", "new"), page(bad, "escaped")],
        )
        .expect_err(bad);
        assert!(e.to_string().contains(bad), "names the path: {e}");
        assert!(before == snapshot(dir.path()), "nothing written for {bad}");
    }
    assert!(!dir.path().join("x").exists());
    assert!(!dir.path().join("escaped").exists());
}

fn out_file(path: &str, bytes: &str) -> OutFile {
    OutFile {
        path: path.into(),
        bytes: bytes.as_bytes().to_vec(),
    }
}

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    fs::symlink_metadata(p).expect("stat").ino()
}

/// A rebuild links the files it would write unchanged (the same inode as the
/// previous output's) and writes the changed ones anew; the result is the
/// new output exactly, with every file linked only once.
#[cfg(unix)]
#[test]
fn a_rebuild_links_unchanged_files_and_writes_changed_ones() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    let first = [
        out_file("index.html", "same"),
        out_file("a/b.html", "old"),
        out_file("a/c.html", "same too"),
    ];
    planbook::output::write_atomic(&out, &first).expect("first");
    let before = [
        inode(&out.join("index.html")),
        inode(&out.join("a/b.html")),
        inode(&out.join("a/c.html")),
    ];
    let second = [
        out_file("index.html", "same"),
        out_file("a/b.html", "new"),
        out_file("a/c.html", "same too"),
    ];
    planbook::output::write_atomic(&out, &second).expect("second");
    assert_eq!(
        inode(&out.join("index.html")),
        before[0],
        "unchanged: linked"
    );
    assert_eq!(inode(&out.join("a/c.html")), before[2], "unchanged: linked");
    assert_ne!(inode(&out.join("a/b.html")), before[1], "changed: written");
    for f in &second {
        let p = out.join(&f.path);
        assert_eq!(fs::read(&p).expect("read"), f.bytes, "{}", f.path);
        assert_eq!(fs::metadata(&p).expect("stat").nlink(), 1, "{}", f.path);
    }
    assert_eq!(names(dir.path()), ["output"]);
}

/// A file of the output that the user linked elsewhere is not linked into
/// the new output: a later in-place write to the output (as `build --pdf`
/// does to the print documents) must not reach the user's file.
#[cfg(unix)]
#[test]
fn a_file_linked_from_outside_is_written_not_linked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    planbook::output::write_atomic(&out, &[out_file("print.html", "page")]).expect("first");
    let mine = dir.path().join("mine.html");
    fs::hard_link(out.join("print.html"), &mine).expect("user's link");
    planbook::output::write_atomic(&out, &[out_file("print.html", "page")]).expect("second");
    assert_ne!(inode(&out.join("print.html")), inode(&mine));
    fs::write(out.join("print.html"), "rewritten in place").expect("write");
    assert_eq!(fs::read_to_string(&mine).expect("read"), "page");
}

/// Symlinks in the previous output (a folder or a file pointing outside,
/// to a file with the very bytes the build writes) are never followed to
/// link a file from outside the output into it.
#[cfg(unix)]
#[test]
fn symlinks_in_the_previous_output_are_not_followed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    planbook::output::write_atomic(&out, &[out_file("x.html", "x")]).expect("first");
    let outside = dir.path().join("outside");
    fs::create_dir(&outside).expect("mkdir");
    fs::write(outside.join("b.html"), "same bytes").expect("write");
    fs::write(outside.join("c.html"), "same bytes").expect("write");
    std::os::unix::fs::symlink(&outside, out.join("a")).expect("dir link");
    std::os::unix::fs::symlink(outside.join("c.html"), out.join("c.html")).expect("file link");
    let files = [
        out_file("a/b.html", "same bytes"),
        out_file("c.html", "same bytes"),
    ];
    planbook::output::write_atomic(&out, &files).expect("second");
    for (inside, theirs) in [("a/b.html", "b.html"), ("c.html", "c.html")] {
        let p = out.join(inside);
        assert!(
            fs::symlink_metadata(&p).expect("stat").is_file(),
            "{inside}"
        );
        assert_ne!(inode(&p), inode(&outside.join(theirs)), "{inside}");
        fs::write(&p, "rewritten in place").expect("write");
        assert_eq!(
            fs::read_to_string(outside.join(theirs)).expect("read"),
            "same bytes"
        );
    }
    assert!(
        out.join("a").is_dir()
            && !fs::symlink_metadata(out.join("a"))
                .expect("stat")
                .file_type()
                .is_symlink()
    );
}

/// A folder without the marker lends nothing: its files are never linked,
/// even when the build writes their bytes (here a folder holding only a
/// .gitkeep, which planbook accepts as an output).
#[cfg(unix)]
#[test]
fn only_a_marked_previous_output_lends_its_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("output");
    fs::create_dir(&out).expect("mkdir");
    fs::write(out.join(".gitkeep"), "").expect("write");
    let keep = inode(&out.join(".gitkeep"));
    // The render writes a .gitkeep too (an empty one, like this one).
    let files = [out_file(".gitkeep", ""), out_file("a.html", "a")];
    planbook::output::write_atomic(&out, &files).expect("build");
    assert_ne!(
        inode(&out.join(".gitkeep")),
        keep,
        ".gitkeep is written, not linked"
    );
    assert_eq!(fs::read_to_string(out.join("a.html")).expect("read"), "a");
}
