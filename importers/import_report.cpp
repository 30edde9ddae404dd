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
                       {"operation", l.operation}, {"features", l.features}, {"already_imported", l.already_imported}});
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
            out += fmt::format("{} [{}]: {} features as {}, CRS {}\n", l.file, l.layer, l.features, l.kind,
                               l.crs.empty() ? "?" : l.crs);
    }
    out += fmt::format("accepted {}, unchanged {}, rejected {}, repaired {}, warnings {}\n", accepted, unchanged,
                       rejected.size(), repaired.size(), warnings.size());
    for (const Rejection& r : rejected)
        out += fmt::format("  rejected {} [{}] feature {}: {}{}{} — {}. Fix: {}\n", r.file, r.layer, r.fid, r.field,
                           r.value.empty() ? "" : " = ", r.value.empty() ? "" : "'" + r.value + "'", r.reason, r.fix);
    for (const Repair& r : repaired)
        out += fmt::format("  repaired {} [{}] feature {}: {}; area {:.1f} m² → {:.1f} m²\n", r.file, r.layer, r.fid,
                           r.reason, r.area_before_m2, r.area_after_m2);
    for (const Warning& w : warnings)
        out += fmt::format("  warning {} [{}]{}: {}\n", w.file, w.layer, w.fid >= 0 ? fmt::format(" feature {}", w.fid) : "",
                           w.message);
    if (!rejected.empty() && !written)
        out += "nothing was written: fix the rejected features, or use --partial to import the valid ones\n";
    return out;
}

} // namespace cims::importers
