// SPDX-License-Identifier: GPL-3.0-or-later
#include "zip_archive.hpp"

#include "vector_source.hpp"

#include <zip.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <iconv.h>
#include <limits>
#include <stdexcept>
#include <vector>

#include "c_deleter.hpp"

namespace cims::gis {

namespace {

using archive_ptr = std::unique_ptr<zip_t, c_deleter<zip_discard>>;
using file_ptr = std::unique_ptr<zip_file_t, c_deleter<zip_fclose>>;

struct ZipError {
    zip_error_t value;
    ZipError() noexcept { zip_error_init(&value); }
    ~ZipError() { zip_error_fini(&value); }
    ZipError(const ZipError&) = delete;
    ZipError& operator=(const ZipError&) = delete;
};

/// What opening may read (and so hold in memory): the central directory and the local headers
/// ZIP_CHECKCONS compares it with. 10,000 entries take about 2 MiB of both.
constexpr std::uint64_t max_open_read = 64ull << 20;

/// The archive file as libzip reads it, with a cap on what opening reads: zip_open reads the whole
/// central directory and every local header before the entries can be counted, and a crafted tail
/// can make it do so once per end-of-directory record it holds.
struct CappedFile {
    zip_source_t* file = nullptr; // freed on ZIP_SOURCE_FREE, or here when libzip never took it
    std::uint64_t left = max_open_read;
    bool over = false;
    ZipError error;

    CappedFile() = default;
    ~CappedFile()
    {
        if (file) zip_source_free(file);
    }
    CappedFile(const CappedFile&) = delete;
    CappedFile& operator=(const CappedFile&) = delete;

    /// A zip_source_callback forwarding to `file`; never throws (it runs inside libzip).
    static zip_int64_t call(void* self, void* data, zip_uint64_t len, zip_source_cmd_t cmd) noexcept
    {
        auto& s = *static_cast<CappedFile*>(self);
        const auto failed = [&s] {
            zip_error_t* e = zip_source_error(s.file);
            zip_error_set(&s.error.value, zip_error_code_zip(e), zip_error_code_system(e));
            return zip_int64_t(-1);
        };
        switch (cmd) {
        case ZIP_SOURCE_OPEN:
            return zip_source_open(s.file) < 0 ? failed() : 0;
        case ZIP_SOURCE_READ: {
            if (len > s.left) {
                s.over = true;
                zip_error_set(&s.error.value, ZIP_ER_READ, EFBIG);
                return -1;
            }
            const zip_int64_t n = zip_source_read(s.file, data, len);
            if (n < 0) return failed();
            s.left -= zip_uint64_t(n);
            return n;
        }
        case ZIP_SOURCE_CLOSE:
            return zip_source_close(s.file) < 0 ? failed() : 0;
        case ZIP_SOURCE_STAT: {
            auto* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &s.error.value);
            if (!st) return -1;
            return zip_source_stat(s.file, st) < 0 ? failed() : zip_int64_t(sizeof *st);
        }
        case ZIP_SOURCE_SEEK: {
            auto* args = ZIP_SOURCE_GET_ARGS(zip_source_args_seek_t, data, len, &s.error.value);
            if (!args) return -1;
            return zip_source_seek(s.file, args->offset, args->whence) < 0 ? failed() : 0;
        }
        case ZIP_SOURCE_TELL: {
            const zip_int64_t at = zip_source_tell(s.file);
            return at < 0 ? failed() : at;
        }
        case ZIP_SOURCE_ERROR:
            return zip_error_to_data(&s.error.value, data, len);
        case ZIP_SOURCE_ACCEPT_EMPTY:
            return 0; // an empty file is not an empty archive
        case ZIP_SOURCE_FREE:
            zip_source_free(s.file);
            s.file = nullptr;
            return 0;
        case ZIP_SOURCE_SUPPORTS:
            return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                                  ZIP_SOURCE_SEEK, ZIP_SOURCE_TELL, ZIP_SOURCE_ERROR,
                                                  ZIP_SOURCE_ACCEPT_EMPTY, ZIP_SOURCE_FREE, ZIP_SOURCE_SUPPORTS, -1);
        default:
            zip_error_set(&s.error.value, ZIP_ER_OPNOTSUPP, 0);
            return -1;
        }
    }
};

std::runtime_error damaged(const std::string& path, const std::string& what)
{
    return std::runtime_error("zip archive '" + path + "' " + what +
                              ": it is damaged or not a zip archive. Re-create it, or send the files unzipped");
}

std::string gib(std::uint64_t bytes)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
    return buf;
}

} // namespace

// --- ZipArchive -----------------------------------------------------------------------------------

struct ZipArchive::Impl {
    CappedFile file;     // before the archive: libzip frees its source (this) when the archive goes
    archive_ptr archive;
};

ZipArchive::ZipArchive(const std::string& path) : m_impl(std::make_unique<Impl>()), m_path(path)
{
    ZipError error;
    CappedFile& file = m_impl->file;
    file.file = zip_source_file_create(path.c_str(), 0, -1, &error.value);
    zip_source_t* source = file.file ? zip_source_function_create(&CappedFile::call, &file, &error.value) : nullptr;
    if (source) {
        m_impl->archive.reset(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error.value));
        if (!m_impl->archive) zip_source_free(source); // frees file.file too
    }
    if (!m_impl->archive) {
        if (file.over)
            throw std::runtime_error("zip archive '" + path +
                                     "' has a central directory too large to check (cims reads at most " +
                                     std::to_string(max_open_read >> 20) +
                                     " MiB of it and of its entries' headers): unzip it and import its files");
        switch (zip_error_code_zip(&error.value)) {
        case ZIP_ER_NOENT:
        case ZIP_ER_OPEN:
            throw std::runtime_error("cannot read '" + path + "': check the path and the permissions");
        case ZIP_ER_MULTIDISK:
            throw std::runtime_error("zip archive '" + path +
                                     "' is one part of a split (multi-volume) archive: join the parts into one "
                                     "archive, or send the files unzipped");
        case ZIP_ER_EXISTS: // with ZIP_CHECKCONS: two entries of one name
            throw std::runtime_error("zip archive '" + path +
                                     "' has two entries of the same name: refused, as tools disagree on which one "
                                     "they read. Re-create the archive from the files themselves");
        default:
            throw damaged(path, std::string("cannot be read (") + zip_error_strerror(&error.value) + ")");
        }
    }
    file.left = std::numeric_limits<std::uint64_t>::max(); // opened: entries are bounded by their sizes
    m_size = zip_uint64_t(zip_get_num_entries(m_impl->archive.get(), 0));
}

ZipArchive::~ZipArchive() = default;

ZipArchive::Entry ZipArchive::entry(std::uint64_t index) const
{
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(m_impl->archive.get(), index, ZIP_FL_ENC_RAW, &st) != 0 || !(st.valid & ZIP_STAT_NAME) ||
        !(st.valid & ZIP_STAT_SIZE))
        throw damaged(m_path, "has an entry (number " + std::to_string(index + 1) + ") without a name or size");
    return {st.name, st.size};
}

std::uint64_t ZipArchive::inflate(std::uint64_t index, std::uint64_t limit) const
{
    const auto unreadable = [&](zip_error_t* error) {
        return std::runtime_error("zip archive '" + m_path + "': the entry '" + printable_entry_name(entry(index).name) +
                                  "' cannot be read (" + zip_error_strerror(error) +
                                  "): the archive is damaged, or uses a compression or encryption cims cannot "
                                  "read. Re-create it with ordinary (deflate) compression");
    };
    const file_ptr file(zip_fopen_index(m_impl->archive.get(), index, 0));
    if (!file) throw unreadable(zip_get_error(m_impl->archive.get()));
    std::vector<char> buf(1 << 16);
    std::uint64_t got = 0;
    while (got < limit) {
        const zip_int64_t n = zip_fread(file.get(), buf.data(), std::min<std::uint64_t>(buf.size(), limit - got));
        if (n < 0) throw unreadable(zip_file_get_error(file.get()));
        if (n == 0) break;
        got += zip_uint64_t(n);
    }
    return got;
}

std::string printable_entry_name(const std::string& name)
{
    std::string out;
    const iconv_t cd = iconv_open("UTF-8", "UTF-8"); // validates: stops at bytes that are not UTF-8
    char* in = const_cast<char*>(name.data());
    std::size_t in_left = name.size();
    while (in_left > 0) {
        char buf[256];
        char* o = buf;
        std::size_t o_left = sizeof buf;
        const bool stopped = cd == reinterpret_cast<iconv_t>(-1) ||
                             (iconv(cd, &in, &in_left, &o, &o_left) == std::size_t(-1) && errno != E2BIG);
        out.append(buf, o);
        if (stopped) { // not UTF-8 (or an incomplete character at the end): one '?' per byte
            out += '?';
            ++in;
            --in_left;
        }
    }
    if (cd != reinterpret_cast<iconv_t>(-1)) iconv_close(cd);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
    return out;
}

// --- the checks -----------------------------------------------------------------------------------

bool is_zip_archive(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    if (!in.read(magic, sizeof magic)) return false;
    return magic[0] == 'P' && magic[1] == 'K' && ((magic[2] == 3 && magic[3] == 4) || (magic[2] == 5 && magic[3] == 6));
}

std::vector<std::string> check_zip_archive(const std::string& path, const ArchiveLimits& limits)
{
    const ZipArchive zip(path);
    if (zip.size() > limits.max_entries)
        throw std::runtime_error("zip archive '" + path + "' has " + std::to_string(zip.size()) +
                                 " entries, more than the limit of " + std::to_string(limits.max_entries) +
                                 ": send the dataset alone in an archive, or unzip it and import its files");

    std::vector<std::string> names;
    std::uint64_t total = 0;
    for (std::uint64_t i = 0; i < zip.size(); ++i) {
        const auto [name, size] = zip.entry(i);
        // Unsafe paths: refused outright, whatever the entry is (GDAL hides them; an unzip tool may not).
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
                                     printable_entry_name(name) +
                                     "'): unzipped, it would write outside its folder. Such archives are refused; "
                                     "re-create the archive from the files themselves");
        if (size > limits.max_uncompressed_bytes - total) // total <= the limit here: no overflow
            throw std::runtime_error("zip archive '" + path + "' expands to more than " +
                                     gib(limits.max_uncompressed_bytes) + " (limit " +
                                     std::to_string(limits.max_uncompressed_bytes) +
                                     " bytes, from the sizes its entries declare): unzip it and import its files, "
                                     "or raise the archive limit");
        total += size;
        names.push_back(name);
    }

    // GDAL's /vsizip/ inflates an entry past the size it declares: read each one up to a byte more.
    if (limits.verify_sizes) {
        for (std::uint64_t i = 0; i < zip.size(); ++i) {
            const std::uint64_t declared = zip.entry(i).size;
            if (zip.inflate(i, declared + 1) > declared)
                throw std::runtime_error("zip archive '" + path + "': the entry '" + printable_entry_name(names[i]) +
                                         "' holds more data than the " + std::to_string(declared) +
                                         " bytes it declares (a zip bomb, or a damaged archive): refused. Re-create "
                                         "the archive from the files themselves");
        }
    }
    return names;
}

void write_zip(const std::vector<std::string>& files, const std::string& out)
{
    int error = 0;
    zip_t* archive = zip_open(out.c_str(), ZIP_CREATE | ZIP_EXCL, &error);
    if (!archive) {
        zip_error_t ze;
        zip_error_init_with_code(&ze, error);
        const std::string reason = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        throw std::runtime_error("cannot create the zip archive '" + out + "': " + reason);
    }
    for (const std::string& file : files) {
        const std::string name = file.substr(file.find_last_of('/') + 1);
        zip_source_t* source = zip_source_file(archive, file.c_str(), 0, -1);
        if (!source || zip_file_add(archive, name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
            if (source) zip_source_free(source);
            const std::string reason = zip_strerror(archive);
            zip_discard(archive);
            throw std::runtime_error("cannot add '" + file + "' to the zip archive '" + out + "': " + reason);
        }
    }
    if (zip_close(archive) != 0) {
        const std::string reason = zip_strerror(archive);
        zip_discard(archive);
        throw std::runtime_error("cannot write the zip archive '" + out + "': " + reason);
    }
}

} // namespace cims::gis
