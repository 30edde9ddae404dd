// SPDX-License-Identifier: GPL-3.0-or-later
// RemainingArea: a hazardous area as it was at the end of a date, streamed page by page from the
// ledger for maps and exports (cims export, OGC API `datetime`).
#pragma once

#include "core/ledger.hpp"
#include "core/ledger_store.hpp"

#include <cstddef>
#include <functional>

namespace cims::core {

struct RemainingArea {
    /// Replayed at the date: status, recorded_on, remaining geometry (WKB, never empty here) and
    /// its geodesic area remaining_m2, closed_on. state.home_region is the stored home (fixed at
    /// recording, design.md §3).
    HazardState state;
    HazardAttributes attributes; // stored: name, contamination, home region
};

/// Calls `visit` once for every hazardous area with land remaining at the end of `date` (more than
/// 0 m²: areas closed with a sliver under 1 m² are included, so the remaining_m2 of the visited
/// areas sum to the annual figures' remaining area at that date), in hazard id order.
/// Pages of `page_size` areas are found through LedgerStore::hazards_remaining_at() and replayed
/// with the events dated on or before `date` by remaining_as_of(); memory is bounded by one page
/// (and its ancestors), never the whole ledger. Reads only (temporary tables aside): run it inside
/// a transaction for one consistent snapshot.
/// \returns the number of areas visited.
std::size_t for_each_remaining_as_of(LedgerStore& store, const Date& date,
                                     const std::function<void(RemainingArea&&)>& visit, std::size_t page_size = 500);

} // namespace cims::core
