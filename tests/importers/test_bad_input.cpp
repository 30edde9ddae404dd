// SPDX-License-Identifier: GPL-3.0-or-later
// Bad input: each case is rejected with the field, the value, a reason and a fix, and leaves the
// database exactly as it was (compared row by row). All-or-nothing by default; --partial writes the
// valid features; a file imported before changes nothing.
#include "import_fixture.hpp"

#include <cstdlib>
#include <filesystem>

namespace cims::test {
namespace {

using importers::ImportOptions;
using importers::ImportReport;
using importers::Rejection;
using nlohmann::json;

class BadInput : public ImportFixture {
protected:
    /// Imports `file` expecting exactly one rejection and no change; returns the rejection.
    Rejection rejected_alone(const std::string& file, ImportOptions options = {})
    {
        const std::string before = dump();
        const ImportReport r = import(file, std::move(options));
        EXPECT_FALSE(r.written) << r.summary();
        EXPECT_EQ(r.accepted, 0) << r.summary();
        EXPECT_EQ(dump(), before) << "a refused import changed the database\n" << r.summary();
        EXPECT_EQ(r.rejected.size(), 1u) << r.summary();
        if (r.rejected.empty()) return {};
        const Rejection& j = r.rejected.front();
        EXPECT_EQ(j.file, file);
        EXPECT_FALSE(j.reason.empty()) << r.summary();
        EXPECT_FALSE(j.fix.empty()) << r.summary();
        return j;
    }

    static json hazard_props(const std::string& id, const std::string& status = "SHA",
                             const std::string& contam = "CMR", const std::string& recorded = "2020-01-15")
    {
        return {{"hazard_id", id}, {"status", status}, {"contam", contam}, {"recorded", recorded}};
    }

    static json activity_props(const std::string& id, const std::string& hazard_id, const std::string& method,
                               const std::string& end_date)
    {
        return {{"activity_id", id}, {"hazard_id", hazard_id}, {"method", method}, {"end_date", end_date}};
    }

    /// Imports the one-hazard file (H1, 2020-01-15) and checks it went in.
    void import_h1()
    {
        const ImportReport r = import(one_hazard_file());
        ASSERT_TRUE(r.written) << r.summary();
        ASSERT_EQ(r.accepted, 1) << r.summary();
    }


    /// A shapefile of one hazardous area in UTM 48N coordinates, without its .prj.
    std::string shapefile_without_prj()
    {
        const std::string geojson = write(
            "utm.geojson",
            collection({feature(hazard_props("H1"), {{"type", "Polygon"},
                                                     {"coordinates",
                                                      {{{500000, 1400000},
                                                        {501000, 1400000},
                                                        {501000, 1401000},
                                                        {500000, 1401000},
                                                        {500000, 1400000}}}}})}));
        const std::string shp = m_db.dir().file("hazards.shp");
        const std::string cmd = "ogr2ogr -f 'ESRI Shapefile' '" + shp + "' '" + geojson + "' >/dev/null 2>&1";
        EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
        std::filesystem::remove(m_db.dir().file("hazards.prj"));
        EXPECT_TRUE(std::filesystem::exists(shp));
        return shp;
    }
};

// --- one rejection per case ---------------------------------------------------------------------

TEST_F(BadInput, MissingCrs)
{
    if (!have_ogr2ogr()) GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed: cannot build a shapefile without .prj";
    const std::string shp = shapefile_without_prj();
    const Rejection j = rejected_alone(shp);
    EXPECT_EQ(j.layer, "hazards");
    EXPECT_EQ(j.fid, -1); // the whole layer
    EXPECT_EQ(j.field, "crs");
    EXPECT_EQ(j.value, "");
    EXPECT_NE(j.reason.find("declares no coordinate reference system"), std::string::npos) << j.reason;
    EXPECT_NE(j.fix.find("\"crs\""), std::string::npos) << j.fix;
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0);
}

TEST_F(BadInput, MissingCrsIsAcceptedWhenTheMappingStatesIt)
{
    if (!have_ogr2ogr()) GTEST_SKIP() << "ogr2ogr (gdal-bin) is not installed: cannot build a shapefile without .prj";
    const std::string shp = shapefile_without_prj();
    ImportOptions options;
    options.mapping = importers::MappingProfile::parse(R"({"crs": "EPSG:32648"})", "inline");
    const ImportReport r = import(shp, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1);
    ASSERT_EQ(r.layers.size(), 1u);
    EXPECT_EQ(r.layers[0].crs, "WGS 84 / UTM zone 48N");
    // 1 km square near the central meridian: 1,000,000 / 0.9996² m².
    const double area = double(count("SELECT CAST(round(remaining_m2) AS INTEGER) FROM hazards WHERE hazard_id = 'H1'"));
    EXPECT_NEAR(area, 1000000.0 / (0.9996 * 0.9996), 50.0);
}

TEST_F(BadInput, RealShapefileWithoutPrjIsRefused)
{
    // Real data beside the project (../shared/data, never committed): Bosnia suspected areas, no .prj.
    const std::string shp =
        std::string(CIMS_SHARED_DATA_DIR) + "/fixtures/derived/bih_suspected_invalid_and_null_noprj.shp";
    if (!std::filesystem::exists(shp))
        GTEST_SKIP() << "real data not found at " << shp << " (../shared/data beside the project): test skipped";
    const std::string before = dump();
    importers::ImportOptions options;
    options.kind = "hazards";
    const importers::ImportReport r = import(shp, options);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, -1);
    EXPECT_EQ(r.rejected[0].field, "crs");
    EXPECT_EQ(r.rejected[0].layer, "bih_suspected_invalid_and_null_noprj");
    EXPECT_FALSE(r.rejected[0].fix.empty());
    EXPECT_EQ(dump(), before);
}

TEST_F(BadInput, UnknownStatusValue)
{
    const std::string file = write("status.geojson", collection({feature(hazard_props("H1", "Suspected"),
                                                                          square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.layer, "status");
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "status");
    EXPECT_EQ(j.value, "Suspected");
    EXPECT_EQ(j.reason, "unknown status value");
    EXPECT_NE(j.fix.find("SHA or CHA"), std::string::npos) << j.fix;
    EXPECT_NE(j.fix.find("\"Suspected\""), std::string::npos) << j.fix; // how to map it in a profile
}

TEST_F(BadInput, UnknownContaminationType)
{
    const std::string file = write("contam.geojson", collection({feature(hazard_props("H1", "SHA", "CMR, XYZ"),
                                                                          square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "contam");
    EXPECT_EQ(j.value, "CMR, XYZ");
    EXPECT_EQ(j.reason, "unknown contamination type 'XYZ'");
    EXPECT_NE(j.fix.find("CMR, AP, AV, ERW, IED, UNKNOWN"), std::string::npos) << j.fix;
}

TEST_F(BadInput, ActivityDatedBeforeItsHazard)
{
    import_h1();
    const std::string file = write("early.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2019-12-31"),
                                                       square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "end_date");
    EXPECT_EQ(j.value, "2019-12-31");
    EXPECT_EQ(j.reason, "activity ends before its hazardous area H1 was recorded (2020-01-15)");
    EXPECT_EQ(count("SELECT count(*) FROM activities"), 0);
}

TEST_F(BadInput, ActivityOnTheDayItsHazardIsRecordedIsAccepted)
{
    import_h1();
    const std::string file = write("same-day.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2020-01-15"),
                                                       square_geometry(105, 12))}));
    const ImportReport r = import(file);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1) << r.summary();
}

TEST_F(BadInput, UnknownHazardId)
{
    import_h1();
    const std::string file = write("orphan.geojson",
                                   collection({feature(activity_props("A1", "H404", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "hazard_id");
    EXPECT_EQ(j.value, "H404");
    EXPECT_EQ(j.reason, "unknown hazard id: no hazardous area has this id");
}

TEST_F(BadInput, UnknownParentId)
{
    json props = hazard_props("H2");
    props["parent_id"] = "H404";
    const std::string file = write("child.geojson", collection({feature(props, square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "parent_id");
    EXPECT_EQ(j.value, "H404");
    EXPECT_EQ(j.reason, "unknown hazard id: no hazardous area has this id");
}

TEST_F(BadInput, DerivedAreaDatedBeforeItsParent)
{
    import_h1();
    json props = hazard_props("H2", "CHA", "CMR", "2019-06-30");
    props["parent_id"] = "H1";
    const std::string file = write("early-child.geojson", collection({feature(props, square_geometry(105, 12, 0.005))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "recorded");
    EXPECT_EQ(j.value, "2019-06-30");
    EXPECT_EQ(j.reason, "derived before its parent H1 was recorded (2020-01-15)");
}

TEST_F(BadInput, PointWhereAPolygonIsRequired)
{
    const std::string file =
        write("point.geojson", collection({feature(hazard_props("H1"), point_geometry(105.005, 12.005))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "POINT");
    EXPECT_EQ(j.reason, "a point where a polygon is required");
}

TEST_F(BadInput, PointForAClearanceIsRejected)
{
    import_h1();
    const std::string file = write("clearance-point.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2021-03-01"),
                                                       point_geometry(105.005, 12.005))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "POINT");
}

TEST_F(BadInput, PointForAnEodSpotTaskIsAccepted)
{
    import_h1();
    json props = activity_props("E1", "", "EOD", "2021-03-01");
    props["other_erw"] = 3;
    const std::string file =
        write("eod.geojson", collection({feature(props, point_geometry(105.005, 12.005))}));
    const ImportReport r = import(file);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1) << r.summary();
    EXPECT_EQ(count("SELECT other_erw FROM activities WHERE activity_id = 'E1'"), 3);
}

TEST_F(BadInput, LineWhereAPolygonIsRequired)
{
    const std::string file = write(
        "line.geojson",
        collection({feature(hazard_props("H1"), {{"type", "LineString"}, {"coordinates", {{105, 12}, {105.01, 12.01}}}})}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "LINESTRING");
    EXPECT_EQ(j.reason, "not a polygon");
}

TEST_F(BadInput, MissingGeometry)
{
    const std::string file = write("nogeom.geojson", collection({feature(hazard_props("H1"), nullptr)}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "NULL");
    EXPECT_EQ(j.reason, "the feature has no geometry");
}

TEST_F(BadInput, PolygonCollapsingToNothing)
{
    const std::string file = write(
        "flat.geojson",
        collection({feature(hazard_props("H1"),
                            {{"type", "Polygon"},
                             {"coordinates", {{{105, 12}, {105.5, 12.5}, {106, 13}, {105, 12}}}}})}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.reason, "invalid polygon that collapses to nothing when repaired");
}

TEST_F(BadInput, BowTieIsRepairedAndReported)
{
    const std::string file = write(
        "bowtie.geojson",
        collection({feature(hazard_props("H1"),
                            {{"type", "Polygon"},
                             {"coordinates", {{{105, 12}, {105.01, 12.01}, {105.01, 12}, {105, 12.01}, {105, 12}}}}})}));
    const ImportReport r = import(file);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1);
    ASSERT_EQ(r.repaired.size(), 1u) << r.summary();
    EXPECT_EQ(r.repaired[0].fid, 0);
    EXPECT_NE(r.repaired[0].reason.find("Self-intersection"), std::string::npos) << r.repaired[0].reason;
    // Two triangles, half of the 0.01° cell (about 1,206,000 m² at 12° N): both lobes are kept.
    const double cell = gis::Geometry::from_wkt("POLYGON((105 12,105.01 12,105.01 12.01,105 12.01,105 12))").area_m2();
    EXPECT_NEAR(r.repaired[0].area_after_m2, cell / 2, cell * 0.0005);
}

TEST_F(BadInput, EmptyCoordinatesAreNoGeometry)
{
    // GDAL's GeoJSON reader turns a polygon without coordinates into no geometry at all.
    const std::string file = write(
        "empty.geojson",
        collection({feature(hazard_props("H1"), {{"type", "Polygon"}, {"coordinates", json::array()}})}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "NULL");
    EXPECT_EQ(j.reason, "the feature has no geometry");
}

TEST_F(BadInput, EmptyPolygon)
{
    // A CSV with a WKT column keeps POLYGON EMPTY as an empty geometry. CSV declares no CRS: the
    // mapping states it. CSV feature ids start at 1.
    const std::string file = write("empty.csv", "WKT,hazard_id,status,contam,recorded\n"
                                                "\"POLYGON EMPTY\",H1,SHA,CMR,2020-01-15\n");
    ImportOptions options;
    options.mapping = importers::MappingProfile::parse(R"({"kind": "hazards", "crs": "EPSG:4326"})", "inline");
    const Rejection j = rejected_alone(file, options);
    EXPECT_EQ(j.fid, 1);
    EXPECT_EQ(j.field, "geometry");
    EXPECT_EQ(j.value, "EMPTY");
    EXPECT_EQ(j.reason, "the geometry is empty");
}

TEST_F(BadInput, MissingRequiredField)
{
    json props = hazard_props("H1");
    props.erase("status");
    props["status_text"] = "SHA";
    const std::string file = write("nostatus.geojson", collection({feature(props, square_geometry(105, 12))}));
    ImportOptions options;
    options.kind = "hazards";
    const Rejection j = rejected_alone(file, options);
    EXPECT_EQ(j.field, "status");
    EXPECT_EQ(j.value, "");
    EXPECT_EQ(j.reason, "required field is empty or missing");
}

TEST_F(BadInput, DuplicateHazardIdInOneFile)
{
    const std::string file = write("twice.geojson",
                                   collection({feature(hazard_props("H1"), square_geometry(105, 12)),
                                               feature(hazard_props("H2"), square_geometry(105.1, 12)),
                                               feature(hazard_props("H1", "CHA"), square_geometry(105.2, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 2);
    EXPECT_EQ(j.field, "hazard_id");
    EXPECT_EQ(j.value, "H1");
    EXPECT_EQ(j.reason, "this hazard_id appears twice in the layer (also feature 0)");
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0);
}

TEST_F(BadInput, DuplicateActivityIdInOneFile)
{
    import_h1();
    const std::string file = write("twice-a.geojson",
                                   collection({feature(activity_props("A1", "H1", "TS", "2021-01-01"),
                                                       square_geometry(105, 12, 0.005)),
                                               feature(activity_props("A1", "H1", "TS", "2021-02-01"),
                                                       square_geometry(105.005, 12, 0.005))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 1);
    EXPECT_EQ(j.field, "activity_id");
    EXPECT_EQ(j.value, "A1");
}

TEST_F(BadInput, FutureDate)
{
    const std::string tomorrow = utc_date(1);
    const std::string file = write("future.geojson", collection({feature(hazard_props("H1", "SHA", "CMR", tomorrow),
                                                                          square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, 0);
    EXPECT_EQ(j.field, "recorded");
    EXPECT_EQ(j.value, tomorrow);
    EXPECT_EQ(j.reason, "date is in the future");
}

TEST_F(BadInput, TodayIsNotTheFuture)
{
    const std::string file = write("today.geojson", collection({feature(hazard_props("H1", "SHA", "CMR", utc_date(0)),
                                                                         square_geometry(105, 12))}));
    const ImportReport r = import(file);
    EXPECT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1) << r.summary();
}

TEST_F(BadInput, PlaceholderDateBefore1960)
{
    const std::string file = write("old.geojson", collection({feature(hazard_props("H1", "SHA", "CMR", "1899-12-30"),
                                                                       square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "recorded");
    EXPECT_EQ(j.value, "1899-12-30");
    EXPECT_EQ(j.reason, "date is before 1960");
}

TEST_F(BadInput, NotADate)
{
    const std::string file = write("notadate.geojson", collection({feature(hazard_props("H1", "SHA", "CMR", "soon"),
                                                                            square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "recorded");
    EXPECT_EQ(j.value, "soon");
    EXPECT_EQ(j.reason, "not a date");
    EXPECT_NE(j.fix.find("YYYY-MM-DD"), std::string::npos) << j.fix;
}

TEST_F(BadInput, ImpossibleCalendarDate)
{
    const std::string file = write("feb30.geojson", collection({feature(hazard_props("H1", "SHA", "CMR", "2021-02-30"),
                                                                         square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "recorded");
    EXPECT_EQ(j.value, "2021-02-30");
    EXPECT_EQ(j.reason, "not a date");
}

TEST_F(BadInput, NegativeItemCount)
{
    import_h1();
    json props = activity_props("A1", "H1", "CLEARANCE", "2021-03-01");
    props["submunitions"] = -4;
    const std::string file = write("negative.geojson", collection({feature(props, square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "submunitions");
    EXPECT_EQ(j.value, "-4");
    EXPECT_EQ(j.reason, "not a whole number of zero or more");
}

TEST_F(BadInput, StartAfterEnd)
{
    import_h1();
    json props = activity_props("A1", "H1", "CLEARANCE", "2021-03-01");
    props["start_date"] = "2021-04-01";
    const std::string file = write("backwards.geojson", collection({feature(props, square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "start_date");
    EXPECT_EQ(j.value, "2021-04-01");
    EXPECT_EQ(j.reason, "starts after it ends (2021-03-01)");
}

TEST_F(BadInput, UnknownMethodValue)
{
    import_h1();
    const std::string file = write("method.geojson",
                                   collection({feature(activity_props("A1", "H1", "Demining", "2021-03-01"),
                                                       square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "method");
    EXPECT_EQ(j.value, "Demining");
    EXPECT_EQ(j.reason, "unknown method value");
}

TEST_F(BadInput, LayerOfUnknownKind)
{
    const std::string file =
        write("mystery.geojson", collection({feature({{"colour", "red"}}, square_geometry(105, 12))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.fid, -1);
    EXPECT_NE(j.reason.find("cannot tell whether the layer holds hazards, activities or education (fields: colour)"),
              std::string::npos)
        << j.reason;
}

TEST_F(BadInput, ContaminationChangeOfAKnownArea)
{
    import_h1();
    const std::string file = write("recontam.geojson", collection({feature(hazard_props("H1", "SHA", "AP"),
                                                                            square_geometry(105.0, 12.0))}));
    const Rejection j = rejected_alone(file);
    EXPECT_EQ(j.field, "contam");
    EXPECT_EQ(j.value, "AP");
}

// --- all-or-nothing, partial, re-import ----------------------------------------------------------

TEST_F(BadInput, OneBadFeatureAmongGoodOnesWritesNothing)
{
    const std::string file = write("mixed.geojson",
                                   collection({feature(hazard_props("H1"), square_geometry(105, 12)),
                                               feature(hazard_props("H2", "XXX"), square_geometry(105.1, 12)),
                                               feature(hazard_props("H3", "CHA"), square_geometry(105.2, 12))}));
    const std::string before = dump();
    const ImportReport r = import(file);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(r.accepted, 0);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, 1);
    EXPECT_EQ(r.rejected[0].field, "status");
    EXPECT_EQ(r.rejected[0].value, "XXX");
    EXPECT_EQ(dump(), before);
    EXPECT_NE(r.summary().find("nothing was written"), std::string::npos) << r.summary();
    // Nothing of the file is remembered: once fixed, the same name imports normally.
    EXPECT_EQ(count("SELECT count(*) FROM imports"), 0);
}

TEST_F(BadInput, LedgerRejectionAmongGoodOnesWritesNothing)
{
    // The rejection comes from the ledger (unknown hazard), after the good activity was applied.
    import_h1();
    const std::string file = write("mixed-a.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105, 12, 0.005)),
                                               feature(activity_props("A2", "H404", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105.005, 12, 0.005))}));
    const std::string before = dump();
    const ImportReport r = import(file);
    EXPECT_FALSE(r.written);
    EXPECT_EQ(r.accepted, 0);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, 1);
    EXPECT_EQ(r.rejected[0].field, "hazard_id");
    EXPECT_EQ(dump(), before);
}

TEST_F(BadInput, EveryProblemIsListed)
{
    const std::string file = write("many.geojson",
                                   collection({feature(hazard_props("H1", "XXX"), square_geometry(105, 12)),
                                               feature(hazard_props("H2", "SHA", "ABC"), square_geometry(105.1, 12)),
                                               feature(hazard_props("H3"), point_geometry(105.2, 12))}));
    const std::string before = dump();
    const ImportReport r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 3u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, 0);
    EXPECT_EQ(r.rejected[0].field, "status");
    EXPECT_EQ(r.rejected[1].fid, 1);
    EXPECT_EQ(r.rejected[1].field, "contam");
    EXPECT_EQ(r.rejected[2].fid, 2);
    EXPECT_EQ(r.rejected[2].field, "geometry");
    EXPECT_EQ(dump(), before);
}

TEST_F(BadInput, PartialWritesTheGoodFeatures)
{
    const std::string file = write("mixed.geojson",
                                   collection({feature(hazard_props("H1"), square_geometry(105, 12)),
                                               feature(hazard_props("H2", "XXX"), square_geometry(105.1, 12)),
                                               feature(hazard_props("H3", "CHA"), square_geometry(105.2, 12))}));
    ImportOptions options;
    options.partial = true;
    const ImportReport r = import(file, options);
    EXPECT_TRUE(r.written);
    EXPECT_EQ(r.accepted, 2);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, 1);
    EXPECT_EQ(column("SELECT hazard_id || ':' || status FROM hazards ORDER BY hazard_id"), "H1:SHA,H3:CHA");
    EXPECT_EQ(count("SELECT accepted FROM imports"), 2);
    EXPECT_EQ(count("SELECT rejected FROM imports"), 1);
}

TEST_F(BadInput, PartialWithLedgerRejection)
{
    import_h1();
    const std::string file = write("mixed-a.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105, 12, 0.005)),
                                               feature(activity_props("A2", "H404", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105.005, 12, 0.005))}));
    ImportOptions options;
    options.partial = true;
    const ImportReport r = import(file, options);
    EXPECT_TRUE(r.written);
    EXPECT_EQ(r.accepted, 1);
    ASSERT_EQ(r.rejected.size(), 1u) << r.summary();
    EXPECT_EQ(r.rejected[0].fid, 1);
    EXPECT_EQ(column("SELECT activity_id FROM activities"), "A1");
    EXPECT_EQ(count("SELECT count(*) FROM release_credits WHERE activity_id = 'A1'"), 1);
}

TEST_F(BadInput, PartialImportRecordCountsLedgerRejections)
{
    // The imports row (the audit of what the file brought) agrees with the report: 1 accepted, 1
    // rejected, whether a feature was refused while reading or by the ledger.
    import_h1();
    const std::string file = write("mixed-a.geojson",
                                   collection({feature(activity_props("A1", "H1", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105, 12, 0.005)),
                                               feature(activity_props("A2", "H404", "CLEARANCE", "2021-03-01"),
                                                       square_geometry(105.005, 12, 0.005))}));
    ImportOptions options;
    options.partial = true;
    const ImportReport r = import(file, options);
    ASSERT_TRUE(r.written) << r.summary();
    EXPECT_EQ(r.accepted, 1);
    EXPECT_EQ(column("SELECT accepted || '/' || rejected FROM imports WHERE layer = 'mixed-a'"), "1/1");
}

TEST_F(BadInput, FileWhosePartialImportRejectedEverythingCanBeRetried)
{
    // Activities sent before their hazardous areas, with --partial: every feature is refused, so
    // nothing of the file is in the database and it must not count as "already imported".
    const std::string activities = write("tasks.geojson",
                                         collection({feature(activity_props("A1", "H1", "CLEARANCE", "2021-03-01"),
                                                             square_geometry(105, 12, 0.005))}));
    ImportOptions options;
    options.partial = true;
    const ImportReport first = import(activities, options);
    ASSERT_EQ(first.rejected.size(), 1u) << first.summary();
    EXPECT_EQ(first.accepted, 0);
    import_h1();
    const ImportReport again = import(activities);
    ASSERT_EQ(again.layers.size(), 1u) << again.summary();
    EXPECT_FALSE(again.layers[0].already_imported) << again.summary();
    EXPECT_EQ(again.accepted, 1) << again.summary();
    EXPECT_EQ(column("SELECT activity_id FROM activities"), "A1");
}

TEST_F(BadInput, ReimportingTheSameFileChangesNothing)
{
    const std::string file = one_hazard_file();
    const ImportReport first = import(file);
    ASSERT_TRUE(first.written) << first.summary();
    ASSERT_EQ(first.accepted, 1);
    ASSERT_EQ(first.layers.size(), 1u);
    EXPECT_FALSE(first.layers[0].already_imported);

    const std::string before = dump();
    const ImportReport again = import(file);
    EXPECT_TRUE(again.rejected.empty()) << again.summary();
    EXPECT_EQ(again.accepted, 0);
    ASSERT_EQ(again.layers.size(), 1u);
    EXPECT_TRUE(again.layers[0].already_imported);
    EXPECT_NE(again.summary().find("already imported (same content); nothing changed"), std::string::npos)
        << again.summary();
    EXPECT_EQ(dump(), before);
    EXPECT_EQ(count("SELECT count(*) FROM imports"), 1);
}

TEST_F(BadInput, SameContentUnderAnotherNameIsAlreadyImported)
{
    import_h1();
    const std::string before = dump();
    // Same bytes and same layer name (GeoJSON layers are named after the file), other folder.
    std::filesystem::create_directories(m_db.dir().path() / "copy");
    const ImportReport again = import(one_hazard_file("copy/hazards.geojson"));
    ASSERT_EQ(again.layers.size(), 1u) << again.summary();
    EXPECT_TRUE(again.layers[0].already_imported);
    EXPECT_EQ(dump(), before);
}

TEST_F(BadInput, IdenticalRecordInANewFileIsUnchanged)
{
    import_h1();
    // The same record in a file of another name (so another layer): a new import, but the area has
    // not changed, so the ledger gains no event.
    const std::string file = write("again.geojson",
                                   collection({feature(hazard_props("H1"), square_geometry(105.0, 12.0))}));
    const ImportReport r = import(file);
    EXPECT_TRUE(r.rejected.empty()) << r.summary();
    EXPECT_EQ(r.accepted, 0);
    EXPECT_EQ(r.unchanged, 1);
    EXPECT_EQ(count("SELECT count(*) FROM ledger_events"), 1);
}

TEST_F(BadInput, UnreadableFileIsRejectedNamingIt)
{
    const std::string file = write("garbage.geojson", "this is not GeoJSON at all");
    const std::string before = dump();
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_EQ(r.rejected[0].field, "file");
    EXPECT_EQ(r.rejected[0].file, file);
    EXPECT_NE(r.rejected[0].reason.find(file), std::string::npos) << r.rejected[0].reason;
    EXPECT_EQ(dump(), before);
}

TEST_F(BadInput, MissingFileIsRejectedNamingIt)
{
    const std::string file = m_db.dir().file("nowhere.geojson");
    const auto r = import(file);
    EXPECT_FALSE(r.written);
    ASSERT_EQ(r.rejected.size(), 1u);
    EXPECT_NE(r.rejected[0].reason.find("nowhere.geojson"), std::string::npos) << r.rejected[0].reason;
}

} // namespace
} // namespace cims::test
