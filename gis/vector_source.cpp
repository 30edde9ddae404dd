// SPDX-License-Identifier: GPL-3.0-or-later
#include "vector_source.hpp"

#include "zip_archive.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <iconv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string_view>
#include <utility>

namespace cims::gis {

namespace fs = std::filesystem;

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

/// Sets a GDAL configuration option for this thread only, restoring the previous value on exit.
class ThreadLocalConfig {
public:
    ThreadLocalConfig(const char* key, const char* value) : m_key(key)
    {
        if (const char* old = CPLGetThreadLocalConfigOption(key, nullptr)) m_old = old;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ThreadLocalConfig() { CPLSetThreadLocalConfigOption(m_key, m_old ? m_old->c_str() : nullptr); }
    ThreadLocalConfig(const ThreadLocalConfig&) = delete;
    ThreadLocalConfig& operator=(const ThreadLocalConfig&) = delete;

private:
    const char* m_key;
    std::optional<std::string> m_old;
};

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool ends_with_ci(const std::string& s, std::string_view suffix)
{
    return s.size() >= suffix.size() && lower(s.substr(s.size() - suffix.size())) == suffix;
}

std::string join(const std::vector<std::string>& items, std::size_t max_items = 12)
{
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < max_items; ++i) out += (i ? ", " : "") + items[i];
    if (items.size() > max_items) out += ", … (" + std::to_string(items.size()) + " in all)";
    return out;
}

std::once_flag gdal_registered;

// --- UTF-8 ----------------------------------------------------------------------------------------

/// Length of the longest prefix of `s` that is well-formed UTF-8 (no overlong forms, no
/// surrogates, nothing above U+10FFFF).
std::size_t valid_utf8_prefix(std::string_view s)
{
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = 0;
        unsigned char lo = 0x80, hi = 0xBF; // allowed range of the second byte
        if (c < 0x80) {
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0) lo = 0xA0;
            if (c == 0xED) hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0) lo = 0x90;
            if (c == 0xF4) hi = 0x8F;
        } else {
            return i;
        }
        if (i + n >= s.size()) return i; // the sequence runs past the end
        for (std::size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return i;
        }
        i += n + 1;
    }
    return i;
}

/// True when the invalid part of `s` starting at `at` is only an incomplete sequence at the very
/// end: a multi-byte character cut by a fixed-width field (DBF text truncated in bytes).
bool only_cut_at_end(std::string_view s, std::size_t at)
{
    const auto c = static_cast<unsigned char>(s[at]);
    std::size_t need = c >= 0xF0 && c <= 0xF4 ? 3 : c >= 0xE0 ? 2 : c >= 0xC2 && c <= 0xDF ? 1 : 0;
    if (need == 0) return false;
    const std::size_t left = s.size() - at - 1;
    if (left >= need) return false;
    for (std::size_t k = 1; k <= left; ++k) {
        const auto b = static_cast<unsigned char>(s[at + k]);
        if (b < 0x80 || b > 0xBF) return false;
    }
    return true;
}

std::string recode(const std::string& text, const std::string& from)
{
    char* out = CPLRecode(text.c_str(), from.c_str(), CPL_ENC_UTF8);
    std::string s = out ? out : "";
    CPLFree(out);
    return s;
}

/// An encoding name as iconv knows it ("1252" → "CP1252"), or throws naming the bad name.
std::string checked_encoding(const std::string& name, const std::string& path)
{
    std::string enc = name;
    if (!enc.empty() && std::all_of(enc.begin(), enc.end(), [](unsigned char c) { return std::isdigit(c); }))
        enc = "CP" + enc; // a code page number, as in a .cpg file
    iconv_t cd = iconv_open("UTF-8", enc.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
        throw std::runtime_error("cannot read '" + path + "' with the encoding '" + name +
                                 "': the system knows no such encoding. Give a name such as CP1252, CP1256, "
                                 "CP1251, GBK, ISO-8859-1 or UTF-8");
    iconv_close(cd);
    return enc;
}

// --- zip archives ---------------------------------------------------------------------------------

/// What to open inside a checked .zip: a /vsizip/ path to its one dataset.
std::string dataset_in_zip(const std::string& zip, const std::vector<std::string>& entries)
{
    std::set<std::string> all_lower;
    for (const auto& e : entries) all_lower.insert(lower(e));
    std::map<std::string, std::vector<std::string>> shapefiles_by_dir; // dir → .shp entries
    std::set<std::string> gdb_dirs;
    std::vector<std::string> singles;
    std::vector<std::string> files;
    for (const auto& raw : entries) {
        std::string e = raw;
        std::replace(e.begin(), e.end(), '\\', '/');
        if (e.empty() || e.back() == '/') continue;
        if (e.rfind("__MACOSX/", 0) == 0) continue;
        const std::string base = e.substr(e.find_last_of('/') == std::string::npos ? 0 : e.find_last_of('/') + 1);
        if (base.rfind("._", 0) == 0) continue;
        files.push_back(e);
        const std::string le = lower(e);
        if (const auto gdb = le.find(".gdb/"); gdb != std::string::npos) {
            gdb_dirs.insert(e.substr(0, gdb + 4));
            continue;
        }
        if (ends_with_ci(e, ".shp")) {
            const auto slash = e.find_last_of('/');
            shapefiles_by_dir[slash == std::string::npos ? "" : e.substr(0, slash)].push_back(e);
            const std::string stem = le.substr(0, le.size() - 4);
            if (!all_lower.count(stem + ".shx"))
                throw std::runtime_error("zip archive '" + zip + "': the shapefile '" + printable_entry_name(e) +
                                         "' has no .shx index beside it in the archive. Add the .shx to the "
                                         "archive, or unzip it and import the .shp (cims rebuilds a missing index "
                                         "for a loose shapefile)");
            continue;
        }
        for (const char* ext : {".gpkg", ".geojson", ".json", ".kml", ".csv", ".sqlite", ".gml", ".fgb", ".gpx"})
            if (ends_with_ci(e, ext)) singles.push_back(e);
    }
    std::vector<std::string> datasets; // described for messages
    std::vector<std::string> inner;    // what to open
    for (const auto& [dir, shps] : shapefiles_by_dir) {
        if (shps.size() == 1) {
            datasets.push_back(shps.front());
            inner.push_back(shps.front());
        } else {
            datasets.push_back((dir.empty() ? std::string("the top folder") : dir + "/") + " (" +
                               std::to_string(shps.size()) + " shapefiles)");
            inner.push_back(dir);
        }
    }
    for (const auto& d : gdb_dirs) {
        datasets.push_back(d);
        inner.push_back(d);
    }
    for (const auto& s : singles) {
        datasets.push_back(s);
        inner.push_back(s);
    }
    if (inner.empty())
        throw std::runtime_error("zip archive '" + zip + "' holds no vector data cims can read (entries: " +
                                 printable_entry_name(join(files)) +
                                 "). Send a zip of one shapefile (.shp with its .shx, .dbf, .prj and .cpg), "
                                 "GeoPackage, GeoJSON, KML, CSV or .gdb folder");
    if (inner.size() > 1) {
        for (auto& d : datasets) d = printable_entry_name(d);
        throw std::runtime_error("zip archive '" + zip + "' holds several datasets (" + join(datasets) +
                                 "): send one per archive, or unzip it and import the one you mean");
    }
    const std::string root = "/vsizip/{" + zip + "}";
    return inner.front().empty() ? root : root + "/" + inner.front();
}

// --- shapefiles -----------------------------------------------------------------------------------

/// The sibling of a .shp with another extension, in either case as GDAL looks for it; empty if none.
fs::path sidecar(const fs::path& shp, const char* ext_lower)
{
    std::string upper = ext_lower;
    for (auto& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    for (const std::string& ext : {std::string(ext_lower), upper}) {
        fs::path p = shp;
        p.replace_extension(ext);
        std::error_code ec;
        if (fs::exists(p, ec)) return p;
    }
    return {};
}

/// A private folder holding links to a shapefile's parts, where GDAL may write the .shx it rebuilds
/// (SHAPE_RESTORE_SHX writes beside the .shp, whatever the open mode: never in the operator's folder).
fs::path private_shapefile_view(const fs::path& shp)
{
    std::random_device rd;
    const fs::path dir = fs::temp_directory_path() / ("cims-shx-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir);
    const std::string stem = shp.stem().string();
    const fs::path folder = shp.has_parent_path() ? shp.parent_path() : fs::path(".");
    for (const auto& entry : fs::directory_iterator(folder)) {
        const std::string name = entry.path().filename().string();
        if (lower(name).rfind(lower(stem) + ".", 0) != 0 || ends_with_ci(name, ".shx")) continue;
        if (name.size() > stem.size() + 1 && name.find('.', stem.size() + 1) != std::string::npos &&
            !ends_with_ci(name, ".shp.xml"))
            continue; // "a.b.shp" belongs to another shapefile than "a.shp"
        std::error_code ec;
        fs::create_symlink(fs::absolute(entry.path()), dir / name, ec);
        if (ec) fs::copy_file(entry.path(), dir / name, ec);
        if (ec) {
            fs::remove_all(dir, ec);
            throw std::runtime_error("cannot prepare '" + shp.string() + "' for reading without its .shx: " +
                                     ec.message());
        }
    }
    return dir;
}

// --- CSV ------------------------------------------------------------------------------------------

const char* const csv_wkt_names = "WKT,wkt_geom,geometry,geom,the_geom";
const char* const csv_lon_names = "lon,longitude,longitud,long,lng,x";
const char* const csv_lat_names = "lat,latitude,latitud,y";

bool driver_has_open_option(GDALDriver* driver, const char* option)
{
    const char* list = driver ? driver->GetMetadataItem(GDAL_DMD_OPENOPTIONLIST) : nullptr;
    return list && std::strstr(list, (std::string("name='") + option + "'").c_str());
}

} // namespace

// --- VectorSource ---------------------------------------------------------------------------------

struct VectorSource::Impl {
    GDALDatasetUniquePtr dataset;
    std::vector<std::string> messages;
    std::string recode_from;   // CSV text recoded from this encoding by us (GDAL's CSV driver cannot)
    fs::path private_dir;      // where a missing .shx was rebuilt; removed after the dataset is closed

    ~Impl()
    {
        dataset.reset();
        if (!private_dir.empty()) {
            std::error_code ec;
            fs::remove_all(private_dir, ec);
        }
    }

    /// Text as valid UTF-8: recoded from the declared encoding when we must do it ourselves; a
    /// character cut at the end by a fixed-width field dropped; anything else not UTF-8 read as CP1252.
    /// \returns false when it had to guess (CP1252), so the caller can warn.
    bool utf8(std::string& text, bool& cut) const
    {
        if (!recode_from.empty()) text = recode(text, recode_from);
        const std::size_t ok = valid_utf8_prefix(text);
        if (ok == text.size()) return true;
        if (only_cut_at_end(text, ok)) {
            text.resize(ok);
            cut = true;
            return true;
        }
        text = recode(text, "CP1252");
        return false;
    }
};

VectorSource::VectorSource(const std::string& path, const OpenOptions& options) : m_impl(std::make_unique<Impl>())
{
    std::call_once(gdal_registered, [] { GDALAllRegister(); });
    std::vector<std::string>& warnings = m_impl->messages;
    const std::string encoding = options.encoding.empty() ? "" : checked_encoding(options.encoding, path);
    if (!options.csv_geometry.wkt.empty() && !(options.csv_geometry.lon.empty() && options.csv_geometry.lat.empty()))
        throw std::invalid_argument("CSV geometry: give either a WKT column or longitude and latitude columns, not both");
    if (options.csv_geometry.lon.empty() != options.csv_geometry.lat.empty())
        throw std::invalid_argument("CSV geometry: give both the longitude and the latitude column");

    // 1. Archives are checked before GDAL reads anything in them.
    std::string open_path = path;
    std::error_code ec;
    if (!fs::is_directory(path, ec) && is_zip_archive(path)) {
        const std::vector<std::string> entries = check_zip_archive(path, options.archive);
        if (ends_with_ci(path, ".zip") && !ends_with_ci(path, ".shp.zip")) {
            open_path = dataset_in_zip(path, entries);
        } else if (ends_with_ci(path, ".kmz") && !GDALGetDriverByName("LIBKML")) {
            // The plain KML driver reads the archive's main .kml through /vsizip/.
            const auto kml = std::find_if(entries.begin(), entries.end(),
                                          [](const std::string& n) { return ends_with_ci(n, ".kml"); });
            if (kml == entries.end())
                throw std::runtime_error("KMZ archive '" + path + "' holds no .kml document");
            open_path = "/vsizip/{" + path + "}/" + *kml;
        }
    }

    // 2. A loose shapefile without its .shx: GDAL rebuilds the index, in a private folder.
    if (ends_with_ci(open_path, ".shp") && open_path.rfind("/vsi", 0) != 0 && fs::exists(open_path, ec) &&
        sidecar(open_path, ".shx").empty()) {
        m_impl->private_dir = private_shapefile_view(open_path);
        open_path = (m_impl->private_dir / fs::path(open_path).filename()).string();
        warnings.push_back("the shapefile's .shx index is missing: cims rebuilt it from the .shp (in a private "
                           "folder; the file's own folder is unchanged). Send the .shx with the shapefile");
        if (sidecar(path, ".dbf").empty())
            warnings.push_back("the shapefile has no .dbf attribute table: its features have no attributes");
    } else if (ends_with_ci(open_path, ".shp") && open_path.rfind("/vsi", 0) != 0 && sidecar(open_path, ".dbf").empty() &&
               fs::exists(open_path, ec)) {
        warnings.push_back("the shapefile has no .dbf attribute table: its features have no attributes");
    }

    // 3. Which driver will read it decides which open options apply.
    GDALDriver* driver = nullptr;
    {
        std::vector<std::string> ignored;
        ErrorCapture capture(ignored);
        driver = GDALDriver::FromHandle(GDALIdentifyDriverEx(open_path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr));
    }
    const std::string driver_name = driver ? driver->GetDescription() : "";
    const bool csv = driver_name == "CSV";
    CPLStringList base;
    if (!encoding.empty()) {
        if (driver_has_open_option(driver, "ENCODING"))
            base.SetNameValue("ENCODING", encoding.c_str());
        else if (csv)
            m_impl->recode_from = lower(encoding) == "utf-8" || lower(encoding) == "utf8" ? "" : encoding;
        else if (driver)
            warnings.push_back("the encoding '" + options.encoding + "' was not applied: " + driver_name +
                               " files declare their own encoding (UTF-8)");
    }
    if (!options.csv_geometry.empty() && driver && !csv)
        warnings.push_back("the mapping profile's \"geometry\" columns apply to CSV files only; this " + driver_name +
                           " file carries its own geometry");

    auto open = [&](const CPLStringList& extra) {
        CPLStringList all(base);
        for (int i = 0; i < extra.size(); ++i) all.AddString(extra[i]);
        std::vector<std::string> messages;
        GDALDatasetUniquePtr ds;
        {
            ErrorCapture capture(messages);
            const char* restore = m_impl->private_dir.empty() ? nullptr : "YES";
            std::optional<ThreadLocalConfig> shx;
            if (restore) shx.emplace("SHAPE_RESTORE_SHX", restore);
            ds.reset(GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, all.List(),
                                       nullptr));
        }
        if (!ds) {
            const std::string reason = messages.empty() ? "GDAL recognises no vector format in it" : messages.back();
            throw std::runtime_error("cannot open '" + path + "' as vector data: " + reason +
                                     ". Check the path and that the file is a shapefile, GeoPackage, GeoJSON, KML, "
                                     "CSV, file geodatabase or another format GDAL reads");
        }
        return std::make_pair(std::move(ds), std::move(messages));
    };
    auto has_geometry = [](GDALDataset& ds) {
        for (OGRLayer* l : ds.GetLayers())
            if (l->GetLayerDefn()->GetGeomFieldCount() > 0) return true;
        return false;
    };
    auto csv_columns = [](GDALDataset& ds) {
        std::vector<std::string> names;
        for (OGRLayer* l : ds.GetLayers()) {
            OGRFeatureDefn* d = l->GetLayerDefn();
            for (int i = 0; i < d->GetFieldCount(); ++i) names.emplace_back(d->GetFieldDefn(i)->GetNameRef());
        }
        return names;
    };

    std::pair<GDALDatasetUniquePtr, std::vector<std::string>> opened;
    std::string csv_missing_geometry; // a CSV without geometry, accepted: why it has none and the fix
    if (!csv) {
        opened = open({});
    } else {
        // 4. CSV geometry: the columns the mapping names, else the conventional names. A WKT
        // column is preferred: polygons matter more than a centroid's lon/lat.
        const CsvGeometry& g = options.csv_geometry;
        CPLStringList wkt, lonlat;
        wkt.SetNameValue("GEOM_POSSIBLE_NAMES", g.wkt.empty() ? csv_wkt_names : g.wkt.c_str());
        lonlat.SetNameValue("X_POSSIBLE_NAMES", g.lon.empty() ? csv_lon_names : g.lon.c_str());
        lonlat.SetNameValue("Y_POSSIBLE_NAMES", g.lat.empty() ? csv_lat_names : g.lat.c_str());
        // GDAL takes a column named exactly "WKT" whatever GEOM_POSSIBLE_NAMES says; naming lon/lat
        // columns makes it build points from them instead of reading that column.
        if (!g.lon.empty()) {
            opened = open(lonlat);
        } else {
            opened = open(wkt);
            if (g.wkt.empty() && !has_geometry(*opened.first)) opened = open(lonlat);
        }
        if (!has_geometry(*opened.first)) {
            const std::string columns = join(csv_columns(*opened.first), 40);
            if (!g.wkt.empty())
                throw std::runtime_error("CSV '" + path + "' has no column '" + g.wkt +
                                         "' with WKT geometries, which the mapping profile names in "
                                         "\"geometry\": {\"wkt\": …} (columns: " + columns +
                                         "). Correct the column name in the mapping profile");
            if (!g.lon.empty())
                throw std::runtime_error("CSV '" + path + "' lacks the column '" + g.lon + "' or '" + g.lat +
                                         "', which the mapping profile names in \"geometry\": {\"lon\": …, \"lat\": …} "
                                         "(columns: " + columns + "). Correct the column names in the mapping profile");
            std::string why =
                "CSV '" + path + "' has no geometry column (columns: " + columns +
                "). Name a column of WKT geometries WKT or geometry, or longitude and latitude columns lon and lat "
                "(or longitude/latitude, x/y); or name yours in the mapping profile: \"geometry\": {\"wkt\": "
                "\"COLUMN\"} or \"geometry\": {\"lon\": \"COLUMN\", \"lat\": \"COLUMN\"}";
            if (!options.csv_without_geometry) throw std::runtime_error(why);
            csv_missing_geometry = std::move(why);
        }
    }
    m_impl->dataset = std::move(opened.first);
    for (auto& m : opened.second) warnings.push_back(std::move(m));
    m_driver = driver_name.empty() ? m_impl->dataset->GetDriverName() : driver_name;
    m_opened_path = m_impl->private_dir.empty() ? open_path : path;

    bool csv_crs_assumed = false;
    for (OGRLayer* layer : m_impl->dataset->GetLayers()) {
        SourceLayer l;
        l.name = layer->GetName();
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            std::string name = defn->GetFieldDefn(i)->GetNameRef();
            bool cut = false;
            m_impl->utf8(name, cut);
            l.field_names.push_back(std::move(name));
        }
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
            if (!(auth && code) && m_driver == "CSV") {
                // GDAL's CSV driver reads a .prj beside the file as it is (ESRI WKT, no code), where
                // the shapefile driver matches it against PROJ's database: do that here.
                if (OGRSpatialReference* match = copy.FindBestMatch(90)) {
                    copy = *match;
                    match->Release();
                    auth = copy.GetAuthorityName(nullptr);
                    code = copy.GetAuthorityCode(nullptr);
                }
            }
            if (auth && code && std::string(auth) == "EPSG") {
                l.crs_definition = std::string("EPSG:") + code;
            } else {
                const char* wkt_options[] = {"FORMAT=WKT2_2019", nullptr};
                char* wkt = nullptr;
                if (copy.exportToWkt(&wkt, wkt_options) == OGRERR_NONE && wkt) l.crs_definition = wkt;
                CPLFree(wkt);
            }
        } else if (m_driver == "CSV" && defn->GetGeomFieldCount() > 0) {
            // A CSV has no place for a CRS (GDAL reads a .prj beside it, handled above). Coordinates
            // in a table are GPS longitude/latitude unless the operator says otherwise.
            l.crs_assumed = true;
            if (options.csv_crs.empty()) {
                l.crs_definition = "OGC:CRS84";
                l.crs_name = "WGS 84 (CRS84)";
                csv_crs_assumed = true;
            } else {
                l.crs_definition = options.csv_crs;
                l.crs_name = options.csv_crs;
            }
        }
        l.feature_count = layer->GetFeatureCount(FALSE);
        l.missing_geometry = csv_missing_geometry;
        m_layers.push_back(std::move(l));
    }
    if (csv_crs_assumed)
        warnings.push_back("a CSV declares no coordinate reference system: its coordinates were read as WGS 84 "
                           "longitude/latitude (OGC:CRS84). If they are not, state the CRS in the mapping profile, "
                           "e.g. \"crs\": \"EPSG:32648\"");
}

VectorSource::~VectorSource() = default;

void VectorSource::read(const std::string& layer_name, const std::function<void(SourceFeature&&)>& visit)
{
    OGRLayer* layer = m_impl->dataset->GetLayerByName(layer_name.c_str());
    if (!layer) throw std::runtime_error("no layer '" + layer_name + "'");
    std::int64_t guessed = 0, cut = 0, first_fid = -1;
    std::string first_field;
    {
        ErrorCapture capture(m_impl->messages);
        layer->ResetReading();
        OGRFeatureDefn* defn = layer->GetLayerDefn();
        std::vector<std::string> names;
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            std::string name = defn->GetFieldDefn(i)->GetNameRef();
            bool c = false;
            m_impl->utf8(name, c);
            names.push_back(lower(name));
        }
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
                    std::string text = feature->GetFieldAsString(i);
                    bool was_cut = false;
                    if (!m_impl->utf8(text, was_cut)) {
                        if (guessed++ == 0) {
                            first_fid = f.fid;
                            first_field = names[i];
                        }
                    }
                    if (was_cut) ++cut;
                    f.fields[names[i]] = std::move(text);
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
    if (guessed)
        m_impl->messages.push_back(std::to_string(guessed) + " text value(s) were not valid UTF-8 and were read as "
                                   "CP1252 (the first: feature " + std::to_string(first_fid) + ", field '" +
                                   first_field + "'): if the text looks wrong, give the file's encoding with "
                                   "--encoding");
    if (cut)
        m_impl->messages.push_back(std::to_string(cut) + " text value(s) ended in a character cut in half by the "
                                   "field's width: the broken character was dropped. Widen the field in the source");
}

std::vector<std::string> VectorSource::take_warnings()
{
    return std::exchange(m_impl->messages, {});
}

} // namespace cims::gis
