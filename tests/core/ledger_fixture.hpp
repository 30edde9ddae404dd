// SPDX-License-Identifier: GPL-3.0-or-later
// LedgerFixture: a fresh database and helpers to apply hazardous areas and activities given as WKT.
#pragma once

#include "core/annual_figures.hpp"
#include "core/ledger_writer.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace cims::test {

/// A rectangle from (x0, y0) to (x1, y1) in degrees, as WKT (full precision).
inline std::string rect(double x0, double y0, double x1, double y1)
{
    char buf[512];
    std::snprintf(buf, sizeof buf, "POLYGON((%.12g %.12g,%.12g %.12g,%.12g %.12g,%.12g %.12g,%.12g %.12g))", x0, y0, x1,
                  y0, x1, y1, x0, y1, x0, y0);
    return buf;
}

/// A square of `side` degrees with its lower-left corner at (x, y), as WKT.
inline std::string square(double x, double y, double side)
{
    return rect(x, y, x + side, y + side);
}

/// Geodesic area of a WKT polygon: the independent yardstick for expected values.
inline double area_of(const std::string& wkt)
{
    return gis::Geometry::from_wkt(wkt).area_m2();
}

/// design.md §2: areas agree within 0.05 % or 1 m², whichever is larger.
inline ::testing::AssertionResult near_area(double actual, double expected)
{
    const double tolerance = std::max(1.0, std::fabs(expected) * 0.0005);
    if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << actual << " m² differs from " << expected << " m² by more than " << tolerance;
}

/// Records are move-only (they own geometries): these build the vectors apply() takes.
template <class... T> std::vector<core::HazardRecord> hazards(T&&... records)
{
    std::vector<core::HazardRecord> v;
    (v.push_back(std::move(records)), ...);
    return v;
}
template <class... T> std::vector<core::ActivityRecord> activities(T&&... records)
{
    std::vector<core::ActivityRecord> v;
    (v.push_back(std::move(records)), ...);
    return v;
}

class LedgerFixture : public ::testing::Test {
protected:
    LedgerFixture() : m_store(m_db.store()) {}

    core::HazardRecord hazard(const std::string& id, const std::string& status, const std::string& date,
                              const std::string& wkt, const std::string& contam = "CMR", const std::string& parent = "")
    {
        core::HazardRecord r;
        r.hazard_id = id;
        r.status = *core::parse_status(status);
        r.contam_mask = *core::parse_contamination(contam);
        r.recorded = *core::parse_iso_date(date);
        r.parent_id = parent;
        r.geometry = gis::Geometry::from_wkt(wkt).polygonal();
        return r;
    }

    core::ActivityRecord activity(const std::string& id, const std::string& hazard_id, const std::string& method,
                                  const std::string& end_date, const std::string& wkt, std::int64_t submunitions = 0)
    {
        core::ActivityRecord a;
        a.activity_id = id;
        a.hazard_id = hazard_id;
        a.method = *core::parse_method(method);
        a.end_date = *core::parse_iso_date(end_date);
        a.items.submunitions = submunitions;
        gis::Geometry g = gis::Geometry::from_wkt(wkt);
        a.geometry = g.kind() == gis::GeometryKind::point ? std::move(g) : g.polygonal();
        return a;
    }

    /// Applies records in one transaction; fails the test on any ledger problem unless expected.
    core::ApplyResult apply(std::vector<core::HazardRecord> hazards, std::vector<core::ActivityRecord> activities,
                            bool expect_problems = false)
    {
        m_store->begin();
        core::ImportInfo info{"test", "layer", std::string(64, '0'), hazards.empty() ? "activities" : "hazards",
                              "test", "", 0, 0};
        const std::int64_t import_id = m_store->add_import(info);
        core::ApplyResult result = core::LedgerWriter(*m_store).apply(hazards, activities, import_id);
        if (!expect_problems) {
            for (const auto& p : result.problems) ADD_FAILURE() << p.field << " '" << p.value << "': " << p.reason;
        }
        if (result.problems.empty())
            m_store->commit();
        else
            m_store->rollback();
        return result;
    }

    core::AnnualFigures figures(int year, const std::string& contamination = "CMR")
    {
        return core::compute_annual_figures(*m_store, year, core::contamination_bit(contamination));
    }

    void rebuild()
    {
        m_store->begin();
        core::LedgerWriter(*m_store).rebuild();
        m_store->commit();
    }

    /// Every derived row, canonically ordered, for comparing incremental replay with a rebuild.
    std::string derived_dump()
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        std::string out;
        auto effects = db.prepare("SELECT event_id, hazard_id, valid_date, region_code, status, contam_mask, kind, "
                                  "printf('%.6f', area_m2), printf('%.6f', remaining_m2), open_delta, closed FROM ledger_effects "
                                  "ORDER BY 1, 2, 7, 5, 8, 9, 10, 11");
        while (effects.step()) {
            for (int c = 0; c < 11; ++c) out += effects.column_text(c) + "|";
            out += "\n";
        }
        auto credits = db.prepare("SELECT activity_id, hazard_id, release_kind, valid_date, printf('%.6f', credited_m2), "
                                  "printf('%.6f', outside_m2) FROM release_credits ORDER BY 1, 2");
        while (credits.step()) {
            for (int c = 0; c < 6; ++c) out += credits.column_text(c) + "|";
            out += "\n";
        }
        auto states = db.prepare("SELECT hazard_id, home_region, status, recorded_on, printf('%.6f', remaining_m2), "
                                 "coalesce(closed_on, '-') FROM hazards ORDER BY 1");
        while (states.step()) {
            for (int c = 0; c < 6; ++c) out += states.column_text(c) + "|";
            out += "\n";
        }
        // Totals moved incrementally must equal totals summed afresh (to 0.1 mm², beyond float noise).
        auto totals = db.prepare("SELECT region_code, status, contam_mask, year, kind, printf('%.4f', area_m2), "
                                 "printf('%.4f', remaining_m2), open_delta, closed FROM stratum_totals "
                                 "WHERE abs(area_m2) > 1e-6 OR abs(remaining_m2) > 1e-6 OR open_delta <> 0 OR closed <> 0 "
                                 "ORDER BY 1, 2, 3, 4, 5");
        while (totals.step()) {
            for (int c = 0; c < 9; ++c) out += totals.column_text(c) + "|";
            out += "\n";
        }
        auto items = db.prepare("SELECT activity_id, items_region, items_mask FROM activities ORDER BY 1");
        while (items.step()) {
            for (int c = 0; c < 3; ++c) out += items.column_text(c) + "|";
            out += "\n";
        }
        return out;
    }

    TempDb m_db;
    std::unique_ptr<core::LedgerStore> m_store;
};

} // namespace cims::test
