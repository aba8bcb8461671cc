#!/usr/bin/env python3
"""One-off transcription aid: reads the three VIII-2 tables of the seed
(plan L6844-6875, 사업화매출액 L6885-6916, 신규고용 L6926-6957) and prints
content/data/budget.yaml's `tree:` with the leaf inputs and, for every
computed cell, the printed value as a `published` assertion.

Leaf inputs (국비, 지방비, 총사업비, targets) are the only typed numbers;
everything else the seed prints becomes an assertion that `planbook check`
compares with planbook's own arithmetic.
"""
import re
import sys

SEED = sys.argv[1] if len(sys.argv) > 1 else "../shared/seed/000_04a06bec23bb337f.txt"
lines = open(SEED, encoding="utf-8").read().split("\n")

# (id, label, total_label, total_row, depth) in the seed's row order.
ROWS = [
    ("total", None), ("core", None), ("rnd", None),
    ("rnd-lead-eco-bio", "leaf"), ("rnd-lead-eco-cer", "leaf"), ("rnd-lead-eco-dh", "leaf"), ("rnd-lead-eco", None),
    ("rnd-lead-cap-bio", "leaf"), ("rnd-lead-cap-cer", "leaf"), ("rnd-lead-cap-dh", "leaf"), ("rnd-lead-cap", None),
    ("rnd-lead", None),
    ("rnd-spec-main-bio", "leaf"), ("rnd-spec-main-cer", "leaf"), ("rnd-spec-main-dh", "leaf"), ("rnd-spec-main-lead", "leaf"),
    ("rnd-spec-main", None), ("rnd-spec-star", "leaf"), ("rnd-spec", None),
    ("nonrnd", None), ("proj-1", "leaf"), ("proj-2", "leaf"),
    ("ladder-lead", "leaf"), ("ladder-prelead", "leaf"), ("ladder-potential", "leaf"), ("ladder-self", "leaf"), ("ladder", None),
    ("sigungu", "leaf"), ("tp-equip", "leaf"),
    ("other", None), ("other-hub", "leaf"), ("other-eval", "leaf"),
]
PLAN_COLS = ["gov24", "local24", "total24", "gov25", "local25", "total25", "dgov", "dlocal", "dtotal"]
ROI_COLS = ["target24", "budget24", "roi24", "target25", "budget25", "roi25", "dtarget", "dbudget", "droi"]


def cells(lineno):
    raw = lines[lineno - 1]
    parts = [re.sub(r"</?b>", "", c).strip() for c in raw.split("\t")]
    while parts and parts[-1] == "":
        parts.pop()
    return parts[-9:]


def table(start):
    return {rid: dict(zip(PLAN_COLS if start == 6844 else ROI_COLS, cells(start + i)))
            for i, (rid, _) in enumerate(ROWS)}


plan, sales, jobs = table(6844), table(6885), table(6926)


def num(s):
    """'8.00 (71.72)' -> ('8.00', '71.72'); '-' -> (None, None)."""
    if s == "-":
        return None, None
    m = re.match(r"^△?([\d.]+)(?:\s*\(([\d.]+)\))?", s)
    return m.group(1), m.group(2)


out = {}
for rid, kind in ROWS:
    rec = {"published": {}}
    pub_plan = {k: v for k, v in plan[rid].items() if kind != "leaf" or k not in ("gov24", "local24", "gov25", "local25")}
    pub_sales = {k: v for k, v in sales[rid].items() if kind != "leaf" or k not in ("target24", "target25")}
    pub_jobs = {k: v for k, v in jobs[rid].items() if kind != "leaf" or k not in ("target24", "target25")}
    rec["published"] = {"budget-plan": pub_plan, "budget-sales": pub_sales, "budget-jobs": pub_jobs}
    if kind == "leaf":
        for y in ("24", "25"):
            yr = {}
            g, gcost = num(plan[rid]["gov" + y])
            l, _ = num(plan[rid]["local" + y])
            if g is not None or l is not None:
                yr["gov"] = g if g is not None else None
                yr["local"] = l if l is not None else None
            if gcost:
                yr["project_cost"] = gcost
            for ind, tbl in (("sales", sales), ("jobs", jobs)):
                t, _ = num(tbl[rid]["target" + y])
                if t is not None:
                    yr[ind] = t
            rec["y" + y] = yr
    out[rid] = rec



TREE = [
    ("total", "총 계", None, "first", {"targets": "false"}, [
        ("core", "R&D + 비R&D 합계(기타 제외)", None, "first", {}, [
            ("rnd", "R&D 합계", None, "first", {"group": "R&D"}, [
                ("rnd-lead", "지역혁신선도기업육성(R&D)", "소 계", "last", {}, [
                    ("rnd-lead-eco", "주력산업 생태계 육성", "소계", "last", {}, [
                        ("rnd-lead-eco-bio", "천연물바이오소재", None, None, {"industry": "bio"}, []),
                        ("rnd-lead-eco-cer", "세라믹원료·소재", None, None, {"industry": "cer"}, []),
                        ("rnd-lead-eco-dh", "디지털헬스케어", None, None, {"industry": "dh"}, []),
                    ]),
                    ("rnd-lead-cap", "지역기업 역량강화", "소계", "last", {}, [
                        ("rnd-lead-cap-bio", "천연물바이오소재", None, None, {"industry": "bio"}, []),
                        ("rnd-lead-cap-cer", "세라믹원료·소재", None, None, {"industry": "cer"}, []),
                        ("rnd-lead-cap-dh", "디지털헬스케어", None, None, {"industry": "dh"}, []),
                    ]),
                ]),
                ("rnd-spec", "지역특화산업육성+(R&D)", "소 계", "last", {}, [
                    ("rnd-spec-main", "지역주력산업육성", "소계", "last", {}, [
                        ("rnd-spec-main-bio", "천연물바이오소재", None, None, {"industry": "bio"}, []),
                        ("rnd-spec-main-cer", "세라믹원료·소재", None, None, {"industry": "cer"}, []),
                        ("rnd-spec-main-dh", "디지털헬스케어", None, None, {"industry": "dh"}, []),
                        ("rnd-spec-main-lead", "지역혁신 선도기업육성", None, None, {}, []),
                    ]),
                    ("rnd-spec-star", "지역스타기업육성", None, None, {}, []),
                ]),
            ]),
            ("nonrnd", "비R&D 합계", None, "first", {"group": "비R&D"}, [
                ("proj", "지역특화프로젝트", None, "none", {"note": "괄호: 총사업비 구분기재"}, [
                    ("proj-1", "1.0(계속과제)", None, None, {}, []),
                    ("proj-2", "2.0(신규과제)", None, None, {}, []),
                ]),
                ("ladder", "성장사다리지원", "소 계", "last", {}, [
                    ("ladder-lead", "지역혁신선도기업(초광역선도기업포함)", None, None, {}, []),
                    ("ladder-prelead", "예비선도(스타)기업", None, None, {}, []),
                    ("ladder-potential", "잠재기업", None, None, {}, []),
                    ("ladder-self", "자율기획", None, None, {}, []),
                ]),
                ("nonrnd-etc", "기타", None, "none", {}, [
                    ("sigungu", "시군구연고산업육성", None, None, {}, []),
                    ("tp-equip", "산업기술단지 거점기능강화(TP생산장비고도화)", None, None, {}, []),
                ]),
            ]),
        ]),
        ("other", "기타", "기타 합계", "first", {"group": "기타"}, [
            ("other-hub", "산업기술단지 거점기능강화(정책기획, 기업지원)", None, None, {}, []),
            ("other-eval", "지역 사업관리 지자체 기평비", None, None, {}, []),
        ]),
    ]),
]


def flow(d):
    return "{ " + ", ".join(f"{k}: {v}" for k, v in d.items() if v is not None) + " }"


def emit(node, ind):
    rid, label, tlabel, trow, extra, children = node
    p = " " * ind
    print(f"{p}- id: {rid}")
    print(f"{p}  label: \"{label}\"")
    if tlabel:
        print(f"{p}  total_label: {tlabel}")
    if trow:
        print(f"{p}  total_row: {trow}")
    for k, v in extra.items():
        print(f"{p}  {k}: {v}")
    rec = out.get(rid, {"published": {}})
    years = [(y, rec[y]) for y in ("y24", "y25") if rec.get(y)]
    if years:
        print(f"{p}  amounts:")
    for y, yr in years:
        base = {k: v for k, v in yr.items() if k not in ("sales", "jobs")}
        targets = {k: yr[k] for k in ("sales", "jobs") if k in yr}
        if targets:
            base["targets"] = flow(targets)
        print(f"{p}    20{y[1:]}: {flow(base)}")
    if children:
        print(f"{p}  children:")
        for c in children:
            emit(c, ind + 4)
    if rec["published"]:
        print(f"{p}  published:")
    for view, vals in rec["published"].items():
        print(f"{p}    {view}: {{ " + ", ".join(f'{k}: "{v}"' for k, v in vals.items()) + " }")


print("tree:")
for n in TREE:
    emit(n, 2)
