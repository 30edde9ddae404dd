// SPDX-License-Identifier: GPL-3.0-or-later
// Report pieces without a database: the forecast's projection and deadline rule, the headings
// template, area units, CSV quoting and the SVG charts.
#include "core/completion_forecast.hpp"
#include "core/report_formats.hpp"
#include "core/report_headings.hpp"
#include "core/svg_chart.hpp"

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cims::test {
namespace {

using core::Date;
using core::ForecastRow;

TEST(CompletionForecast, CompletionFallsInTheYearItsInstantFallsIn)
{
    // 100 m² left at the end of 2024, released at 100 m² a year: done at the end of 2025, the
    // instant 2026.0 (decimal years: 2025.0 is 1 January 2025).
    ForecastRow r{"", "", 100, 300, 100, 2026.0, false};
    EXPECT_EQ(r.completion_year(), 2025);
    EXPECT_TRUE(r.on_track(Date{"2025-12-31"}));
    EXPECT_FALSE(r.on_track(Date{"2025-12-30"}));
    // Mid-2026 (2 July) → during 2026; the end of 1 August 2026 (day 213 of 365, 2026.5836) is after it.
    r.completion_at = 2026.5;
    EXPECT_EQ(r.completion_year(), 2026);
    EXPECT_TRUE(r.on_track(Date{"2026-08-01"}));
    EXPECT_FALSE(r.on_track(Date{"2026-06-01"}));
}

TEST(CompletionForecast, ZeroRateProjectsNothingAndIsNeverOnTrack)
{
    const ForecastRow none{"VL-01", "x", 5000, 0, 0, std::nullopt, false};
    EXPECT_FALSE(none.completion_year());
    EXPECT_FALSE(none.on_track(Date{"2099-12-31"}));
    const ForecastRow done{"VL-02", "y", 0.4, 0, 0, std::nullopt, true};
    EXPECT_TRUE(done.on_track(Date{"2000-01-01"}));
}

TEST(ReportHeadings, PlaceholdersAndAPartialOverride)
{
    const auto built_in = core::ReportHeadings::load();
    EXPECT_EQ(built_in.column("sha_area", {{"unit", "km²"}}), "SHA area (km²)");
    EXPECT_NE(built_in.convention("APMBC", "title", {{"year", "2024"}}).find("Mine Ban Convention"), std::string::npos);
    TempDir dir;
    const std::string file = dir.write("h.json", R"~({"columns": {"sha_area": "Superficie ZDS ({unit})"}})~");
    const auto h = core::ReportHeadings::load(file);
    EXPECT_EQ(h.column("sha_area", {{"unit", "m²"}}), "Superficie ZDS (m²)");
    EXPECT_EQ(h.column("cha_area", {{"unit", "m²"}}), "CHA area (m²)"); // kept from the built-in
}

TEST(ReportHeadings, AMissingEntryIsNamed)
{
    TempDir dir;
    const std::string file = dir.write("h.json", R"({"columns": {"sha_count": null}})"); // merge patch removes it
    const auto h = core::ReportHeadings::load(file);
    try {
        h.column("sha_count", {});
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("/columns/sha_count"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("h.json"), std::string::npos) << e.what();
    }
    EXPECT_THROW(core::ReportHeadings::load(dir.file("missing.json")), std::runtime_error);
}

TEST(ReportDocument, AreaUnitsRoundWithoutNegativeZero)
{
    EXPECT_EQ(core::area_in(1234567.891, core::AreaUnit::m2), 1234567.89);
    EXPECT_EQ(core::area_in(1234567.891, core::AreaUnit::km2), 1.234568);
    EXPECT_FALSE(std::signbit(core::area_in(-0.001, core::AreaUnit::m2)));
}

core::ReportDocument small_document()
{
    core::ReportDocument doc;
    doc.report = "test";
    doc.title = "A \"quoted\", title";
    core::Table t{"T-1", "Table, one", {{"region_code", "Code", core::ColumnKind::text},
                                         {"n", "Count", core::ColumnKind::count},
                                         {"a", "Area", core::ColumnKind::area}},
                  {{std::string("R1"), std::int64_t(3), 12.5}, {std::string("R2"), std::int64_t(4), core::Cell()}},
                  std::vector<core::Cell>{std::string(), std::int64_t(7), 12.5}, ""};
    doc.tables.push_back(t);
    return doc;
}

TEST(ReportFormats, CsvQuotesAndWritesEmptyCellsEmpty)
{
    EXPECT_EQ(core::to_csv(small_document()), "T-1,\"Table, one\"\nCode,Count,Area\nR1,3,12.50\nR2,4,\n,7,12.50\n");
}

TEST(ReportFormats, JsonRowsAreKeyedByColumnAndEmptyCellsAreNull)
{
    const auto j = core::to_json(small_document());
    EXPECT_EQ(j["tables"][0]["rows"][1]["a"], nullptr);
    EXPECT_EQ(j["tables"][0]["total"]["n"], 7);
    EXPECT_EQ(j["tables"][0]["columns"][2]["kind"], "area");
}

TEST(ReportFormats, HtmlEscapesTextAndGroupsDigits)
{
    auto doc = small_document();
    doc.tables[0].total->at(1) = std::int64_t(1234567);
    const std::string html = core::to_html(doc);
    EXPECT_NE(html.find("A &quot;quoted&quot;, title"), std::string::npos);
    EXPECT_NE(html.find("1\u202f234\u202f567"), std::string::npos);
}

TEST(SvgChart, BarsAndChoropleth)
{
    core::YearChart c{2020, 2022, {{"SHA", "#f00", {1, 2, 3}}, {"CHA", "#00f", {0, 1, 0}}}, {}, {}, {}, "m²"};
    const std::string svg = core::to_svg(c);
    std::size_t bars = 0;
    for (auto at = svg.find("<rect x"); at != std::string::npos; at = svg.find("<rect x", at + 1)) ++bars;
    EXPECT_EQ(bars, 4u + 2u); // non-zero values + the two legend keys
    EXPECT_EQ(svg.rfind("</svg>"), svg.size() - 6);

    std::vector<core::RegionOutline> outlines = {{"A", "Alpha", 1, "M 0 -1 L 1 -1 L 1 0 Z", 0, 0, 1, 1},
                                                 {"B", "B<eta>", 1, "M 1 -1 L 2 -1 L 2 0 Z", 1, 0, 2, 1}};
    const std::string map = core::choropleth_svg(outlines, {{"A", 10.0}}, "m²");
    EXPECT_NE(map.find("fill=\"#67000d\""), std::string::npos); // A: the largest value, darkest class
    EXPECT_NE(map.find("fill=\"#fff5f0\""), std::string::npos); // B: none
    EXPECT_NE(map.find("B&lt;eta&gt;"), std::string::npos);
    EXPECT_EQ(core::choropleth_svg({}, {}, "m²"), "");
}

} // namespace
} // namespace cims::test
