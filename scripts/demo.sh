#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The main job: installs what is missing, builds, creates a SpatiaLite database from data-samples/
# (regions, hazardous areas, activities from three operators' file formats, risk education from a
# CSV), and prints the
# Action 24 figures of the latest year.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

cims=build/cims
db=build/demo/velland.db
mkdir -p build/demo
rm -f "$db" "$db-wal" "$db-shm" build/demo/velland-2024.gpkg

"$cims" init "$db" --country VLL
"$cims" regions "$db" data-samples/regions.geojson --code-field code --name-field name
"$cims" import "$db" data-samples/hazards_2020_2022.gpkg
"$cims" import "$db" data-samples/hazards_2023_2024.geojson
"$cims" import "$db" data-samples/activities.geojson
"$cims" import "$db" data-samples/operator_clearance_utm.shp --mapping data-samples/operator_clearance_utm.mapping.json
"$cims" import "$db" data-samples/education.csv
"$cims" export "$db" --at 2024-12-31 --format gpkg --out build/demo/velland-2024.gpkg
echo
"$cims" report action24 "$db" --format table
echo
echo "Database: $db  (JSON: $cims report action24 $db --format json)"
