// SPDX-License-Identifier: GPL-3.0-or-later
// Geometry over GEOS: repair (MakeValid, structure method), set operations keeping only polygons,
// exact equality, WKB, Z removal, error reporting, and the envelope index.
#include "gis/envelope_index.hpp"
#include "gis/error.hpp"
#include "gis/geometry.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace {

using cims::gis::Envelope;
using cims::gis::EnvelopeIndex;
using cims::gis::Geometry;
using cims::gis::GeometryError;
using cims::gis::GeometryKind;

Geometry wkt(const std::string& text)
{
    return Geometry::from_wkt(text);
}

::testing::AssertionResult near_area(double actual, double expected)
{
    const double tolerance = std::max(1.0, std::fabs(expected) * 0.0005);
    if (std::fabs(actual - expected) <= tolerance) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << std::fixed << actual << " m² differs from " << expected
                                         << " m² by more than " << tolerance;
}

/// Same point set: both differences are empty.
::testing::AssertionResult same_area_set(const Geometry& a, const Geometry& b)
{
    const Geometry ab = a.difference(b), ba = b.difference(a);
    if (ab.area_m2() < 1.0 && ba.area_m2() < 1.0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << a.to_wkt(6) << " and " << b.to_wkt(6) << " differ: a−b = " << ab.to_wkt(6)
                                         << ", b−a = " << ba.to_wkt(6);
}

std::string hex(const std::string& bytes)
{
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 15];
    }
    return out;
}

} // namespace

// --- MakeValid -------------------------------------------------------------------------------

TEST(MakeValid, BowTieIsInvalidWithSelfIntersection)
{
    const Geometry bowtie = wkt("POLYGON((0 0,1 1,1 0,0 1,0 0))");
    EXPECT_FALSE(bowtie.is_valid());
    EXPECT_EQ(bowtie.invalid_reason(), "Self-intersection[0.5 0.5]");
}

TEST(MakeValid, BowTieBecomesTwoTrianglesWithTheirArea)
{
    // Structure method: both lobes of the figure-eight are kept (buffer(0) would drop one).
    const Geometry repaired = wkt("POLYGON((0 0,1 1,1 0,0 1,0 0))").make_valid();
    EXPECT_TRUE(repaired.is_valid());
    EXPECT_EQ(repaired.kind(), GeometryKind::polygon);
    EXPECT_EQ(repaired.to_wkt(3).rfind("MULTIPOLYGON", 0), 0u) << repaired.to_wkt(3);
    const Geometry lobes = wkt("MULTIPOLYGON(((0 0,0.5 0.5,0 1,0 0)),((1 0,1 1,0.5 0.5,1 0)))");
    EXPECT_TRUE(near_area(repaired.area_m2(), lobes.area_m2()));
    EXPECT_TRUE(same_area_set(repaired, lobes));
    // Each lobe is a quarter of the 1° cell (12,308,778,361 m²): about half the cell in all.
    EXPECT_NEAR(repaired.area_m2() / wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))").area_m2(), 0.5, 0.001);
}

TEST(MakeValid, ValidPolygonIsUnchanged)
{
    const Geometry square = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry repaired = square.make_valid();
    EXPECT_TRUE(same_area_set(repaired, square));
    EXPECT_TRUE(near_area(repaired.area_m2(), square.area_m2()));
}

TEST(MakeValid, RingSelfTouchingSpikeIsRemoved)
{
    // A spike going out and back along the same line collapses; the square stays.
    const Geometry spiky = wkt("POLYGON((0 0,1 0,1 0.5,2 0.5,1 0.5,1 1,0 1,0 0))");
    EXPECT_FALSE(spiky.is_valid());
    const Geometry repaired = spiky.make_valid();
    EXPECT_TRUE(repaired.is_valid());
    EXPECT_TRUE(same_area_set(repaired, wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))")));
}

TEST(MakeValid, CollapsedPolygonBecomesEmpty)
{
    const Geometry flat = wkt("POLYGON((0 0,1 1,2 2,0 0))");
    EXPECT_FALSE(flat.is_valid());
    const Geometry repaired = flat.make_valid();
    EXPECT_FALSE(repaired.is_null());
    EXPECT_TRUE(repaired.is_empty());
    EXPECT_EQ(repaired.kind(), GeometryKind::empty);
    EXPECT_EQ(repaired.area_m2(), 0.0);
}

TEST(MakeValid, CollapsedPartIsDroppedFromMultiPolygon)
{
    const Geometry mixed = wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((5 5,6 6,7 7,5 5)))");
    const Geometry repaired = mixed.make_valid();
    EXPECT_TRUE(repaired.is_valid());
    EXPECT_EQ(repaired.to_wkt(0).rfind("MULTIPOLYGON (((", 0), 0u) << repaired.to_wkt(0);
    EXPECT_EQ(repaired.vertex_count(), 5u) << repaired.to_wkt(0); // the flat part's 4 vertices are gone
    EXPECT_TRUE(same_area_set(repaired, wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))")));
}

TEST(MakeValid, NullStaysNull)
{
    EXPECT_TRUE(Geometry().make_valid().is_null());
}

// --- set operations ----------------------------------------------------------------------------

TEST(SetOperations, IntersectionOfOverlappingSquares)
{
    const Geometry a = wkt("POLYGON((0 0,2 0,2 2,0 2,0 0))");
    const Geometry b = wkt("POLYGON((1 1,3 1,3 3,1 3,1 1))");
    const Geometry i = a.intersection(b);
    EXPECT_EQ(i.kind(), GeometryKind::polygon);
    EXPECT_TRUE(same_area_set(i, wkt("POLYGON((1 1,2 1,2 2,1 2,1 1))")));
    EXPECT_TRUE(near_area(i.area_m2(), wkt("POLYGON((1 1,2 1,2 2,1 2,1 1))").area_m2()));
}

TEST(SetOperations, IntersectionDropsSharedEdgeAndCorner)
{
    // b touches a along the edge x = 1 and at the corner (0,0) (from below-left), and overlaps
    // 0.5..0.75: GEOS returns a collection with a line and a point; only the polygon is kept.
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry b = wkt("MULTIPOLYGON(((1 0,2 0,2 1,1 1,1 0)),((-1 -1,0 -1,0 0,-1 0,-1 -1)),"
                           "((0.5 0.5,0.75 0.5,0.75 0.75,0.5 0.75,0.5 0.5)))");
    const Geometry i = a.intersection(b);
    EXPECT_EQ(i.kind(), GeometryKind::polygon);
    EXPECT_EQ(i.to_wkt(2).rfind("MULTIPOLYGON", 0), 0u) << i.to_wkt(2);
    EXPECT_EQ(i.to_wkt(2).find("LINESTRING"), std::string::npos) << i.to_wkt(2);
    EXPECT_EQ(i.to_wkt(2).find("POINT"), std::string::npos) << i.to_wkt(2);
    EXPECT_TRUE(same_area_set(i, wkt("POLYGON((0.5 0.5,0.75 0.5,0.75 0.75,0.5 0.75,0.5 0.5))")));
}

TEST(SetOperations, IntersectionOfTouchingSquaresIsEmptyPolygon)
{
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry b = wkt("POLYGON((1 0,2 0,2 1,1 1,1 0))");
    const Geometry i = a.intersection(b);
    EXPECT_TRUE(i.is_empty());
    EXPECT_EQ(i.to_wkt(), "MULTIPOLYGON EMPTY");
    EXPECT_EQ(i.area_m2(), 0.0);
}

TEST(SetOperations, IntersectionWithEmptyIsEmpty)
{
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    EXPECT_TRUE(a.intersection(Geometry::empty_polygon()).is_empty());
    EXPECT_TRUE(Geometry::empty_polygon().intersection(a).is_empty());
}

TEST(SetOperations, DifferenceCutsAHole)
{
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry hole = wkt("POLYGON((0.25 0.25,0.75 0.25,0.75 0.75,0.25 0.75,0.25 0.25))");
    const Geometry d = a.difference(hole);
    EXPECT_EQ(d.kind(), GeometryKind::polygon);
    EXPECT_TRUE(near_area(d.area_m2(), a.area_m2() - hole.area_m2()));
    EXPECT_FALSE(d.intersects(wkt("POINT(0.5 0.5)")));
}

TEST(SetOperations, DifferenceSplitsIntoMultiPolygon)
{
    const Geometry a = wkt("POLYGON((0 0,3 0,3 1,0 1,0 0))");
    const Geometry band = wkt("POLYGON((1 -1,2 -1,2 2,1 2,1 -1))");
    const Geometry d = a.difference(band);
    EXPECT_EQ(d.to_wkt(0).rfind("MULTIPOLYGON (((", 0), 0u) << d.to_wkt(0);
    EXPECT_EQ(d.vertex_count(), 10u) << d.to_wkt(0);
    EXPECT_TRUE(same_area_set(d, wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((2 0,3 0,3 1,2 1,2 0)))")));
    EXPECT_TRUE(near_area(d.area_m2(), 2 * wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))").area_m2()));
}

TEST(SetOperations, DifferenceWithItselfIsEmpty)
{
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry d = a.difference(a);
    EXPECT_TRUE(d.is_empty());
    EXPECT_EQ(d.area_m2(), 0.0);
}

TEST(SetOperations, DifferenceWithEmptyIsPolygonalCopy)
{
    const Geometry a = wkt("POLYGON((0 0,1 0,1 1,0 1,0 0))");
    const Geometry d = a.difference(Geometry::empty_polygon());
    EXPECT_EQ(d.to_wkt(0), "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)))");
}

TEST(SetOperations, OperandsAreNotModified)
{
    const Geometry a = wkt("POLYGON((0 0,2 0,2 2,0 2,0 0))");
    const Geometry b = wkt("POLYGON((1 1,3 1,3 3,1 3,1 1))");
    (void)a.intersection(b);
    (void)a.difference(b);
    EXPECT_TRUE(a.equals_exact(wkt("POLYGON((0 0,2 0,2 2,0 2,0 0))")));
    EXPECT_TRUE(b.equals_exact(wkt("POLYGON((1 1,3 1,3 3,1 3,1 1))")));
}

TEST(SetOperations, UnionAllMergesOverlaps)
{
    const Geometry a = wkt("POLYGON((0 0,2 0,2 2,0 2,0 0))");
    const Geometry b = wkt("POLYGON((1 1,3 1,3 3,1 3,1 1))");
    const Geometry u = Geometry::union_all({&a, &b});
    EXPECT_TRUE(near_area(u.area_m2(), a.area_m2() + b.area_m2() - a.intersection(b).area_m2()));
    EXPECT_TRUE(Geometry::union_all({}).is_empty());
}

TEST(SetOperations, PolygonalKeepsOnlyPolygons)
{
    const Geometry g = wkt("GEOMETRYCOLLECTION(POINT(5 5),LINESTRING(0 0,3 3),POLYGON((0 0,1 0,1 1,0 1,0 0)))");
    EXPECT_EQ(g.kind(), GeometryKind::collection);
    EXPECT_EQ(g.polygonal().to_wkt(0), "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 1, 0 0)))");
    EXPECT_TRUE(wkt("LINESTRING(0 0,1 1)").polygonal().is_empty());
}

// --- equality, WKB, Z --------------------------------------------------------------------------

TEST(EqualsExact, SameCoordinatesSameOrder)
{
    EXPECT_TRUE(wkt("POLYGON((0 0,1 0,1 1,0 0))").equals_exact(wkt("POLYGON((0 0,1 0,1 1,0 0))")));
}

TEST(EqualsExact, OtherStartingVertexIsNotExact)
{
    EXPECT_FALSE(wkt("POLYGON((0 0,1 0,1 1,0 0))").equals_exact(wkt("POLYGON((1 0,1 1,0 0,1 0))")));
}

TEST(EqualsExact, TinyShiftIsNotExact)
{
    EXPECT_FALSE(wkt("POLYGON((0 0,1 0,1 1,0 0))").equals_exact(wkt("POLYGON((0 0,1 0,1 1.0000000001,0 0))")));
}

TEST(EqualsExact, PolygonAndMultiPolygonDiffer)
{
    EXPECT_FALSE(wkt("POLYGON((0 0,1 0,1 1,0 0))").equals_exact(wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)))")));
}

TEST(EqualsExact, NullEqualsOnlyNull)
{
    EXPECT_TRUE(Geometry().equals_exact(Geometry()));
    EXPECT_FALSE(Geometry().equals_exact(wkt("POINT(0 0)")));
    EXPECT_FALSE(wkt("POINT(0 0)").equals_exact(Geometry()));
}

TEST(Wkb, PointBytesAreLittleEndianIso)
{
    // 01 = NDR, 01000000 = Point, then x = 1.0 and y = 2.0 as little-endian doubles.
    EXPECT_EQ(hex(wkt("POINT(1 2)").to_wkb()), "0101000000000000000000f03f0000000000000040");
}

TEST(Wkb, RoundTripKeepsEveryCoordinate)
{
    const Geometry original = wkt("MULTIPOLYGON(((105.123456789012 12.987654321098,105.2 12.9,105.2 13.1,"
                                  "105.123456789012 12.987654321098),(105.15 12.95,105.18 12.96,105.17 12.99,"
                                  "105.15 12.95)),((0 0,1 0,1 1,0 0)))");
    const std::string bytes = original.to_wkb();
    const Geometry back = Geometry::from_wkb(bytes);
    EXPECT_TRUE(back.equals_exact(original));
    EXPECT_EQ(back.to_wkb(), bytes);
    EXPECT_EQ(back.vertex_count(), 12u);
}

TEST(Wkb, NullGeometryWritesNothing)
{
    EXPECT_EQ(Geometry().to_wkb(), "");
}

TEST(Wkb, TruncatedBytesThrowGeometryErrorWithGeosMessage)
{
    const std::string full = wkt("POLYGON((0 0,1 0,1 1,0 0))").to_wkb();
    try {
        (void)Geometry::from_wkb(full.substr(0, full.size() - 5));
        FAIL() << "truncated WKB was accepted";
    } catch (const GeometryError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("reading WKB: ", 0), 0u) << what;
        EXPECT_NE(what.find("ParseException"), std::string::npos) << what;
        EXPECT_EQ(what.find("GEOS gave no reason"), std::string::npos) << what;
    }
}

TEST(Wkb, UnknownGeometryTypeThrowsGeometryError)
{
    const std::string bytes("\x01\x63\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 13); // type 99
    try {
        (void)Geometry::from_wkb(bytes);
        FAIL() << "WKB of type 99 was accepted";
    } catch (const GeometryError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("reading WKB: ", 0), 0u) << what;
        EXPECT_NE(what.find("ParseException"), std::string::npos) << what;
    }
}

TEST(Wkb, EmptyInputThrowsGeometryError)
{
    EXPECT_THROW((void)Geometry::from_wkb(std::string()), GeometryError);
}

TEST(Wkb, ErrorMessageIsNotStaleAfterAFailure)
{
    // The message buffer is cleared before each call: a later failure reports its own reason.
    EXPECT_THROW((void)Geometry::from_wkb(std::string("\x01\x03", 2)), GeometryError);
    EXPECT_TRUE(Geometry::from_wkb(wkt("POINT(1 2)").to_wkb()).equals_exact(wkt("POINT(1 2)")));
    try {
        (void)Geometry::from_wkt("POLYGON((0 0, 1 0");
        FAIL() << "bad WKT was accepted";
    } catch (const GeometryError& e) {
        const std::string what = e.what();
        EXPECT_EQ(what.rfind("reading WKT: ", 0), 0u) << what;
        EXPECT_NE(what.find("ParseException"), std::string::npos) << what;
    }
}

TEST(Wkt, BadTextThrowsGeometryError)
{
    EXPECT_THROW((void)Geometry::from_wkt("NOT A GEOMETRY"), GeometryError);
}

TEST(Force2d, DropsZ)
{
    const Geometry g3 = wkt("POLYGON Z((0 0 10,1 0 20,1 1 30,0 0 10))");
    ASSERT_TRUE(g3.has_z());
    const Geometry g2 = g3.force_2d();
    EXPECT_FALSE(g2.has_z());
    EXPECT_TRUE(g2.equals_exact(wkt("POLYGON((0 0,1 0,1 1,0 0))")));
    EXPECT_EQ(g2.to_wkt(0), "POLYGON ((0 0, 1 0, 1 1, 0 0))");
    EXPECT_TRUE(g3.has_z()); // the original is untouched
}

TEST(Force2d, TwoDimensionalIsUnchanged)
{
    const Geometry g = wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)))");
    EXPECT_TRUE(g.force_2d().equals_exact(g));
}

// --- kinds, envelopes, index -------------------------------------------------------------------

TEST(Kind, EveryFamily)
{
    EXPECT_EQ(Geometry().kind(), GeometryKind::null);
    EXPECT_EQ(wkt("POLYGON EMPTY").kind(), GeometryKind::empty);
    EXPECT_EQ(wkt("POINT(1 1)").kind(), GeometryKind::point);
    EXPECT_EQ(wkt("MULTIPOINT((1 1),(2 2))").kind(), GeometryKind::point);
    EXPECT_EQ(wkt("LINESTRING(0 0,1 1)").kind(), GeometryKind::line);
    EXPECT_EQ(wkt("POLYGON((0 0,1 0,1 1,0 0))").kind(), GeometryKind::polygon);
    EXPECT_EQ(wkt("MULTIPOLYGON(((0 0,1 0,1 1,0 0)))").kind(), GeometryKind::polygon);
    EXPECT_EQ(wkt("GEOMETRYCOLLECTION(POINT(1 1))").kind(), GeometryKind::collection);
}

TEST(EnvelopeOfGeometry, IsTheBoundingBox)
{
    const Envelope e = wkt("POLYGON((105 12,106.5 12.25,105.75 13.5,105 12))").envelope();
    EXPECT_EQ(e.min_x, 105);
    EXPECT_EQ(e.min_y, 12);
    EXPECT_EQ(e.max_x, 106.5);
    EXPECT_EQ(e.max_y, 13.5);
}

TEST(EnvelopeIndexQuery, ReturnsIntersectingIdsInAscendingOrder)
{
    EnvelopeIndex index;
    index.insert({10, 10, 11, 11}, 7);
    index.insert({0, 0, 1, 1}, 3);
    index.insert({0.5, 0.5, 2, 2}, 5);
    index.insert({50, 50, 51, 51}, 1);
    EXPECT_EQ(index.query({0.75, 0.75, 0.8, 0.8}), (std::vector<std::size_t>{3, 5}));
    EXPECT_EQ(index.query({-10, -10, 20, 20}), (std::vector<std::size_t>{3, 5, 7}));
    EXPECT_EQ(index.query({50.5, 50.5, 50.6, 50.6}), (std::vector<std::size_t>{1}));
}

TEST(EnvelopeIndexQuery, DisjointBoxFindsNothing)
{
    EnvelopeIndex index;
    index.insert({0, 0, 1, 1}, 1);
    EXPECT_TRUE(index.query({5, 5, 6, 6}).empty());
}

TEST(EnvelopeIndexQuery, TouchingEdgesCount)
{
    EnvelopeIndex index;
    index.insert({0, 0, 1, 1}, 1);
    EXPECT_EQ(index.query({1, 0, 2, 1}), (std::vector<std::size_t>{1}));
}

TEST(EnvelopeIndexQuery, PointBoxIsFound)
{
    // A point's envelope has no extent; it must still be indexed and found.
    EnvelopeIndex index;
    index.insert({3, 4, 3, 4}, 42);
    index.insert({0, 0, 1, 1}, 1);
    EXPECT_EQ(index.query({2, 3, 5, 5}), (std::vector<std::size_t>{42}));
    EXPECT_EQ(index.query({3, 4, 3, 4}), (std::vector<std::size_t>{42}));
}

TEST(EnvelopeIndexQuery, EmptyIndexFindsNothing)
{
    EnvelopeIndex index;
    EXPECT_TRUE(index.query({0, 0, 1, 1}).empty());
}

TEST(PreparedGeometryPredicates, CoversAndIntersects)
{
    const cims::gis::PreparedGeometry region(wkt("POLYGON((0 0,10 0,10 10,0 10,0 0))"));
    EXPECT_TRUE(region.covers(wkt("POLYGON((1 1,2 1,2 2,1 1))")));
    EXPECT_FALSE(region.covers(wkt("POLYGON((9 9,11 9,11 11,9 9))")));
    EXPECT_TRUE(region.intersects(wkt("POLYGON((9 9,11 9,11 11,9 9))")));
    EXPECT_FALSE(region.intersects(wkt("POINT(20 20)")));
    EXPECT_EQ(region.envelope().max_x, 10);
}
