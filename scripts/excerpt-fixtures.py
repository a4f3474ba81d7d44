#!/usr/bin/env python3
"""Cuts the small real excerpts in tests/fixtures/ from full ESCO and O*NET releases.

Usage: scripts/excerpt-fixtures.py ESCO_DIR ONET_DIR   (e.g. the v1.1.1 CSV and 29.3 text releases)

Rows are copied as they are (same columns, same quoting, CRLF kept for ESCO). The v1.2 layout
fixture is the same excerpt with the relation files renamed `*_en.csv` and LF line ends.
Not needed to build or test: the fixtures are committed.
"""
import csv, os, sys

ESCO, ONET = sys.argv[1], sys.argv[2]
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures")
S = "http://data.europa.eu/esco/skill/"
O = "http://data.europa.eu/esco/occupation/"

OCCUPATIONS = [O + u for u in [
    "f2b15a0e-e65a-438a-affb-29b9d50b77d1",  # software developer (catalog backend-developer)
    "c40a2919-48a9-40ea-b506-1f34f693496d",  # web developer (catalog fullstack-developer)
]]
EXTRA_OCCUPATION_LABELS = ["software analyst", "ICT application developer"]
SKILLS = [S + u for u in [
    "ccd0a1d9-afda-43d9-b901-96344886e14d",  # Python (computer programming)
    "21d2f96d-35f7-4e3f-9745-c533d2dd6e97",  # computer programming
    "2522a6ce-3202-4ac8-9f5b-b9cb5a3a83a1",  # debug software
    "19a8293b-8e95-4de3-983f-77484079c389",  # Java (computer programming)
    "3cd569a2-4f88-4c1e-9995-8dce8c5e51a7",  # JavaScript
    "000f1d3d-220f-4789-9c0a-cc742521fb02",  # Haskell
    "51586df8-1c46-4b47-8583-773cb63bf00b",  # R
    "04dfd9fb-e0cf-40f6-96c6-9d2280c4347e",  # provide technical documentation
    "8b94aa1e-89c9-459d-b3b4-1dfab8dec2df",  # use software libraries
    "925463a7-d51f-4d5b-9f79-4d28cf30acde",  # integrated development environment software
    "6b6a9252-2ed7-4862-a02f-1578f4a532ea",  # Eclipse
    "5b9cde20-f1b9-4adc-bfb3-dbf70b14138d",  # use object-oriented programming
    "0af062de-eb43-41e9-9b96-249e2cd22d26",  # use markup languages
    "e5d1f825-60ed-4bdd-872a-e748c387f777",  # CSS
]]


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        return header, list(r)


def write(path, header, rows, crlf=True):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n" if crlf else "\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)


def esco():
    e = lambda n: os.path.join(ESCO, n)
    oh, occ = read(e("occupations_en.csv"))
    sh, skills = read(e("skills_en.csv"))
    gh, groups = read(e("skillGroups_en.csv"))
    bh, broader = read(e("broaderRelationsSkillPillar.csv"))
    rh, rel = read(e("occupationSkillRelations.csv"))
    kh, ss = read(e("skillSkillRelations.csv"))
    label = oh.index("preferredLabel")
    occ_uris = OCCUPATIONS + [r[1] for r in occ if r[label] in EXTRA_OCCUPATION_LABELS]
    skill_uris = set(SKILLS)
    # One skill–skill relation from a chosen skill, with its other end.
    for r in ss:
        if r[0] in skill_uris:
            skill_uris.add(r[4])
            break
    # The groups right above the chosen skills, and the groups above those.
    group_uris = set(g[1] for g in groups)
    above = set()
    for _ in range(2):
        for r in broader:
            if (r[1] in skill_uris or r[1] in above) and r[3] in group_uris:
                above.add(r[3])
    keep = skill_uris | above
    out = {
        "occupations_en.csv": (oh, [r for r in occ if r[1] in occ_uris]),
        "skills_en.csv": (sh, [r for r in skills if r[1] in skill_uris]),
        "skillGroups_en.csv": (gh, [r for r in groups if r[1] in above]),
        "broaderRelationsSkillPillar": (bh, [r for r in broader if r[1] in keep and r[3] in keep]),
        "occupationSkillRelations": (rh, [r for r in rel if r[0] in occ_uris and r[3] in skill_uris]),
        "skillSkillRelations": (kh, [r for r in ss if r[0] in skill_uris and r[4] in skill_uris]),
    }
    for layout, crlf, suffix in [("v1.1.1", True, ""), ("v1.2-layout", False, "_en")]:
        for name, (h, rows) in out.items():
            fname = name if name.endswith(".csv") else f"{name}{suffix}.csv"
            write(os.path.join(ROOT, "esco", layout, fname), h, rows, crlf)


def tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    return lines[0], [l for l in lines[1:] if l]


def onet():
    codes = ["15-1252.00", "15-1254.00", "15-1211.00", "15-1221.00"]
    techs = {"Django", "Python", "Spring Boot", "Oracle Java", "Git", "Atlassian JIRA",
             "Microsoft Excel", "Node.js"}
    d = os.path.join(ROOT, "onet", "29.3")
    os.makedirs(d, exist_ok=True)
    for name, keep in [
        ("Occupation Data.txt", lambda c: c[0] in codes),
        ("Technology Skills.txt", lambda c: c[0] in codes and c[2] in techs),
        ("Sample of Reported Titles.txt", lambda c: c[0] in codes),
        ("Related Occupations.txt", lambda c: c[0] in codes and int(c[5]) <= 4),
    ]:
        head, lines = tsv(os.path.join(ONET, name))
        rows = [l for l in lines if keep(l.split("\t"))]
        with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
            f.write(head + "\n" + "\n".join(rows) + "\n")
    with open(os.path.join(ONET, "Read Me.txt"), encoding="utf-8") as f:
        readme = f.read()
    with open(os.path.join(d, "Read Me.txt"), "w", encoding="utf-8") as f:
        f.write(readme)


esco()
onet()
