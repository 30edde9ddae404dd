// SPDX-License-Identifier: GPL-3.0-or-later
// Each ledger rule of design.md §3, checked on small hand-made scenarios near the equator.
#include "ledger_fixture.hpp"

namespace cims::test {
namespace {

class LedgerRules : public LedgerFixture {};

TEST_F(LedgerRules, RecordedAreaIsAddedAndRemains)
{
    const std::string g = square(10.0, 1.0, 0.01);
    apply(hazards(hazard("H1", "SHA", "2020-05-01", g)), {});
    const auto f = figures(2020);
    EXPECT_TRUE(near_area(f.national.added_m2.SHA, area_of(g)));
    EXPECT_TRUE(near_area(f.national.remaining_m2.SHA, area_of(g)));
    EXPECT_EQ(f.national.remaining_count_sha, 1);
    EXPECT_EQ(f.national.remaining_count_cha, 0);
    EXPECT_TRUE(f.national.balance_ok);
    // Nothing is reported before the area was recorded.
    EXPECT_EQ(figures(2019).national.remaining_count_sha, 0);
}

TEST_F(LedgerRules, OverlappingActivitiesAreCreditedOnce)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    // A1 clears the western 60 %, A2 the eastern 60 %: the 20 % overlap is credited to A1 only.
    apply({}, activities(activity("A1", "H1", "CLEARANCE", "2021-03-01", rect(10.0, 1.0, 10.006, 1.01)),
               activity("A2", "H1", "CLEARANCE", "2021-04-01", rect(10.004, 1.0, 10.01, 1.01))));
    const auto f = figures(2021);
    EXPECT_TRUE(near_area(f.national.cleared_m2, area_of(square(10.0, 1.0, 0.01))));
    EXPECT_EQ(f.national.closed_count, 1);
    EXPECT_EQ(f.national.remaining_count_cha, 0);
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT credited_m2, outside_m2 FROM release_credits WHERE activity_id = 'A2'");
    ASSERT_TRUE(st.step());
    EXPECT_TRUE(near_area(st.column_double(0), area_of(rect(10.006, 1.0, 10.01, 1.01))));
    EXPECT_TRUE(near_area(st.column_double(1), area_of(rect(10.004, 1.0, 10.006, 1.01))));
}

TEST_F(LedgerRules, EachCreditKeepsTheGeometryOfThePartItReleased)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    // A1 clears the western 60 %; A2 the eastern 60 %, sticking out east: its part is only what
    // remained of H1 (the eastern 40 %), and together the parts cover H1 once.
    apply({}, activities(activity("A1", "H1", "CLEARANCE", "2021-03-01", rect(10.0, 1.0, 10.006, 1.01)),
                         activity("A2", "H1", "CLEARANCE", "2021-04-01", rect(10.004, 1.0, 10.02, 1.01))));
    // A3 reduces the south-east quarter of H2 and sticks out east, leaving the rest of H2.
    apply(hazards(hazard("H2", "CHA", "2020-01-01", square(11.0, 1.0, 0.01))), {});
    apply({}, activities(activity("A3", "H2", "TS", "2021-05-01", rect(11.005, 1.0, 11.02, 1.005))));
    auto parts = [&] {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare("SELECT activity_id, AsText(geom), credited_m2 FROM release_credits ORDER BY activity_id");
        std::vector<std::pair<std::string, std::string>> out;
        while (st.step()) {
            EXPECT_FALSE(st.is_null(1)) << st.column_text(0);
            const std::string wkt = st.is_null(1) ? "" : st.column_text(1);
            EXPECT_TRUE(near_area(area_of(wkt), st.column_double(2))) << st.column_text(0) << " " << wkt;
            out.emplace_back(st.column_text(0), wkt);
        }
        return out;
    };
    const auto stored = parts();
    ASSERT_EQ(stored.size(), 3u);
    EXPECT_TRUE(near_area(area_of(stored[0].second), area_of(rect(10.0, 1.0, 10.006, 1.01))));
    EXPECT_TRUE(near_area(area_of(stored[1].second), area_of(rect(10.006, 1.0, 10.01, 1.01))));
    EXPECT_TRUE(near_area(area_of(stored[2].second), area_of(rect(11.005, 1.0, 11.01, 1.005))));
    const auto a2 = gis::Geometry::from_wkt(stored[1].second).envelope();
    EXPECT_NEAR(a2.max_x, 10.01, 1e-9); // not the activity's 10.02: the part outside H1 is not released
    EXPECT_NEAR(gis::Geometry::from_wkt(stored[2].second).envelope().max_x, 11.01, 1e-9);
    rebuild();
    EXPECT_EQ(parts(), stored); // derived like every credit: a rebuild writes the same parts
}

TEST_F(LedgerRules, ActivityPartlyOutsideItsHazardCreditsOnlyTheInside)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("A1", "H1", "TS", "2020-06-01", rect(10.005, 1.0, 10.02, 1.01))));
    const auto f = figures(2020);
    EXPECT_TRUE(near_area(f.national.reduced_m2, area_of(rect(10.005, 1.0, 10.01, 1.01))));
    EXPECT_TRUE(near_area(f.national.remaining_m2.CHA, area_of(rect(10.0, 1.0, 10.005, 1.01))));
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT outside_m2 FROM release_credits WHERE activity_id = 'A1'");
    ASSERT_TRUE(st.step());
    EXPECT_TRUE(near_area(st.column_double(0), area_of(rect(10.01, 1.0, 10.02, 1.01))));
}

TEST_F(LedgerRules, DoubleSubmissionUnderANewIdIsNotCreditedTwice)
{
    const std::string g = square(10.0, 1.0, 0.01);
    apply(hazards(hazard("H1", "SHA", "2020-01-01", g)), {});
    apply({}, activities(activity("A1", "H1", "NTS", "2020-06-01", g)));
    apply({}, activities(activity("A1-again", "H1", "NTS", "2020-07-01", g)));
    const auto f = figures(2020);
    EXPECT_TRUE(near_area(f.national.cancelled_m2, area_of(g)));
    EXPECT_EQ(f.national.closed_count, 1);
    EXPECT_TRUE(f.national.balance_ok);
}

TEST_F(LedgerRules, ReimportingTheSameActivityChangesNothing)
{
    apply(hazards(hazard("H1", "SHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("A1", "H1", "NTS", "2020-06-01", square(10.0, 1.0, 0.005))));
    const std::string before = derived_dump();
    const auto r = apply({}, activities(activity("A1", "H1", "NTS", "2020-06-01", square(10.0, 1.0, 0.005))));
    EXPECT_EQ(r.unchanged, 1u);
    EXPECT_EQ(derived_dump(), before);
}

TEST_F(LedgerRules, SpatialLinkReleasesEveryHazardItOverlaps)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01)),
           hazard("H2", "CHA", "2020-01-01", square(10.02, 1.0, 0.01), "AP"),
           hazard("H3", "CHA", "2020-01-01", square(10.05, 1.0, 0.01))), {});
    // Empty hazard_id: covers the east half of H1, a gap, and the west half of H2; H3 only touches.
    apply({}, activities(activity("C1", "", "CLEARANCE", "2021-02-01", rect(10.005, 1.0, 10.025, 1.01), 7)));
    const auto cmr = figures(2021, "CMR");
    const auto ap = figures(2021, "AP");
    EXPECT_TRUE(near_area(cmr.national.cleared_m2, area_of(rect(10.005, 1.0, 10.01, 1.01))));
    EXPECT_TRUE(near_area(ap.national.cleared_m2, area_of(rect(10.02, 1.0, 10.025, 1.01))));
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT group_concat(hazard_id) FROM (SELECT hazard_id FROM release_credits "
                         "WHERE activity_id = 'C1' ORDER BY hazard_id)");
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column_text(0), "H1,H2");
    // Items count for every contamination of the areas it released.
    EXPECT_EQ(cmr.national.items.submunitions, 7);
    EXPECT_EQ(ap.national.items.submunitions, 7);
}

TEST_F(LedgerRules, SpatialLinkIgnoresAreasRecordedLater)
{
    apply(hazards(hazard("H1", "CHA", "2022-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("C1", "", "CLEARANCE", "2021-02-01", square(10.0, 1.0, 0.01))));
    EXPECT_EQ(figures(2021).national.cleared_m2, 0.0);
    EXPECT_EQ(figures(2022).national.remaining_count_cha, 1);
}

TEST_F(LedgerRules, DerivedChildStickingOutOfItsParent)
{
    const std::string parent = square(10.0, 1.0, 0.01);
    // The child covers the parent's east half and sticks out 0.002° further east.
    const std::string child = rect(10.005, 1.0, 10.012, 1.01);
    apply(hazards(hazard("S1", "SHA", "2020-01-01", parent)), {});
    apply(hazards(hazard("C1", "CHA", "2021-05-01", child, "CMR", "S1")), {});
    apply({}, activities(activity("N1", "S1", "NTS", "2021-05-01", rect(10.0, 1.0, 10.005, 1.01))));
    const auto f = figures(2021);
    const double inside = area_of(rect(10.005, 1.0, 10.01, 1.01));
    const double outside = area_of(rect(10.01, 1.0, 10.012, 1.01));
    EXPECT_TRUE(near_area(f.national.moved_out_m2.SHA, inside));
    EXPECT_TRUE(near_area(f.national.moved_in_m2.CHA, inside));
    EXPECT_TRUE(near_area(f.national.added_m2.CHA, outside));
    EXPECT_TRUE(near_area(f.national.cancelled_m2, area_of(rect(10.0, 1.0, 10.005, 1.01))));
    EXPECT_EQ(f.national.remaining_count_sha, 0);
    EXPECT_EQ(f.national.remaining_count_cha, 1);
    EXPECT_TRUE(near_area(f.national.remaining_m2.CHA, area_of(child)));
    EXPECT_EQ(f.national.closed_count, 1); // the SHA
    EXPECT_TRUE(f.national.balance_ok);
}

TEST_F(LedgerRules, StatusChangeMidYearMovesTheRemainingArea)
{
    const std::string g = square(10.0, 1.0, 0.01);
    apply(hazards(hazard("H1", "SHA", "2020-01-01", g)), {});
    apply({}, activities(activity("T1", "H1", "TS", "2021-03-01", rect(10.0, 1.0, 10.004, 1.01))));
    apply(hazards(hazard("H1", "CHA", "2021-07-01", g)), {}); // re-import with a new status
    apply({}, activities(activity("T2", "H1", "CLEARANCE", "2021-09-01", rect(10.004, 1.0, 10.006, 1.01))));
    const auto f = figures(2021);
    const double left_after_ts = area_of(rect(10.004, 1.0, 10.01, 1.01));
    EXPECT_TRUE(near_area(f.national.moved_out_m2.SHA, left_after_ts));
    EXPECT_TRUE(near_area(f.national.moved_in_m2.CHA, left_after_ts));
    EXPECT_TRUE(near_area(f.national.reduced_m2, area_of(rect(10.0, 1.0, 10.004, 1.01))));
    EXPECT_TRUE(near_area(f.national.cleared_m2, area_of(rect(10.004, 1.0, 10.006, 1.01))));
    EXPECT_EQ(f.national.remaining_count_sha, 0);
    EXPECT_EQ(f.national.remaining_count_cha, 1);
    EXPECT_TRUE(near_area(f.national.remaining_m2.CHA, area_of(rect(10.006, 1.0, 10.01, 1.01))));
    EXPECT_TRUE(f.national.balance_ok);
    // The year before still shows it as an SHA.
    EXPECT_EQ(figures(2020).national.remaining_count_sha, 1);
}

TEST_F(LedgerRules, ReimportThroughAnotherFormatIsAStatusChangeNotACorrection)
{
    apply(hazards(hazard("S1", "SHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply(hazards(hazard("C1", "CHA", "2020-06-01", rect(10.005, 1.0, 10.01, 1.01), "CMR", "S1")), {});
    // The same polygon as a shapefile would give it back: clockwise, another start vertex, and
    // coordinates off by 1e-9° after a round trip through UTM.
    const std::string reexported = "POLYGON((10.000000001 1.0,10.0 1.010000001,10.01 1.01,10.010000001 1.0,10.000000001 1.0))";
    const auto r = apply(hazards(hazard("S1", "CHA", "2021-03-01", reexported)), {});
    EXPECT_EQ(r.status_changes, 1u);
    EXPECT_EQ(r.corrections, 0u);
    const auto f = figures(2021);
    EXPECT_EQ(f.national.corrections_m2.SHA, 0.0);
    EXPECT_TRUE(near_area(f.national.moved_in_m2.CHA, area_of(rect(10.0, 1.0, 10.005, 1.01))));
    EXPECT_TRUE(near_area(f.national.remaining_m2.CHA, area_of(square(10.0, 1.0, 0.01))));
}

TEST_F(LedgerRules, SliverUnderOneSquareMetreClosesTheAreaButKeepsItsArea)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", rect(10.0, 1.0, 10.01, 1.01))), {});
    // Leaves a strip 1e-9° (about 0.1 mm) wide and 1.1 km long: about 0.12 m².
    apply({}, activities(activity("C1", "H1", "CLEARANCE", "2020-08-01", rect(10.0, 1.0, 10.009999999, 1.01))));
    const auto f = figures(2020);
    EXPECT_EQ(f.national.closed_count, 1);
    EXPECT_EQ(f.national.remaining_count_cha, 0);
    EXPECT_GT(f.national.remaining_m2.CHA, 0.0);
    EXPECT_LT(f.national.remaining_m2.CHA, 1.0);
    EXPECT_TRUE(f.national.balance_ok);
}

TEST_F(LedgerRules, SameDayOrderRecordedThenStatusThenRelease)
{
    const std::string g = square(10.0, 1.0, 0.01);
    apply(hazards(hazard("H1", "SHA", "2020-01-01", g)), {});
    // The same date: the status change applies before the release, so the clearance is CHA land.
    apply({}, activities(activity("C1", "H1", "CLEARANCE", "2021-06-01", rect(10.0, 1.0, 10.005, 1.01))));
    apply(hazards(hazard("H1", "CHA", "2021-06-01", g)), {});
    const auto f = figures(2021);
    const double rest = area_of(rect(10.005, 1.0, 10.01, 1.01));
    // Moved while whole: the release came after the change.
    EXPECT_TRUE(near_area(f.national.moved_in_m2.CHA, area_of(g)));
    EXPECT_TRUE(near_area(f.national.remaining_m2.CHA, rest));
    EXPECT_TRUE(f.national.balance_ok);
}

TEST_F(LedgerRules, SameDayReleasesApplyInActivityIdOrder)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    // Both end the same day and overlap in the middle: "A" comes before "B", whatever arrives first.
    apply({}, activities(activity("B", "H1", "CLEARANCE", "2021-01-10", rect(10.004, 1.0, 10.01, 1.01))));
    apply({}, activities(activity("A", "H1", "CLEARANCE", "2021-01-10", rect(10.0, 1.0, 10.006, 1.01))));
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT credited_m2 FROM release_credits WHERE activity_id = 'A'");
    ASSERT_TRUE(st.step());
    EXPECT_TRUE(near_area(st.column_double(0), area_of(rect(10.0, 1.0, 10.006, 1.01))));
}

TEST_F(LedgerRules, CorrectionReplacesGeometryMinusReleasedParts)
{
    apply(hazards(hazard("H1", "SHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("N1", "H1", "NTS", "2020-06-01", rect(10.0, 1.0, 10.005, 1.01))));
    // New survey: the area is twice as tall. Released land stays released.
    apply(hazards(hazard("H1", "SHA", "2021-02-01", rect(10.0, 1.0, 10.01, 1.02))), {});
    const auto f = figures(2021);
    const double expected = area_of(rect(10.0, 1.0, 10.01, 1.02)) - area_of(rect(10.0, 1.0, 10.005, 1.01));
    EXPECT_TRUE(near_area(f.national.remaining_m2.SHA, expected));
    EXPECT_TRUE(near_area(f.national.corrections_m2.SHA, expected - area_of(rect(10.005, 1.0, 10.01, 1.01))));
    EXPECT_EQ(f.national.cancelled_m2, 0.0); // corrections are not releases
    EXPECT_TRUE(f.national.balance_ok);
}

TEST_F(LedgerRules, ContaminationFilterCountsAreasWithThatType)
{
    apply(hazards(hazard("H1", "SHA", "2020-01-01", square(10.0, 1.0, 0.01), "CMR,ERW"),
           hazard("H2", "SHA", "2020-01-01", square(10.1, 1.0, 0.01), "AP"),
           hazard("H3", "CHA", "2020-01-01", square(10.2, 1.0, 0.01), "AP,CMR")), {});
    EXPECT_EQ(figures(2020, "CMR").national.remaining_count_sha, 1);
    EXPECT_EQ(figures(2020, "CMR").national.remaining_count_cha, 1);
    EXPECT_EQ(figures(2020, "AP").national.remaining_count_sha, 1);
    EXPECT_EQ(figures(2020, "AP").national.remaining_count_cha, 1);
    EXPECT_EQ(figures(2020, "AV").national.remaining_count_sha, 0);
}

TEST_F(LedgerRules, ActivityBeforeItsHazardIsRejected)
{
    apply(hazards(hazard("H1", "SHA", "2021-01-01", square(10.0, 1.0, 0.01))), {});
    const auto r = apply({}, activities(activity("A1", "H1", "NTS", "2020-12-31", square(10.0, 1.0, 0.005))), true);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].field, "end_date");
    EXPECT_EQ(r.problems[0].value, "2020-12-31");
    EXPECT_NE(r.problems[0].reason.find("2021-01-01"), std::string::npos);
}

TEST_F(LedgerRules, UnknownHazardIdIsRejected)
{
    const auto r = apply({}, activities(activity("A1", "NOPE", "NTS", "2020-12-31", square(10.0, 1.0, 0.005))), true);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].field, "hazard_id");
    EXPECT_EQ(r.problems[0].value, "NOPE");
    EXPECT_FALSE(r.problems[0].fix.empty());
}

TEST_F(LedgerRules, EodSpotTasksCountItemsButReleaseNothing)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("E1", "", "EOD", "2020-03-01", "POINT(10.5 1.5)", 4),
               activity("E2", "H1", "EOD", "2020-04-01", "POINT(10.005 1.005)", 2)));
    const auto f = figures(2020);
    EXPECT_EQ(f.national.items.submunitions, 6);
    EXPECT_EQ(f.national.cleared_m2, 0.0);
    EXPECT_EQ(f.national.remaining_count_cha, 1);
}

TEST_F(LedgerRules, BackDatedActivityEqualsFullRebuild)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01)),
           hazard("H2", "SHA", "2020-01-01", square(10.02, 1.0, 0.01))), {});
    apply({}, activities(activity("A2", "H1", "CLEARANCE", "2022-01-01", rect(10.003, 1.0, 10.008, 1.01))));
    // Arrives later, dated earlier, overlapping A2 and linked spatially to H1 and H2.
    apply({}, activities(activity("A1", "", "CLEARANCE", "2021-01-01", rect(10.005, 1.0, 10.025, 1.005))));
    apply(hazards(hazard("H1", "CHA", "2020-06-01", rect(10.0, 1.0, 10.01, 1.012))), {}); // back-dated correction
    const std::string incremental = derived_dump();
    rebuild();
    EXPECT_EQ(derived_dump(), incremental);
}

TEST_F(LedgerRules, BrokenLedgerFailsTheBalance)
{
    apply(hazards(hazard("H1", "CHA", "2020-01-01", square(10.0, 1.0, 0.01))), {});
    apply({}, activities(activity("C1", "H1", "CLEARANCE", "2021-05-01", rect(10.0, 1.0, 10.005, 1.01))));
    ASSERT_TRUE(figures(2021).national.balance_ok);
    {
        // Lose the flow of the clearance but keep its effect on the remaining area.
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        db.exec("UPDATE ledger_effects SET area_m2 = 0 WHERE kind = 'cleared'");
        db.exec("DELETE FROM stratum_totals");
        db.exec("INSERT INTO stratum_totals SELECT region_code, status, contam_mask, year, kind, sum(area_m2), "
                "sum(remaining_m2), sum(open_delta), sum(closed) FROM ledger_effects GROUP BY 1, 2, 3, 4, 5");
    }
    const auto f = figures(2021);
    EXPECT_FALSE(f.national.balance_ok);
    EXPECT_TRUE(near_area(f.national.balance_max_error_m2, area_of(rect(10.0, 1.0, 10.005, 1.01))));
    // A rebuild from the ledger's events repairs the derived state.
    rebuild();
    EXPECT_TRUE(figures(2021).national.balance_ok);
}

TEST_F(LedgerRules, HomeRegionIsTheLargestIntersection)
{
    {
        m_store->begin();
        std::vector<core::Region> regions;
        regions.push_back(core::Region{"R-B", "West", gis::Geometry::from_wkt(rect(9.0, 0.0, 10.006, 2.0)).polygonal()});
        regions.push_back(core::Region{"R-A", "East", gis::Geometry::from_wkt(rect(10.006, 0.0, 11.0, 2.0)).polygonal()});
        m_store->replace_regions(regions, 1);
        m_store->commit();
    }
    // 60 % in R-B, 40 % in R-A: home R-B. A second area split exactly in half: the lower code, R-A.
    apply(hazards(hazard("H1", "SHA", "2020-01-01", square(10.0, 1.0, 0.01)),
           hazard("H2", "SHA", "2020-01-01", rect(10.005, 1.1, 10.007, 1.11))), {});
    const auto f = figures(2020);
    ASSERT_EQ(f.regions.size(), 2u);
    EXPECT_EQ(f.regions[0].code, "R-A");
    EXPECT_EQ(f.regions[0].figures.remaining_count_sha, 1);
    EXPECT_TRUE(near_area(f.regions[0].figures.remaining_m2.SHA, area_of(rect(10.005, 1.1, 10.007, 1.11))));
    EXPECT_EQ(f.regions[1].code, "R-B");
    EXPECT_EQ(f.regions[1].figures.remaining_count_sha, 1);
}

} // namespace
} // namespace cims::test
