// SPDX-License-Identifier: GPL-3.0-or-later
#include "svg_chart.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace cims::core {

std::string xml_escape(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

namespace {

/// A "nice" axis maximum (1, 2 or 5 times a power of ten) at or above `v`.
double nice_ceiling(double v)
{
    if (!(v > 0)) return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double k : {1.0, 2.0, 5.0, 10.0})
        if (k * p >= v) return k * p;
    return 10 * p;
}

std::string number_label(double v)
{
    if (v != 0 && std::fabs(v) < 10) return fmt::format("{:.2g}", v);
    return fmt::format("{:.0f}", v);
}

} // namespace

std::string to_svg(const YearChart& c)
{
    constexpr double width = 800, height = 300, left = 80, right = 220, top = 16, bottom = 36;
    const double plot_w = width - left - right, plot_h = height - top - bottom;
    const int years = std::max(1, c.last_year - c.first_year + 1);
    double max_v = 0;
    for (int i = 0; i < years; ++i) {
        double stack = 0;
        for (const auto& s : c.bars)
            if (i < int(s.values.size())) stack += std::max(0.0, s.values[i]);
        max_v = std::max(max_v, stack);
    }
    for (const auto& [y, v] : c.line_points) max_v = std::max(max_v, v);
    const double axis_max = nice_ceiling(max_v);
    const double slot = plot_w / years;
    auto x_of = [&](double year) { return left + (year - c.first_year + 0.5) * slot; };
    auto y_of = [&](double v) { return top + plot_h - v / axis_max * plot_h; };

    std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" )"
                                  R"(font-family="sans-serif" font-size="11" role="img">)",
                                  width, height, width, height);
    // value axis and grid
    for (int k = 0; k <= 4; ++k) {
        const double v = axis_max * k / 4, y = y_of(v);
        svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="#ddd"/>)", left, y, left + plot_w, y);
        svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end">{}</text>)", left - 6, y + 4, number_label(v));
    }
    svg += fmt::format(R"~(<text x="12" y="{:.1f}" transform="rotate(-90 12 {:.1f})" text-anchor="middle">{}</text>)~",
                       top + plot_h / 2, top + plot_h / 2, xml_escape(c.unit));
    // bars
    const double bar_w = std::max(1.0, slot * 0.7);
    const int label_every = std::max(1, years / 12);
    for (int i = 0; i < years; ++i) {
        double base = 0;
        for (const auto& s : c.bars) {
            const double v = i < int(s.values.size()) ? std::max(0.0, s.values[i]) : 0;
            if (v > 0) {
                svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{:.1f}" fill="{}"><title>{} {}: {}</title></rect>)",
                                   x_of(c.first_year + i) - bar_w / 2, y_of(base + v), bar_w, y_of(base) - y_of(base + v),
                                   s.color, xml_escape(s.name), c.first_year + i, number_label(v));
            }
            base += v;
        }
        if (i % label_every == 0)
            svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="middle">{}</text>)", x_of(c.first_year + i),
                               top + plot_h + 16, c.first_year + i);
    }
    svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#333"/>)", left, top + plot_h, left + plot_w,
                       top + plot_h);
    if (c.line && c.line_points.size() >= 2) {
        std::string points;
        for (const auto& [y, v] : c.line_points) points += fmt::format("{:.1f},{:.1f} ", x_of(y), y_of(v));
        svg += fmt::format(R"(<polyline points="{}" fill="none" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>)",
                           points, c.line->color);
    }
    if (c.marker) {
        const double x = x_of(c.marker->first);
        svg += fmt::format(R"(<line x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}" stroke="#000" stroke-dasharray="2 2"/>)", x, top,
                           x, top + plot_h);
        svg += fmt::format(R"(<text x="{:.1f}" y="{}" text-anchor="end">{}</text>)", x - 3, top + 10,
                           xml_escape(c.marker->second));
    }
    // legend
    double ly = top + 4;
    auto legend = [&](const std::string& name, const std::string& color, bool dashed) {
        if (dashed)
            svg += fmt::format(R"(<line x1="{}" y1="{:.1f}" x2="{}" y2="{:.1f}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>)",
                               left + plot_w + 12, ly + 5, left + plot_w + 24, ly + 5, color);
        else
            svg += fmt::format(R"(<rect x="{}" y="{:.1f}" width="12" height="10" fill="{}"/>)", left + plot_w + 12, ly, color);
        svg += fmt::format(R"(<text x="{}" y="{:.1f}">{}</text>)", left + plot_w + 28, ly + 9, xml_escape(name));
        ly += 16;
    };
    for (auto it = c.bars.rbegin(); it != c.bars.rend(); ++it) legend(it->name, it->color, false);
    if (c.line && c.line_points.size() >= 2) legend(c.line->name, c.line->color, true);
    return svg + "</svg>";
}

std::string choropleth_svg(const std::vector<RegionOutline>& outlines, const std::map<std::string, double>& values,
                           const std::string& unit)
{
    if (outlines.empty()) return {};
    double min_lon = std::numeric_limits<double>::max(), min_lat = min_lon;
    double max_lon = std::numeric_limits<double>::lowest(), max_lat = max_lon;
    for (const auto& o : outlines) {
        min_lon = std::min(min_lon, o.min_lon);
        min_lat = std::min(min_lat, o.min_lat);
        max_lon = std::max(max_lon, o.max_lon);
        max_lat = std::max(max_lat, o.max_lat);
    }
    // Equirectangular: x = lon·cos(φ0), y = −lat; the path data is in degrees (y already negated by
    // AsSVG), so the scale goes into a transform and the viewBox is the projected extent.
    const double k = std::cos((min_lat + max_lat) / 2 * M_PI / 180);
    const double w = std::max(1e-9, (max_lon - min_lon) * k), h = std::max(1e-9, max_lat - min_lat);
    const double map_w = 520, map_h = std::min(600.0, map_w * h / w);
    const double scale = std::min(map_w / w, map_h / h);
    double max_v = 0;
    for (const auto& o : outlines) {
        const auto it = values.find(o.code);
        if (it != values.end()) max_v = std::max(max_v, it->second);
    }
    const std::array<const char*, 5> colors = {"#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"};
    auto class_of = [&](double v) {
        if (!(v > 0) || max_v <= 0) return 0;
        return std::clamp(int(std::ceil(v / max_v * 4)), 1, 4);
    };
    std::string svg = fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {:.0f} {:.0f}" width="{:.0f}" height="{:.0f}" )"
                                  R"(font-family="sans-serif" font-size="11" role="img">)",
                                  map_w + 200, map_h + 8, map_w + 200, map_h + 8);
    svg += fmt::format(R"~(<g transform="translate(4 4) scale({:.6f} {:.6f}) translate({:.6f} {:.6f})" stroke="#555" )~"
                       R"(stroke-width="0.8" fill-rule="evenodd">)",
                       scale * k, scale, -min_lon, max_lat);
    for (const auto& o : outlines) {
        const auto it = values.find(o.code);
        const double v = it == values.end() ? 0 : it->second;
        svg += fmt::format(R"(<path d="{}" fill="{}" vector-effect="non-scaling-stroke"><title>{} {}: {} {}</title></path>)", o.svg_path, colors[class_of(v)],
                           xml_escape(o.code), xml_escape(o.name), number_label(v), xml_escape(unit));
    }
    svg += "</g>";
    for (const auto& o : outlines) {
        const double x = 4 + ((o.min_lon + o.max_lon) / 2 - min_lon) * k * scale;
        const double y = 4 + (max_lat - (o.min_lat + o.max_lat) / 2) * scale;
        svg += fmt::format(R"(<text x="{:.1f}" y="{:.1f}" text-anchor="middle" font-weight="bold" fill="#000" )"
                           R"(stroke="#fff" stroke-width="3" paint-order="stroke">{}</text>)",
                           x, y, xml_escape(o.code));
    }
    const double lx = map_w + 24;
    svg += fmt::format(R"(<text x="{:.0f}" y="16">{}</text>)", lx, xml_escape(unit));
    for (int c = 0; c < 5; ++c) {
        const std::string label = c == 0 ? std::string("0") : fmt::format("{} – {}", number_label(max_v * (c - 1) / 4),
                                                                          number_label(max_v * c / 4));
        svg += fmt::format(R"(<rect x="{:.0f}" y="{}" width="14" height="12" fill="{}" stroke="#555" stroke-width="0.5"/>)", lx,
                           26 + c * 18, colors[c]);
        svg += fmt::format(R"(<text x="{:.0f}" y="{}">{}</text>)", lx + 20, 36 + c * 18, label);
    }
    return svg + "</svg>";
}

} // namespace cims::core
