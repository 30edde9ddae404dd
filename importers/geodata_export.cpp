// SPDX-License-Identifier: GPL-3.0-or-later
#include "importers/geodata_export.hpp"

#include "core/remaining_area.hpp"
#include "gis/zip_archive.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace cims::importers {

namespace fs = std::filesystem;
using gis::FieldSpec;
using gis::FieldType;
using gis::FieldValue;
using gis::VectorFormat;
using gis::VectorWriter;

namespace {

// Widths fit a DBF (shapefile); the other formats ignore them. Areas: up to 10¹⁵ m² with cm.
const std::vector<FieldSpec> remaining_fields = {
    {"hazard_id", FieldType::text, 80},  {"name", FieldType::text, 254},   {"status", FieldType::text, 3},
    {"contam", FieldType::text, 40},     {"recorded", FieldType::date},    {"region", FieldType::text, 40},
    {"remain_m2", FieldType::real, 20, 2}, {"as_of", FieldType::date}};
const std::vector<FieldSpec> released_fields = {
    {"activity", FieldType::text, 80}, {"hazard_id", FieldType::text, 80}, {"method", FieldType::text, 9},
    {"kind", FieldType::text, 9},      {"date", FieldType::date},          {"year", FieldType::integer, 4},
    {"region", FieldType::text, 40},   {"contam", FieldType::text, 40},    {"credit_m2", FieldType::real, 20, 2}};
const std::vector<FieldSpec> region_fields = {{"code", FieldType::text, 40}, {"name", FieldType::text, 254}};

const char* extension_of(VectorFormat f)
{
    switch (f) {
    case VectorFormat::geopackage: return ".gpkg";
    case VectorFormat::geojson: return ".geojson";
    case VectorFormat::shapefile: return ".shp";
    }
    return "";
}

void refuse_existing(const fs::path& p)
{
    if (fs::exists(p))
        throw std::runtime_error("'" + p.string() + "' already exists: remove it or choose another --out");
}

/// Writes one layer: to the shared dataset (GeoPackage, shapefile folder), or to a file of its
/// own (GeoJSON holds one layer per file).
class Layers {
public:
    Layers(VectorFormat format, const fs::path& out, ExportSummary& summary)
        : m_format(format), m_out(out), m_summary(summary)
    {
        if (format == VectorFormat::geojson) {
            fs::create_directories(out);
            return;
        }
        if (format == VectorFormat::geopackage) {
            refuse_existing(out);
            if (out.has_parent_path()) fs::create_directories(out.parent_path());
        } else {
            for (const char* layer : {remaining_layer, released_layer, regions_layer})
                for (const char* ext : {".shp", ".shx", ".dbf", ".prj", ".cpg"})
                    refuse_existing(out / (std::string(layer) + ext));
        }
        m_shared = std::make_unique<VectorWriter>(format, out.string());
        if (format == VectorFormat::geopackage) m_summary.files.push_back(out.string());
    }

    VectorWriter& begin(const char* name, const std::vector<FieldSpec>& fields)
    {
        if (m_format == VectorFormat::shapefile)
            m_summary.files.push_back((m_out / (std::string(name) + extension_of(m_format))).string());
        if (m_format != VectorFormat::geojson) {
            m_shared->begin_layer(name, fields);
            return *m_shared;
        }
        if (m_own) m_own->close();
        const fs::path file = m_out / (std::string(name) + extension_of(m_format));
        refuse_existing(file);
        m_own = std::make_unique<VectorWriter>(m_format, file.string());
        m_own->begin_layer(name, fields);
        m_summary.files.push_back(file.string());
        return *m_own;
    }

    void close()
    {
        if (m_own) m_own->close();
        if (m_shared) m_shared->close();
    }

private:
    VectorFormat m_format;
    fs::path m_out;
    ExportSummary& m_summary;
    std::unique_ptr<VectorWriter> m_shared; // GeoPackage, shapefile folder
    std::unique_ptr<VectorWriter> m_own;    // the current GeoJSON file
};

/// A credit at or under this released nothing (the ledger credits 0 m² to a release over land
/// already released).
constexpr double nothing_credited_m2 = 1e-6;

FieldValue text_or_null(const std::string& s)
{
    return s.empty() ? FieldValue{} : FieldValue{s};
}

} // namespace

ExportSummary export_geodata(core::LedgerStore& store, const core::Date& at, gis::VectorFormat format,
                             const std::string& out)
{
    std::string extension = fs::path(out).extension().string();
    std::transform(extension.begin(), extension.end(), extension.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    if (format != VectorFormat::geopackage && extension == ".zip") {
        // The folder is written in a private temporary place, then zipped (every file of it: a
        // shapefile's .shx, .dbf, .prj and .cpg too) and removed.
        refuse_existing(out);
        std::string pattern = (fs::temp_directory_path() / "cims-export-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a temporary folder for '" + out + "'");
        const fs::path staging = pattern;
        try {
            ExportSummary summary = export_geodata(store, at, format, staging.string());
            std::vector<std::string> files;
            for (const auto& e : fs::directory_iterator(staging))
                if (e.is_regular_file()) files.push_back(e.path().string());
            std::sort(files.begin(), files.end());
            gis::write_zip(files, out);
            summary.files = {out};
            fs::remove_all(staging);
            return summary;
        } catch (...) {
            std::error_code ignored;
            fs::remove_all(staging, ignored);
            throw;
        }
    }
    ExportSummary summary;
    // Read the regions before anything is created: a failure leaves no half-written output.
    const std::vector<core::Region> regions = store.load_regions();
    Layers layers(format, fs::path(out), summary);

    store.begin(); // one snapshot for the three layers; nothing is written, it is rolled back
    try {
        VectorWriter& remaining = layers.begin(remaining_layer, remaining_fields);
        summary.remaining_areas = std::int64_t(core::for_each_remaining_as_of(store, at, [&](core::RemainingArea&& a) {
            remaining.add(a.state.remaining_wkb,
                          {a.state.hazard_id, text_or_null(a.attributes.name), std::string(to_string(a.state.status)),
                           a.attributes.contamination, a.state.recorded_on.iso, a.attributes.home_region,
                           a.state.remaining_m2, at.iso});
        }));

        VectorWriter& released = layers.begin(released_layer, released_fields);
        store.released_parts(at, [&](const core::ReleasedPart& p) {
            // A release over land already released credits nothing and has no part.
            if (p.part_wkb.empty() && p.credited_m2 <= nothing_credited_m2) return;
            if (p.part_wkb.empty())
                throw std::runtime_error("the credit of activity '" + p.activity_id + "' on hazardous area '" +
                                         p.hazard_id + "' has no geometry: the database predates migration 0005. "
                                         "Run 'cims rebuild DB' once, then export again");
            released.add(p.part_wkb, {p.activity_id, p.hazard_id, std::string(to_string(p.method)),
                                      std::string(to_string(p.kind)), p.date.iso, std::int64_t(p.date.year()),
                                      p.home_region, p.contamination, p.credited_m2});
            ++summary.released_parts;
        });

        VectorWriter& region_layer = layers.begin(regions_layer, region_fields);
        for (const core::Region& r : regions) {
            region_layer.add(r.geometry.to_wkb(), {r.code, r.name});
            ++summary.regions;
        }
        store.rollback();
    } catch (...) {
        store.rollback();
        throw;
    }
    layers.close();
    return summary;
}

} // namespace cims::importers
