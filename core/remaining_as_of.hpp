// SPDX-License-Identifier: GPL-3.0-or-later
// The state of hazardous areas as of a past date, replayed from the ledger (design.md §3).
#pragma once

#include "core/ledger.hpp"
#include "core/ledger_store.hpp"

#include <set>
#include <string>
#include <vector>

namespace cims::core {

/// The state of each of `ids` at the end of `date`: the ledger replayed with the events dated on
/// or before it only, so it equals what a rebuild on that day would have stored. Areas recorded
/// later have no state and are left out. Costs a replay of the areas and their ancestors (a
/// derived area's remaining geometry needs its parent's), not of the whole ledger.
/// `home_region` is left empty: the caller has the stored one (the home is fixed at recording).
std::vector<HazardState> remaining_as_of(LedgerStore& store, const std::set<std::string>& ids, const Date& date);

} // namespace cims::core
