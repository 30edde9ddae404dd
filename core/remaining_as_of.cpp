// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/remaining_as_of.hpp"

#include <algorithm>

namespace cims::core {

std::vector<HazardState> remaining_as_of(LedgerStore& store, const std::set<std::string>& ids, const Date& date)
{
    if (ids.empty()) return {};
    std::set<std::string> all = ids;
    std::set<std::string> frontier = ids;
    while (!frontier.empty()) {
        std::set<std::string> next;
        for (const auto& p : store.parents_of(frontier))
            if (all.insert(p).second) next.insert(p);
        frontier = std::move(next);
    }

    LedgerFacts facts;
    store.load_facts(all, facts);
    // Events after the date never happened yet. Replay orders by date, so dropping them gives the
    // state a replay on that date would have given.
    std::vector<HazardFacts*> list;
    for (auto& [id, h] : facts.hazards) {
        std::erase_if(h.events, [&](const HazardEvent& e) { return e.date > date; });
        std::erase_if(h.children, [&](const HazardEvent* e) { return e->date > date; });
        std::erase_if(h.releases, [&](const ReleaseEvent* r) { return r->date > date; });
        if (!h.events.empty()) list.push_back(&h);
    }
    static const RegionIndex no_regions{{}};
    ReplayResult replayed = replay(list, no_regions);
    std::vector<HazardState> out;
    out.reserve(ids.size());
    for (HazardState& s : replayed.states)
        if (ids.count(s.hazard_id)) out.push_back(std::move(s));
    std::sort(out.begin(), out.end(), [](const HazardState& a, const HazardState& b) { return a.hazard_id < b.hazard_id; });
    return out;
}

} // namespace cims::core
