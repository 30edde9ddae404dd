// SPDX-License-Identifier: GPL-3.0-or-later
// Geodesic areas (design.md §2) against an independent yardstick: the closed-form area of a
// latitude/longitude rectangle on the WGS 84 ellipsoid.
#include "gis/geometry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace {

using cims::gis::Geometry;

constexpr double pi = 3.14159265358979323846;
constexpr double wgs84_a = 6378137.0;
constexpr double wgs84_f = 1.0 / 298.257223563;

/// Area in m² of the ellipsoidal quadrangle bounded by two meridians and two parallels:
///   A = b² Δλ / 2 · [f(φ2) − f(φ1)],  f(φ) = sinφ / (1 − e² sin²φ) + 1/(2e) · ln((1 + e sinφ) / (1 − e sinφ)),
/// i.e. a² Δλ / 2 · [q(φ2) − q(φ1)] with Snyder's authalic q (J. P. Snyder, "Map Projections — A
/// Working Manual", USGS Professional Paper 1395, 1987, eq. 3-12). Independent of PROJ.
/// Note: its north and south sides are parallels, while geod_polygonarea joins vertices by geodesics;
/// on a 1° side at 1° of latitude the two differ by ~0.003 % (tests densify where they need better).
double quadrangle_m2(double lon0, double lat0, double lon1, double lat1)
{
    const double b = wgs84_a * (1 - wgs84_f);
    const double e2 = wgs84_f * (2 - wgs84_f);
    const double e = std::sqrt(e2);
    auto f = [&](double lat_deg) {
        const double s = std::sin(lat_deg * pi / 180);
        return s / (1 - e2 * s * s) + std::log((1 + e * s) / (1 - e * s)) / (2 * e);
    };
    return b * b * ((lon1 - lon0) * pi / 180) / 2 * (f(lat1) - f(lat0));
}

std::string ring_wkt(double x0, double y0, double x1, double y1, bool clockwise = false)
{
    char buf[512];
    if (clockwise)
        std::snprintf(buf, sizeof buf, "(%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g)", x0, y0, x0, y1,
                      x1, y1, x1, y0, x0, y0);
    else
        std::snprintf(buf, sizeof buf, "(%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g,%.17g %.17g)", x0, y0, x1, y0,
                      x1, y1, x0, y1, x0, y0);
    return buf;
}

std::string rect_wkt(double x0, double y0, double x1, double y1, bool clockwise = false)
{
    return "POLYGON(" + ring_wkt(x0, y0, x1, y1, clockwise) + ")";
}

/// A rectangle whose east-west sides have `n` segments each, so that the geodesics joining its
/// vertices follow the parallels closely (the bulge falls with 1/n²).
std::string dense_rect_wkt(double x0, double y0, double x1, double y1, int n)
{
    std::string wkt = "POLYGON((";
    char buf[96];
    for (int i = 0; i <= n; ++i) { // south side, west to east
        std::snprintf(buf, sizeof buf, "%.17g %.17g,", x0 + (x1 - x0) * i / n, y0);
        wkt += buf;
    }
    for (int i = 0; i <= n; ++i) { // north side, east to west
        std::snprintf(buf, sizeof buf, "%.17g %.17g,", x1 - (x1 - x0) * i / n, y1);
        wkt += buf;
    }
    std::snprintf(buf, sizeof buf, "%.17g %.17g))", x0, y0);
    return wkt + buf;
}

/// design.md §2: areas agree within 0.05 % or 1 m², whichever is larger.
::testing::AssertionResult near_area(double actual, double expected)
{
    const double tolerance = std::max(1.0, std::fabs(expected) * 0.0005);
    if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "area " << std::fixed << actual << " m² differs from " << expected
                                         << " m² by more than " << tolerance << " m²";
}

double area_of(const std::string& wkt)
{
    return Geometry::from_wkt(wkt).area_m2();
}

} // namespace

TEST(GeodesicAreaReference, ClosedFormGivesTheWholeEllipsoid)
{
    // The yardstick itself: both hemispheres, all longitudes = 510,065,621.724 km² (WGS 84).
    EXPECT_NEAR(quadrangle_m2(-180, -90, 180, 90) / 1e6, 510065621.724, 0.01);
}

TEST(GeodesicArea, OneDegreeCellAtTheEquator)
{
    const double expected = quadrangle_m2(0, 0, 1, 1); // 12,308,463,894 m²
    const double actual = area_of(rect_wkt(0, 0, 1, 1));
    EXPECT_TRUE(near_area(actual, expected));
    // The north side is a geodesic, which bulges poleward of the parallel: the polygon is a little
    // larger than the quadrangle (the project's figure for it is 12,308,778,361 m², +0.0026 %).
    EXPECT_TRUE(near_area(actual, 12308778361.0));
    EXPECT_GT(actual, expected);
    EXPECT_LT(actual - expected, expected * 0.0001);
}

TEST(GeodesicArea, OneDegreeCellAtSixtyNorthIsAboutHalf)
{
    const double expected = quadrangle_m2(0, 60, 1, 61); // 6,123,140,879 m²
    EXPECT_TRUE(near_area(area_of(rect_wkt(0, 60, 1, 61)), expected));
}

TEST(GeodesicArea, DensifiedRectangleMatchesClosedFormClosely)
{
    // 400 segments per side: geodesics and parallels differ by well under 0.0001 %.
    const double expected = quadrangle_m2(10, 40, 11, 41);
    const double actual = area_of(dense_rect_wkt(10, 40, 11, 41, 400));
    EXPECT_NEAR(actual, expected, expected * 1e-6) << std::fixed << actual << " vs " << expected;
}

TEST(GeodesicArea, SmallFieldPlot)
{
    // 0.001° × 0.001° at 105.5 E, 12.3 N (Cambodia): 12,033.8 m², where the 1 m² tolerance applies.
    const double expected = quadrangle_m2(105.5, 12.3, 105.501, 12.301);
    EXPECT_NEAR(expected, 12033.8, 0.1);
    EXPECT_TRUE(near_area(area_of(rect_wkt(105.5, 12.3, 105.501, 12.301)), expected));
}

TEST(GeodesicArea, SouthernHemisphere)
{
    const double expected = quadrangle_m2(-60, -35, -59, -34);
    EXPECT_TRUE(near_area(area_of(rect_wkt(-60, -35, -59, -34)), expected));
}

TEST(GeodesicArea, HoleIsSubtracted)
{
    const std::string wkt = "POLYGON(" + ring_wkt(0, 0, 1, 1) + "," + ring_wkt(0.25, 0.25, 0.75, 0.75, true) + ")";
    const double expected = quadrangle_m2(0, 0, 1, 1) - quadrangle_m2(0.25, 0.25, 0.75, 0.75);
    EXPECT_TRUE(near_area(area_of(wkt), expected));
}

TEST(GeodesicArea, HoleIsSubtractedWhateverItsOrientation)
{
    // A hole wound like its shell (not OGC order) still counts negative.
    const std::string cw_hole = "POLYGON(" + ring_wkt(0, 0, 1, 1) + "," + ring_wkt(0.25, 0.25, 0.75, 0.75, true) + ")";
    const std::string ccw_hole = "POLYGON(" + ring_wkt(0, 0, 1, 1) + "," + ring_wkt(0.25, 0.25, 0.75, 0.75, false) + ")";
    EXPECT_NEAR(area_of(cw_hole), area_of(ccw_hole), 1e-3);
    EXPECT_LT(area_of(ccw_hole), area_of(rect_wkt(0, 0, 1, 1)) * 0.8);
}

TEST(GeodesicArea, TwoHolesAreBothSubtracted)
{
    const std::string wkt = "POLYGON(" + ring_wkt(0, 0, 1, 1) + "," + ring_wkt(0.1, 0.1, 0.4, 0.4, true) + "," +
                            ring_wkt(0.6, 0.6, 0.9, 0.9, true) + ")";
    const double expected =
        quadrangle_m2(0, 0, 1, 1) - quadrangle_m2(0.1, 0.1, 0.4, 0.4) - quadrangle_m2(0.6, 0.6, 0.9, 0.9);
    EXPECT_TRUE(near_area(area_of(wkt), expected));
}

TEST(GeodesicArea, MultiPolygonIsTheSumOfItsParts)
{
    const std::string wkt = "MULTIPOLYGON((" + ring_wkt(0, 0, 1, 1) + "),(" + ring_wkt(0, 60, 1, 61) + "),(" +
                            ring_wkt(105.5, 12.3, 105.501, 12.301) + "))";
    const double expected =
        quadrangle_m2(0, 0, 1, 1) + quadrangle_m2(0, 60, 1, 61) + quadrangle_m2(105.5, 12.3, 105.501, 12.301);
    EXPECT_TRUE(near_area(area_of(wkt), expected));
}

TEST(GeodesicArea, MultiPolygonWithHoleInOnePart)
{
    const std::string wkt = "MULTIPOLYGON((" + ring_wkt(0, 0, 1, 1) + "," + ring_wkt(0.25, 0.25, 0.75, 0.75, true) +
                            "),(" + ring_wkt(2, 0, 3, 1) + "))";
    const double expected =
        2 * quadrangle_m2(0, 0, 1, 1) - quadrangle_m2(0.25, 0.25, 0.75, 0.75);
    EXPECT_TRUE(near_area(area_of(wkt), expected));
}

TEST(GeodesicArea, ClockwiseEqualsCounterClockwise)
{
    const double ccw = area_of(rect_wkt(30, 10, 30.5, 10.25, false));
    const double cw = area_of(rect_wkt(30, 10, 30.5, 10.25, true));
    EXPECT_GT(ccw, 0);
    EXPECT_NEAR(cw, ccw, 1e-3);
    EXPECT_TRUE(near_area(ccw, quadrangle_m2(30, 10, 30.5, 10.25)));
}

TEST(GeodesicArea, StartingVertexDoesNotMatter)
{
    EXPECT_NEAR(area_of("POLYGON((0 0,1 0,1 1,0 1,0 0))"), area_of("POLYGON((1 1,0 1,0 0,1 0,1 1))"), 1e-3);
}

TEST(GeodesicArea, PointsAndLinesHaveNoArea)
{
    EXPECT_EQ(area_of("POINT(1 1)"), 0.0);
    EXPECT_EQ(area_of("MULTIPOINT((0 0),(1 1))"), 0.0);
    EXPECT_EQ(area_of("LINESTRING(0 0,1 0,1 1,0 1,0 0)"), 0.0);
    EXPECT_EQ(area_of("MULTILINESTRING((0 0,1 1),(2 2,3 3))"), 0.0);
    EXPECT_EQ(area_of("LINEARRING(0 0,1 0,1 1,0 1,0 0)"), 0.0);
}

TEST(GeodesicArea, EmptyAndNullHaveNoArea)
{
    EXPECT_EQ(area_of("POLYGON EMPTY"), 0.0);
    EXPECT_EQ(area_of("MULTIPOLYGON EMPTY"), 0.0);
    EXPECT_EQ(Geometry::empty_polygon().area_m2(), 0.0);
    EXPECT_EQ(Geometry().area_m2(), 0.0);
}

TEST(GeodesicArea, CollectionCountsOnlyItsPolygons)
{
    const std::string wkt = "GEOMETRYCOLLECTION(POINT(5 5),LINESTRING(0 0,3 3)," + rect_wkt(0, 0, 1, 1) + ")";
    EXPECT_TRUE(near_area(area_of(wkt), quadrangle_m2(0, 0, 1, 1)));
}

TEST(GeodesicArea, ZCoordinatesAreIgnored)
{
    EXPECT_NEAR(area_of("POLYGON Z((0 0 100,1 0 200,1 1 300,0 1 400,0 0 100))"), area_of(rect_wkt(0, 0, 1, 1)), 1e-3);
}

TEST(GeodesicArea, NeverPlanarDegrees)
{
    // In planar degrees both cells measure 1.0 and a 2°×0.5° cell measures the same as a 1°×1° one.
    const double equator = area_of(rect_wkt(0, 0, 1, 1));
    const double north = area_of(rect_wkt(0, 60, 1, 61));
    EXPECT_GT(equator, 1e10);
    EXPECT_NEAR(north / equator, quadrangle_m2(0, 60, 1, 61) / quadrangle_m2(0, 0, 1, 1), 1e-4);
    EXPECT_NEAR(north / equator, 0.4975, 0.001);
    const double wide = area_of(rect_wkt(0, 60, 2, 60.5));
    EXPECT_TRUE(near_area(wide, quadrangle_m2(0, 60, 2, 60.5)));
    EXPECT_GT(std::fabs(wide - north) / north, 0.005); // 60–60.5 N is wider than 60–61 N on average
}
