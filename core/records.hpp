// SPDX-License-Identifier: GPL-3.0-or-later
// HazardRecord, ActivityRecord and EducationRecord: one feature of an import in the interchange schema (design.md §4),
// already validated and in canonical coordinates.
#pragma once

#include "core/domain.hpp"
#include "gis/geometry.hpp"

#include <cstdint>
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

/// Risk education (Article 7 Form G): `sessions` sessions of one delivery method, with the people
/// reached. Located by a region code, a geometry, or both (the code wins for the home region).
struct EducationRecord {
    std::string education_id;
    Date date;
    std::string organisation;
    std::string method; // free text, lower case (interpersonal, mass_media, training …)
    std::string region; // region code as given; empty when located by geometry only
    std::int64_t sessions = 1;
    std::int64_t girls = 0, boys = 0, women = 0, men = 0, disabled = 0;
    gis::Geometry geometry; // point or (multi)polygon in OGC:CRS84, or null
};

} // namespace cims::core
