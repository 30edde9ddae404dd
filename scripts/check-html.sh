#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Checks the HTML reports: builds a database from data-samples/, writes the Article 7 report (CMR and
# AP) and the completion forecast as HTML, checks that each page is self-contained (no script, no
# external reference) and that every inline SVG is well-formed XML, then renders each page in
# headless Chromium to a PNG and fails on a rendering error or an empty picture.
# Usage: scripts/check-html.sh CIMS_BINARY [OUT_DIR]   (exit 77 = skipped: chromium is not installed)
set -euo pipefail

cims=${1:?usage: check-html.sh CIMS_BINARY [OUT_DIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
samples="$root/data-samples"
out=${2:-$(mktemp -d)}
mkdir -p "$out"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check-html: SKIPPED: chromium is not installed; scripts/install-deps.sh installs it (Debian package 'chromium')"
  exit 77
fi

db="$out/samples.db"
rm -f "$db" "$db-wal" "$db-shm"
"$cims" init "$db" --country VLL > /dev/null
"$cims" regions "$db" "$samples/regions.geojson" --code-field code --name-field name > /dev/null
"$cims" import "$db" "$samples/hazards_2020_2022.gpkg" > /dev/null
"$cims" import "$db" "$samples/hazards_2023_2024.geojson" > /dev/null
"$cims" import "$db" "$samples/activities.geojson" > /dev/null
"$cims" import "$db" "$samples/operator_clearance_utm.shp" --mapping "$samples/operator_clearance_utm.mapping.json" > /dev/null
if [ -f "$samples/education.csv" ]; then
  "$cims" import "$db" "$samples/education.csv" --kind education > /dev/null
fi

"$cims" report article7 "$db" --year 2024 --format html --out "$out/article7_CMR.html"
"$cims" report article7 "$db" --year 2024 --contamination AP --unit km2 --format html --out "$out/article7_AP.html"
"$cims" report forecast "$db" --year 2024 --deadline 2026-08-01 --format html --out "$out/forecast_CMR.html"

status=0
for page in "$out"/article7_CMR.html "$out"/article7_AP.html "$out"/forecast_CMR.html; do
  # Self-contained and well-formed SVG.
  if ! python3 - "$page" <<'PY'
import re, sys, xml.etree.ElementTree as ET
path = sys.argv[1]
html = open(path, encoding="utf-8").read()
problems = []
for pattern, what in [(r"<script", "a script"), (r"<link\b", "a linked resource"), (r"\bsrc\s*=", "a src attribute"),
                      (r"@import", "a CSS import"), (r"url\(", "a CSS url()")]:
    if re.search(pattern, html, re.I):
        problems.append(f"holds {what}")
for m in re.finditer(r'href\s*=\s*"([^"]*)"', html):
    if not m.group(1).startswith("#"):
        problems.append(f"links to {m.group(1)}")
svgs = re.findall(r"<svg\b.*?</svg>", html, re.S)
if not svgs:
    problems.append("has no SVG chart")
for i, svg in enumerate(svgs):
    try:
        ET.fromstring(svg)
    except ET.ParseError as e:
        problems.append(f"SVG {i + 1} is not well-formed XML: {e}")
if problems:
    print(f"check-html: {path}: " + "; ".join(problems))
    sys.exit(1)
print(f"check-html: {path}: self-contained, {len(svgs)} well-formed SVG charts")
PY
  then
    status=1
    continue
  fi
  png="${page%.html}.png"
  rm -f "$png"
  log="${page%.html}.chromium.log"
  if ! "$browser" --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --window-size=1400,2600 \
       --enable-logging=stderr --v=0 --screenshot="$png" "file://$page" > "$log" 2>&1; then
    echo "check-html: chromium failed on $page (log: $log)"
    status=1
    continue
  fi
  # Page errors (console errors, failed loads); the D-Bus noise of a headless container is not one.
  if grep -E "Uncaught|Failed to load resource|ERR_FILE_NOT_FOUND|ERR_NAME_NOT_RESOLVED|CONSOLE\([0-9]+\).*[Ee]rror" "$log"; then
    echo "check-html: $page has page errors (log: $log)"
    status=1
    continue
  fi
  size=$(stat -c %s "$png" 2>/dev/null || echo 0)
  if [ "$size" -lt 20000 ]; then
    echo "check-html: $png is missing or nearly empty ($size bytes): the page did not render"
    status=1
    continue
  fi
  echo "check-html: $png rendered ($size bytes)"
done
exit $status
