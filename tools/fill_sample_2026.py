#!/usr/bin/env python3
"""Fills the inputs a `planbook new-edition` left to supply with SYNTHETIC
numbers (deterministic, from a hash of each line's place), for the sample
samples/edition-2026. None of these figures is real.

    planbook new-edition --year 2026 --content content --out samples/edition-2026
    python3 tools/fill_sample_2026.py samples/edition-2026
"""
import hashlib
import os
import re
import sys

MARK = "# 자료 입력 필요:"


def synth(seed, lo, hi, dp=2):
    h = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return round(lo + (hi - lo) * h, dp)


def fill_budget(line):
    m = re.match(r"^(\s*)(\d{4}): \{\}  " + re.escape(MARK) + r" `([^`]+)` (.*)$", line)
    if not m:
        return line
    ind, year, node, what = m.groups()
    fields = []
    gov = synth(node + "gov", 0.5, 9.5)
    if "국비" in what:
        fields.append(f"gov: {gov:.2f}")
    if "지방비" in what:
        fields.append(f"local: {synth(node + 'local', 0.2, 3.0):.2f}")
    if "시군비" in what:
        fields.append(f"city: {synth(node + 'city', 0.1, 0.2):.2f}")
    if "과제수" in what:
        fields.append(f"tasks: {int(synth(node + 'tasks', 1, 4, 0))}")
    if "달성률" in what:
        fields.append(f"sales_achievement: {synth(node + 'ach', 80, 140):.2f}")
    t = re.search(r"targets: ([^)]*)\)", what)
    if t:
        keys = [k.strip() for k in t.group(1).split(",") if k.strip()]
        tv = ", ".join(f"{k}: {synth(node + k, 2, 40):.2f}" for k in keys)
        fields.append(f"targets: {{ {tv} }}")
    return f"{ind}{year}: {{ {', '.join(fields)} }}  # 합성 자료(synthetic)"


def fill_perf(line):
    m = re.match(r"^(\s*)" + re.escape(MARK) + r" `([^`]+)` (.*)$", line)
    if m:
        ind, prog, what = m.groups()
        key = "budget" if "예산(budget)" in what else "target" if "목표(target)" in what else "result"
        lo, hi = (5, 30) if key == "budget" else (3, 60)
        last = synth(prog + what + "last", lo, hi)
        earlier = synth(prog + what + "earlier", lo * 2, hi * 2)
        return f"{ind}{key}: {{ last: {last:.2f}, earlier: {earlier:.2f} }}  # 합성 자료(synthetic)"
    m = re.match(r"^(\s*)trend: \{(.*)\}  " + re.escape(MARK) + r" `([^`]+)` (\S+) ([\d·]+)년.*$", line)
    if m:
        ind, inner, prog, ind_key, years = m.groups()
        entries = [e for e in [inner.strip()] if e]
        for y in years.split("·"):
            t = synth(prog + ind_key + y + "t", 0.3, 4)
            r = synth(prog + ind_key + y + "r", 0.3, 4)
            entries.append(f"{y}: {{ target: {t:.2f}, result: {r:.2f} }}")
        return f"{ind}trend: {{ {', '.join(entries)} }}  # 합성 자료(synthetic)"
    return line


def main(root):
    plan = os.path.join(root, "plan.yaml")
    text = open(plan, encoding="utf-8").read()
    text = re.sub(r"(?m)^  title: (.*)$", r"  title: \1 (합성 자료 예시)", text, count=1)
    text = re.sub(r"(?m)^  slogan: .*$", "  slogan: ※ 합성 자료로 채운 예시 — 실제 계획이 아닙니다 (planbook new-edition 표본)", text, count=1)
    text = re.sub(r"(?m)^(  date: \S+ \S+)  " + re.escape(MARK) + r".*$", r"\1", text)
    text = text.replace("# The 2025 Gangwon plan", "# SYNTHETIC SAMPLE made by `planbook new-edition --year 2026` from content/\n# and tools/fill_sample_2026.py: every new-year figure is invented.\n# The 2025 Gangwon plan", 1)
    open(plan, "w", encoding="utf-8").write(text)
    for dirpath, _, files in os.walk(os.path.join(root, "data")):
        for f in files:
            if not f.endswith(".yaml"):
                continue
            p = os.path.join(dirpath, f)
            lines = open(p, encoding="utf-8").read().split("\n")
            fn = fill_budget if f == "budget.yaml" else fill_perf if f == "performance.yaml" else None
            if fn is None:
                continue
            lines = [fn(l) for l in lines]
            # A key the roll-over closed with `{}` (its children were all
            # to supply) gets its children back.
            ind = lambda l: len(l) - len(l.lstrip(" "))
            for i, l in enumerate(lines[:-1]):
                n = lines[i + 1]
                if l.endswith(": {}") and n.strip() and not n.lstrip().startswith("#") and ind(n) > ind(l):
                    lines[i] = l[:-3]
            open(p, "w", encoding="utf-8").write("\n".join(lines))


main(sys.argv[1])
