// SPDX-License-Identifier: GPL-3.0-or-later
// CSV writer of a ReportDocument (RFC 4180 quoting).
#include "core/report_formats.hpp"

#include <fmt/format.h>

namespace cims::core {

namespace {

std::string field(const std::string& s)
{
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

std::string cell_text(const Cell& c, AreaUnit unit)
{
    if (const auto* s = std::get_if<std::string>(&c)) return field(*s);
    if (const auto* i = std::get_if<std::int64_t>(&c)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&c)) return unit == AreaUnit::km2 ? fmt::format("{:.6f}", *d) : fmt::format("{:.2f}", *d);
    return {};
}

std::string line(const std::vector<Cell>& row, AreaUnit unit)
{
    std::string out;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (i) out += ',';
        out += cell_text(row[i], unit);
    }
    return out + "\n";
}

} // namespace

std::string to_csv(const ReportDocument& doc)
{
    std::string out;
    for (const Table& t : doc.tables) {
        if (!out.empty()) out += "\n";
        out += field(t.key) + "," + field(t.title) + "\n";
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            if (i) out += ',';
            out += field(t.columns[i].heading);
        }
        out += "\n";
        for (const auto& row : t.rows) out += line(row, doc.unit);
        if (t.total) out += line(*t.total, doc.unit);
    }
    return out;
}

} // namespace cims::core
