// SPDX-License-Identifier: GPL-3.0-or-later
#include "domain.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <cstring>

namespace cims::core {

std::string_view to_string(Status s)
{
    return s == Status::SHA ? "SHA" : "CHA";
}

std::string_view to_string(Method m)
{
    switch (m) {
    case Method::NTS: return "NTS";
    case Method::TS: return "TS";
    case Method::CLEARANCE: return "CLEARANCE";
    case Method::EOD: return "EOD";
    }
    return "";
}

std::string_view to_string(ReleaseKind k)
{
    switch (k) {
    case ReleaseKind::cancelled: return "cancelled";
    case ReleaseKind::reduced: return "reduced";
    case ReleaseKind::cleared: return "cleared";
    }
    return "";
}

namespace {
std::string upper_trimmed(std::string_view text)
{
    std::size_t b = 0, e = text.size();
    while (b < e && std::isspace(static_cast<unsigned char>(text[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(text[e - 1]))) --e;
    std::string out(text.substr(b, e - b));
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::toupper(c)); });
    return out;
}
} // namespace

std::optional<Status> parse_status(std::string_view text)
{
    const std::string t = upper_trimmed(text);
    if (t == "SHA") return Status::SHA;
    if (t == "CHA") return Status::CHA;
    return std::nullopt;
}

std::optional<Method> parse_method(std::string_view text)
{
    const std::string t = upper_trimmed(text);
    if (t == "NTS") return Method::NTS;
    if (t == "TS") return Method::TS;
    if (t == "CLEARANCE") return Method::CLEARANCE;
    if (t == "EOD") return Method::EOD;
    return std::nullopt;
}

std::optional<ReleaseKind> release_kind_of(Method m)
{
    switch (m) {
    case Method::NTS: return ReleaseKind::cancelled;
    case Method::TS: return ReleaseKind::reduced;
    case Method::CLEARANCE: return ReleaseKind::cleared;
    case Method::EOD: return std::nullopt;
    }
    return std::nullopt;
}

ContamMask contamination_bit(std::string_view type)
{
    const std::string t = upper_trimmed(type);
    for (std::size_t i = 0; i < contamination_types.size(); ++i)
        if (contamination_types[i] == t) return ContamMask(1) << i;
    return 0;
}

std::optional<ContamMask> parse_contamination(std::string_view text, std::string* bad_token)
{
    ContamMask mask = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t comma = text.find_first_of(",;| ", start);
        const std::string_view token = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        const std::string t = upper_trimmed(token);
        if (!t.empty()) {
            const ContamMask bit = contamination_bit(t);
            if (!bit) {
                if (bad_token) *bad_token = t;
                return std::nullopt;
            }
            mask |= bit;
        }
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (!mask) {
        if (bad_token) *bad_token = std::string(text);
        return std::nullopt;
    }
    return mask;
}

std::string format_contamination(ContamMask mask)
{
    std::string out;
    for (std::size_t i = 0; i < contamination_types.size(); ++i) {
        if (mask & (ContamMask(1) << i)) {
            if (!out.empty()) out += ',';
            out += contamination_types[i];
        }
    }
    return out;
}

namespace {
bool valid_calendar(int y, int m, int d)
{
    if (y < 1000 || y > 2999 || m < 1 || m > 12 || d < 1) return false;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + ((m == 2 && leap) ? 1 : 0);
}

Date make_date(int y, int m, int d)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    return Date{buf};
}
} // namespace

std::optional<Date> parse_iso_date(std::string_view text)
{
    if (text.size() < 10) return std::nullopt;
    // "2021-05-01", and "2021/05/01" as GDAL writes date fields as text.
    std::string s(text.substr(0, 10));
    if (s[4] == '/' && s[7] == '/') s[4] = s[7] = '-';
    int y = 0, m = 0, d = 0;
    char extra = 0;
    if (std::sscanf(s.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3) return std::nullopt;
    if (s[4] != '-' || s[7] != '-') return std::nullopt;
    if (text.size() > 10 && text[10] != 'T' && text[10] != ' ') return std::nullopt;
    if (!valid_calendar(y, m, d)) return std::nullopt;
    return make_date(y, m, d);
}

std::optional<Date> parse_date(std::string_view text, const std::string& format)
{
    if (format.empty() || format == "%Y-%m-%d") return parse_iso_date(text);
    const std::string s(text);
    std::tm tm{};
    const char* end = strptime(s.c_str(), format.c_str(), &tm);
    if (!end) return std::nullopt;
    while (*end && std::isspace(static_cast<unsigned char>(*end))) ++end;
    if (*end) return std::nullopt;
    const int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
    if (!valid_calendar(y, m, d)) return std::nullopt;
    return make_date(y, m, d);
}

} // namespace cims::core
