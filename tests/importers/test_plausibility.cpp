// SPDX-License-Identifier: GPL-3.0-or-later
// Warnings about features that are valid but look wrong: they never block an import.
#include "import_fixture.hpp"

#include "gis/crs_transform.hpp"

#include <filesystem>

namespace cims::test {
namespace {

class Plausibility : public ImportFixture {
protected:
    static bool has_warning(const importers::ImportReport& r, std::int64_t fid, const std::string& text)
    {
        for (const auto& w : r.warnings)
            if (w.fid == fid && w.message.find(text) != std::string::npos) return true;
        return false;
    }
    static nlohmann::json hazard_props(const std::string& id)
    {
        return {{"hazard_id", id}, {"status", "SHA"}, {"contam", "CMR"}, {"recorded", "2021-03-01"}};
    }
};

TEST_F(Plausibility, DeclaredAreaFarFromTheMeasuredOneIsAWarning)
{
    const double measured = gis::Geometry::from_wkt("POLYGON((105 12,105.01 12,105.01 12.01,105 12.01,105 12))").area_m2();
    auto off = hazard_props("H1");
    off["declared_m2"] = measured * 1.3;
    auto close = hazard_props("H2");
    close["declared_m2"] = measured * 1.1;
    const auto r = import(write("h.geojson", collection({feature(off, square_geometry(105.0, 12.0)),
                                                         feature(close, square_geometry(105.1, 12.0))})));
    EXPECT_TRUE(r.written);
    EXPECT_TRUE(has_warning(r, 0, "+30 % off")) << report_text(r);
    EXPECT_FALSE(has_warning(r, 1, "off")) << report_text(r);
}

TEST_F(Plausibility, OverlapWithAnOpenHazardousAreaNamesItAndTheArea)
{
    ASSERT_TRUE(import(one_hazard_file()).written); // H1 at 105.0, 12.0
    const auto r = import(write("h2.geojson", collection({feature(hazard_props("H2"), square_geometry(105.005, 12.0))})));
    EXPECT_TRUE(r.written);
    const double shared =
        gis::Geometry::from_wkt("POLYGON((105.005 12,105.01 12,105.01 12.01,105.005 12.01,105.005 12))").area_m2();
    EXPECT_TRUE(has_warning(r, 0, "overlaps open hazardous areas H1 (" + std::to_string(long(std::lround(shared))) + " m²)"))
        << report_text(r);
}

TEST_F(Plausibility, ADerivedAreaInsideItsParentIsNoOverlap)
{
    ASSERT_TRUE(import(one_hazard_file()).written);
    auto child = hazard_props("C1");
    child["status"] = "CHA";
    child["parent_id"] = "H1";
    const auto r = import(write("c.geojson", collection({feature(child, square_geometry(105.002, 12.002, 0.005))})));
    EXPECT_TRUE(r.written);
    EXPECT_TRUE(r.warnings.empty()) << report_text(r);
}

TEST_F(Plausibility, IdenticalGeometriesInOneFileAreAWarning)
{
    const auto r = import(write("h.geojson", collection({feature(hazard_props("H1"), square_geometry(105.0, 12.0)),
                                                         feature(hazard_props("H2"), square_geometry(105.0, 12.0))})));
    EXPECT_TRUE(has_warning(r, 1, "same geometry as feature 0")) << report_text(r);
}

TEST_F(Plausibility, ImplausibleItemsPerHectareIsAWarning)
{
    ASSERT_TRUE(import(one_hazard_file()).written);
    // 0.001° square ≈ 1.2 ha: 5,000 submunitions is about 4,000 per hectare.
    const auto r = import(write("a.geojson", collection({feature({{"activity_id", "A1"}, {"hazard_id", "H1"},
                                                                  {"method", "CLEARANCE"}, {"end_date", "2021-05-01"},
                                                                  {"submunitions", 5000}},
                                                                 square_geometry(105.0, 12.0, 0.001))})));
    EXPECT_TRUE(r.written);
    EXPECT_TRUE(has_warning(r, 0, "per hectare")) << report_text(r);
}

TEST_F(Plausibility, FeatureOutsideEveryRegionIsAWarning)
{
    m_store->begin();
    std::vector<core::Region> regions;
    regions.push_back(core::Region{"R1", "North", gis::Geometry::from_wkt("POLYGON((104 11,106 11,106 13,104 13,104 11))")});
    m_store->replace_regions(regions, 1);
    m_store->commit();
    const auto r = import(write("h.geojson", collection({feature(hazard_props("H1"), square_geometry(105.0, 12.0)),
                                                         feature(hazard_props("H2"), square_geometry(110.0, 12.0))})));
    EXPECT_FALSE(has_warning(r, 0, "outside every region")) << report_text(r);
    EXPECT_TRUE(has_warning(r, 1, "outside every region")) << report_text(r);
}

TEST_F(Plausibility, TransformationWithoutADatumShiftIsNamed)
{
    // An ellipsoid without a datum: PROJ can only apply a ballpark (null) shift.
    const gis::CrsTransform ballpark("+proj=longlat +ellps=intl +no_defs +type=crs");
    EXPECT_TRUE(ballpark.is_ballpark()) << ballpark.operation();
    const gis::CrsTransform utm("EPSG:32648");
    EXPECT_FALSE(utm.is_ballpark()) << utm.operation();
    ASSERT_TRUE(utm.area_of_use().has_value());
    EXPECT_NEAR(utm.area_of_use()->min_x, 102.0, 1e-9);
    EXPECT_NEAR(utm.area_of_use()->max_x, 108.0, 1e-9);
}

TEST_F(Plausibility, LayerReportNamesTheOperationAndItsAccuracy)
{
    const auto r = import(one_hazard_file());
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_FALSE(r.layers[0].operation.empty());
    EXPECT_EQ(r.to_json()["layers"][0]["accuracy_m"], 0.0);
}

} // namespace
} // namespace cims::test

namespace cims::test {
namespace {

TEST_F(Plausibility, Indian1960InLaosNamesTheBallparkOperationItUsed)
{
    const std::string file = std::string(CIMS_SHARED_DATA_DIR) + "/fixtures/derived/lao_adm1_indian1960_utm48n.shp";
    if (!std::filesystem::exists(file)) GTEST_SKIP() << "shared data absent: " << file;
    importers::ImportOptions options;
    options.mapping = importers::MappingProfile::parse(
        R"({"kind": "hazards", "fields": {"hazard_id": "@fid"}, "id_prefix": "LAO-",
            "constants": {"status": "SHA", "contam": "CMR", "recorded": "2020-01-01"}})",
        "test");
    const auto r = import(file, options);
    EXPECT_TRUE(r.written);
    ASSERT_EQ(r.layers.size(), 1u);
    // PROJ keeps several candidates and picks per point: for most of Laos none has parameters.
    EXPECT_NE(r.layers[0].operation.find("Ballpark geographic offset from Indian 1960"), std::string::npos)
        << r.layers[0].operation;
    EXPECT_LT(r.layers[0].accuracy_m, 0);
    EXPECT_TRUE(has_warning(r, -1, "knows no datum shift from 'Indian 1960 / UTM zone 48N'")) << report_text(r);
}

} // namespace
} // namespace cims::test
