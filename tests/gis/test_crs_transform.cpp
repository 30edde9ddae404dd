// SPDX-License-Identifier: GPL-3.0-or-later
// CrsTransform: any CRS to OGC:CRS84 (lon, lat), with PROJ's reasons in errors.
// Reference coordinates come from PROJ's command-line tool cs2cs (proj-bin 9.1.1), run by hand;
// the command is given beside each value.
#include "gis/crs_transform.hpp"
#include "gis/error.hpp"
#include "gis/geometry.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using cims::gis::CrsError;
using cims::gis::CrsTransform;
using cims::gis::Geometry;

// 1e-9 degree is about 0.1 mm.
constexpr double tol_deg = 1e-9;

/// A WKT1 GEOGCS without AXIS and without an authority: OGC 01-009 says longitude first.
/// Indian 1960 with a three-parameter shift, so the transformation is not a no-op.
const char* indian_1960_wkt1 =
    "GEOGCS[\"Indian 1960\",DATUM[\"Indian_1960\",SPHEROID[\"Everest 1830 (1937 Adjustment)\",6377276.345,300.8017],"
    "TOWGS84[198,881,317,0,0,0,0]],PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]";

const char* wgs84_wkt1 =
    "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]],PRIMEM[\"Greenwich\",0],"
    "UNIT[\"degree\",0.0174532925199433]]";

} // namespace

TEST(CrsTransform, Utm48NorthToLonLat)
{
    // echo "500000 2000000" | cs2cs EPSG:32648 OGC:CRS84 -f %.9f  →  105.000000000  18.088708943
    const CrsTransform t("EPSG:32648");
    double x = 500000, y = 2000000;
    t.apply(&x, &y, 1);
    EXPECT_NEAR(x, 105.000000000, tol_deg);
    EXPECT_NEAR(y, 18.088708943, tol_deg);
    EXPECT_FALSE(t.is_noop());
    EXPECT_EQ(t.source_name(), "WGS 84 / UTM zone 48N");
}

TEST(CrsTransform, Utm48NorthOffCentralMeridian)
{
    // echo "400000 1400000" | cs2cs EPSG:32648 OGC:CRS84 -f %.9f
    const CrsTransform t("EPSG:32648");
    double x = 400000, y = 1400000;
    t.apply(&x, &y, 1);
    EXPECT_NEAR(x, 104.079106918, tol_deg);
    EXPECT_NEAR(y, 12.662594744, tol_deg);
}

TEST(CrsTransform, ManyPointsInOneCall)
{
    const CrsTransform t("EPSG:32648");
    double x[] = {500000, 400000}, y[] = {2000000, 1400000};
    t.apply(x, y, 2);
    EXPECT_NEAR(x[0], 105.000000000, tol_deg);
    EXPECT_NEAR(y[0], 18.088708943, tol_deg);
    EXPECT_NEAR(x[1], 104.079106918, tol_deg);
    EXPECT_NEAR(y[1], 12.662594744, tol_deg);
}

TEST(CrsTransform, Wkt1GeogcsWithoutAxisIsLonLat)
{
    // echo "105 18" | cs2cs '<indian_1960_wkt1>' OGC:CRS84 -f %.9f  →  104.996041023  18.001464275
    const CrsTransform t(indian_1960_wkt1);
    EXPECT_FALSE(t.is_noop());
    double x = 105, y = 18;
    t.apply(&x, &y, 1);
    EXPECT_NEAR(x, 104.996041023, 1e-7);
    EXPECT_NEAR(y, 18.001464275, 1e-7);
}

TEST(CrsTransform, Wkt1Wgs84WithoutAxisIsANoop)
{
    const CrsTransform t(wgs84_wkt1);
    EXPECT_TRUE(t.is_noop());
    double x = 105.25, y = 12.5;
    t.apply(&x, &y, 1);
    EXPECT_EQ(x, 105.25);
    EXPECT_EQ(y, 12.5);
}

TEST(CrsTransform, Epsg4326IsANoopInLonLatOrder)
{
    const CrsTransform t("EPSG:4326");
    EXPECT_TRUE(t.is_noop());
    EXPECT_EQ(t.source_name(), "WGS 84");
    double x = 105.25, y = 12.5; // lon, lat as GDAL hands them over
    t.apply(&x, &y, 1);
    EXPECT_EQ(x, 105.25);
    EXPECT_EQ(y, 12.5);
}

TEST(CrsTransform, Crs84IsANoop)
{
    const CrsTransform t("OGC:CRS84");
    EXPECT_TRUE(t.is_noop());
    double x = -60.5, y = -34.25;
    t.apply(&x, &y, 1);
    EXPECT_EQ(x, -60.5);
    EXPECT_EQ(y, -34.25);
}

TEST(CrsTransform, UnknownEpsgCodeThrowsCrsErrorWithProjReason)
{
    // PROJ's reason, as cs2cs prints it: echo "0 0" | cs2cs EPSG:999999 OGC:CRS84  →
    // "proj_create: crs not found". proj_context_errno_string() only says "Unknown error (code 4096)"
    // for it, so the reason has to come from PROJ's log.
    try {
        CrsTransform t("EPSG:999999");
        FAIL() << "EPSG:999999 was accepted";
    } catch (const CrsError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'EPSG:999999'"), std::string::npos) << what;
        EXPECT_NE(what.find("crs not found"), std::string::npos) << what;
        EXPECT_EQ(what.find("PROJ gave no reason"), std::string::npos) << what;
    }
}

TEST(CrsTransform, GarbageDefinitionThrowsCrsErrorWithProjReason)
{
    // echo "0 0" | cs2cs "this is not a CRS" OGC:CRS84  →  "proj_create: unrecognized format / unknown name";
    // PROJ's error number for it reads "Invalid PROJ string syntax". Either is PROJ's reason.
    try {
        CrsTransform t("this is not a CRS");
        FAIL() << "garbage was accepted as a CRS";
    } catch (const CrsError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("'this is not a CRS'"), std::string::npos) << what;
        EXPECT_TRUE(what.find("unrecognized format / unknown name") != std::string::npos ||
                    what.find("Invalid PROJ string syntax") != std::string::npos)
            << what;
    }
}

TEST(CrsTransform, NonCrsObjectIsRefused)
{
    // A PROJ string without +type=crs is a coordinate operation, not a CRS.
    try {
        CrsTransform t("+proj=utm +zone=48 +datum=WGS84");
        FAIL() << "an operation was accepted as a CRS";
    } catch (const CrsError& e) {
        EXPECT_NE(std::string(e.what()).find("is not a coordinate reference system"), std::string::npos) << e.what();
    }
}

TEST(CrsTransform, OperationAndAccuracyAreSet)
{
    // projinfo -s EPSG:32648 -t OGC:CRS84 --summary  →  "Inverse of UTM zone 48N + axis order change (2D), 0 m"
    const CrsTransform t("EPSG:32648");
    EXPECT_NE(t.operation().find("Inverse of UTM zone 48N"), std::string::npos) << t.operation();
    // A map projection inverse on the same datum is exact.
    EXPECT_EQ(t.accuracy_m(), 0.0);
}

TEST(CrsTransform, TowgsShiftOfUnknownAccuracyIsNegative)
{
    // projinfo -s '<indian_1960_wkt1>' -t OGC:CRS84 --summary  →  "... Transformation from Indian 1960
    // to WGS84 + axis order change (2D), unknown accuracy"
    const CrsTransform t(indian_1960_wkt1);
    EXPECT_NE(t.operation().find("Transformation from Indian 1960 to WGS84"), std::string::npos) << t.operation();
    EXPECT_LT(t.accuracy_m(), 0.0);
}

TEST(CrsTransform, UntransformablePointThrowsCrsErrorNamingIt)
{
    // Far outside any sensible UTM easting: the inverse projection fails.
    const CrsTransform t("EPSG:32648");
    double x = 1e30, y = 1e30;
    try {
        t.apply(&x, &y, 1);
        FAIL() << "got " << x << ", " << y;
    } catch (const CrsError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("cannot be transformed from 'WGS 84 / UTM zone 48N'"), std::string::npos) << what;
    }
}

TEST(CrsTransform, MovableKeepsItsState)
{
    CrsTransform a("EPSG:32648");
    CrsTransform b(std::move(a));
    double x = 500000, y = 2000000;
    b.apply(&x, &y, 1);
    EXPECT_NEAR(x, 105.0, tol_deg);
    EXPECT_EQ(b.source_name(), "WGS 84 / UTM zone 48N");
}

TEST(GeometryTransformed, UtmSquareHasItsGeodesicArea)
{
    // A 100 m square on the central meridian of zone 48N: UTM scale there is k0 = 0.9996, so its
    // true area is 10,000 / 0.9996² = 10,008.005 m² (to well under 1 m² at this size).
    const CrsTransform t("EPSG:32648");
    const Geometry utm = Geometry::from_wkt(
        "POLYGON((499950 1999950,500050 1999950,500050 2000050,499950 2000050,499950 1999950))");
    const Geometry lonlat = utm.transformed(t);
    EXPECT_NEAR(lonlat.area_m2(), 10000.0 / (0.9996 * 0.9996), 1.0);
    const auto e = lonlat.envelope();
    EXPECT_NEAR((e.min_x + e.max_x) / 2, 105.0, 1e-6);
    EXPECT_NEAR((e.min_y + e.max_y) / 2, 18.088708943, 1e-5);
}

TEST(GeometryTransformed, NoopTransformCopiesCoordinates)
{
    const CrsTransform t("EPSG:4326");
    const Geometry g = Geometry::from_wkt("POLYGON((105 12,106 12,106 13,105 12))");
    EXPECT_TRUE(g.transformed(t).equals_exact(g));
}

TEST(GeometryTransformed, FailureThrowsCrsError)
{
    const CrsTransform t("EPSG:32648");
    const Geometry g = Geometry::from_wkt("POLYGON((0 0,1e30 0,1e30 1e30,0 0))");
    EXPECT_THROW((void)g.transformed(t), CrsError);
}
