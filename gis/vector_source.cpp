// SPDX-License-Identifier: GPL-3.0-or-later
#include "vector_source.hpp"

#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace cims::gis {

namespace {

/// Collects GDAL messages while in scope instead of printing them; thrown or reported by the caller.
class ErrorCapture {
public:
    explicit ErrorCapture(std::vector<std::string>& sink) : m_sink(sink) { CPLPushErrorHandlerEx(&handler, this); }
    ~ErrorCapture() { CPLPopErrorHandler(); }
    ErrorCapture(const ErrorCapture&) = delete;
    ErrorCapture& operator=(const ErrorCapture&) = delete;

private:
    static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* msg)
    {
        auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
        if (!self || level == CE_Debug) return;
        try {
            self->m_sink.emplace_back(msg ? msg : "");
        } catch (...) { // never throw into GDAL
        }
    }
    std::vector<std::string>& m_sink;
};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::once_flag gdal_registered;

} // namespace

struct VectorSource::Impl {
    GDALDatasetUniquePtr dataset;
    std::vector<std::string> messages;
};

VectorSource::VectorSource(const std::string& path, const std::vector<std::string>& open_options)
    : m_impl(std::make_unique<Impl>())
{
    std::call_once(gdal_registered, [] { GDALAllRegister(); });
    CPLStringList options;
    for (const auto& o : open_options) options.AddString(o.c_str());
    {
        ErrorCapture capture(m_impl->messages);
        m_impl->dataset.reset(GDALDataset::Open(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr,
                                                options.List(), nullptr));
    }
    if (!m_impl->dataset) {
        std::string reason = m_impl->messages.empty() ? "GDAL recognises no vector format in it" : m_impl->messages.back();
        throw std::runtime_error("cannot open '" + path + "' as vector data: " + reason +
                                 ". Check the path and that the file is a shapefile, GeoPackage, GeoJSON, KML or "
                                 "another format GDAL reads");
    }
    for (OGRLayer* layer : m_impl->dataset->GetLayers()) {
        SourceLayer l;
        l.name = layer->GetName();
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) l.field_names.emplace_back(defn->GetFieldDefn(i)->GetNameRef());
        if (const OGRSpatialReference* srs = layer->GetSpatialRef()) {
            OGRSpatialReference copy(*srs);
            const char* name = copy.GetName();
            l.crs_name = name ? name : "";
            const char* auth = copy.GetAuthorityName(nullptr);
            const char* code = copy.GetAuthorityCode(nullptr);
            if (!(auth && code)) {
                // A .prj in ESRI WKT usually names a known CRS without its code: find it.
                copy.AutoIdentifyEPSG();
                auth = copy.GetAuthorityName(nullptr);
                code = copy.GetAuthorityCode(nullptr);
            }
            if (auth && code && std::string(auth) == "EPSG") {
                l.crs_definition = std::string("EPSG:") + code;
            } else {
                const char* wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
                char* wkt = nullptr;
                if (copy.exportToWkt(&wkt, wkt_options) == OGRERR_NONE && wkt) l.crs_definition = wkt;
                CPLFree(wkt);
            }
        }
        l.feature_count = layer->GetFeatureCount(FALSE);
        m_layers.push_back(std::move(l));
    }
}

VectorSource::~VectorSource() = default;

void VectorSource::read(const std::string& layer_name, const std::function<void(SourceFeature&&)>& visit)
{
    OGRLayer* layer = m_impl->dataset->GetLayerByName(layer_name.c_str());
    if (!layer) throw std::runtime_error("no layer '" + layer_name + "'");
    ErrorCapture capture(m_impl->messages);
    layer->ResetReading();
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<std::string> names;
    for (int i = 0; i < defn->GetFieldCount(); ++i) names.push_back(lower(defn->GetFieldDefn(i)->GetNameRef()));
    for (auto& feature : *layer) {
        SourceFeature f;
        f.fid = feature->GetFID();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            if (!feature->IsFieldSetAndNotNull(i)) {
                f.fields[names[i]] = std::nullopt;
                continue;
            }
            const OGRFieldType type = defn->GetFieldDefn(i)->GetType();
            if (type == OFTDate || type == OFTDateTime) {
                int y = 0, m = 0, d = 0, hh = 0, mm = 0, tz = 0;
                float ss = 0;
                feature->GetFieldAsDateTime(i, &y, &m, &d, &hh, &mm, &ss, &tz);
                char buf[16];
                std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
                f.fields[names[i]] = std::string(buf);
            } else {
                f.fields[names[i]] = std::string(feature->GetFieldAsString(i));
            }
        }
        if (const OGRGeometry* g = feature->GetGeometryRef()) {
            const std::size_t size = g->WkbSize();
            f.wkb.resize(size);
            g->exportToWkb(wkbNDR, reinterpret_cast<unsigned char*>(f.wkb.data()), wkbVariantIso);
        }
        visit(std::move(f));
    }
}

std::vector<std::string> VectorSource::take_warnings()
{
    return std::exchange(m_impl->messages, {});
}

} // namespace cims::gis
