#!/bin/bash
# Files 500 reports over the API, then times the focal point's list, one report and the figures.
# Safeguarding timings against a running release server with the demo data.
# usage: bench.sh DATA_DIR URL
set -e
D=$1; URL=$2
HAVEN=target/release/haven
NURSE=$($HAVEN token create --data-dir "$D" --username nurse --label bench 2>/dev/null | grep -o 'haven_[A-Za-z0-9_-]*' | head -1)
FOCAL=$($HAVEN token create --data-dir "$D" --username safeguarding --label bench 2>/dev/null | grep -o 'haven_[A-Za-z0-9_-]*' | head -1)
pct() { sort -n | awk '{a[NR]=$1} END {printf "n=%d p50=%.1f ms p95=%.1f ms max=%.1f ms\n", NR, a[int(NR*0.5)]*1000, a[int(NR*0.95)]*1000, a[NR]*1000}'; }
BODY='{"concern_types":["neglect","bullying"],"harm_by":["another_child"],"what_happened":"bench: seen at the gate","children":[{"name":"bench child","sex":"female","approximate_age":9}]}'
echo "file a report (POST /api/v1/safeguarding/reports):"
for i in $(seq 1 500); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $NURSE" -H 'Content-Type: application/json' -d "$BODY" "$URL/api/v1/safeguarding/reports"; done | pct
echo "the focal point's open reports (GET /api/v1/safeguarding/cases):"
for i in $(seq 1 50); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $FOCAL" "$URL/api/v1/safeguarding/cases"; done | pct
ID=$(curl -s -H "Authorization: Bearer $FOCAL" "$URL/api/v1/safeguarding/cases" | grep -o '"id":"[0-9a-f-]*"' | head -1 | cut -d'"' -f4)
echo "one report (GET /api/v1/safeguarding/cases/{case}):"
for i in $(seq 1 100); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $FOCAL" "$URL/api/v1/safeguarding/cases/$ID"; done | pct
echo "the year's figures (GET /api/v1/safeguarding/statistics):"
for i in $(seq 1 50); do curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $FOCAL" "$URL/api/v1/safeguarding/statistics"; done | pct
