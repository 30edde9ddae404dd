// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/geojson_writer.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <iterator>

namespace cims::server {

namespace {

/// Coordinates as stored (at most 9 decimals, about 0.1 mm) written without a shortest-digits
/// search: when k = round(v·10⁹) gives back v (k/10⁹ is then the double nearest k·10⁻⁹, the number
/// the text means), the digits of k with trailing zeros dropped are the shortest text that reads
/// back to v, since below 10⁶ two such texts 10⁻⁹ apart never round to one double. They are the
/// digits fmt finds, in the fixed notation fmt uses from 10⁻³ on. \returns false when v is not
/// such a number.
bool append_nine_decimals(std::string& out, double v)
{
    const double a = std::fabs(v);
    if (!(a >= 1e-3 && a < 1e6)) return false;
    const double k = std::nearbyint(a * 1e9);
    if (k / 1e9 != a) return false;
    auto n = static_cast<std::uint64_t>(k);
    char buf[32];
    char* p = buf + sizeof buf;
    int decimals = 9;
    while (decimals > 0 && n % 10 == 0) { // drop trailing zeros of the fraction
        n /= 10;
        --decimals;
    }
    for (int i = 0; i < decimals; ++i) {
        *--p = char('0' + n % 10);
        n /= 10;
    }
    if (decimals > 0) *--p = '.';
    do {
        *--p = char('0' + n % 10);
        n /= 10;
    } while (n);
    if (v < 0) *--p = '-';
    out.append(p, std::size_t(buf + sizeof buf - p));
    return true;
}

/// The shortest text that reads back to `v`, formatted on the stack and appended at once (through
/// a back_inserter, fmt would grow the string one character at a time).
void append_number(std::string& out, double v)
{
    if (append_nine_decimals(out, v)) return;
    char buf[32];
    const char* end = fmt::format_to(buf, FMT_COMPILE("{}"), v);
    out.append(buf, std::size_t(end - buf));
}

/// Reads one WKB geometry and writes its GeoJSON. Every element of a collection carries its own
/// byte order and type, as WKB requires.
class WkbReader {
public:
    WkbReader(std::string_view wkb, std::string& out) : m_wkb(wkb), m_out(out) {}

    void read_geometry(int depth)
    {
        if (depth > max_depth) fail("geometry collections nested deeper than " + std::to_string(max_depth));
        byte_order();
        const std::uint32_t code = uint32();
        // EWKB (PostGIS) flags, then ISO codes (1000 Z, 2000 M, 3000 ZM).
        bool z = code & 0x80000000u, m = code & 0x40000000u;
        if (code & 0x20000000u) uint32(); // EWKB SRID: the coordinates are CRS84 here whatever it says
        std::uint32_t type = code & 0x0fffffffu;
        switch (type / 1000) {
        case 0: break;
        case 1: z = true; break;
        case 2: m = true; break;
        case 3: z = m = true; break;
        default: fail("unknown geometry type " + std::to_string(code));
        }
        type %= 1000;
        m_dims = 2 + int(z) + int(m);
        m_z = z;
        switch (type) {
        case 1:
            begin("Point");
            point();
            break;
        case 2:
            begin("LineString");
            points();
            break;
        case 3:
            begin("Polygon");
            rings();
            break;
        case 4: multi("MultiPoint", 1, [&] { point(); }); break;
        case 5: multi("MultiLineString", 2, [&] { points(); }); break;
        case 6: multi("MultiPolygon", 3, [&] { rings(); }); break;
        case 7: {
            m_out.append(R"({"type":"GeometryCollection","geometries":[)");
            const std::uint32_t n = count(5);
            for (std::uint32_t i = 0; i < n; ++i) {
                if (i) m_out.push_back(',');
                read_geometry(depth + 1);
            }
            m_out.append("]}");
            return;
        }
        default: fail("unsupported geometry type " + std::to_string(code));
        }
        m_out.push_back('}');
    }

    void finish() const
    {
        if (m_pos != m_wkb.size())
            fail(std::to_string(m_wkb.size() - m_pos) + " bytes left after the geometry");
    }

private:
    static constexpr int max_depth = 32;

    [[noreturn]] void fail(const std::string& what) const
    {
        throw WkbError("invalid WKB at byte " + std::to_string(m_pos) + ": " + what);
    }

    void begin(const char* type)
    {
        m_out.append(R"({"type":")").append(type).append(R"(","coordinates":)");
    }

    /// A Multi*: its elements are whole WKB geometries of the one expected type.
    template <class Body> void multi(const char* name, std::uint32_t element, Body body)
    {
        begin(name);
        m_out.push_back('[');
        const std::uint32_t n = count(5);
        for (std::uint32_t i = 0; i < n; ++i) {
            if (i) m_out.push_back(',');
            byte_order();
            const std::uint32_t code = uint32();
            bool z = code & 0x80000000u, m = code & 0x40000000u;
            if (code & 0x20000000u) uint32();
            std::uint32_t type = code & 0x0fffffffu;
            if (type / 1000 > 3) fail("unknown geometry type " + std::to_string(code));
            z = z || type / 1000 == 1 || type / 1000 == 3;
            m = m || type / 1000 == 2 || type / 1000 == 3;
            type %= 1000;
            if (type != element)
                fail("a " + std::string(name) + " holds a geometry of type " + std::to_string(code));
            m_dims = 2 + int(z) + int(m);
            m_z = z;
            body();
        }
        m_out.push_back(']');
    }

    void byte_order()
    {
        need(1);
        const unsigned char b = static_cast<unsigned char>(m_wkb[m_pos]);
        if (b > 1) fail("byte order " + std::to_string(b) + " is neither 0 (big endian) nor 1 (little endian)");
        m_little = b == 1;
        ++m_pos;
    }

    void need(std::size_t n) const
    {
        if (m_wkb.size() - m_pos < n) fail("truncated: " + std::to_string(n) + " more bytes expected");
    }

    std::uint32_t uint32()
    {
        need(4);
        std::uint32_t v;
        std::memcpy(&v, m_wkb.data() + m_pos, 4);
        m_pos += 4;
        if (m_little != (std::endian::native == std::endian::little)) v = __builtin_bswap32(v);
        return v;
    }

    double float64()
    {
        need(8);
        std::uint64_t v;
        std::memcpy(&v, m_wkb.data() + m_pos, 8);
        m_pos += 8;
        if (m_little != (std::endian::native == std::endian::little)) v = __builtin_bswap64(v);
        return std::bit_cast<double>(v);
    }

    /// A count of elements of at least `min_bytes` each, checked against what is left, so that a
    /// corrupt count fails at once instead of looping.
    std::uint32_t count(std::size_t min_bytes)
    {
        const std::uint32_t n = uint32();
        if (std::size_t(n) * min_bytes > m_wkb.size() - m_pos)
            fail("a count of " + std::to_string(n) + " elements exceeds the bytes left");
        return n;
    }

    void coordinate(double v)
    {
        if (!std::isfinite(v)) fail("a coordinate is not a finite number");
        append_number(m_out, v);
    }

    /// One position (x, y[, z]); M is read and dropped (GeoJSON has no measures).
    void position()
    {
        need(std::size_t(m_dims) * 8);
        const double x = float64(), y = float64();
        const double z = m_z ? float64() : 0.0;
        if (m_dims == 4 || (m_dims == 3 && !m_z)) float64();
        m_out.push_back('[');
        coordinate(x);
        m_out.push_back(',');
        coordinate(y);
        if (m_z) {
            m_out.push_back(',');
            coordinate(z);
        }
        m_out.push_back(']');
    }

    /// A Point's coordinates; WKB writes an empty point as NaN coordinates, GeoJSON as [].
    void point()
    {
        need(std::size_t(m_dims) * 8);
        const std::size_t at = m_pos;
        const double x = float64();
        m_pos = at;
        if (std::isnan(x)) {
            m_pos += std::size_t(m_dims) * 8;
            m_out.append("[]");
            return;
        }
        position();
    }

    void points()
    {
        const std::uint32_t n = count(std::size_t(m_dims) * 8);
        m_out.push_back('[');
        for (std::uint32_t i = 0; i < n; ++i) {
            if (i) m_out.push_back(',');
            position();
        }
        m_out.push_back(']');
    }

    void rings()
    {
        const std::uint32_t n = count(4);
        m_out.push_back('[');
        for (std::uint32_t i = 0; i < n; ++i) {
            if (i) m_out.push_back(',');
            points();
        }
        m_out.push_back(']');
    }

    std::string_view m_wkb;
    std::string& m_out;
    std::size_t m_pos = 0;
    bool m_little = true;
    int m_dims = 2;
    bool m_z = false;
};

/// Length of the valid UTF-8 sequence at `s[i]`, 0 when invalid.
std::size_t utf8_length(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    std::uint32_t cp;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) { n = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { n = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 4; cp = c & 0x07; }
    else return 0;
    if (s.size() - i < n) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const auto d = static_cast<unsigned char>(s[i + k]);
        if ((d & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

} // namespace

void GeoJsonWriter::geometry(std::string_view wkb)
{
    if (wkb.empty()) {
        m_out.append("null");
        return;
    }
    WkbReader reader(wkb, m_out);
    reader.read_geometry(0);
    reader.finish();
}

void GeoJsonWriter::feature(const core::Feature& f, std::string_view extra_members)
{
    m_out.append(R"({"type":"Feature","id":)");
    string(f.id);
    m_out.append(R"(,"geometry":)");
    geometry(f.geometry_wkb);
    m_out.append(R"(,"properties":{)");
    bool first = true;
    for (const auto& [name, v] : f.properties) {
        if (!first) m_out.push_back(',');
        first = false;
        string(name);
        m_out.push_back(':');
        value(v);
    }
    m_out.push_back('}');
    if (!extra_members.empty()) {
        m_out.push_back(',');
        m_out.append(extra_members);
    }
    m_out.push_back('}');
}

void GeoJsonWriter::string(std::string_view text)
{
    static constexpr char hex[] = "0123456789abcdef";
    m_out.push_back('"');
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t n = utf8_length(text, i);
            if (n == 0) {
                m_out.append("\\ufffd");
                ++i;
            } else {
                m_out.append(text.substr(i, n));
                i += n;
            }
            continue;
        }
        switch (c) {
        case '"': m_out.append("\\\""); break;
        case '\\': m_out.append("\\\\"); break;
        case '\n': m_out.append("\\n"); break;
        case '\r': m_out.append("\\r"); break;
        case '\t': m_out.append("\\t"); break;
        case '\b': m_out.append("\\b"); break;
        case '\f': m_out.append("\\f"); break;
        default:
            if (c < 0x20) {
                m_out.append("\\u00");
                m_out.push_back(hex[c >> 4]);
                m_out.push_back(hex[c & 15]);
            } else {
                m_out.push_back(char(c));
            }
        }
        ++i;
    }
    m_out.push_back('"');
}

void GeoJsonWriter::number(double value)
{
    if (!std::isfinite(value)) {
        m_out.append("null");
        return;
    }
    append_number(m_out, value);
}

void GeoJsonWriter::integer(std::int64_t value)
{
    fmt::format_to(std::back_inserter(m_out), FMT_COMPILE("{}"), value);
}

void GeoJsonWriter::value(const core::PropertyValue& v)
{
    switch (v.index()) {
    case 0: m_out.append("null"); break;
    case 1: string(std::get<std::string>(v)); break;
    case 2: integer(std::get<std::int64_t>(v)); break;
    case 3: number(std::get<double>(v)); break;
    }
}

} // namespace cims::server
