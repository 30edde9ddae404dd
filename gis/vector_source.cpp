// SPDX-License-Identifier: GPL-3.0-or-later
#include "vector_source.hpp"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
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

std::uint16_t le16(const unsigned char* p) { return std::uint16_t(p[0] | (p[1] << 8)); }
std::uint32_t le32(const unsigned char* p) { return std::uint32_t(le16(p)) | (std::uint32_t(le16(p + 2)) << 16); }
std::uint64_t le64(const unsigned char* p) { return std::uint64_t(le32(p)) | (std::uint64_t(le32(p + 4)) << 32); }

struct VsiFile {
    VSILFILE* fp = nullptr;
    explicit VsiFile(const std::string& path) : fp(VSIFOpenL(path.c_str(), "rb")) {}
    ~VsiFile()
    {
        if (fp) VSIFCloseL(fp);
    }
    VsiFile(const VsiFile&) = delete;
    VsiFile& operator=(const VsiFile&) = delete;
    bool read_at(std::uint64_t offset, void* buf, std::size_t n)
    {
        return VSIFSeekL(fp, offset, SEEK_SET) == 0 && VSIFReadL(buf, 1, n, fp) == n;
    }
};

std::string gib(std::uint64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

/// An entry name fit for a message: bytes that are not UTF-8 shown as '?'.
std::string printable(const std::string& name)
{
    std::string out;
    std::string_view rest(name);
    while (!rest.empty()) {
        const std::size_t ok = valid_utf8_prefix(rest);
        for (char c : rest.substr(0, ok)) out += (static_cast<unsigned char>(c) < 0x20) ? '?' : c;
        if (ok == rest.size()) break;
        out += '?';
        rest.remove_prefix(ok + 1);
    }
    return out;
}

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
                throw std::runtime_error("zip archive '" + zip + "': the shapefile '" + printable(e) +
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
                                 printable(join(files)) +
                                 "). Send a zip of one shapefile (.shp with its .shx, .dbf, .prj and .cpg), "
                                 "GeoPackage, GeoJSON, KML, CSV or .gdb folder");
    if (inner.size() > 1) {
        for (auto& d : datasets) d = printable(d);
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

/// Reads every entry of a zip (whose directory passed the checks) through /vsizip/, each up to one
/// byte past its declared size, and refuses an entry that holds more than it declares.
static void verify_entry_sizes(const std::string& path)
{
    const std::string root = "/vsizip/{" + path + "}";
    std::vector<std::string> ignored;
    ErrorCapture capture(ignored);
    char** list = VSIReadDirRecursive(root.c_str());
    const CPLStringList entries(list, TRUE); // takes ownership
    std::vector<char> buf(1 << 16);
    for (int i = 0; i < entries.size(); ++i) {
        const std::string entry = root + "/" + entries[i];
        VSIStatBufL st;
        if (VSIStatL(entry.c_str(), &st) != 0 || VSI_ISDIR(st.st_mode)) continue;
        VsiFile f(entry);
        if (!f.fp)
            throw std::runtime_error("zip archive '" + path + "': the entry '" + printable(entries[i]) +
                                     "' cannot be read: the archive is damaged, or uses a compression GDAL "
                                     "cannot read. Re-create it with ordinary (deflate) compression");
        const std::uint64_t declared = std::uint64_t(st.st_size);
        std::uint64_t got = 0;
        while (got <= declared) {
            const std::size_t want = std::size_t(std::min<std::uint64_t>(buf.size(), declared + 1 - got));
            const std::size_t n = VSIFReadL(buf.data(), 1, want, f.fp);
            got += n;
            if (n < want) break;
        }
        if (got > declared)
            throw std::runtime_error("zip archive '" + path + "': the entry '" + printable(entries[i]) +
                                     "' holds more data than the " + std::to_string(declared) +
                                     " bytes it declares (a zip bomb, or a damaged archive): refused. Re-create "
                                     "the archive from the files themselves");
    }
}

// --- public helpers -------------------------------------------------------------------------------

bool is_zip_archive(const std::string& path)
{
    VsiFile f(path);
    unsigned char magic[4] = {};
    if (!f.fp || !f.read_at(0, magic, 4)) return false;
    return magic[0] == 'P' && magic[1] == 'K' &&
           ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

std::vector<std::string> check_zip_archive(const std::string& path, const ArchiveLimits& limits)
{
    auto damaged = [&](const std::string& what) {
        return std::runtime_error("zip archive '" + path + "' " + what +
                                  ": it is damaged or not a zip archive. Re-create it, or send the files unzipped");
    };
    VsiFile f(path);
    if (!f.fp) throw std::runtime_error("cannot read '" + path + "': check the path and the permissions");
    if (VSIFSeekL(f.fp, 0, SEEK_END) != 0) throw damaged("cannot be read to its end");
    const std::uint64_t size = VSIFTellL(f.fp);
    constexpr std::size_t eocd_len = 22;
    if (size < eocd_len) throw damaged("is too short to hold a central directory");

    // End of central directory: the last 22 bytes plus a comment of up to 65,535 bytes.
    const std::size_t tail_len = std::size_t(std::min<std::uint64_t>(size, eocd_len + 65535));
    std::vector<unsigned char> tail(tail_len);
    if (!f.read_at(size - tail_len, tail.data(), tail_len)) throw damaged("cannot be read");
    std::optional<std::size_t> at;
    for (std::size_t i = tail_len - eocd_len + 1; i-- > 0;) {
        if (le32(&tail[i]) == 0x06054b50 && i + eocd_len + le16(&tail[i + 20]) <= tail_len) {
            at = i;
            break;
        }
    }
    if (!at) throw damaged("has no end-of-central-directory record");
    const unsigned char* e = &tail[*at];
    const std::uint64_t eocd_pos = size - tail_len + *at;
    std::uint64_t disk = le16(e + 4), cd_disk = le16(e + 6), entries_here = le16(e + 8), entries = le16(e + 10);
    std::uint64_t cd_size = le32(e + 12), cd_offset = le32(e + 16);
    if (entries == 0xFFFF || entries_here == 0xFFFF || cd_size == 0xFFFFFFFF || cd_offset == 0xFFFFFFFF) {
        // Zip64: the real figures are in the zip64 end record, found through its locator.
        unsigned char loc[20];
        if (eocd_pos < 20 || !f.read_at(eocd_pos - 20, loc, 20) || le32(loc) != 0x07064b50)
            throw damaged("has no zip64 end-of-central-directory locator");
        unsigned char z[56];
        if (!f.read_at(le64(loc + 8), z, 56) || le32(z) != 0x06064b50)
            throw damaged("has no zip64 end-of-central-directory record");
        disk = le32(z + 16);
        cd_disk = le32(z + 20);
        entries_here = le64(z + 24);
        entries = le64(z + 32);
        cd_size = le64(z + 40);
        cd_offset = le64(z + 48);
    }
    if (disk != 0 || cd_disk != 0 || entries_here != entries)
        throw std::runtime_error("zip archive '" + path +
                                 "' is one part of a split (multi-volume) archive: join the parts into one "
                                 "archive, or send the files unzipped");
    if (entries > limits.max_entries)
        throw std::runtime_error("zip archive '" + path + "' has " + std::to_string(entries) +
                                 " entries, more than the limit of " + std::to_string(limits.max_entries) +
                                 ": send the dataset alone in an archive, or unzip it and import its files");
    if (cd_offset > size || cd_size > size - cd_offset) throw damaged("has a central directory outside the file");
    constexpr std::uint64_t max_directory = 64ull << 20;
    if (cd_size > max_directory)
        throw std::runtime_error("zip archive '" + path + "' has a central directory of " + std::to_string(cd_size) +
                                 " bytes, more than cims reads (64 MiB): unzip it and import its files");
    std::vector<unsigned char> cd(std::size_t(cd_size) + 1);
    if (cd_size && !f.read_at(cd_offset, cd.data(), std::size_t(cd_size))) throw damaged("cannot be read");

    std::vector<std::string> names;
    std::uint64_t total = 0;
    std::size_t pos = 0;
    for (std::uint64_t n = 0; n < entries; ++n) {
        if (pos + 46 > cd_size || le32(&cd[pos]) != 0x02014b50)
            throw damaged("has a central directory that ends before its " + std::to_string(entries) + " entries");
        const unsigned char* h = &cd[pos];
        std::uint64_t usize = le32(h + 24);
        const std::size_t name_len = le16(h + 28), extra_len = le16(h + 30), comment_len = le16(h + 32);
        if (pos + 46 + name_len + extra_len + comment_len > cd_size) throw damaged("has a truncated entry");
        const std::string name(reinterpret_cast<const char*>(h + 46), name_len);
        if (usize == 0xFFFFFFFF) { // zip64 extra field 0x0001 holds the real size first
            const unsigned char* x = h + 46 + name_len;
            bool found = false;
            for (std::size_t k = 0; k + 4 <= extra_len;) {
                const std::uint16_t id = le16(x + k), len = le16(x + k + 2);
                if (k + 4 + len > extra_len) break;
                if (id == 0x0001 && len >= 8) {
                    usize = le64(x + k + 4);
                    found = true;
                    break;
                }
                k += 4 + len;
            }
            if (!found) throw damaged("has an entry '" + printable(name) + "' without its zip64 size");
        }
        // Unsafe paths: refused outright, whatever the entry is (GDAL hides them; an unzip tool may not).
        if (name.find('\0') != std::string::npos)
            throw std::runtime_error("zip archive '" + path + "' has an entry whose name holds a NUL byte ('" +
                                     printable(name) + "'): refused as unsafe. Re-create the archive from the files");
        const bool absolute = !name.empty() && (name[0] == '/' || name[0] == '\\' ||
                                                (name.size() >= 2 && std::isalpha(static_cast<unsigned char>(name[0])) &&
                                                 name[1] == ':'));
        bool parent = false;
        for (std::size_t b = 0; b <= name.size();) {
            std::size_t sep = name.find_first_of("/\\", b);
            if (sep == std::string::npos) sep = name.size();
            if (name.compare(b, sep - b, "..") == 0 && sep - b == 2) parent = true;
            b = sep + 1;
        }
        if (absolute || parent)
            throw std::runtime_error("zip archive '" + path + "' has an entry with " +
                                     (absolute ? "an absolute path" : "a \"..\" path component") + " ('" +
                                     printable(name) +
                                     "'): unzipped, it would write outside its folder. Such archives are refused; "
                                     "re-create the archive from the files themselves");
        if (usize > limits.max_uncompressed_bytes - total) // total <= the limit here: no overflow
            throw std::runtime_error("zip archive '" + path + "' expands to more than " +
                                     gib(limits.max_uncompressed_bytes) + " (limit " +
                                     std::to_string(limits.max_uncompressed_bytes) +
                                     " bytes, from the sizes its entries declare): unzip it and import its files, "
                                     "or raise the archive limit");
        total += usize;
        names.push_back(name);
        pos += 46 + name_len + extra_len + comment_len;
    }
    if (limits.verify_sizes) verify_entry_sizes(path);
    return names;
}

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
            throw std::runtime_error(
                "CSV '" + path + "' has no geometry column (columns: " + columns +
                "). Name a column of WKT geometries WKT or geometry, or longitude and latitude columns lon and lat "
                "(or longitude/latitude, x/y); or name yours in the mapping profile: \"geometry\": {\"wkt\": "
                "\"COLUMN\"} or \"geometry\": {\"lon\": \"COLUMN\", \"lat\": \"COLUMN\"}");
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
