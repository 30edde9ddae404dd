// SPDX-License-Identifier: GPL-3.0-or-later
// ZipArchive: a zip archive opened read-only with libzip, so that check_zip_archive (declared in
// vector_source.hpp, defined beside this class) can judge it before GDAL reads any of it. Internal
// to gis/; libzip types stay in zip_archive.cpp.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace cims::gis {

class ZipArchive {
public:
    struct Entry {
        std::string name;       // the bytes stored in the central directory, not recoded
        std::uint64_t size = 0; // uncompressed size, as the central directory declares it
    };

    /// Opens `path` read-only, with the central directory checked against the local headers.
    /// \throws std::runtime_error naming the archive: unreadable, damaged, split, or a directory
    /// too large to read.
    explicit ZipArchive(const std::string& path);
    ~ZipArchive();
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;

    std::uint64_t size() const noexcept { return m_size; }
    Entry entry(std::uint64_t index) const;
    /// Decompresses entry `index` and stops after `limit` bytes. \returns how many bytes it gave.
    /// \throws std::runtime_error naming the entry when it cannot be read (damaged, a CRC that does
    /// not match, encrypted, or a compression libzip cannot read).
    std::uint64_t inflate(std::uint64_t index, std::uint64_t limit) const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::string m_path;
    std::uint64_t m_size = 0;
};

/// Writes a new zip archive `out` holding each of `files` under its base name (deflated).
/// \throws std::runtime_error naming the archive or the file that could not be added; `out` must
/// not exist yet.
void write_zip(const std::vector<std::string>& files, const std::string& out);

/// An entry name fit for a message: bytes that are not UTF-8, and control characters, shown as '?'.
std::string printable_entry_name(const std::string& name);

} // namespace cims::gis
