// SPDX-License-Identifier: GPL-3.0-or-later
// GeoJsonWriter: writes GeoJSON (RFC 7946) straight into a std::string, from the WKB SpatiaLite
// returns (AsBinary), without building a document or going through OGR (design.md §8: a page of
// features must cost microseconds, OGR's JSON export is 6–9× slower).
#pragma once

#include "core/feature_catalog.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cims::server {

/// The bytes are not WKB this writer reads (truncated, unknown type, non-finite coordinate).
class WkbError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class GeoJsonWriter {
public:
    /// Appends to `out`; the writer keeps a reference, `out` must outlive it.
    explicit GeoJsonWriter(std::string& out) noexcept : m_out(out) {}

    /// A geometry object from WKB (either byte order; Point, LineString, Polygon, the Multi* types
    /// and GeometryCollection; ISO and EWKB Z/M flags: Z is written, M dropped), or `null` for no
    /// bytes. Numbers are the shortest text that reads back to the same double.
    /// \throws WkbError naming the offset and the problem; `out` then holds a partial geometry.
    void geometry(std::string_view wkb);

    /// {"type":"Feature","id":…,"geometry":…,"properties":{…}} with `extra_members` (JSON members
    /// such as `"links":[…]`, without a leading comma) before the closing brace.
    void feature(const core::Feature& f, std::string_view extra_members = {});

    /// A JSON string: quotes, backslashes and control characters escaped, invalid UTF-8 replaced
    /// by U+FFFD (so the document always parses).
    void string(std::string_view text);
    /// A JSON number; NaN and infinities (which JSON cannot hold) are written as null.
    void number(double value);
    void integer(std::int64_t value);
    void value(const core::PropertyValue& v);
    /// Text that is already JSON.
    void raw(std::string_view json) { m_out.append(json); }

private:
    std::string& m_out;
};

} // namespace cims::server
