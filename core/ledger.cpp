// SPDX-License-Identifier: GPL-3.0-or-later
#include "ledger.hpp"

#include <algorithm>
#include <exception>
#include <map>
#include <thread>
#include <cmath>
#include <tuple>
#include <unordered_map>
#include <utility>

namespace cims::core {

std::string_view to_string(EventKind k)
{
    switch (k) {
    case EventKind::recorded: return "recorded";
    case EventKind::derived: return "derived";
    case EventKind::status_changed: return "status_changed";
    case EventKind::corrected: return "corrected";
    case EventKind::released: return "released";
    }
    return "";
}

std::string_view to_string(Effect::Kind k)
{
    switch (k) {
    case Effect::Kind::added: return "added";
    case Effect::Kind::moved_in: return "moved_in";
    case Effect::Kind::moved_out: return "moved_out";
    case Effect::Kind::correction: return "correction";
    case Effect::Kind::cancelled: return "cancelled";
    case Effect::Kind::reduced: return "reduced";
    case Effect::Kind::cleared: return "cleared";
    }
    return "";
}

namespace {

/// Same-date order of design.md §3: recorded < derived < status changed < corrected < released.
int rank_of(EventKind k)
{
    return static_cast<int>(k);
}

/// One step of an area's timeline.
struct Step {
    enum class Type { own, child_derived, release } type;
    const Date* date;
    int rank;
    const std::string* tie; // activity or hazard id
    std::int64_t event_id;
    const HazardEvent* hazard_event = nullptr;
    const ReleaseEvent* release = nullptr;

    bool operator<(const Step& o) const
    {
        return std::tie(*date, rank, *tie, event_id) < std::tie(*o.date, o.rank, *o.tie, o.event_id);
    }
};

Effect::Kind effect_of(ReleaseKind k)
{
    switch (k) {
    case ReleaseKind::cancelled: return Effect::Kind::cancelled;
    case ReleaseKind::reduced: return Effect::Kind::reduced;
    case ReleaseKind::cleared: return Effect::Kind::cleared;
    }
    return Effect::Kind::cleared;
}

/// Replays one area; moved-in areas of derived areas flow through `moved` (event id → m²).
class AreaReplay {
public:
    AreaReplay(const HazardFacts& facts, std::string home, const std::unordered_map<std::int64_t, double>& moved_in,
               std::unordered_map<std::int64_t, double>& moved_out, ReplayResult& out)
        : m_facts(facts), m_home(std::move(home)), m_moved_in(moved_in), m_moved(moved_out), m_out(out)
    {
    }

    void run()
    {
        std::vector<Step> steps;
        for (const HazardEvent& e : m_facts.events)
            steps.push_back({Step::Type::own, &e.date, rank_of(e.kind), &m_facts.hazard_id, e.event_id, &e, nullptr});
        for (const HazardEvent* c : m_facts.children)
            steps.push_back({Step::Type::child_derived, &c->date, rank_of(EventKind::derived), &c->hazard_id,
                             c->event_id, c, nullptr});
        for (const ReleaseEvent* r : m_facts.releases)
            steps.push_back({Step::Type::release, &r->date, rank_of(EventKind::released), &r->activity_id,
                             r->event_id, nullptr, r});
        std::sort(steps.begin(), steps.end());

        for (const Step& s : steps) {
            if (!m_started) {
                // Nothing applies before the area exists: a spatial candidate is simply not linked.
                if (s.type != Step::Type::own || !is_start(*s.hazard_event)) continue;
                start(*s.hazard_event);
                continue;
            }
            switch (s.type) {
            case Step::Type::own: apply_own(*s.hazard_event); break;
            case Step::Type::child_derived: derive_child(*s.hazard_event); break;
            case Step::Type::release: release(*s.release); break;
            }
        }
        if (!m_started) return;
        m_state.hazard_id = m_facts.hazard_id;
        m_state.home_region = m_home;
        m_state.status = m_status;
        m_state.remaining_wkb = m_remaining.is_empty() ? std::string() : m_remaining.to_wkb();
        m_state.remaining_m2 = m_remaining_m2;
        m_state.closed_on = m_open ? std::nullopt : m_closed_on;
        m_out.states.push_back(std::move(m_state));
    }

private:
    static bool is_start(const HazardEvent& e) { return e.kind == EventKind::recorded || e.kind == EventKind::derived; }

    void emit(Effect::Kind kind, std::int64_t event_id, const Date& date, Status status, double area,
              double remaining_m2 = 0, int open_delta = 0)
    {
        m_out.effects.push_back(Effect{event_id, m_facts.hazard_id, date, m_home, status, m_facts.contam_mask, kind, area,
                                       remaining_m2, open_delta, 0});
    }

    /// Books the stock change after an event that left `area` m² remaining (and a closure) on the
    /// flow the event has just emitted in the area's current stratum.
    void settle(const Date& date, double area)
    {
        const bool open = area >= closed_below_m2;
        Effect& e = m_out.effects.back();
        e.remaining_m2 += area - m_remaining_m2;
        e.open_delta += int(open) - int(m_open);
        if (m_open && !open) {
            e.closed = 1;
            m_closed_on = date;
        }
        m_remaining_m2 = area;
        m_open = open;
    }

    void start(const HazardEvent& e)
    {
        m_started = true;
        m_status = e.status.value_or(Status::SHA);
        m_state.recorded_on = e.date;
        m_remaining = e.geometry.clone();
        const double area = m_remaining.area_m2();
        if (e.kind == EventKind::derived) {
            const auto it = m_moved_in.find(e.event_id);
            const double moved_in = it == m_moved_in.end() ? 0.0 : it->second;
            emit(Effect::Kind::moved_in, e.event_id, e.date, m_status, moved_in);
            emit(Effect::Kind::added, e.event_id, e.date, m_status, area - moved_in);
        } else {
            emit(Effect::Kind::added, e.event_id, e.date, m_status, area);
        }
        m_remaining_m2 = 0;
        m_open = false;
        settle(e.date, area);
        m_declared = e.geometry.clone();
    }

    void apply_own(const HazardEvent& e)
    {
        // A later recorded/derived record of a known area (a file imported out of date order)
        // acts as a status change plus a correction at its date.
        if (e.status && *e.status != m_status) change_status(e.event_id, e.date, *e.status);
        if (!e.geometry.is_null() && (e.kind == EventKind::corrected || !e.geometry.same_shape(m_declared, same_geometry_tolerance_deg)))
            correct(e.event_id, e.date, e.geometry);
    }

    void change_status(std::int64_t event_id, const Date& date, Status to)
    {
        const Status from = m_status;
        // The stock moves between strata with the measured area it had.
        emit(Effect::Kind::moved_out, event_id, date, from, m_remaining_m2, -m_remaining_m2, -int(m_open));
        emit(Effect::Kind::moved_in, event_id, date, to, m_remaining_m2, m_remaining_m2, int(m_open));
        m_status = to;
    }

    void correct(std::int64_t event_id, const Date& date, const gis::Geometry& corrected)
    {
        // The part each release took is what it removed: remaining before minus remaining after.
        std::vector<gis::Geometry> taken;
        for (const auto& [before, after] : m_released) taken.push_back(before.difference(after));
        std::vector<const gis::Geometry*> parts;
        for (const auto& p : taken) parts.push_back(&p);
        gis::Geometry released = gis::Geometry::union_all(parts);
        gis::Geometry next = corrected.difference(released);
        m_remaining = std::move(next);
        const double after = m_remaining.area_m2();
        emit(Effect::Kind::correction, event_id, date, m_status, after - m_remaining_m2);
        settle(date, after);
        m_declared = corrected.clone();
    }

    // Areas moved or released are measured as the decrease of the remaining area, so that
    // geodesic areas, which are not exactly additive when an overlay inserts vertices on an edge,
    // still balance to the square metre; they differ from the area of the intersection by a few
    // parts per million.
    void derive_child(const HazardEvent& child)
    {
        m_remaining = m_remaining.difference(child.geometry);
        const double after = m_remaining.area_m2();
        const double moved_m2 = m_remaining_m2 - after;
        m_moved[child.event_id] = moved_m2;
        emit(Effect::Kind::moved_out, child.event_id, child.date, m_status, moved_m2);
        settle(child.date, after);
    }

    void release(const ReleaseEvent& r)
    {
        const auto kind = release_kind_of(r.method);
        if (!kind) return;
        const bool spatial = r.hazard_id.empty();
        double after = m_remaining_m2;
        std::string part_wkb;
        // Overlap is judged by what the difference removes: cheaper than a separate intersects
        // predicate, and a shared edge (nothing removed) is not an overlap.
        if (!m_remaining.is_empty() && r.geometry.envelope().intersects(m_remaining.envelope())) {
            gis::Geometry next = m_remaining.difference(r.geometry);
            const double next_m2 = next.area_m2();
            if (m_remaining_m2 - next_m2 > no_overlap_m2) {
                after = next_m2;
                part_wkb = released_part(r, next, m_remaining_m2 - next_m2);
                gis::Geometry before = std::exchange(m_remaining, std::move(next));
                m_released.push_back({std::move(before), m_remaining.clone()});
            }
        }
        // Linked spatially only to the areas it overlaps.
        if (spatial && after == m_remaining_m2) return;
        const double credited = m_remaining_m2 - after;
        const double outside = std::max(0.0, r.area_m2 - credited);
        m_out.credits.push_back(
            Credit{r.event_id, r.activity_id, m_facts.hazard_id, *kind, r.date, credited, outside, std::move(part_wkb)});
        emit(effect_of(*kind), r.event_id, r.date, m_status, credited);
        settle(r.date, after);
    }

    /// The credited part P = G_A ∩ remaining(H) as WKB, given the remaining geometry after the
    /// release and the area it removed. The rebuild measures each release with one overlay, so a
    /// second one is spent only when needed: when nothing remains P is the whole remaining area
    /// (a full clearance); when G_A lost nothing outside the remaining area (its own area equals the
    /// area removed, within the few parts per million by which geodesic areas are not additive) P
    /// is G_A itself; otherwise one intersection.
    std::string released_part(const ReleaseEvent& r, const gis::Geometry& after, double removed_m2) const
    {
        if (after.is_empty()) return m_remaining.to_wkb();
        if (r.area_m2 - removed_m2 <= inside_tolerance * r.area_m2) return r.geometry.to_wkb(); // polygonal: checked at import
        gis::Geometry part = m_remaining.intersection(r.geometry).polygonal();
        // The difference removed area, so the intersection has some; should rounding lose it,
        // what the release removed is the part.
        if (part.is_empty()) part = m_remaining.difference(after).polygonal();
        return part.is_empty() ? std::string() : part.to_wkb();
    }

    /// A difference that removes less than this removed nothing: the area change is rounding.
    static constexpr double no_overlap_m2 = 1e-6;
    /// Relative difference between an activity's area and the area it removed under which the
    /// activity lies within the remaining area (geodesic areas are additive to a few ppm).
    static constexpr double inside_tolerance = 2e-5;

    const HazardFacts& m_facts;
    const std::string m_home;
    const std::unordered_map<std::int64_t, double>& m_moved_in; // from parents, replayed before
    std::unordered_map<std::int64_t, double>& m_moved;          // to children
    ReplayResult& m_out;

    bool m_started = false;
    Status m_status = Status::SHA;
    gis::Geometry m_remaining;
    gis::Geometry m_declared; // the last recorded or corrected geometry
    std::vector<std::pair<gis::Geometry, gis::Geometry>> m_released; // remaining before and after each release
    double m_remaining_m2 = 0;
    bool m_open = false;
    std::optional<Date> m_closed_on;
    HazardState m_state;
};

} // namespace

namespace {

/// The geometry that starts an area's timeline: its first recorded or derived event.
const HazardEvent* start_event(const HazardFacts& h)
{
    const HazardEvent* first = nullptr;
    for (const HazardEvent& e : h.events) {
        if (e.kind != EventKind::recorded && e.kind != EventKind::derived) continue;
        if (!first || std::tie(e.date, e.kind, e.event_id) < std::tie(first->date, first->kind, first->event_id)) first = &e;
    }
    return first;
}

void append(ReplayResult& to, ReplayResult&& from)
{
    to.effects.insert(to.effects.end(), std::make_move_iterator(from.effects.begin()),
                      std::make_move_iterator(from.effects.end()));
    to.credits.insert(to.credits.end(), std::make_move_iterator(from.credits.begin()),
                      std::make_move_iterator(from.credits.end()));
    to.states.insert(to.states.end(), std::make_move_iterator(from.states.begin()),
                     std::make_move_iterator(from.states.end()));
}

} // namespace

ReplayResult replay(const std::vector<HazardFacts*>& hazards, const RegionIndex& regions)
{
    // Parents before children: by depth in the derivation tree, then by id.
    std::unordered_map<std::string, const HazardFacts*> by_id;
    for (const HazardFacts* h : hazards) by_id[h->hazard_id] = h;
    auto depth_of = [&](const HazardFacts* h) {
        int depth = 0;
        for (const HazardFacts* p = h; !p->parent_id.empty() && depth < 1000; ++depth) {
            const auto it = by_id.find(p->parent_id);
            if (it == by_id.end()) break;
            p = it->second;
        }
        return depth;
    };
    std::map<int, std::vector<const HazardFacts*>> levels;
    for (const HazardFacts* h : hazards) levels[depth_of(h)].push_back(h);

    // On this thread, before any worker reads them: home regions (prepared region geometries build
    // their indexes lazily) and every shared geometry's envelope (GEOS caches it on first use).
    std::unordered_map<std::string, std::string> homes;
    for (const HazardFacts* h : hazards) {
        if (const HazardEvent* start = start_event(*h)) homes[h->hazard_id] = regions.home_of(start->geometry);
        for (const HazardEvent& e : h->events) e.geometry.envelope();
        for (const HazardEvent* c : h->children) c->geometry.envelope();
        for (const ReleaseEvent* r : h->releases) r->geometry.envelope();
    }

    const std::size_t threads = std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 4);
    ReplayResult out;
    std::unordered_map<std::int64_t, double> moved; // derived event id → area moved from the parent
    for (auto& [depth, level] : levels) {
        std::sort(level.begin(), level.end(),
                  [](const HazardFacts* a, const HazardFacts* b) { return a->hazard_id < b->hazard_id; });
        const std::size_t workers = level.size() < 256 ? 1 : threads;
        std::vector<ReplayResult> results(workers);
        std::vector<std::unordered_map<std::int64_t, double>> moved_out(workers);
        std::vector<std::exception_ptr> errors(workers);
        auto work = [&](std::size_t w) {
            try {
                for (std::size_t i = w; i < level.size(); i += workers) {
                    const HazardFacts* h = level[i];
                    const auto home = homes.find(h->hazard_id);
                    AreaReplay(*h, home == homes.end() ? std::string() : home->second, moved, moved_out[w], results[w]).run();
                }
            } catch (...) {
                errors[w] = std::current_exception();
            }
        };
        std::vector<std::thread> pool;
        for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, w);
        work(0);
        for (auto& t : pool) t.join();
        for (std::size_t w = 0; w < workers; ++w) {
            if (errors[w]) std::rethrow_exception(errors[w]);
            append(out, std::move(results[w]));
            moved.insert(moved_out[w].begin(), moved_out[w].end());
        }
    }
    return out;
}

} // namespace cims::core
