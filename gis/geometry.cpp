// SPDX-License-Identifier: GPL-3.0-or-later
#include "geometry.hpp"

#include "crs_transform.hpp"
#include "error.hpp"
#include "geos_context.hpp"

#include <geodesic.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace cims::gis {

namespace {

GeosContext& ctx()
{
    return GeosContext::current();
}

template <auto Fn> struct geos_deleter {
    template <class T> void operator()(T* p) const noexcept
    {
        if (p) Fn(GeosContext::current().handle(), p);
    }
};

/// The WGS 84 ellipsoid, initialised once per thread.
const geod_geodesic& wgs84()
{
    thread_local geod_geodesic g = [] {
        geod_geodesic e{};
        geod_init(&e, 6378137.0, 1.0 / 298.257223563);
        return e;
    }();
    return g;
}

/// Absolute geodesic area of one ring (closing point included or not).
double ring_area(GEOSContextHandle_t h, const GEOSGeometry* ring, std::vector<double>& buf)
{
    const GEOSCoordSequence* seq = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned int n = 0;
    if (!seq || !GEOSCoordSeq_getSize_r(h, seq, &n) || n < 4) return 0.0;
    buf.resize(2 * std::size_t(n));
    if (!GEOSCoordSeq_copyToBuffer_r(h, seq, buf.data(), 0, 0)) return 0.0;
    // geod_polygonarea wants separate lat and lon arrays; drop the closing point.
    std::vector<double> lats(n - 1), lons(n - 1);
    for (unsigned int i = 0; i + 1 < n; ++i) {
        lons[i] = buf[2 * i];
        lats[i] = buf[2 * i + 1];
    }
    double area = 0, perimeter = 0;
    geod_polygonarea(&wgs84(), lats.data(), lons.data(), int(n - 1), &area, &perimeter);
    return std::fabs(area);
}

double polygon_area(GEOSContextHandle_t h, const GEOSGeometry* poly, std::vector<double>& buf)
{
    double area = ring_area(h, GEOSGetExteriorRing_r(h, poly), buf);
    const int holes = GEOSGetNumInteriorRings_r(h, poly);
    for (int i = 0; i < holes; ++i) area -= ring_area(h, GEOSGetInteriorRingN_r(h, poly, i), buf);
    return area;
}

/// Collects the polygons of g (recursively through collections) as clones.
void collect_polygons(GEOSContextHandle_t h, const GEOSGeometry* g, std::vector<GEOSGeometry*>& out)
{
    switch (GEOSGeomTypeId_r(h, g)) {
    case GEOS_POLYGON:
        if (!GEOSisEmpty_r(h, g)) out.push_back(GEOSGeom_clone_r(h, g));
        break;
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        const int n = GEOSGetNumGeometries_r(h, g);
        for (int i = 0; i < n; ++i) collect_polygons(h, GEOSGetGeometryN_r(h, g, i), out);
        break;
    }
    default:
        break;
    }
}

} // namespace

void Envelope::expand(const Envelope& o) noexcept
{
    min_x = std::min(min_x, o.min_x);
    min_y = std::min(min_y, o.min_y);
    max_x = std::max(max_x, o.max_x);
    max_y = std::max(max_y, o.max_y);
}

// GEOS geometries do not belong to a context: every call uses the calling thread's context, so a
// geometry read on several threads (never written) needs no locking.
Geometry::~Geometry()
{
    if (m_geom) GEOSGeom_destroy_r(ctx().handle(), m_geom);
}

Geometry::Geometry(Geometry&& o) noexcept : m_geom(o.m_geom)
{
    o.m_geom = nullptr;
}

Geometry& Geometry::operator=(Geometry&& o) noexcept
{
    if (this != &o) {
        if (m_geom) GEOSGeom_destroy_r(ctx().handle(), m_geom);
        m_geom = o.m_geom;
        o.m_geom = nullptr;
    }
    return *this;
}

Geometry Geometry::from_wkb(std::string_view wkb)
{
    auto& c = ctx();
    c.clear();
    std::unique_ptr<GEOSWKBReader, geos_deleter<GEOSWKBReader_destroy_r>> reader(GEOSWKBReader_create_r(c.handle()));
    GEOSGeometry* g = GEOSWKBReader_read_r(c.handle(), reader.get(),
                                           reinterpret_cast<const unsigned char*>(wkb.data()), wkb.size());
    if (!g) c.fail("reading WKB");
    return Geometry(g);
}

Geometry Geometry::from_wkt(std::string_view wkt)
{
    auto& c = ctx();
    c.clear();
    std::unique_ptr<GEOSWKTReader, geos_deleter<GEOSWKTReader_destroy_r>> reader(GEOSWKTReader_create_r(c.handle()));
    const std::string text(wkt);
    GEOSGeometry* g = GEOSWKTReader_read_r(c.handle(), reader.get(), text.c_str());
    if (!g) c.fail("reading WKT");
    return Geometry(g);
}

Geometry Geometry::empty_polygon()
{
    auto& c = ctx();
    return Geometry(GEOSGeom_createEmptyCollection_r(c.handle(), GEOS_MULTIPOLYGON));
}

Geometry Geometry::union_all(const std::vector<const Geometry*>& parts)
{
    auto& c = ctx();
    std::vector<GEOSGeometry*> clones;
    for (const Geometry* p : parts)
        if (p && !p->is_null()) collect_polygons(c.handle(), p->m_geom, clones);
    if (clones.empty()) return empty_polygon();
    c.clear();
    GEOSGeometry* coll = GEOSGeom_createCollection_r(c.handle(), GEOS_MULTIPOLYGON, clones.data(),
                                                     unsigned(clones.size()));
    if (!coll) c.fail("collecting parts for a union");
    Geometry all(coll);
    GEOSGeometry* u = GEOSUnaryUnion_r(c.handle(), coll);
    if (!u) c.fail("union of released parts");
    return Geometry(u).polygonal();
}

std::string Geometry::to_wkb() const
{
    if (!m_geom) return {};
    auto& c = ctx();
    std::unique_ptr<GEOSWKBWriter, geos_deleter<GEOSWKBWriter_destroy_r>> writer(GEOSWKBWriter_create_r(c.handle()));
    GEOSWKBWriter_setByteOrder_r(c.handle(), writer.get(), GEOS_WKB_NDR);
    std::size_t size = 0;
    c.clear();
    unsigned char* bytes = GEOSWKBWriter_write_r(c.handle(), writer.get(), m_geom, &size);
    if (!bytes) c.fail("writing WKB");
    std::string out(reinterpret_cast<const char*>(bytes), size);
    GEOSFree_r(c.handle(), bytes);
    return out;
}

std::string Geometry::to_wkt(int decimals) const
{
    if (!m_geom) return "NULL";
    auto& c = ctx();
    std::unique_ptr<GEOSWKTWriter, geos_deleter<GEOSWKTWriter_destroy_r>> writer(GEOSWKTWriter_create_r(c.handle()));
    if (decimals >= 0) {
        GEOSWKTWriter_setTrim_r(c.handle(), writer.get(), 1);
        GEOSWKTWriter_setRoundingPrecision_r(c.handle(), writer.get(), decimals);
    }
    char* text = GEOSWKTWriter_write_r(c.handle(), writer.get(), m_geom);
    if (!text) c.fail("writing WKT");
    std::string out(text);
    GEOSFree_r(c.handle(), text);
    return out;
}

bool Geometry::is_empty() const
{
    return !m_geom || GEOSisEmpty_r(ctx().handle(), m_geom) == 1;
}

GeometryKind Geometry::kind() const
{
    if (!m_geom) return GeometryKind::null;
    if (GEOSisEmpty_r(ctx().handle(), m_geom) == 1) return GeometryKind::empty;
    switch (GEOSGeomTypeId_r(ctx().handle(), m_geom)) {
    case GEOS_POINT:
    case GEOS_MULTIPOINT:
        return GeometryKind::point;
    case GEOS_LINESTRING:
    case GEOS_LINEARRING:
    case GEOS_MULTILINESTRING:
        return GeometryKind::line;
    case GEOS_POLYGON:
    case GEOS_MULTIPOLYGON:
        return GeometryKind::polygon;
    default:
        return GeometryKind::collection;
    }
}

bool Geometry::has_z() const
{
    return m_geom && GEOSHasZ_r(ctx().handle(), m_geom) == 1;
}

bool Geometry::is_valid() const
{
    if (!m_geom) return false;
    auto& c = ctx();
    c.clear();
    const char r = GEOSisValid_r(ctx().handle(), m_geom);
    if (r == 2) c.fail("checking validity");
    return r == 1;
}

std::string Geometry::invalid_reason() const
{
    if (!m_geom) return "null geometry";
    char* reason = GEOSisValidReason_r(ctx().handle(), m_geom);
    if (!reason) return "unknown";
    std::string out = std::string(reason) == "Valid Geometry" ? std::string() : std::string(reason);
    GEOSFree_r(ctx().handle(), reason);
    return out;
}

std::size_t Geometry::vertex_count() const
{
    if (!m_geom) return 0;
    const int n = GEOSGetNumCoordinates_r(ctx().handle(), m_geom);
    return n < 0 ? 0 : std::size_t(n);
}

Geometry Geometry::clone() const
{
    if (!m_geom) return {};
    return Geometry(GEOSGeom_clone_r(ctx().handle(), m_geom));
}

Geometry Geometry::make_valid() const
{
    if (!m_geom) return {};
    auto& c = ctx();
    std::unique_ptr<GEOSMakeValidParams, geos_deleter<GEOSMakeValidParams_destroy_r>> params(
        GEOSMakeValidParams_create_r(c.handle()));
    GEOSMakeValidParams_setMethod_r(c.handle(), params.get(), GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(c.handle(), params.get(), 0);
    c.clear();
    GEOSGeometry* g = GEOSMakeValidWithParams_r(c.handle(), m_geom, params.get());
    if (!g) c.fail("repairing geometry (MakeValid, structure method)");
    return Geometry(g).polygonal();
}

Geometry Geometry::polygonal() const
{
    if (!m_geom) return {};
    auto& c = ctx();
    const int type = GEOSGeomTypeId_r(c.handle(), m_geom);
    if (type == GEOS_MULTIPOLYGON) return clone();
    std::vector<GEOSGeometry*> polys;
    collect_polygons(c.handle(), m_geom, polys);
    c.clear();
    GEOSGeometry* g = GEOSGeom_createCollection_r(c.handle(), GEOS_MULTIPOLYGON, polys.data(), unsigned(polys.size()));
    if (!g) c.fail("collecting polygons");
    return Geometry(g);
}

Geometry Geometry::force_2d() const
{
    if (!m_geom) return {};
    auto& c = ctx();
    // A WKB round trip with output dimension 2 drops Z; GEOS keeps no M.
    std::unique_ptr<GEOSWKBWriter, geos_deleter<GEOSWKBWriter_destroy_r>> writer(GEOSWKBWriter_create_r(c.handle()));
    GEOSWKBWriter_setOutputDimension_r(c.handle(), writer.get(), 2);
    std::size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(c.handle(), writer.get(), m_geom, &size);
    if (!bytes) c.fail("dropping Z");
    std::string wkb(reinterpret_cast<const char*>(bytes), size);
    GEOSFree_r(c.handle(), bytes);
    return from_wkb(wkb);
}

namespace {

/// The polygonal part of an overlay result that the caller owns, as a (multi)polygon, without
/// copying it when it already is one: a multipolygon is taken as it is and a polygon becomes the
/// single part of a multipolygon (GEOS takes ownership); anything else goes through polygonal().
GEOSGeometry* take_polygonal(GEOSContextHandle_t h, GEOSGeometry* g)
{
    const int type = GEOSGeomTypeId_r(h, g);
    if (type == GEOS_MULTIPOLYGON) return g;
    if (type == GEOS_POLYGON && !GEOSisEmpty_r(h, g)) {
        GEOSGeometry* parts[1] = {g};
        GEOSGeometry* multi = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, 1);
        if (!multi) GEOSGeom_destroy_r(h, g);
        return multi;
    }
    return nullptr;
}

/// Runs a binary overlay; on a robustness failure (rare "TopologyException" on near-coincident
/// edges) retries once with snap-rounding to 1e-10 degrees (about 0.01 mm).
template <class Overlay, class OverlayPrec>
GEOSGeometry* overlay(GEOSContextHandle_t h, const GEOSGeometry* a, const GEOSGeometry* b, Overlay op,
                      OverlayPrec op_prec)
{
    GEOSGeometry* r = op(h, a, b);
    if (!r) r = op_prec(h, a, b, 1e-10);
    return r;
}

} // namespace

Geometry Geometry::from_overlay(GEOSGeom_t* result)
{
    auto& c = ctx();
    const int type = GEOSGeomTypeId_r(c.handle(), result);
    if (type == GEOS_MULTIPOLYGON || (type == GEOS_POLYGON && !GEOSisEmpty_r(c.handle(), result))) {
        c.clear();
        GEOSGeometry* g = take_polygonal(c.handle(), result);
        if (!g) c.fail("collecting polygons");
        return Geometry(g);
    }
    return Geometry(result).polygonal();
}

Geometry Geometry::intersection(const Geometry& other) const
{
    if (is_empty() || other.is_empty()) return empty_polygon();
    auto& c = ctx();
    c.clear();
    GEOSGeometry* r = overlay(c.handle(), m_geom, other.m_geom, GEOSIntersection_r, GEOSIntersectionPrec_r);
    if (!r) c.fail("intersection");
    return from_overlay(r);
}

Geometry Geometry::difference(const Geometry& other) const
{
    if (is_empty()) return empty_polygon();
    if (other.is_empty()) return polygonal();
    auto& c = ctx();
    c.clear();
    GEOSGeometry* r = overlay(c.handle(), m_geom, other.m_geom, GEOSDifference_r, GEOSDifferencePrec_r);
    if (!r) c.fail("difference");
    return from_overlay(r);
}

bool Geometry::intersects(const Geometry& other) const
{
    if (is_empty() || other.is_empty()) return false;
    auto& c = ctx();
    c.clear();
    const char r = GEOSIntersects_r(c.handle(), m_geom, other.m_geom);
    if (r == 2) c.fail("intersects");
    return r == 1;
}

bool Geometry::equals_exact(const Geometry& other) const
{
    if (is_null() || other.is_null()) return is_null() == other.is_null();
    auto& c = ctx();
    c.clear();
    const char r = GEOSEqualsExact_r(c.handle(), m_geom, other.m_geom, 0.0);
    if (r == 2) c.fail("comparing geometries");
    return r == 1;
}

bool Geometry::same_shape(const Geometry& other, double tolerance) const
{
    if (is_null() || other.is_null()) return is_null() == other.is_null();
    if (is_empty() || other.is_empty()) return is_empty() == other.is_empty();
    auto& c = ctx();
    // The discrete Hausdorff distance ignores ring orientation, start vertex and part order, which
    // a normalised exact comparison does not once coordinates differ in the last digits.
    double distance = 0;
    c.clear();
    if (!GEOSHausdorffDistance_r(c.handle(), m_geom, other.m_geom, &distance)) c.fail("comparing geometries");
    return distance <= tolerance;
}

double Geometry::area_m2() const
{
    if (!m_geom) return 0.0;
    auto h = ctx().handle();
    std::vector<double> buf;
    switch (GEOSGeomTypeId_r(h, m_geom)) {
    case GEOS_POLYGON:
        return GEOSisEmpty_r(h, m_geom) ? 0.0 : polygon_area(h, m_geom, buf);
    case GEOS_MULTIPOLYGON:
    case GEOS_GEOMETRYCOLLECTION: {
        double area = 0;
        const int n = GEOSGetNumGeometries_r(h, m_geom);
        for (int i = 0; i < n; ++i) {
            const GEOSGeometry* part = GEOSGetGeometryN_r(h, m_geom, i);
            if (GEOSGeomTypeId_r(h, part) == GEOS_POLYGON && !GEOSisEmpty_r(h, part))
                area += polygon_area(h, part, buf);
        }
        return area;
    }
    default:
        return 0.0;
    }
}

Envelope Geometry::envelope() const
{
    Envelope e;
    if (is_empty()) return e;
    GEOSGeom_getXMin_r(ctx().handle(), m_geom, &e.min_x);
    GEOSGeom_getYMin_r(ctx().handle(), m_geom, &e.min_y);
    GEOSGeom_getXMax_r(ctx().handle(), m_geom, &e.max_x);
    GEOSGeom_getYMax_r(ctx().handle(), m_geom, &e.max_y);
    return e;
}

namespace {
struct TransformCall {
    const CrsTransform* transform;
    std::string error;
};

int transform_point(double* x, double* y, void* userdata)
{
    auto* call = static_cast<TransformCall*>(userdata);
    try {
        call->transform->apply(x, y, 1);
        return 1;
    } catch (const std::exception& e) {
        call->error = e.what();
        return 0;
    }
}
} // namespace

Geometry Geometry::transformed(const CrsTransform& transform) const
{
    if (!m_geom) return {};
    if (transform.is_noop()) return clone();
    auto& c = ctx();
    TransformCall call{&transform, {}};
    c.clear();
    GEOSGeometry* g = GEOSGeom_transformXY_r(c.handle(), m_geom, &transform_point, &call);
    if (!g) {
        if (!call.error.empty()) throw CrsError(call.error);
        c.fail("transforming coordinates");
    }
    return Geometry(g);
}

PreparedGeometry::PreparedGeometry(Geometry geometry)
    : m_geometry(std::move(geometry)), m_envelope(m_geometry.envelope())
{
    auto& c = ctx();
    c.clear();
    m_prepared = GEOSPrepare_r(c.handle(), m_geometry.handle());
    if (!m_prepared) c.fail("preparing geometry");
}

PreparedGeometry::PreparedGeometry(PreparedGeometry&& o) noexcept
    : m_geometry(std::move(o.m_geometry)), m_envelope(o.m_envelope), m_prepared(o.m_prepared)
{
    o.m_prepared = nullptr;
}

PreparedGeometry::~PreparedGeometry()
{
    if (m_prepared)
        GEOSPreparedGeom_destroy_r(GeosContext::current().handle(), static_cast<const GEOSPreparedGeometry*>(m_prepared));
}

bool PreparedGeometry::covers(const Geometry& other) const
{
    auto& c = ctx();
    c.clear();
    const char r = GEOSPreparedCovers_r(c.handle(), static_cast<const GEOSPreparedGeometry*>(m_prepared), other.handle());
    if (r == 2) c.fail("covers");
    return r == 1;
}

bool PreparedGeometry::intersects(const Geometry& other) const
{
    auto& c = ctx();
    c.clear();
    const char r = GEOSPreparedIntersects_r(c.handle(), static_cast<const GEOSPreparedGeometry*>(m_prepared), other.handle());
    if (r == 2) c.fail("intersects");
    return r == 1;
}

} // namespace cims::gis
