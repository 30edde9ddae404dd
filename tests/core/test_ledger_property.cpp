// SPDX-License-Identifier: GPL-3.0-or-later
// Random scenarios: the ledger's figures equal those of a naive, independent reading of design.md §3
// (every event replayed in one global date order, areas of intersections measured directly), the
// balance holds in every stratum and year, and arrival order does not matter.
#include "ledger_fixture.hpp"

#include <algorithm>
#include <map>
#include <random>

namespace cims::test {
namespace {

struct Scenario {
    struct Hazard {
        std::string id, status, date, wkt, contam, parent;
    };
    struct StatusChange {
        std::string id, status, date, wkt;
    };
    struct Activity {
        std::string id, hazard, method, date, wkt;
    };
    std::vector<Hazard> hazards;
    std::vector<StatusChange> changes;
    std::vector<Activity> activities;
};

std::string date_in(std::mt19937& rng, int from_year, int to_year)
{
    std::uniform_int_distribution<int> y(from_year, to_year), m(1, 12), d(1, 28);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y(rng), m(rng), d(rng));
    return buf;
}

std::string later_date(std::mt19937& rng, const std::string& after)
{
    for (;;) {
        const std::string d = date_in(rng, std::stoi(after.substr(0, 4)), 2024);
        if (d >= after) return d;
    }
}

/// A convex quadrilateral: a rectangle whose corners are jittered, so edges are not axis-aligned.
std::string quad(std::mt19937& rng, double x0, double y0, double w, double h)
{
    std::uniform_real_distribution<double> j(-0.15, 0.15);
    const double xs[] = {x0 + j(rng) * w, x0 + w + j(rng) * w, x0 + w + j(rng) * w, x0 + j(rng) * w};
    const double ys[] = {y0 + j(rng) * h, y0 + j(rng) * h, y0 + h + j(rng) * h, y0 + h + j(rng) * h};
    char buf[512];
    std::snprintf(buf, sizeof buf, "POLYGON((%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f,%.9f %.9f))", xs[0], ys[0], xs[1],
                  ys[1], xs[2], ys[2], xs[3], ys[3], xs[0], ys[0]);
    return buf;
}

Scenario make_scenario(unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> pos(0.0, 0.05), size(0.004, 0.015), unit(0.0, 1.0);
    const char* contams[] = {"CMR", "AP", "CMR,AP", "CMR,ERW"};
    Scenario s;
    const int n = 12;
    for (int i = 0; i < n; ++i) {
        Scenario::Hazard h;
        h.id = "H" + std::to_string(100 + i);
        h.status = unit(rng) < 0.6 ? "SHA" : "CHA";
        h.date = date_in(rng, 2020, 2022);
        h.wkt = quad(rng, 10.0 + pos(rng), 1.0 + pos(rng), size(rng), size(rng));
        h.contam = contams[rng() % 4];
        s.hazards.push_back(h);
    }
    // Derived CHAs: inside or sticking out of an SHA.
    for (int i = 0; i < 4; ++i) {
        const auto& p = s.hazards[rng() % n];
        if (p.status != "SHA") continue;
        const gis::Envelope e = gis::Geometry::from_wkt(p.wkt).envelope();
        Scenario::Hazard c{"K" + std::to_string(i) + p.id, "CHA", later_date(rng, p.date),
                           quad(rng, e.min_x + (e.max_x - e.min_x) * 0.4, e.min_y + (e.max_y - e.min_y) * 0.3,
                                (e.max_x - e.min_x) * (0.3 + 0.5 * unit(rng)), (e.max_y - e.min_y) * 0.5),
                           p.contam, p.id};
        s.hazards.push_back(c);
    }
    for (int i = 0; i < 3; ++i) {
        const auto& h = s.hazards[rng() % n];
        if (h.status != "SHA" || !h.parent.empty()) continue;
        s.changes.push_back({h.id, "CHA", later_date(rng, h.date), h.wkt});
    }
    const char* methods[] = {"NTS", "TS", "CLEARANCE"};
    for (int i = 0; i < 30; ++i) {
        Scenario::Activity a;
        a.id = "A" + std::to_string(1000 + i);
        a.method = methods[rng() % 3];
        if (unit(rng) < 0.35) {
            a.hazard = "";
            a.date = date_in(rng, 2020, 2024);
            a.wkt = quad(rng, 10.0 + pos(rng), 1.0 + pos(rng), size(rng), size(rng));
        } else {
            const auto& h = s.hazards[rng() % s.hazards.size()];
            const gis::Envelope e = gis::Geometry::from_wkt(h.wkt).envelope();
            a.hazard = h.id;
            a.date = later_date(rng, h.date);
            const double w = (e.max_x - e.min_x) * (0.3 + unit(rng)), hh = (e.max_y - e.min_y) * (0.3 + unit(rng));
            a.wkt = quad(rng, e.min_x + (e.max_x - e.min_x) * (unit(rng) - 0.2), e.min_y + (e.max_y - e.min_y) * unit(rng) * 0.5,
                         w, hh);
        }
        s.activities.push_back(a);
    }
    return s;
}

/// The naive reference: one global timeline, sorted as §3 says, intersections measured directly.
struct Reference {
    struct Year {
        std::map<std::string, double> remaining_m2; // by status
        std::map<std::string, int> open;
        double cancelled = 0, reduced = 0, cleared = 0;
        int closed = 0;
        std::map<std::string, double> added, moved_in, moved_out;
    };
    std::map<int, Year> years;

    Reference(const Scenario& s, core::ContamMask filter)
    {
        struct Ev {
            std::string date;
            int rank;
            std::string tie;
            int kind; // 0 recorded/derived, 2 status, 4 release
            std::size_t index;
        };
        std::vector<Ev> evs;
        for (std::size_t i = 0; i < s.hazards.size(); ++i)
            evs.push_back({s.hazards[i].date, s.hazards[i].parent.empty() ? 0 : 1, s.hazards[i].id, 0, i});
        for (std::size_t i = 0; i < s.changes.size(); ++i) evs.push_back({s.changes[i].date, 2, s.changes[i].id, 2, i});
        for (std::size_t i = 0; i < s.activities.size(); ++i)
            evs.push_back({s.activities[i].date, 4, s.activities[i].id, 4, i});
        std::sort(evs.begin(), evs.end(),
                  [](const Ev& a, const Ev& b) { return std::tie(a.date, a.rank, a.tie) < std::tie(b.date, b.rank, b.tie); });

        std::map<std::string, gis::Geometry> rem;
        std::map<std::string, std::string> status;
        std::map<std::string, bool> counts, open;
        for (const auto& h : s.hazards) counts[h.id] = (*core::parse_contamination(h.contam) & filter) != 0;

        int year = 2019;
        auto snapshot = [&](int y) {
            Year& out = years[y];
            for (const auto& [id, g] : rem) {
                if (!counts[id]) continue;
                const double a = g.area_m2();
                out.remaining_m2[status[id]] += a;
                out.open[status[id]] += a >= 1.0 ? 1 : 0;
            }
        };
        auto release = [&](const std::string& id, const gis::Geometry& ga, const std::string& method, Year& y) {
            const double was = rem[id].area_m2();
            const double part = ga.intersection(rem[id]).area_m2();
            rem[id] = rem[id].difference(ga);
            if (!counts[id]) return;
            (method == "NTS" ? y.cancelled : method == "TS" ? y.reduced : y.cleared) += part;
            if (was >= 1.0 && rem[id].area_m2() < 1.0) ++y.closed;
        };
        for (const Ev& e : evs) {
            const int y = std::stoi(e.date.substr(0, 4));
            while (year < y) snapshot(year++), years[year];
            Year& cur = years[y];
            if (e.kind == 0) {
                const auto& h = s.hazards[e.index];
                gis::Geometry g = gis::Geometry::from_wkt(h.wkt).polygonal();
                const double area = g.area_m2();
                double moved = 0;
                if (!h.parent.empty()) {
                    moved = g.intersection(rem[h.parent]).area_m2();
                    const double was = rem[h.parent].area_m2();
                    rem[h.parent] = rem[h.parent].difference(g);
                    if (counts[h.parent]) {
                        cur.moved_out[status[h.parent]] += moved;
                        if (was >= 1.0 && rem[h.parent].area_m2() < 1.0) ++cur.closed;
                    }
                }
                rem[h.id] = std::move(g);
                status[h.id] = h.status;
                if (counts[h.id]) {
                    cur.moved_in[h.status] += moved;
                    cur.added[h.status] += area - moved;
                }
            } else if (e.kind == 2) {
                const auto& c = s.changes[e.index];
                if (status[c.id] == c.status) continue;
                if (counts[c.id]) {
                    const double a = rem[c.id].area_m2();
                    cur.moved_out[status[c.id]] += a;
                    cur.moved_in[c.status] += a;
                }
                status[c.id] = c.status;
            } else {
                const auto& a = s.activities[e.index];
                const gis::Geometry ga = gis::Geometry::from_wkt(a.wkt).polygonal();
                if (!a.hazard.empty()) {
                    release(a.hazard, ga, a.method, cur);
                } else {
                    for (auto& [id, g] : rem) // std::map: hazard id order
                        if (!ga.intersection(g).is_empty()) release(id, ga, a.method, cur);
                }
            }
        }
        while (year <= 2024) snapshot(year++);
    }
};

class LedgerProperty : public LedgerFixture, public ::testing::WithParamInterface<unsigned> {};

void expect_near(double actual, double expected, const std::string& what)
{
    EXPECT_TRUE(near_area(actual, expected)) << what;
}

TEST_P(LedgerProperty, FiguresMatchANaiveReferenceAndBalanceInAnyArrivalOrder)
{
    const unsigned seed = GetParam();
    const Scenario s = make_scenario(seed);
    std::mt19937 rng(seed * 7 + 1);

    // Arrival: parents before children (as the importer requires), everything else shuffled.
    std::vector<std::size_t> hz(s.hazards.size());
    for (std::size_t i = 0; i < hz.size(); ++i) hz[i] = i;
    std::shuffle(hz.begin(), hz.end(), rng);
    std::stable_sort(hz.begin(), hz.end(), [&](auto a, auto b) { return s.hazards[a].parent.empty() > s.hazards[b].parent.empty(); });
    for (std::size_t i : hz) {
        const auto& h = s.hazards[i];
        apply(hazards(hazard(h.id, h.status, h.date, h.wkt, h.contam, h.parent)), {});
    }
    std::vector<std::size_t> acts(s.activities.size());
    for (std::size_t i = 0; i < acts.size(); ++i) acts[i] = i;
    std::shuffle(acts.begin(), acts.end(), rng);
    std::size_t next_change = 0;
    for (std::size_t k = 0; k < acts.size(); ++k) {
        const auto& a = s.activities[acts[k]];
        apply({}, activities(activity(a.id, a.hazard, a.method, a.date, a.wkt)));
        if (k % 10 == 5 && next_change < s.changes.size()) {
            const auto& c = s.changes[next_change++];
            const auto& h = *std::find_if(s.hazards.begin(), s.hazards.end(), [&](const auto& x) { return x.id == c.id; });
            apply(hazards(hazard(c.id, c.status, c.date, c.wkt, h.contam)), {});
        }
    }
    for (; next_change < s.changes.size(); ++next_change) {
        const auto& c = s.changes[next_change];
        const auto& h = *std::find_if(s.hazards.begin(), s.hazards.end(), [&](const auto& x) { return x.id == c.id; });
        apply(hazards(hazard(c.id, c.status, c.date, c.wkt, h.contam)), {});
    }

    for (const char* contam : {"CMR", "AP"}) {
        const Reference ref(s, core::contamination_bit(contam));
        for (int year = 2020; year <= 2024; ++year) {
            const auto f = figures(year, contam).national;
            const Reference::Year& r = ref.years.at(year);
            const std::string at = std::string(contam) + " " + std::to_string(year) + " seed " + std::to_string(seed);
            EXPECT_TRUE(f.balance_ok) << at << " error " << f.balance_max_error_m2;
            expect_near(f.remaining_m2.SHA, r.remaining_m2.count("SHA") ? r.remaining_m2.at("SHA") : 0, "SHA m² " + at);
            expect_near(f.remaining_m2.CHA, r.remaining_m2.count("CHA") ? r.remaining_m2.at("CHA") : 0, "CHA m² " + at);
            EXPECT_EQ(f.remaining_count_sha, r.open.count("SHA") ? r.open.at("SHA") : 0) << at;
            EXPECT_EQ(f.remaining_count_cha, r.open.count("CHA") ? r.open.at("CHA") : 0) << at;
            expect_near(f.cancelled_m2, r.cancelled, "cancelled " + at);
            expect_near(f.reduced_m2, r.reduced, "reduced " + at);
            expect_near(f.cleared_m2, r.cleared, "cleared " + at);
            EXPECT_EQ(f.closed_count, r.closed) << at;
            for (const char* st : {"SHA", "CHA"}) {
                const auto s_ = *core::parse_status(st);
                auto get = [&](const std::map<std::string, double>& m) { return m.count(st) ? m.at(st) : 0.0; };
                expect_near(f.added_m2[s_], get(r.added), std::string("added ") + st + " " + at);
                expect_near(f.moved_in_m2[s_], get(r.moved_in), std::string("moved in ") + st + " " + at);
                expect_near(f.moved_out_m2[s_], get(r.moved_out), std::string("moved out ") + st + " " + at);
            }
        }
    }
    const std::string incremental = derived_dump();
    rebuild();
    EXPECT_EQ(derived_dump(), incremental);
}

INSTANTIATE_TEST_SUITE_P(Seeds, LedgerProperty, ::testing::Range(1u, 13u));

} // namespace
} // namespace cims::test
