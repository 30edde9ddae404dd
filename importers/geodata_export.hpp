// SPDX-License-Identifier: GPL-3.0-or-later
// Geodata export (cims export, design.md §5): the remaining hazardous areas as of a date, the land
// released up to it by year and method, and the regions, as GIS layers.
#pragma once

#include "core/domain.hpp"
#include "core/ledger_store.hpp"
#include "gis/vector_writer.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace cims::importers {

/// Layer names, the same in every format (a shapefile's file names are these plus .shp).
inline constexpr const char* remaining_layer = "remaining_areas";
inline constexpr const char* released_layer = "released_parts";
inline constexpr const char* regions_layer = "regions";

struct ExportSummary {
    std::int64_t remaining_areas = 0;
    std::int64_t released_parts = 0;
    std::int64_t regions = 0;
    std::vector<std::string> files; // what was written
};

/// Writes three layers in `format` to `out`:
/// - remaining_areas: every hazardous area with land remaining at the end of `at`, its remaining
///   geometry then, with hazard_id, name, status (at that date), contam, recorded, region (home),
///   remain_m2 (geodesic, m²), as_of;
/// - released_parts: every release dated on or before `at` that credited land, the part it released
///   (G_A ∩ remaining(H)), with activity, hazard_id, method, kind (cancelled|reduced|cleared),
///   date, year, region and contam of the area, credit_m2 (the figure the reports sum);
/// - regions: code, name.
/// Field names have at most 10 characters in every format, so a shapefile keeps them unchanged.
/// `out` is a file for GeoPackage; for GeoJSON and shapefiles a folder (created if missing) that
/// receives one file per layer (<layer>.geojson, or <layer>.shp with .shx, .dbf, .prj and a .cpg
/// saying UTF-8); an `out` ending in .zip receives those files in a zip archive instead (what an
/// operator mails, or QGIS opens through /vsizip/). Files already there are never overwritten.
/// Runs in one read transaction of `store` (a consistent snapshot).
/// \throws std::runtime_error naming the file and the reason (an existing output, a database whose
/// released parts have no geometry yet: run 'cims rebuild').
ExportSummary export_geodata(core::LedgerStore& store, const core::Date& at, gis::VectorFormat format,
                             const std::string& out);

} // namespace cims::importers
