// SPDX-License-Identifier: GPL-3.0-or-later
#include "import_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace cims::importers {

nlohmann::json ImportReport::to_json() const
{
    using nlohmann::json;
    json rej = json::array(), rep = json::array(), warn = json::array(), lay = json::array();
    for (const Rejection& r : rejected)
        rej.push_back({{"file", r.file}, {"layer", r.layer}, {"fid", r.fid}, {"field", r.field},
                       {"value", r.value}, {"reason", r.reason}, {"fix", r.fix}});
    for (const Repair& r : repaired)
        rep.push_back({{"file", r.file}, {"layer", r.layer}, {"fid", r.fid}, {"area_before_m2", r.area_before_m2},
                       {"area_after_m2", r.area_after_m2}, {"reason", r.reason}});
    for (const Warning& w : warnings)
        warn.push_back({{"file", w.file}, {"layer", w.layer}, {"fid", w.fid}, {"message", w.message}});
    for (const LayerSummary& l : layers)
        lay.push_back({{"file", l.file}, {"layer", l.layer}, {"kind", l.kind}, {"crs", l.crs},
                       {"operation", l.operation},
                       {"accuracy_m", l.accuracy_m >= 0 ? nlohmann::json(l.accuracy_m) : nlohmann::json()}, {"features", l.features}, {"already_imported", l.already_imported}});
    return json{{"accepted", accepted}, {"unchanged", unchanged}, {"rejected", rej}, {"repaired", rep},
                {"warnings", warn}, {"layers", lay}, {"written", written}};
}

std::string ImportReport::summary() const
{
    std::string out;
    for (const LayerSummary& l : layers) {
        if (l.already_imported)
            out += fmt::format("{} [{}]: already imported (same content); nothing changed\n", l.file, l.layer);
        else
            out += fmt::format("{} [{}]: {} features as {}, CRS {} ({}{})\n", l.file, l.layer, l.features, l.kind,
                               l.crs.empty() ? "?" : l.crs, l.operation,
                               l.accuracy_m >= 0 ? fmt::format(", accuracy {} m", l.accuracy_m) : std::string(", accuracy unknown"));
    }
    out += fmt::format("accepted {}, unchanged {}, rejected {}, repaired {}, warnings {}\n", accepted, unchanged,
                       rejected.size(), repaired.size(), warnings.size());
    // A terminal shows the first of each list; the JSON report (--report) has them all.
    constexpr std::size_t shown = 25;
    for (std::size_t i = 0; i < rejected.size() && i < shown; ++i) {
        const Rejection& r = rejected[i];
        out += fmt::format("  rejected {} [{}] feature {}: {}{}{} — {}. Fix: {}\n", r.file, r.layer, r.fid, r.field,
                           r.value.empty() ? "" : " = ", r.value.empty() ? "" : "'" + r.value + "'", r.reason, r.fix);
    }
    for (std::size_t i = 0; i < repaired.size() && i < shown; ++i) {
        const Repair& r = repaired[i];
        out += fmt::format("  repaired {} [{}] feature {}: {}; area {:.1f} m² → {:.1f} m²\n", r.file, r.layer, r.fid,
                           r.reason, r.area_before_m2, r.area_after_m2);
    }
    for (std::size_t i = 0; i < warnings.size() && i < shown; ++i) {
        const Warning& w = warnings[i];
        out += fmt::format("  warning {} [{}]{}: {}\n", w.file, w.layer, w.fid >= 0 ? fmt::format(" feature {}", w.fid) : "",
                           w.message);
    }
    const std::size_t hidden = (rejected.size() > shown ? rejected.size() - shown : 0) +
                               (repaired.size() > shown ? repaired.size() - shown : 0) +
                               (warnings.size() > shown ? warnings.size() - shown : 0);
    if (hidden) out += fmt::format("  … {} more lines: write them all with --report FILE.json\n", hidden);
    if (!rejected.empty() && !written)
        out += "nothing was written: fix the rejected features, or use --partial to import the valid ones\n";
    return out;
}

} // namespace cims::importers
