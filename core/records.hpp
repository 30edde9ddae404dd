// SPDX-License-Identifier: GPL-3.0-or-later
// HazardRecord and ActivityRecord: one feature of an import in the interchange schema (design.md §4),
// already validated and in canonical coordinates.
#pragma once

#include "core/domain.hpp"
#include "gis/geometry.hpp"

#include <optional>
#include <string>

namespace cims::core {

struct HazardRecord {
    std::string hazard_id;
    Status status = Status::SHA;
    ContamMask contam_mask = 0;
    Date recorded;
    std::string parent_id; // empty unless derived
    std::string name;
    std::optional<double> declared_m2;
    std::string organisation;
    gis::Geometry geometry; // valid (multi)polygon in OGC:CRS84
};

struct ActivityRecord {
    std::string activity_id;
    std::string hazard_id; // empty: EOD spot task, or linked spatially
    Method method = Method::CLEARANCE;
    std::optional<Date> start_date;
    Date end_date;
    std::string organisation;
    ItemsDestroyed items;
    PeopleCounts people;
    gis::Geometry geometry; // polygon for NTS/TS/CLEARANCE; point, polygon or null for EOD
};

} // namespace cims::core
