#!/usr/bin/env python3
"""One-off migration (issue 14): value keys and column ids that named calendar
years (`total25`, `gov24`, `rt23`, `t25` …) become role names (`total_cur`,
`gov_prev`, `rt_h3`, `t_cur`). Rewrites in place, token by token, so that the
layout, comments and neighbouring lines of every file stay as they are.

    python3 tools/rename_year_keys.py FILE...

The mapping is for the 2025 edition: plan years 2024 → `_prev`, 2025 → `_cur`;
history 2021, 2022, 2023 → `_h1`, `_h2`, `_h3`. Only keys of computed tables
are renamed: fully qualified keys of the budget dataset and views and of the
performance tables anywhere, and unqualified column names inside
data/budget.yaml and data/performance.yaml (their `published:` maps and chart
columns). Static tables keep their own column ids.
"""
import re
import sys

PLAN = {"24": "_prev", "25": "_cur"}
HIST = {"21": "_h1", "22": "_h2", "23": "_h3"}
BUDGET_FIELDS = "gov|local|prov|city|total|cost|tasks|sales_achievement|amount|target|budget|roi"

QUALIFIED = [
    (re.compile(r"\b((?:budget|budget-plan|budget-sales|budget-jobs)\.[A-Za-z0-9_-]+\.(?:" + BUDGET_FIELDS + r"))(24|25)\b"),
     lambda m: m.group(1) + PLAN[m.group(2)]),
    (re.compile(r"\b(perf-roi-[a-z]+\.[A-Za-z0-9_-]+\.(?:rt|rp))(21|22|23)\b"),
     lambda m: m.group(1) + HIST[m.group(2)]),
    (re.compile(r"\b(perf-roi-[a-z]+\.[A-Za-z0-9_-]+\.rt)(24|25)\b"),
     lambda m: m.group(1) + PLAN[m.group(2)]),
    (re.compile(r"\b(perf-result-[a-z]+\.[A-Za-z0-9_-]+\.(?:t|b|r))(24|25)\b"),
     lambda m: m.group(1) + PLAN[m.group(2)]),
]
BUDGET_FILE = [
    (re.compile(r"(?<![\w.-])(" + BUDGET_FIELDS + r"|dtarget|dbudget|droi)(24|25)\b"),
     lambda m: m.group(1) + PLAN[m.group(2)]),
]
PERF_FILE = [
    (re.compile(r"(?<![\w.-])(rt|rp)(21|22|23)\b"), lambda m: m.group(1) + HIST[m.group(2)]),
    (re.compile(r"(?<![\w.-])(rt|t|b|r)(24|25)\b"), lambda m: m.group(1) + PLAN[m.group(2)]),
]


def rewrite(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    rules = list(QUALIFIED)
    if path.endswith("data/budget.yaml"):
        rules += BUDGET_FILE
    if path.endswith("data/performance.yaml"):
        rules += PERF_FILE
    new = text
    for rx, fn in rules:
        new = rx.sub(fn, new)
    if new != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)
        print(path)


for p in sys.argv[1:]:
    rewrite(p)
