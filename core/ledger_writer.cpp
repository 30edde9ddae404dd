// SPDX-License-Identifier: GPL-3.0-or-later
#include "ledger_writer.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

namespace cims::core {

namespace {

/// Status and geometry of a known area in effect at a date, folded from its own events.
struct StateAt {
    bool exists = false;
    Date start;
    Status status = Status::SHA;
    const gis::Geometry* geometry = nullptr;
};

StateAt state_at(const KnownHazard& k, const Date& date)
{
    StateAt s;
    for (const HazardEvent& e : k.events) { // in ledger order
        if (e.date > date) break;
        if (!s.exists) {
            if (e.kind != EventKind::recorded && e.kind != EventKind::derived) continue;
            s.exists = true;
            s.start = e.date;
        }
        if (e.status) s.status = *e.status;
        if (!e.geometry.is_null()) s.geometry = &e.geometry;
    }
    return s;
}

std::optional<Date> start_of(const KnownHazard& k)
{
    for (const HazardEvent& e : k.events)
        if (e.kind == EventKind::recorded || e.kind == EventKind::derived) return e.date;
    return std::nullopt;
}

} // namespace

LedgerWriter::LedgerWriter(LedgerStore& store) : m_store(store) {}
LedgerWriter::~LedgerWriter() = default;

const RegionIndex& LedgerWriter::regions()
{
    if (!m_regions) m_regions = std::make_unique<RegionIndex>(m_store.load_regions());
    return *m_regions;
}

ApplyResult LedgerWriter::apply(std::vector<HazardRecord>& hazards, std::vector<ActivityRecord>& activities,
                                std::int64_t import_id)
{
    ApplyResult result = append(hazards, activities, import_id);
    result.areas_replayed = finish();
    return result;
}

std::size_t LedgerWriter::finish()
{
    // In slices, so a large import's memory stays bounded; each slice brings its own ancestors
    // and children, and the result does not depend on how areas are grouped.
    constexpr std::size_t slice = 5000;
    std::size_t n = 0;
    std::set<std::string> part;
    for (auto it = m_touched.begin(); it != m_touched.end(); ++it) {
        part.insert(*it);
        if (part.size() == slice || std::next(it) == m_touched.end()) {
            n += replay_touched(part, {});
            part.clear();
        }
    }
    if (!m_touched_activities.empty()) m_store.attribute_items({}, m_touched_activities, false);
    m_touched.clear();
    m_touched_activities.clear();
    return n;
}

ApplyResult LedgerWriter::append(std::vector<HazardRecord>& hazards, std::vector<ActivityRecord>& activities,
                                 std::int64_t import_id, std::vector<std::size_t>* deferred)
{
    ApplyResult result;
    std::set<std::string>& touched = m_touched;
    std::set<std::string>& touched_activities = m_touched_activities;

    // Areas without a parent first, then derived ones, so a parent in the same file exists; each
    // group by date so a file listing an area twice applies its records in order.
    std::vector<std::size_t> order(hazards.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const bool da = !hazards[a].parent_id.empty(), db = !hazards[b].parent_id.empty();
        return std::tie(da, hazards[a].recorded) < std::tie(db, hazards[b].recorded);
    });

    for (std::size_t i : order) {
        HazardRecord& r = hazards[i];
        auto problem = [&](std::string field, std::string value, std::string reason, std::string fix) {
            result.problems.push_back(LedgerProblem{LedgerProblem::Source::hazard, i, std::move(field), std::move(value),
                                                    std::move(reason), std::move(fix)});
        };
        std::optional<KnownHazard> parent;
        if (!r.parent_id.empty()) {
            if (r.parent_id == r.hazard_id) {
                problem("parent_id", r.parent_id, "a hazardous area cannot be derived from itself",
                        "leave parent_id empty or give the id of the area it was derived from");
                continue;
            }
            parent = m_store.find_hazard(r.parent_id);
            if (!parent && deferred) {
                deferred->push_back(i);
                continue;
            }
            if (!parent) {
                problem("parent_id", r.parent_id, "unknown hazard id: no hazardous area has this id",
                        "import the parent area first, or correct parent_id");
                continue;
            }
            const auto parent_start = start_of(*parent);
            if (!parent_start || r.recorded < *parent_start) {
                problem("recorded", r.recorded.iso,
                        "derived before its parent " + r.parent_id + " was recorded (" +
                            (parent_start ? parent_start->iso : std::string("never")) + ")",
                        "check the date: a derived area is dated on or after its parent's recording");
                continue;
            }
        }

        const std::optional<KnownHazard> known = m_store.find_hazard(r.hazard_id);
        const EventKind start_kind = r.parent_id.empty() ? EventKind::recorded : EventKind::derived;
        if (!known) {
            m_store.insert_hazard(r, import_id);
            HazardEvent e{0, start_kind, r.hazard_id, r.parent_id, r.status, r.recorded, r.geometry.clone()};
            m_store.append_hazard_event(e, import_id);
            touched.insert(r.hazard_id);
            if (!r.parent_id.empty()) touched.insert(r.parent_id);
            ++result.hazards_added;
            continue;
        }
        if (known->contam_mask != r.contam_mask) {
            problem("contam", format_contamination(r.contam_mask),
                    "hazardous area " + r.hazard_id + " is recorded with contamination " +
                        format_contamination(known->contam_mask) + "; cims does not change an area's contamination",
                    "give the recorded contamination, or record the area under a new hazard_id");
            continue;
        }
        const StateAt at = state_at(*known, r.recorded);
        if (!at.exists) {
            // Earlier than anything known (files imported out of date order): this record becomes
            // the area's recording, and the later one acts as a status change and correction.
            HazardEvent e{0, start_kind, r.hazard_id, r.parent_id, r.status, r.recorded, r.geometry.clone()};
            m_store.append_hazard_event(e, import_id);
            touched.insert(r.hazard_id);
            if (!r.parent_id.empty()) touched.insert(r.parent_id);
            ++result.hazards_added;
            continue;
        }
        bool changed = false;
        if (at.status != r.status) {
            HazardEvent e{0, EventKind::status_changed, r.hazard_id, "", r.status, r.recorded, {}};
            m_store.append_hazard_event(e, import_id);
            ++result.status_changes;
            changed = true;
        }
        if (!at.geometry || !r.geometry.same_shape(*at.geometry, same_geometry_tolerance_deg)) {
            HazardEvent e{0, EventKind::corrected, r.hazard_id, "", std::nullopt, r.recorded, r.geometry.clone()};
            m_store.append_hazard_event(e, import_id);
            ++result.corrections;
            changed = true;
        }
        if (changed)
            touched.insert(r.hazard_id);
        else
            ++result.unchanged;
    }

    std::set<std::string> seen_activities;
    for (std::size_t i = 0; i < activities.size(); ++i) {
        ActivityRecord& a = activities[i];
        auto problem = [&](std::string field, std::string value, std::string reason, std::string fix) {
            result.problems.push_back(LedgerProblem{LedgerProblem::Source::activity, i, std::move(field),
                                                    std::move(value), std::move(reason), std::move(fix)});
        };
        if (!seen_activities.insert(a.activity_id).second) {
            problem("activity_id", a.activity_id, "this activity_id appears twice in the file",
                    "give every activity its own id");
            continue;
        }
        if (const auto known = m_store.find_activity(a.activity_id)) {
            const bool same = known->hazard_id == a.hazard_id && known->method == a.method &&
                              known->end_date == a.end_date &&
                              known->geometry_wkb == (a.geometry.is_empty() ? std::string() : a.geometry.to_wkb());
            if (same) {
                ++result.unchanged;
                continue;
            }
            problem("activity_id", a.activity_id,
                    "an activity with this id is already recorded with a different hazard, method, end date or polygon",
                    "activities are not edited: give the new record its own activity_id");
            continue;
        }
        if (!a.hazard_id.empty()) {
            const auto hazard = m_store.find_hazard(a.hazard_id);
            if (!hazard) {
                problem("hazard_id", a.hazard_id, "unknown hazard id: no hazardous area has this id",
                        "import the hazardous area first, correct hazard_id, or leave it empty to link the "
                        "activity spatially");
                continue;
            }
            const auto start = start_of(*hazard);
            if (!start || a.end_date < *start) {
                problem("end_date", a.end_date.iso,
                        "activity ends before its hazardous area " + a.hazard_id + " was recorded (" +
                            (start ? start->iso : std::string("never")) + ")",
                        "check the date, or the hazard_id");
                continue;
            }
        }
        m_store.insert_activity(a, import_id, regions().home_of(a.geometry));
        touched_activities.insert(a.activity_id);
        ++result.activities_added;
        if (a.method == Method::EOD) continue;
        m_store.append_release_event(a.activity_id, a.hazard_id, a.end_date, import_id);
        ++result.releases;
        if (!a.hazard_id.empty())
            touched.insert(a.hazard_id);
        else
            for (const auto& id : m_store.hazards_near(a.geometry.envelope())) touched.insert(id);
    }

    return result;
}

std::size_t LedgerWriter::replay_touched(const std::set<std::string>& touched, const std::set<std::string>& activities)
{
    // Children of a touched area: their moved-in area depends on it. Ancestors: they supply the
    // moved-in area of the areas replayed (replay() requires them).
    std::set<std::string> ids = touched;
    for (const auto& c : m_store.children_of(touched)) ids.insert(c);
    std::set<std::string> frontier = ids;
    while (!frontier.empty()) {
        std::set<std::string> next;
        for (const auto& p : m_store.parents_of(frontier))
            if (ids.insert(p).second) next.insert(p);
        frontier = std::move(next);
    }

    LedgerFacts facts;
    m_store.load_facts(ids, facts);
    std::vector<HazardFacts*> list;
    for (auto& [id, h] : facts.hazards) list.push_back(&h);
    const ReplayResult result = replay(list, regions());
    m_store.write_replay(ids, result, false);

    std::set<std::string> affected = activities;
    for (const ReleaseEvent& r : facts.releases) affected.insert(r.activity_id);
    m_store.attribute_items(ids, affected, false);
    return ids.size();
}

std::size_t LedgerWriter::rebuild()
{
    // CIMS_TRACE=1 prints the time of each phase to standard error (for the benchmarks).
    const bool trace = std::getenv("CIMS_TRACE") != nullptr;
    auto t = std::chrono::steady_clock::now();
    auto phase = [&](const char* name) {
        if (!trace) return;
        const auto now = std::chrono::steady_clock::now();
        std::fprintf(stderr, "rebuild: %-20s %8.3f s\n", name, std::chrono::duration<double>(now - t).count());
        t = now;
    };
    m_regions.reset(); // regions may have just been replaced
    const RegionIndex& regions = this->regions();
    m_store.relocate_activities(regions);
    m_store.relocate_education(regions);
    phase("regions");
    const std::set<std::string> ids = m_store.all_hazard_ids();
    LedgerFacts facts;
    m_store.load_facts(ids, facts);
    phase("load facts");
    std::vector<HazardFacts*> list;
    for (auto& [id, h] : facts.hazards) list.push_back(&h);
    const ReplayResult result = replay(list, regions);
    phase("replay");
    m_store.write_replay(ids, result, true);
    phase("write replay");
    m_store.attribute_items({}, {}, true);
    phase("attribute items");
    m_store.refresh_totals();
    phase("totals");
    return ids.size();
}

} // namespace cims::core
