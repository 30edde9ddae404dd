// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/remaining_area.hpp"

#include "core/remaining_as_of.hpp"

#include <stdexcept>

namespace cims::core {

std::size_t for_each_remaining_as_of(LedgerStore& store, const Date& date,
                                     const std::function<void(RemainingArea&&)>& visit, std::size_t page_size)
{
    if (page_size == 0) throw std::invalid_argument("for_each_remaining_as_of: page_size must be positive");
    std::size_t visited = 0;
    std::string after;
    for (;;) {
        const std::vector<std::string> page = store.hazards_remaining_at(date, after, page_size);
        if (page.empty()) break;
        after = page.back();
        const std::set<std::string> ids(page.begin(), page.end());
        std::map<std::string, HazardAttributes> attributes = store.hazard_attributes(ids);
        for (HazardState& s : remaining_as_of(store, ids, date)) { // in id order
            if (s.remaining_wkb.empty()) continue; // the stored effects and the replay agree; defensive
            auto it = attributes.find(s.hazard_id);
            if (it == attributes.end())
                throw std::runtime_error("hazardous area '" + s.hazard_id + "' is in the ledger but not stored");
            s.home_region = it->second.home_region;
            visit(RemainingArea{std::move(s), std::move(it->second)});
            ++visited;
        }
        if (page.size() < page_size) break;
    }
    return visited;
}

} // namespace cims::core
