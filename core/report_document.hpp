// SPDX-License-Identifier: GPL-3.0-or-later
// ReportDocument: a report as titled tables (and charts for HTML), the one shape every renderer
// (CSV, JSON, XLSX, HTML) writes. Report builders (Article 7, forecast) fill it; renderers never
// compute figures.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace cims::core {

/// Unit of the area columns (--unit).
enum class AreaUnit { m2, km2 };
/// "m²" or "km²", for headings.
const char* unit_label(AreaUnit unit);
/// "m2" or "km2", for keys and JSON.
const char* unit_key(AreaUnit unit);

/// What a column holds, which decides how each format writes it.
enum class ColumnKind {
    text,
    count, // an integer
    area,  // square metres in the model, written in the document's unit
    number, // any other number (a rate in the document's unit per year)
    year    // a calendar year (an integer, never written with digit groups)
};

struct Column {
    std::string key;     // stable: JSON keys, CSV header comments, tests
    std::string heading; // from the headings template: official wording, may change
    ColumnKind kind = ColumnKind::text;
};

/// An empty cell (std::monostate) is written as nothing / null.
using Cell = std::variant<std::monostate, std::string, std::int64_t, double>;

struct Table {
    std::string key;   // "F-1", "F-2", …: sheet name, JSON key
    std::string title; // from the headings template
    std::vector<Column> columns;
    std::vector<std::vector<Cell>> rows; // region rows, in region code order
    std::optional<std::vector<Cell>> total; // the national total row, written last and marked
    std::string note; // a sentence under the table (the reconciliation rule, a caveat)
};

/// An inline SVG chart with its caption (HTML only).
struct Chart {
    std::string caption;
    std::string svg;
};

struct ReportDocument {
    std::string report;     // "article7" | "forecast"
    std::string title;      // e.g. "Convention on Cluster Munitions — Article 7 report, Form F and Form G"
    std::vector<std::pair<std::string, std::string>> facts; // label → value shown under the title (headings' wording)
    std::vector<std::pair<std::string, Cell>> meta; // stable key → value (JSON): year, contamination, …
    AreaUnit unit = AreaUnit::m2;
    std::vector<Table> tables;
    std::vector<Chart> charts;
    bool checks_ok = true; // every reconciliation in the document holds
};

/// Value of an area in the document's unit, rounded to the centimetre (m²) or to the m² (km²).
double area_in(double m2, AreaUnit unit);

} // namespace cims::core
