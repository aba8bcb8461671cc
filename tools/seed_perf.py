#!/usr/bin/env python3
"""One-off transcription aid for content/data/performance.yaml: reads the
III-1 tables of the seed (review L3590-3605 / L3652-3667, ROI derivation
L3631-3642 / L3697-3708, results L3723-3736 / L3749-3762) from the test
fixtures and prints the programme tree with the inputs (2023 target, result,
budget; three-year averages; the printed '21/'22 ROI trend) and every printed
computed figure as a `published` assertion."""
import re, sys, os

FIX = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures")

def rows(name, ncells):
    out = []
    for l in open(os.path.join(FIX, name), encoding="utf-8").read().split("\n"):
        if not l.strip():
            continue
        cells = [c.strip() for c in l.split("\t")]
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells[-ncells:])
    return out

REVIEW_IDS = ["total", "rnd", "rnd-spec-main", "rnd-spec-main-bio", "rnd-spec-main-cer", "rnd-spec-main-dh",
              "rnd-spec-main-lead", "rnd-spec-star", "nonrnd", "nonrnd-core", "nonrnd-main", "ladder",
              "ladder-lead", "ladder-prelead", "ladder-potential", "sigungu"]
ROI_IDS = ["total", "rnd", "rnd-spec-main", "rnd-spec-main-bio", "rnd-spec-main-cer", "rnd-spec-main-dh",
           "rnd-spec-main-lead", "nonrnd", "ladder", "ladder-lead", "ladder-prelead", "ladder-potential"]
RESULT_IDS = ["total", "rnd", "bio", "cer", "dh", "lead", "nonrnd", "proj-1", "proj-2", "ladder-lead",
              "ladder-prelead", "ladder-potential", "ladder-self", "sigungu"]
REV_COLS = ["t_last", "p_last", "ach_last", "b_last", "rt_last", "rp_last", "t_avg", "p_avg", "ach_avg", "b_avg", "rt_avg", "rp_avg"]
ROI_COLS = ["rt21", "rt22", "rt23", "rp21", "rp22", "rp23", "rt_avg", "rp_avg", "x110", "rt24", "rt25", "vs_avg"]
RES_COLS = ["tavg", "bavg", "ravg", "t24", "b24", "r24", "t25", "b25", "r25", "dt", "db", "dr"]

data = {}
for ind in ("jobs", "sales"):
    rev = dict(zip(REVIEW_IDS, rows(f"seed_iii1_review_{ind}.tsv", 12)))
    roi_raw = open(os.path.join(FIX, f"seed_iii1_roi_{ind}.tsv"), encoding="utf-8").read().split("\n")
    roi = {}
    for rid, l in zip(ROI_IDS, [l for l in roi_raw if l.strip()]):
        cells = [c.strip() for c in l.split("\t")]
        # label cells first (1 or 2), then 12 value cells where young programmes leave blanks
        label_n, seen_label = 0, False
        for c in cells:
            if c == "" and not seen_label:
                label_n += 1
            elif c and not re.match(r"^[△\d.-]", c):
                label_n += 1
                seen_label = True
            else:
                break
        vals = cells[label_n:label_n + 12]
        while len(vals) < 12:
            vals.append("")
        roi[rid] = dict(zip(ROI_COLS, vals))
    res_raw = [l for l in open(os.path.join(FIX, f"seed_iii1_result_{ind}.tsv"), encoding="utf-8").read().split("\n") if l.strip()]
    res = {}
    for rid, l in zip(RESULT_IDS, res_raw):
        cells = [c.strip() for c in l.split("\t")][1:]
        res[rid] = cells
    data[ind] = (rev, roi, res)

for ind in ("jobs", "sales"):
    rev, roi, res = data[ind]
    print(f"# {ind}: review")
    for rid in REVIEW_IDS:
        print(rid, rev[rid])
    print(f"# {ind}: roi")
    for rid in ROI_IDS:
        print(rid, roi[rid])
    print(f"# {ind}: result")
    for rid in RESULT_IDS:
        print(rid, res[rid])


# ---- emit content/data/performance.yaml ------------------------------------
TREE = [
    ("total", "총계", {}, [
        ("rnd", "R&D", {}, [
            ("rnd-spec-main", "주력 소계", {"plan": {2025: "rnd-lead + rnd-spec-main"}}, [
                ("rnd-spec-main-bio", "천연물바이오소재", {"plan": {2025: "rnd-lead-eco-bio + rnd-lead-cap-bio"}}, []),
                ("rnd-spec-main-cer", "세라믹원료·소재", {"plan": {2025: "rnd-lead-eco-cer + rnd-lead-cap-cer"}}, []),
                ("rnd-spec-main-dh", "디지털헬스케어", {"plan": {2025: "rnd-lead-eco-dh + rnd-lead-cap-dh"}}, []),
                ("rnd-spec-main-lead", "혁신선도기업육성", {"active": [2023]}, []),
            ]),
            ("rnd-spec-star", "지역스타기업육성", {"in_roi_table": False}, []),
        ]),
        ("nonrnd", "비R&D", {}, [
            ("nonrnd-core", "합계(주력+성장)", {"in_roi_table": False}, [
                ("nonrnd-main", "주력 소계", {"in_roi_table": False}, []),
                ("ladder", "성장사다리 소계", {}, [
                    ("ladder-lead", "지역혁신선도", {"active": [2022, 2023]}, []),
                    ("ladder-prelead", "지역스타기업", {}, []),
                    ("ladder-potential", "잠재기업", {}, []),
                ]),
            ]),
            ("sigungu", "시군구연고산업육성", {"in_roi_table": False}, []),
        ]),
    ]),
]
TOTAL_PLAN = {2024: "core", 2025: "core"}
EXCEPTIONS = {
    ("sales", "rnd-spec-main-lead"): "혁신선도·스타기업은 대표기업 상징성을 고려하여 '24년 목표 기준으로 재설정",
    ("sales", "ladder-lead"): "혁신선도·스타기업은 대표기업 상징성을 고려하여 '24년 목표 기준으로 재설정",
}
LEAF_REV = {"t_last", "p_last", "b_last", "t_avg", "p_avg", "b_avg"}


def q(v):
    return f'"{v}"'


def emit(node, ind, out):
    rid, label, opts, kids = node
    p = " " * ind
    out.append(f"{p}- id: {rid}")
    out.append(f"{p}  label: {label}")
    if "active" in opts:
        out.append(f"{p}  active: {opts['active']}")
    if opts.get("in_roi_table") is False:
        out.append(f"{p}  in_roi_table: false")
    plan = dict(opts.get("plan", {}))
    if rid == "total":
        plan = TOTAL_PLAN
    if plan:
        out.append(f"{p}  plan: {{ " + ", ".join(f"{y}: {q(e)}" for y, e in sorted(plan.items())) + " }")
    n_active = len(opts.get("active", [2021, 2022, 2023]))
    def le(last, avg):
        """last and the sum of the earlier active years (average × n − last)."""
        from decimal import Decimal
        earlier = Decimal(avg) * n_active - Decimal(last)
        return f"{{ last: {last} }}" if n_active == 1 else f"{{ last: {last}, earlier: {earlier:.2f} }}"
    if not kids:
        rj = data["jobs"][0][rid]
        out.append(f"{p}  budget: {le(rj[3], rj[9])}")
    inds = []
    for indn in ("jobs", "sales"):
        rev, roi, _ = data[indn]
        r = rev[rid]
        lines = []
        if not kids:
            lines.append(f"target: {le(r[0], r[6])}")
            lines.append(f"result: {le(r[1], r[7])}")
        if rid in roi:
            tr = roi[rid]
            trend = []
            for y in ("21", "22"):
                parts = []
                if tr["rt" + y]:
                    parts.append(f"target: {tr['rt' + y]}")
                if tr["rp" + y]:
                    parts.append(f"result: {tr['rp' + y]}")
                if parts:
                    trend.append(f"20{y}: {{ " + ", ".join(parts) + " }")
            if trend:
                lines.append("trend: { " + ", ".join(trend) + " }")
        if (indn, rid) in EXCEPTIONS:
            lines.append(f"exception: {q(EXCEPTIONS[(indn, rid)])}")
        if lines:
            inds.append((indn, lines))
    if inds:
        out.append(f"{p}  indicators:")
        for indn, lines in inds:
            out.append(f"{p}    {indn}:")
            for l in lines:
                out.append(f"{p}      {l}")
    if kids:
        out.append(f"{p}  children:")
        for k in kids:
            emit(k, ind + 4, out)


RESULTS = [
    ("total", "총계", "total", None, {2024: "core", 2025: "core"}),
    ("rnd", "R&D", "rnd", None, {2024: "rnd", 2025: "rnd"}),
    ("bio", "천연물바이오소재", "rnd-spec-main-bio", None, {2024: "rnd-spec-main-bio", 2025: "rnd-lead-eco-bio + rnd-lead-cap-bio"}),
    ("cer", "세라믹원료·소재", "rnd-spec-main-cer", None, {2024: "rnd-spec-main-cer", 2025: "rnd-lead-eco-cer + rnd-lead-cap-cer"}),
    ("dh", "디지털헬스케어", "rnd-spec-main-dh", None, {2024: "rnd-spec-main-dh", 2025: "rnd-lead-eco-dh + rnd-lead-cap-dh"}),
    ("lead", "혁신선도기업육성", "rnd-spec-main-lead", None, {2024: "rnd-spec-main-lead", 2025: "rnd-spec-main-lead"}),
    ("nonrnd", "비R&D", "nonrnd", None, {2024: "nonrnd", 2025: "nonrnd"}),
    ("proj-1", "지역특화(1.0)", None, 2024, {2024: "proj-1", 2025: "proj-1"}),
    ("proj-2", "지역특화(2.0)", None, 2025, {2025: "proj-2"}),
    ("ladder-lead", "지역혁신선도기업", "ladder-lead", None, {2024: "ladder-lead", 2025: "ladder-lead"}),
    ("ladder-prelead", "예비선도(스타)", "ladder-prelead", None, {2024: "ladder-prelead", 2025: "ladder-prelead"}),
    ("ladder-potential", "잠재기업", "ladder-potential", None, {2024: "ladder-potential", 2025: "ladder-potential"}),
    ("ladder-self", "자율기획", None, 2025, {2025: "ladder-self"}),
    ("sigungu", "시군구연고산업육성", "sigungu", None, {2024: "sigungu", 2025: "sigungu"}),
]

out = ["# Performance history of chapter III-1 (seed lines 3584–3764) and the",
       "# result tables. Inputs: per programme the 2023 target, result and budget",
       "# (`last`) and their sum over the earlier active years (`earlier` =",
       "# printed average × active years − 2023; leaves only: subtotals are",
       "# computed with the partial-year rule), and the printed '21/'22 ROI trend, whose base values",
       "# the public plan omits. The 2024/2025 targets and budgets come from",
       "# data/budget.yaml through `plan`. Every other printed figure is a",
       "# `published` assertion. Transcribed with tools/seed_perf.py.",
       "id: perf", "budget: budget", "history: [2021, 2022, 2023]", "indicators: [jobs, sales]", "", "programmes:"]
for n in TREE:
    emit(n, 2, out)
out.append("")
out.append("results:")
for rid, label, hist, new_in, plan in RESULTS:
    parts = [f"id: {rid}", f"label: {q(label)}"]
    if hist:
        parts.append(f"history: {hist}")
    if new_in:
        parts.append(f"new_in: {new_in}")
    parts.append("plan: { " + ", ".join(f"{y}: {q(e)}" for y, e in sorted(plan.items())) + " }")
    out.append("  - { " + ", ".join(parts) + " }")
out.append("")
out.append("published:")
leaf_ids = set()
def leaves(n):
    rid, _, _, kids = n
    if not kids:
        leaf_ids.add(rid)
    for k in kids:
        leaves(k)
for n in TREE:
    leaves(n)
for indn in ("jobs", "sales"):
    rev, roi, res = data[indn]
    out.append(f"  perf-review-{indn}:")
    for rid in REVIEW_IDS:
        cells = dict(zip(REV_COLS, rev[rid]))
        if rid in leaf_ids:
            cells = {k: v for k, v in cells.items() if k not in LEAF_REV}
        out.append(f"    {rid}: {{ " + ", ".join(f"{k}: {q(v)}" for k, v in cells.items()) + " }")
    out.append(f"  perf-roi-{indn}:")
    for rid in ROI_IDS:
        cells = {k: v for k, v in roi[rid].items() if k not in ("rt21", "rt22", "rp21", "rp22") and v != ""}
        out.append(f"    {rid}: {{ " + ", ".join(f"{k}: {q(v)}" for k, v in cells.items()) + " }")
    out.append(f"  perf-result-{indn}:")
    for rid in RESULT_IDS:
        cells = {k: v for k, v in zip(RES_COLS, res[rid]) if v != "" and "신규" not in v}
        out.append(f"    {rid}: {{ " + ", ".join(f"{k}: {q(v)}" for k, v in cells.items()) + " }")
if "--yaml" in sys.argv:
    sys.stdout.truncate(0) if False else None
    open(os.path.join(os.path.dirname(__file__), "..", "content", "data", "performance.yaml"), "w", encoding="utf-8").write("\n".join(out) + "\n")
