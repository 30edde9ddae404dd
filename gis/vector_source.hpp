// SPDX-License-Identifier: GPL-3.0-or-later
// VectorSource: RAII over a GDAL vector dataset, read feature by feature as plain values (GDAL
// types stay inside gis/). Opens what operators send: loose or zipped shapefiles, GeoPackage,
// GeoJSON, KML/KMZ, CSV with WKT or lon/lat columns, file geodatabases.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cims::gis {

/// One feature as plain values: fields by lower-case name (nullopt when unset or null; dates as
/// ISO 8601; text always valid UTF-8), geometry as ISO WKB in the layer's CRS (empty when the
/// feature has none).
struct SourceFeature {
    std::int64_t fid = -1;
    std::map<std::string, std::optional<std::string>> fields;
    std::string wkb;
};

struct SourceLayer {
    std::string name;
    std::vector<std::string> field_names; // as in the file
    std::string crs_definition;           // "EPSG:n" when identified, else WKT2; empty when none
    std::string crs_name;
    std::int64_t feature_count = -1;      // -1 when the driver cannot tell cheaply
    bool crs_assumed = false;             // the format cannot carry a CRS (CSV): crs_definition was assumed
    /// A CSV without any geometry column, opened with OpenOptions::csv_without_geometry: the reason
    /// and the ways to give it one (what opening would otherwise have thrown). Empty otherwise.
    std::string missing_geometry;
};

/// Where a CSV keeps its geometry. All empty: the conventional names (a WKT column named WKT,
/// wkt_geom, geometry, geom or the_geom; else longitude/latitude columns named lon/lat,
/// longitude/latitude, longitud/latitud, long/lng or x/y), matched without regard to case.
struct CsvGeometry {
    std::string wkt; // column holding WKT geometries
    std::string lon; // column holding longitudes (or eastings); with lat
    std::string lat; // column holding latitudes (or northings); with lon

    bool empty() const noexcept { return wkt.empty() && lon.empty() && lat.empty(); }
};

/// Limits checked on a zip archive (.zip, .kmz, .shz, and anything else that is a zip) from its
/// central directory before GDAL reads any of it.
struct ArchiveLimits {
    std::uint64_t max_entries = 10'000;
    std::uint64_t max_uncompressed_bytes = 4ull << 30; // 4 GiB
    /// Also decompress every entry once, up to the size it declares, and refuse one that holds more:
    /// GDAL's /vsizip/ inflates an entry past its declared size, so the declared sizes bound nothing
    /// without this (costs one decompression of the archive; never more than the limit above).
    bool verify_sizes = true;
};

struct OpenOptions {
    /// Text encoding of the file, overriding what it declares (a shapefile's .cpg or DBF language
    /// id): any name iconv knows ("CP1252", "CP1256", "GBK", "UTF-8"). Empty: the file's own.
    /// Formats that are UTF-8 by definition (GeoPackage, GeoJSON, KML, file geodatabase) ignore it,
    /// with a warning.
    std::string encoding;
    /// Geometry columns of a CSV; ignored, with a warning, for other formats.
    CsvGeometry csv_geometry;
    /// CRS of CSV coordinates without a .prj beside the file (a CSV has no way to declare one).
    /// Empty: OGC:CRS84, WGS 84 longitude/latitude, the usual case for GPS-derived tables.
    std::string csv_crs;
    /// Open a CSV that has no geometry column at all (a table of records located by a region code)
    /// instead of refusing it; its layers then say why in SourceLayer::missing_geometry.
    bool csv_without_geometry = false;
    ArchiveLimits archive;
};

class VectorSource {
public:
    /// Opens a vector dataset read-only. A `.zip` is checked (see check_zip_archive) and the one
    /// dataset inside is opened through /vsizip/; a loose shapefile without .shx is opened with the
    /// index rebuilt in a private folder (never beside the operator's file), with a warning.
    /// \throws std::runtime_error naming the file, what is wrong and how to fix it.
    explicit VectorSource(const std::string& path, const OpenOptions& options = {});
    ~VectorSource();
    VectorSource(const VectorSource&) = delete;
    VectorSource& operator=(const VectorSource&) = delete;

    const std::vector<SourceLayer>& layers() const noexcept { return m_layers; }
    /// GDAL's short name of the driver that opened the file ("ESRI Shapefile", "CSV", "GPKG" …).
    const std::string& driver() const noexcept { return m_driver; }
    /// What GDAL actually opened: the path, or a /vsizip/ path inside an archive.
    const std::string& opened_path() const noexcept { return m_opened_path; }
    /// Calls `visit` for every feature of the layer, in file order.
    void read(const std::string& layer, const std::function<void(SourceFeature&&)>& visit);
    /// Warnings collected while opening and reading (an index rebuilt, an assumed CRS, text that
    /// was not valid UTF-8, GDAL's own warnings such as recoding failures).
    std::vector<std::string> take_warnings();

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::vector<SourceLayer> m_layers;
    std::string m_driver;
    std::string m_opened_path;
};

/// True when the file starts like a zip archive (local file header or empty archive).
bool is_zip_archive(const std::string& path);

/// Reads a zip archive's central directory (with libzip, checked against the local headers,
/// nothing extracted) and refuses it when it is damaged or split, has more entries than allowed,
/// declares more uncompressed bytes in total than allowed, or has an entry whose path is absolute
/// ("/x", "\x", "C:x") or has a ".." component. GDAL itself silently hides such entries, so they
/// are looked for here. With limits.verify_sizes, then decompresses each entry up to one byte past
/// the size it declares and refuses one that holds more (a lying zip bomb) or cannot be read.
/// \returns the entry names, in archive order.
/// \throws std::runtime_error naming the archive, the entry or the figure and the limit.
std::vector<std::string> check_zip_archive(const std::string& path, const ArchiveLimits& limits);

} // namespace cims::gis
