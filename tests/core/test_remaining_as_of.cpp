// SPDX-License-Identifier: GPL-3.0-or-later
// remaining_as_of(): the state of hazardous areas at a past date equals what a database holding
// only the records dated up to then stores, for every kind of event (recorded, derived, status
// changed, corrected, explicit and spatially linked releases).
#include "core/remaining_as_of.hpp"

#include "ledger_fixture.hpp"

#include <functional>
#include <map>

namespace cims::test {
namespace {

class RemainingAsOf : public LedgerFixture {
protected:
    /// One import: its date (the latest of its records) and how to make its records.
    struct Step {
        std::string date;
        std::function<std::vector<core::HazardRecord>()> hazards;
        std::function<std::vector<core::ActivityRecord>()> activities;
    };

    std::vector<Step> steps()
    {
        const std::string h1 = square(100.0, 10.0, 0.01), h2 = square(100.02, 10.0, 0.01);
        return {
            {"2020-01-10", [=, this] { return hazards(hazard("H1", "SHA", "2020-01-10", h1)); },
             [] { return std::vector<core::ActivityRecord>{}; }},
            {"2020-03-01", [=, this] { return hazards(hazard("H2", "CHA", "2020-03-01", h2)); },
             [] { return std::vector<core::ActivityRecord>{}; }},
            {"2020-06-30", [] { return std::vector<core::HazardRecord>{}; },
             [=, this] { return activities(activity("A1", "H1", "TS", "2020-06-30", rect(100.0, 10.008, 100.01, 10.01))); }},
            {"2021-02-01",
             [=, this] { return hazards(hazard("K1", "CHA", "2021-02-01", rect(100.0, 10.0, 100.005, 10.006), "CMR", "H1")); },
             [] { return std::vector<core::ActivityRecord>{}; }},
            {"2021-05-05", [] { return std::vector<core::HazardRecord>{}; },
             [=, this] { return activities(activity("A2", "", "CLEARANCE", "2021-05-05", rect(100.004, 10.002, 100.025, 10.004))); }},
            {"2021-09-01", [=, this] { return hazards(hazard("H1", "CHA", "2021-09-01", h1)); },
             [] { return std::vector<core::ActivityRecord>{}; }},
            {"2022-01-15", [=, this] { return hazards(hazard("H2", "CHA", "2022-01-15", rect(100.02, 10.0, 100.035, 10.01))); },
             [] { return std::vector<core::ActivityRecord>{}; }},
            {"2022-06-01", [] { return std::vector<core::HazardRecord>{}; },
             [=, this] { return activities(activity("A3", "H2", "NTS", "2022-06-01", rect(100.03, 10.0, 100.035, 10.01))); }},
        };
    }

    static void apply_to(core::LedgerStore& store, std::vector<core::HazardRecord> h, std::vector<core::ActivityRecord> a)
    {
        store.begin();
        const std::int64_t import_id = store.add_import(
            {"test", "layer", std::string(64, '0'), h.empty() ? "activities" : "hazards", "test", "", 0, 0});
        const core::ApplyResult result = core::LedgerWriter(store).apply(h, a, import_id);
        for (const auto& p : result.problems) ADD_FAILURE() << p.field << " '" << p.value << "': " << p.reason;
        store.commit();
    }
};

TEST_F(RemainingAsOf, EqualsADatabaseOfTheRecordsUpToThatDate)
{
    for (Step& s : steps()) apply_to(*m_store, s.hazards(), s.activities());
    const std::set<std::string> ids = {"H1", "H2", "K1"};

    for (const char* day : {"2019-12-31", "2020-01-10", "2020-02-01", "2020-03-01", "2020-06-29", "2020-06-30", "2021-02-01",
                            "2021-05-04", "2021-05-05", "2021-12-31", "2022-01-15", "2022-05-31", "2022-12-31"}) {
        const core::Date date{day};
        // The yardstick: a fresh database given only what had happened by then.
        TempDb then;
        auto store = then.store();
        for (Step& s : steps())
            if (s.date <= date.iso) apply_to(*store, s.hazards(), s.activities());
        schema::Database db(then.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare("SELECT hazard_id, status, recorded_on, remaining_m2, closed_on, AsBinary(remaining) "
                             "FROM hazards ORDER BY hazard_id");
        std::map<std::string, std::tuple<std::string, std::string, double, std::string, std::string>> expected;
        while (st.step())
            expected[st.column_text(0)] = {st.column_text(1), st.column_text(2), st.column_double(3),
                                           st.column_optional_text(4).value_or(""), st.column_blob(5)};

        const std::vector<core::HazardState> states = core::remaining_as_of(*m_store, ids, date);
        ASSERT_EQ(states.size(), expected.size()) << day;
        for (const core::HazardState& s : states) {
            SCOPED_TRACE(std::string(day) + " " + s.hazard_id);
            ASSERT_TRUE(expected.count(s.hazard_id));
            const auto& [status, recorded_on, remaining_m2, closed_on, wkb] = expected[s.hazard_id];
            EXPECT_EQ(std::string(core::to_string(s.status)), status);
            EXPECT_EQ(s.recorded_on.iso, recorded_on);
            EXPECT_NEAR(s.remaining_m2, remaining_m2, 1e-6 * std::max(1.0, remaining_m2));
            EXPECT_EQ(s.closed_on ? s.closed_on->iso : "", closed_on);
            EXPECT_EQ(s.remaining_wkb.empty(), wkb.empty());
            if (!wkb.empty())
                EXPECT_TRUE(gis::Geometry::from_wkb(s.remaining_wkb).same_shape(gis::Geometry::from_wkb(wkb), 1e-9));
        }
    }
}

TEST_F(RemainingAsOf, OnlyTheAreasAskedForAreReturned)
{
    for (Step& s : steps()) apply_to(*m_store, s.hazards(), s.activities());
    // K1 alone: its parent is replayed for the area moved to it, but not returned.
    const auto states = core::remaining_as_of(*m_store, {"K1"}, core::Date{"2021-12-31"});
    ASSERT_EQ(states.size(), 1u);
    EXPECT_EQ(states[0].hazard_id, "K1");
    EXPECT_GT(states[0].remaining_m2, 0);
    EXPECT_TRUE(core::remaining_as_of(*m_store, {}, core::Date{"2021-12-31"}).empty());
}

} // namespace
} // namespace cims::test
