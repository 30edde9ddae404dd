// SPDX-License-Identifier: GPL-3.0-or-later
// Inline SVG charts for the HTML reports: bars by year (stacked series, an optional projection line
// and a marker year) and a choropleth of regions. Plain SVG 1.1 text, no script, no external asset.
#pragma once

#include "core/ledger_store.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cims::core {

struct ChartSeries {
    std::string name;
    std::string color; // CSS colour
    std::vector<double> values; // one per year of the chart
};

struct YearChart {
    int first_year = 0; // values[i] is the year first_year + i
    int last_year = 0;
    std::vector<ChartSeries> bars; // stacked
    /// A dashed line through (year, value) points, e.g. a projection.
    std::optional<ChartSeries> line;
    std::vector<std::pair<double, double>> line_points; // (year, value at its 31 December)
    /// A vertical marker at a year, with its label (a deadline).
    std::optional<std::pair<int, std::string>> marker;
    std::string unit; // shown on the value axis
};

/// SVG text of the chart (width 800, height 300).
std::string to_svg(const YearChart& chart);

/// A choropleth of `outlines`, each filled by its value in `values` (regions absent from `values`
/// count as 0), five classes from white to dark red, with a legend in `unit`. Longitude is scaled by
/// cos(mean latitude) so the map keeps its shape (equirectangular). An empty `outlines` gives "".
std::string choropleth_svg(const std::vector<RegionOutline>& outlines, const std::map<std::string, double>& values,
                           const std::string& unit);

/// Escapes & < > " ' for XML text and attributes.
std::string xml_escape(const std::string& text);

} // namespace cims::core
