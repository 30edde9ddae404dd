// SPDX-License-Identifier: GPL-3.0-or-later
// Ledger: replays the land-release ledger of design.md §3 for a set of hazardous areas.
#pragma once

#include "core/domain.hpp"
#include "core/region_index.hpp"
#include "gis/geometry.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cims::core {

enum class EventKind { recorded, derived, status_changed, corrected, released };
std::string_view to_string(EventKind k);

/// A recorded, derived, status changed or corrected event of one hazardous area, as stored.
struct HazardEvent {
    std::int64_t event_id = 0;
    EventKind kind = EventKind::recorded;
    std::string hazard_id;
    std::string parent_id;            // derived only
    std::optional<Status> status;     // recorded, derived, status changed
    Date date;
    gis::Geometry geometry;           // recorded, derived, corrected
};

/// A released event: an activity whose polygon releases land. Empty hazard_id: linked spatially.
struct ReleaseEvent {
    std::int64_t event_id = 0;
    std::string activity_id;
    std::string hazard_id;
    Method method = Method::CLEARANCE;
    Date date; // the activity's end date
    gis::Geometry geometry;
    double area_m2 = 0; // geodesic area of the geometry, measured once at import
};

/// Everything the replay of one hazardous area reads.
struct HazardFacts {
    std::string hazard_id;
    std::string parent_id;
    ContamMask contam_mask = 0;
    std::vector<HazardEvent> events;       // its own recorded/derived/status changed/corrected events
    std::vector<const HazardEvent*> children; // derived events whose parent is this area
    std::vector<const ReleaseEvent*> releases; // explicit releases and spatial candidates
};

/// One line of what an event did to a stratum (region, status, contamination of the area): a flow
/// (`kind`, `area_m2`) and the measured change of the remaining area it caused (`remaining_m2`,
/// `open_delta`, `closed`). The balance check compares the two sums, so both are kept.
struct Effect {
    enum class Kind { added, moved_in, moved_out, correction, cancelled, reduced, cleared };
    std::int64_t event_id;
    std::string hazard_id;
    Date date;
    std::string region;
    Status status;
    ContamMask contam_mask;
    Kind kind;
    double area_m2;            // the flow
    double remaining_m2 = 0;   // change of the remaining area (stock)
    int open_delta = 0;        // change of the number of open areas
    int closed = 0;            // 1 when the area closed through this event
};
std::string_view to_string(Effect::Kind k);

/// Area credited to an activity on one hazardous area by one released event.
struct Credit {
    std::int64_t event_id;
    std::string activity_id;
    std::string hazard_id;
    ReleaseKind kind;
    Date date;
    double credited_m2;
    double outside_m2;
    /// The credited part P = G_A ∩ remaining(H) as WKB (a polygon or multipolygon in OGC:CRS84);
    /// empty when nothing was credited. Its geodesic area differs from credited_m2 (the decrease of
    /// the remaining area, docs/decisions.md) by a few parts per million.
    std::string part_wkb;
};

/// The state of a hazardous area after its last event.
struct HazardState {
    std::string hazard_id;
    std::string home_region;
    Status status = Status::SHA;
    Date recorded_on;
    std::string remaining_wkb; // empty when nothing remains
    double remaining_m2 = 0;
    std::optional<Date> closed_on;
};

struct ReplayResult {
    std::vector<Effect> effects;
    std::vector<Credit> credits;
    std::vector<HazardState> states;
};

/// A hazardous area is closed when its remaining area is under this.
inline constexpr double closed_below_m2 = 1.0;

/// Replays hazardous areas from their facts. Deterministic: the result for an area depends only on
/// its facts (and, for a derived area, on its parent's), never on which other areas are replayed
/// with it, so replaying the areas an event touches equals a full rebuild.
/// Contract: every ancestor of an area in `hazards` is in `hazards` too (a derived area's moved-in
/// area comes from its parent's replay). Areas of one depth in the derivation tree are replayed on
/// several threads; the facts are only read.
ReplayResult replay(const std::vector<HazardFacts*>& hazards, const RegionIndex& regions);

} // namespace cims::core
