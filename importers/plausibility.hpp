// SPDX-License-Identifier: GPL-3.0-or-later
// Plausibility: warnings about features that are valid but look wrong (design.md §4, importers issue).
// A warning never blocks an import; it tells the sender and the approving analyst where to look.
#pragma once

#include "core/ledger_store.hpp"
#include "core/records.hpp"
#include "core/region_index.hpp"
#include "gis/crs_transform.hpp"
#include "importers/import_report.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace cims::importers {

/// A declared area further than this from the measured one is worth a look.
inline constexpr double declared_area_tolerance = 0.20;
/// More items destroyed per hectare than this is implausible for one task.
inline constexpr double plausible_items_per_hectare = 500.0;

class Plausibility {
public:
    Plausibility(core::LedgerStore& store, const core::RegionIndex& regions, const gis::CrsTransform& transform,
                 std::string file, std::string layer, ImportReport& report);

    /// Layer-level, after its features were transformed: a transformation without a known datum shift.
    void check_layer();
    void check_hazard(std::int64_t fid, const core::HazardRecord& r);
    void check_activity(std::int64_t fid, const core::ActivityRecord& r);

private:
    void warn(std::int64_t fid, std::string message);
    /// Outside the CRS's area of use, outside every region, and a geometry seen before in the file.
    void check_location(std::int64_t fid, const gis::Geometry& g);

    core::LedgerStore& m_store;
    const core::RegionIndex& m_regions;
    const gis::CrsTransform& m_transform;
    std::string m_file, m_layer;
    ImportReport& m_report;
};

} // namespace cims::importers
