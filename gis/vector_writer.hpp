// SPDX-License-Identifier: GPL-3.0-or-later
// VectorWriter: RAII over a GDAL vector dataset being written: layers of (multi)polygons in
// OGC:CRS84 with typed attributes, fed as plain values (GDAL types stay inside gis/).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace cims::gis {

enum class FieldType { text, integer, real, date };

struct FieldSpec {
    std::string name; // at most 10 characters when the dataset is a shapefile (DBF)
    FieldType type = FieldType::text;
    int width = 0;     // 0: the driver's default
    int precision = 0; // decimals of a real
};

/// A field value: null, text (a date as YYYY-MM-DD), integer or real.
using FieldValue = std::variant<std::monostate, std::string, std::int64_t, double>;

/// The formats cims writes, each as GDAL names them.
enum class VectorFormat {
    geopackage, // GPKG: one file, many layers
    geojson,    // GeoJSON RFC 7946 (lon/lat, no "crs" member, ring orientation): one layer per file
    shapefile,  // ESRI Shapefile in a folder: one .shp (+ .shx, .dbf, .prj, .cpg UTF-8) per layer
};

class VectorWriter {
public:
    /// Creates the dataset at `path` (a file, or for shapefiles a folder, created if missing).
    /// \throws std::runtime_error naming the path and GDAL's reason.
    VectorWriter(VectorFormat format, const std::string& path);
    /// Closes the dataset if close() was not called; errors are then lost, so call close().
    ~VectorWriter();
    VectorWriter(const VectorWriter&) = delete;
    VectorWriter& operator=(const VectorWriter&) = delete;

    /// Starts a multipolygon layer in OGC:CRS84 (EPSG:4326, lon/lat) with these fields; features
    /// added after go to it. A GeoJSON dataset holds one layer.
    void begin_layer(const std::string& name, const std::vector<FieldSpec>& fields);
    /// Adds a feature to the current layer: `wkb` a polygon or multipolygon in lon/lat (written as
    /// a multipolygon), `values` in the order of the layer's fields.
    void add(const std::string& wkb, const std::vector<FieldValue>& values);
    /// Flushes and closes the dataset. \throws std::runtime_error when GDAL reports a failure or
    /// warned while writing (a truncated value, a number too wide for its field).
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cims::gis
