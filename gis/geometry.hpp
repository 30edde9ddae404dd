// SPDX-License-Identifier: GPL-3.0-or-later
// Geometry: a move-only value over a GEOS geometry in canonical coordinates (OGC:CRS84, lon/lat).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

struct GEOSGeom_t;

namespace cims::gis {

class CrsTransform;

/// Axis-aligned bounding box in lon/lat degrees.
struct Envelope {
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    bool intersects(const Envelope& o) const noexcept
    {
        return min_x <= o.max_x && o.min_x <= max_x && min_y <= o.max_y && o.min_y <= max_y;
    }
    void expand(const Envelope& o) noexcept;
};

enum class GeometryKind { null, empty, point, line, polygon, collection };

/// Owns one GEOS geometry. Every call runs in the calling thread's GEOS context, and every
/// operation returns a new value; none modifies its operands, so a geometry may be read from
/// several threads at once once its envelope has been computed (GEOS caches it on first use).
class Geometry {
public:
    Geometry() noexcept = default;
    ~Geometry();
    Geometry(Geometry&& o) noexcept;
    Geometry& operator=(Geometry&& o) noexcept;
    Geometry(const Geometry&) = delete;
    Geometry& operator=(const Geometry&) = delete;

    /// \throws GeometryError with GEOS's message when the bytes are not WKB.
    static Geometry from_wkb(std::string_view wkb);
    static Geometry from_wkt(std::string_view wkt);
    /// An empty multipolygon.
    static Geometry empty_polygon();
    /// The union of all parts (polygonal); empty when the list is.
    static Geometry union_all(const std::vector<const Geometry*>& parts);

    std::string to_wkb() const;
    std::string to_wkt(int decimals = -1) const;

    bool is_null() const noexcept { return m_geom == nullptr; }
    bool is_empty() const;
    GeometryKind kind() const;
    bool has_z() const;
    bool is_valid() const;
    /// GEOS's reason for invalidity ("Self-intersection[x y]"), empty when valid.
    std::string invalid_reason() const;
    std::size_t vertex_count() const;

    Geometry clone() const;
    /// GEOS MakeValid, structure method, collapsed parts dropped; only the polygonal part is kept.
    Geometry make_valid() const;
    /// The polygonal part as a (multi)polygon; points and lines of a collection are dropped.
    Geometry polygonal() const;
    /// 2D copy: Z and M dropped.
    Geometry force_2d() const;

    /// Set operations keep only the polygonal part of the result (slivers of dimension < 2 go).
    Geometry intersection(const Geometry& other) const;
    Geometry difference(const Geometry& other) const;
    bool intersects(const Geometry& other) const;
    /// Same coordinates in the same order.
    bool equals_exact(const Geometry& other) const;
    /// Same shape whatever the ring orientation, start vertex or part order: every vertex of each
    /// lies within `tolerance` (degrees) of the other (discrete Hausdorff distance).
    bool same_shape(const Geometry& other, double tolerance) const;

    /// Geodesic area on the WGS 84 ellipsoid in m² (holes subtracted). Points and lines: 0.
    double area_m2() const;
    Envelope envelope() const;

    /// Coordinates transformed by the given transformation (to CRS84).
    /// \throws CrsError naming the first coordinate that could not be transformed.
    Geometry transformed(const CrsTransform& transform) const;

    GEOSGeom_t* handle() const noexcept { return m_geom; }

private:
    explicit Geometry(GEOSGeom_t* geom) noexcept : m_geom(geom) {}
    /// Takes an overlay's result and keeps its polygonal part, as polygonal() does.
    static Geometry from_overlay(GEOSGeom_t* result);
    friend class PreparedGeometry;

    GEOSGeom_t* m_geom = nullptr;
};

/// A geometry prepared for repeated predicates against many others (region polygons).
class PreparedGeometry {
public:
    explicit PreparedGeometry(Geometry geometry);
    ~PreparedGeometry();
    PreparedGeometry(PreparedGeometry&& o) noexcept;
    PreparedGeometry& operator=(PreparedGeometry&&) = delete;
    PreparedGeometry(const PreparedGeometry&) = delete;

    const Geometry& geometry() const noexcept { return m_geometry; }
    const Envelope& envelope() const noexcept { return m_envelope; }
    bool covers(const Geometry& other) const;
    bool intersects(const Geometry& other) const;

private:
    Geometry m_geometry;
    Envelope m_envelope;
    const void* m_prepared = nullptr;
};

} // namespace cims::gis
