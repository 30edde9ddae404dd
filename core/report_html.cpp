// SPDX-License-Identifier: GPL-3.0-or-later
// HTML writer of a ReportDocument: one self-contained, printable page (inline CSS and SVG).
#include "core/report_formats.hpp"

#include "core/svg_chart.hpp"

#include <fmt/format.h>

namespace cims::core {

namespace {

constexpr const char* style = R"(
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; margin: 16px; color: #111; }
h1 { font-size: 15pt; margin: 0 0 8px; }
h2 { font-size: 11.5pt; margin: 18px 0 6px; }
dl.facts { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 0 0 12px; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: 4px 0; }
th, td { border: 1px solid #999; padding: 2px 6px; }
th { background: #eee; font-weight: bold; text-align: center; vertical-align: bottom; }
td.long { min-width: 24em; }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: bold; background: #f6f6f6; }
td.failed, dd.failed { color: #b00; font-weight: bold; }
p.note { font-size: 9pt; color: #444; margin: 2px 0 8px; }
figure { margin: 8px 0 16px; page-break-inside: avoid; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 4px; }
section { page-break-inside: auto; }
tr { page-break-inside: avoid; break-inside: avoid; }
@page { size: A4 landscape; margin: 12mm; }
@media print { body { margin: 0; } h2 { page-break-after: avoid; break-after: avoid; } }
)";

/// Digits grouped by three with a narrow no-break space (SI style, unambiguous in every language):
/// "1 092 982.81".
std::string grouped(const std::string& number)
{
    const std::size_t begin = number.starts_with('-') ? 1 : 0;
    std::size_t end = number.find('.');
    if (end == std::string::npos) end = number.size();
    std::string out = number.substr(0, begin);
    for (std::size_t i = begin; i < end; ++i) {
        if (i > begin && (end - i) % 3 == 0) out += "\u202f";
        out += number[i];
    }
    return out + number.substr(end);
}

/// \param group digits grouped (counts, areas) or not (years).
std::string cell_html(const Cell& c, AreaUnit unit, bool group)
{
    if (const auto* s = std::get_if<std::string>(&c)) return xml_escape(*s);
    std::string n;
    if (const auto* i = std::get_if<std::int64_t>(&c)) n = fmt::format("{}", *i);
    else if (const auto* d = std::get_if<double>(&c)) n = unit == AreaUnit::km2 ? fmt::format("{:.6f}", *d) : fmt::format("{:.2f}", *d);
    return group ? grouped(n) : n;
}

std::string row_html(const Table& t, const std::vector<Cell>& row, AreaUnit unit, const char* cls)
{
    std::string out = fmt::format("<tr{}>", cls);
    for (std::size_t i = 0; i < row.size(); ++i) {
        const bool number = i < t.columns.size() && t.columns[i].kind != ColumnKind::text;
        const bool group = number && t.columns[i].kind != ColumnKind::year;
        const std::string text = cell_html(row[i], unit, group);
        // A sentence (the F-3 explanation) gets room to read instead of a column of single words.
        const char* cls = number ? " class=\"n\"" : (text.size() > 40 ? " class=\"long\"" : "");
        out += fmt::format("<td{}>{}</td>", cls, text);
    }
    return out + "</tr>\n";
}

} // namespace

std::string to_html(const ReportDocument& doc)
{
    std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<title>" + xml_escape(doc.title) + "</title>\n<style>" + style + "</style>\n</head>\n<body>\n";
    out += "<h1>" + xml_escape(doc.title) + "</h1>\n<dl class=\"facts\">\n";
    for (std::size_t i = 0; i < doc.facts.size(); ++i) {
        const bool last_check = !doc.checks_ok && i + 1 == doc.facts.size();
        out += "<dt>" + xml_escape(doc.facts[i].first) + "</dt><dd" + (last_check ? " class=\"failed\"" : "") + ">" +
               xml_escape(doc.facts[i].second) + "</dd>\n";
    }
    out += "</dl>\n";
    for (const Chart& c : doc.charts)
        out += "<figure>\n<figcaption>" + xml_escape(c.caption) + "</figcaption>\n" + c.svg + "\n</figure>\n";
    for (const Table& t : doc.tables) {
        out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<table>\n<thead><tr>", xml_escape(t.key), xml_escape(t.title));
        for (const Column& c : t.columns) out += "<th>" + xml_escape(c.heading) + "</th>";
        out += "</tr></thead>\n<tbody>\n";
        for (const auto& row : t.rows) out += row_html(t, row, doc.unit, "");
        if (t.total) out += row_html(t, *t.total, doc.unit, " class=\"total\"");
        out += "</tbody>\n</table>\n";
        if (!t.note.empty()) out += "<p class=\"note\">" + xml_escape(t.note) + "</p>\n";
        out += "</section>\n";
    }
    return out + "</body>\n</html>\n";
}

} // namespace cims::core
