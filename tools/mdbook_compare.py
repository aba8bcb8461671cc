#!/usr/bin/env python3
"""Times `planbook build` against `mdbook build` of the same text, in one run.

The mdBook book is made from the content folder's narrative Markdown: one
chapter per narrative file (front pages, chapter sections and items,
attachments, then the summary edition's files), in the outline's order from
plan.yaml, titled as the outline titles them; SUMMARY.md nests items under
their section and sections under their chapter. planbook's directives
({{table …}}, ::: keypoint …) stay in the text as mdBook sees them: mdBook
renders the same words, planbook renders them with its tables and charts.

Both tools build N times each, alternating (planbook, mdbook, planbook, …) so
that a change of load hits both alike, each into its own output folder
that the previous run left (a rebuild, as an author runs it); the median of
each and their ratio are printed. Needs `mdbook` on PATH
(`cargo install mdbook --locked`) and a release planbook
(`cargo build --release`).

    python3 tools/mdbook_compare.py [--runs N] [--content DIR] [--planbook PATH]
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml


def narrative_files(content):
    """(outline depth, title, path relative to content) in outline order."""
    # BaseLoader: every scalar a string (YAML 1.1 would read the key `no` as false).
    plan = yaml.load(open(os.path.join(content, "plan.yaml"), encoding="utf-8"), Loader=yaml.BaseLoader)
    out = []

    def add(depth, title, explicit, conventional):
        rel = explicit or conventional
        if rel and os.path.isfile(os.path.join(content, rel)):
            out.append((depth, title, rel))
        else:
            # A part with no narrative still holds its children in SUMMARY.md.
            out.append((depth, title, None))

    for f in plan.get("front", []):
        add(0, f["title"], f.get("file"), f"front/{f['id']}.md")
    for c in plan["chapters"]:
        add(0, f"{c['id']}. {c['title']}", c.get("file"), f"chapters/{c['id']}/{c['id']}.md")
        for s in c.get("sections", []):
            add(1, f"{s['id']} {s['title']}", s.get("file"), f"chapters/{c['id']}/{s['id']}.md")
            for it in s.get("items", []):
                add(2, f"({it['no']}) {it['title']}", it.get("file"),
                    f"chapters/{c['id']}/{s['id']}-{it['no']}.md")
    for a in plan.get("attachments", []):
        add(0, a["title"], a.get("file"), f"attachments/{a['id']}.md")
    summary = os.path.join(content, "summary")
    if os.path.isdir(summary):
        order = [c["id"] for c in plan["chapters"]] + [
            s["id"] for c in plan["chapters"] for s in c.get("sections", [])]
        names = sorted(os.listdir(summary),
                       key=lambda n: order.index(n[:-3]) if n[:-3] in order else len(order))
        out.append((0, "요약본", None))
        for n in names:
            if n.endswith(".md"):
                out.append((1, f"요약 {n[:-3]}", f"summary/{n}"))
    return out


def make_book(content, book):
    src = os.path.join(book, "src")
    os.makedirs(src)
    with open(os.path.join(book, "book.toml"), "w", encoding="utf-8") as f:
        f.write('[book]\ntitle = "mdBook comparison"\nlanguage = "ko"\n')
    lines = ["# Summary\n"]
    n = 0
    for depth, title, rel in narrative_files(content):
        title = title.replace("[", "(").replace("]", ")")
        if rel is None:
            name = f"part{n:03}.md"
            text = f"# {title}\n"
        else:
            name = f"ch{n:03}.md"
            text = f"# {title}\n\n" + open(os.path.join(content, rel), encoding="utf-8").read()
        n += 1
        with open(os.path.join(src, name), "w", encoding="utf-8") as f:
            f.write(text)
        lines.append(f"{'  ' * depth}- [{title}]({name})")
    with open(os.path.join(src, "SUMMARY.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return n


def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    took = time.perf_counter() - t
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr.decode(errors='replace')}")
    return took * 1000


def main():
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--content", default=os.path.join(here, "content"))
    ap.add_argument("--planbook", default=os.path.join(here, "target/release/planbook"))
    args = ap.parse_args()
    mdbook = shutil.which("mdbook")
    if not mdbook:
        sys.exit("mdbook is not on PATH: cargo install mdbook --locked")
    if not os.path.isfile(args.planbook):
        sys.exit(f"{args.planbook} missing: cargo build --release")
    version = subprocess.run([mdbook, "--version"], capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="planbook-vs-mdbook-") as tmp:
        book = os.path.join(tmp, "book")
        chapters = make_book(args.content, book)
        out = os.path.join(tmp, "planbook-out")
        pb = [args.planbook, "build", "-q", "--content", args.content, "--out", out]
        mb = [mdbook, "build", book, "--dest-dir", os.path.join(tmp, "mdbook-out")]
        timed(pb), timed(mb)  # warm-up: page cache, first output
        p, m = [], []
        for _ in range(args.runs):
            p.append(timed(pb))
            m.append(timed(mb))
        pm, mm = statistics.median(p), statistics.median(m)
        print(f"{version}, {chapters} chapters; {args.runs} runs each, alternating")
        print(f"planbook build: median {pm:.0f} ms (min {min(p):.0f}, max {max(p):.0f})")
        print(f"mdbook build:   median {mm:.0f} ms (min {min(m):.0f}, max {max(m):.0f})")
        print(f"planbook / mdbook = {pm / mm:.2f}")


if __name__ == "__main__":
    main()
