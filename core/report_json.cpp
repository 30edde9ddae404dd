// SPDX-License-Identifier: GPL-3.0-or-later
// JSON writer of a ReportDocument: the stable shape of docs/reports.md.
#include "core/report_formats.hpp"

#include <nlohmann/json.hpp>

namespace cims::core {

namespace {

nlohmann::json cell_json(const Cell& c)
{
    if (const auto* s = std::get_if<std::string>(&c)) return *s;
    if (const auto* i = std::get_if<std::int64_t>(&c)) return *i;
    if (const auto* d = std::get_if<double>(&c)) return *d;
    return nullptr;
}

const char* kind_name(ColumnKind k)
{
    switch (k) {
    case ColumnKind::text: return "text";
    case ColumnKind::count: return "count";
    case ColumnKind::area: return "area";
    case ColumnKind::number: return "number";
    case ColumnKind::year: return "year";
    }
    return "text";
}

nlohmann::json row_json(const Table& t, const std::vector<Cell>& row)
{
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < t.columns.size() && i < row.size(); ++i) j[t.columns[i].key] = cell_json(row[i]);
    return j;
}

} // namespace

nlohmann::json to_json(const ReportDocument& doc)
{
    nlohmann::json j = {{"report", doc.report}, {"title", doc.title}, {"unit", unit_key(doc.unit)}};
    for (const auto& [key, value] : doc.meta) j[key] = cell_json(value);
    j["checks_ok"] = doc.checks_ok;
    nlohmann::json tables = nlohmann::json::array();
    for (const Table& t : doc.tables) {
        nlohmann::json columns = nlohmann::json::array();
        for (const Column& c : t.columns) columns.push_back({{"key", c.key}, {"heading", c.heading}, {"kind", kind_name(c.kind)}});
        nlohmann::json rows = nlohmann::json::array();
        for (const auto& row : t.rows) rows.push_back(row_json(t, row));
        nlohmann::json table = {{"key", t.key}, {"title", t.title}, {"columns", std::move(columns)}, {"rows", std::move(rows)}};
        table["total"] = t.total ? row_json(t, *t.total) : nlohmann::json(nullptr);
        if (!t.note.empty()) table["note"] = t.note;
        tables.push_back(std::move(table));
    }
    j["tables"] = std::move(tables);
    return j;
}

} // namespace cims::core
