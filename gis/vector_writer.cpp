// SPDX-License-Identifier: GPL-3.0-or-later
#include "gis/vector_writer.hpp"

#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <mutex>
#include <stdexcept>

namespace cims::gis {

namespace {

/// Collects GDAL's warnings and errors raised on this thread while alive; never throws from the
/// handler (GDAL calls it from C).
class ErrorCapture {
public:
    explicit ErrorCapture(std::vector<std::string>& sink) : m_sink(sink) { CPLPushErrorHandlerEx(&handler, this); }
    ~ErrorCapture() { CPLPopErrorHandler(); }
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message)
    {
        if (level < CE_Warning) return;
        auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
        try {
            self->m_sink.emplace_back(message ? message : "unknown GDAL error");
        } catch (...) { // out of memory: the failure shows in the call's result instead
        }
    }
    std::vector<std::string>& m_sink;
};

const char* driver_name(VectorFormat f)
{
    switch (f) {
    case VectorFormat::geopackage: return "GPKG";
    case VectorFormat::geojson: return "GeoJSON";
    case VectorFormat::shapefile: return "ESRI Shapefile";
    }
    return "";
}

std::string joined(const std::vector<std::string>& messages)
{
    std::string out;
    for (const auto& m : messages) out += (out.empty() ? "" : "; ") + m;
    return out;
}

} // namespace

struct VectorWriter::Impl {
    VectorFormat format;
    std::string path;
    OGRSpatialReference crs84;
    GDALDatasetUniquePtr dataset;
    OGRLayer* layer = nullptr;
    std::vector<FieldType> types;
    bool in_transaction = false;
    std::vector<std::string> problems; // GDAL's warnings and errors, reported by close()

    [[noreturn]] void fail(const std::string& what) const
    {
        throw std::runtime_error("cannot write '" + path + "': " + what +
                                 (problems.empty() ? std::string() : " (" + joined(problems) + ")"));
    }

    void commit()
    {
        if (!in_transaction) return;
        in_transaction = false;
        if (dataset->CommitTransaction() != OGRERR_NONE) fail("the transaction could not be committed");
    }
};

VectorWriter::VectorWriter(VectorFormat format, const std::string& path) : m_impl(std::make_unique<Impl>())
{
    static std::once_flag registered;
    std::call_once(registered, [] { GDALAllRegister(); });
    Impl& w = *m_impl;
    w.format = format;
    w.path = path;
    w.crs84.importFromEPSG(4326);
    w.crs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER); // x = longitude, y = latitude
    ErrorCapture capture(w.problems);
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driver_name(format));
    if (!driver) w.fail(std::string("GDAL has no ") + driver_name(format) + " driver");
    if (format == VectorFormat::shapefile) std::filesystem::create_directories(path);
    w.dataset.reset(driver->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
    if (!w.dataset) w.fail("GDAL could not create the dataset");
}

VectorWriter::~VectorWriter()
{
    if (!m_impl->dataset) return;
    ErrorCapture capture(m_impl->problems);
    if (m_impl->in_transaction) m_impl->dataset->RollbackTransaction();
    m_impl->dataset.reset();
}

void VectorWriter::begin_layer(const std::string& name, const std::vector<FieldSpec>& fields)
{
    Impl& w = *m_impl;
    if (!w.dataset) w.fail("the dataset is closed");
    ErrorCapture capture(w.problems);
    w.commit();
    CPLStringList options;
    switch (w.format) {
    case VectorFormat::geojson: options.SetNameValue("RFC7946", "YES"); break;
    case VectorFormat::shapefile: options.SetNameValue("ENCODING", "UTF-8"); break; // and a .cpg saying so
    case VectorFormat::geopackage: break;
    }
    w.layer = w.dataset->CreateLayer(name.c_str(), &w.crs84, wkbMultiPolygon, options.List());
    if (!w.layer) w.fail("GDAL could not create layer '" + name + "'");
    w.types.clear();
    for (const FieldSpec& spec : fields) {
        OGRFieldType type = OFTString;
        switch (spec.type) {
        case FieldType::text: type = OFTString; break;
        case FieldType::integer: type = OFTInteger64; break;
        case FieldType::real: type = OFTReal; break;
        case FieldType::date: type = OFTDate; break;
        }
        OGRFieldDefn defn(spec.name.c_str(), type);
        if (spec.width > 0) defn.SetWidth(spec.width);
        if (spec.precision > 0) defn.SetPrecision(spec.precision);
        if (w.layer->CreateField(&defn) != OGRERR_NONE) w.fail("GDAL could not create field '" + spec.name + "'");
        w.types.push_back(spec.type);
    }
    // GeoPackage writes fast only inside a transaction; the other drivers have none.
    if (w.dataset->TestCapability(ODsCTransactions) && w.dataset->StartTransaction() == OGRERR_NONE)
        w.in_transaction = true;
}

void VectorWriter::add(const std::string& wkb, const std::vector<FieldValue>& values)
{
    Impl& w = *m_impl;
    if (!w.layer) w.fail("no layer was begun");
    if (values.size() != w.types.size())
        throw std::logic_error("VectorWriter::add: " + std::to_string(values.size()) + " values for " +
                               std::to_string(w.types.size()) + " fields");
    ErrorCapture capture(w.problems);
    OGRFeatureUniquePtr feature(OGRFeature::CreateFeature(w.layer->GetLayerDefn()));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const int field = int(i);
        const FieldValue& v = values[i];
        if (std::holds_alternative<std::monostate>(v)) {
            feature->SetFieldNull(field);
        } else if (const auto* text = std::get_if<std::string>(&v)) {
            if (w.types[i] == FieldType::date) {
                int y = 0, m = 0, d = 0;
                if (std::sscanf(text->c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3)
                    throw std::invalid_argument("VectorWriter::add: '" + *text + "' is not a date YYYY-MM-DD");
                feature->SetField(field, y, m, d);
            } else {
                feature->SetField(field, text->c_str());
            }
        } else if (const auto* n = std::get_if<std::int64_t>(&v)) {
            feature->SetField(field, GIntBig(*n));
        } else {
            feature->SetField(field, std::get<double>(v));
        }
    }
    if (!wkb.empty()) {
        OGRGeometry* g = nullptr;
        if (OGRGeometryFactory::createFromWkb(wkb.data(), &w.crs84, &g, wkb.size()) != OGRERR_NONE || !g)
            w.fail("a geometry could not be read from WKB");
        feature->SetGeometryDirectly(OGRGeometryFactory::forceToMultiPolygon(g));
    }
    if (w.layer->CreateFeature(feature.get()) != OGRERR_NONE) w.fail("GDAL could not write a feature");
}

void VectorWriter::close()
{
    Impl& w = *m_impl;
    if (!w.dataset) return;
    {
        ErrorCapture capture(w.problems);
        w.commit();
        w.layer = nullptr;
        // GDAL 3.6's GDALClose reports failures (a flush that fails) through the error handler only.
        GDALClose(GDALDataset::ToHandle(w.dataset.release()));
    }
    if (!w.problems.empty()) throw std::runtime_error("writing '" + w.path + "': GDAL warned: " + joined(w.problems));
}

} // namespace cims::gis
