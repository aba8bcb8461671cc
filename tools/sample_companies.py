#!/usr/bin/env python3
"""Writes samples/typology/data/companies.csv: a synthetic, reproducible
company extract for the typology engine (not real data)."""
import random, os
random.seed(2025)
codes = ["10501", "10797", "20499", "20423", "23129", "23999"]
siguns = ["춘천", "원주", "강릉", "동해", "삼척", "홍천"]
rows = []
for i in range(1, 61):
    k = random.choice(codes)
    if i % 13 == 0:
        k = "20499;23129"  # one company in two industries
    base = round(random.lognormvariate(3.0, 1.0), 2)
    g = random.uniform(-0.1, 0.35)
    rev = [base, round(base * (1 + g), 2), round(base * (1 + g) ** 2, 2)]
    emp0 = random.randint(3, 80)
    eg = random.uniform(-0.1, 0.3)
    emp = [emp0, round(emp0 * (1 + eg)), round(emp0 * (1 + eg) ** 2)]
    if i % 7 == 0:
        rev[0] = ""       # missing first year: no growth index
    if i % 11 == 0:
        rev[0] = 0        # zero revenue in 2021
    rnd = [round(float(r) * random.uniform(0, 0.08), 2) if r not in ("",) else "" for r in rev]
    apps = [random.choice([0, 0, 0, 1, 2, 3]) for _ in range(3)]
    regs = [random.choice([0, 0, 0, 1]) for _ in range(3)]
    lab = "Y" if random.random() < 0.45 else "N"
    desig = "스타" if i % 17 == 0 else ""
    rows.append([f"S{i:03d}", f"표본{i:02d}***", random.choice(siguns), k, "Y", *rev, *emp, *rnd, *apps, *regs, lab, desig])
head = ["id", "name", "sigun", "ksic", "sme", "revenue_2021", "revenue_2022", "revenue_2023", "employees_2021", "employees_2022",
        "employees_2023", "rnd_2021", "rnd_2022", "rnd_2023", "patent_apps_2021", "patent_apps_2022", "patent_apps_2023",
        "patent_regs_2021", "patent_regs_2022", "patent_regs_2023", "lab", "designation"]
out = os.path.join(os.path.dirname(__file__), "..", "samples", "typology", "data", "companies.csv")
with open(out, "w", encoding="utf-8") as f:
    f.write(",".join(head) + "\n")
    for r in rows:
        f.write(",".join(str(x) for x in r) + "\n")
