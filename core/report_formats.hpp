// SPDX-License-Identifier: GPL-3.0-or-later
// Writers of a ReportDocument, one file each: CSV, JSON, self-contained HTML and XLSX.
#pragma once

#include "core/report_document.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace cims::core {

/// One CSV section per table, in document order, separated by an empty line. A section is: a line
/// with the table key and title ("F-1","Form F, table 1: …"), a line of headings, one line per
/// region, then the national total line. Areas with 2 decimals in m², 6 in km² (the square metre).
std::string to_csv(const ReportDocument& doc);

/// The stable JSON shape documented in docs/reports.md:
/// {"report", "title", "unit", "checks_ok", …meta, "tables": [{"key", "title", "note",
///  "columns": [{"key", "heading", "kind"}], "rows": [{column key: value}], "total": {…}}]}.
nlohmann::json to_json(const ReportDocument& doc);

/// A printable HTML page with inline CSS and SVG: no script, no external asset.
std::string to_html(const ReportDocument& doc);

/// An XLSX workbook (libxlsxwriter) at `path`: a "Report" sheet with the title, facts and the list
/// of tables, then one sheet per table named by its key: headings on row 1, one row per region,
/// the national total row last in bold; numbers are numbers.
/// \throws std::runtime_error naming the file when the workbook cannot be written.
void write_xlsx(const ReportDocument& doc, const std::string& path);

} // namespace cims::core
