// SPDX-License-Identifier: GPL-3.0-or-later
#include "crs_transform.hpp"

#include "error.hpp"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "c_deleter.hpp"

namespace cims::gis {

namespace {

using context_ptr = std::unique_ptr<PJ_CONTEXT, c_deleter<proj_context_destroy>>;
using pj_ptr = std::unique_ptr<PJ, c_deleter<proj_destroy>>;

/// Keeps PROJ's last logged error: its own reason ("crs not found") reaches only the log, while the
/// error number says little ("Unknown error (code 4096)").
void keep_log(void* userdata, int level, const char* message)
{
    if (level > PJ_LOG_ERROR || !message) return;
    try {
        std::string text(message);
        if (const auto colon = text.find(": "); colon != std::string::npos && text.rfind("proj_", 0) == 0)
            text = text.substr(colon + 2);
        *static_cast<std::string*>(userdata) = std::move(text);
    } catch (...) { // never throw into PROJ
    }
}

std::string proj_message(PJ_CONTEXT* ctx, const std::string& last_log)
{
    if (!last_log.empty()) return last_log;
    const int err = proj_context_errno(ctx);
    const char* text = err ? proj_context_errno_string(ctx, err) : nullptr;
    return text ? std::string(text) : std::string("PROJ gave no reason");
}

} // namespace

struct CrsTransform::State {
    std::string last_log; // outlives the context, whose log callback writes here
    // The context is declared first so it is destroyed last, after the objects created in it.
    context_ptr ctx;
    pj_ptr op;
    std::string source_name;
    std::string operation;
    double accuracy = -1;
    bool noop = false;
    bool per_point = false;              // several candidate operations: PROJ picks one per point
    std::map<std::string, double> used;  // per_point: operation → accuracy, as sampled
    std::size_t points = 0;
    std::optional<Envelope> area_of_use;
};

CrsTransform::CrsTransform(const std::string& source_crs) : m_state(std::make_unique<State>())
{
    auto& s = *m_state;
    s.ctx.reset(proj_context_create());
    if (!s.ctx) throw CrsError("cannot create a PROJ context");
    proj_context_set_enable_network(s.ctx.get(), 0);
    proj_log_func(s.ctx.get(), &s.last_log, &keep_log);
    proj_log_level(s.ctx.get(), PJ_LOG_ERROR);

    pj_ptr source(proj_create(s.ctx.get(), source_crs.c_str()));
    if (!source)
        throw CrsError("PROJ cannot read the coordinate reference system '" + source_crs.substr(0, 200) +
                       "': " + proj_message(s.ctx.get(), s.last_log));
    if (!proj_is_crs(source.get()))
        throw CrsError("'" + source_crs.substr(0, 200) + "' is not a coordinate reference system");
    const char* name = proj_get_name(source.get());
    s.source_name = name ? name : "unnamed CRS";
    double west = 0, south = 0, east = 0, north = 0;
    if (proj_get_area_of_use(s.ctx.get(), source.get(), &west, &south, &east, &north, nullptr) && west > -1000)
        s.area_of_use = Envelope{west, south, east, north};

    pj_ptr target(proj_create(s.ctx.get(), "OGC:CRS84"));
    if (!target) throw CrsError("PROJ cannot create OGC:CRS84: " + proj_message(s.ctx.get(), s.last_log));

    pj_ptr raw(proj_create_crs_to_crs_from_pj(s.ctx.get(), source.get(), target.get(), nullptr, nullptr));
    if (!raw)
        throw CrsError("PROJ found no transformation from '" + s.source_name + "' to WGS 84: " +
                       proj_message(s.ctx.get(), s.last_log));
    // GDAL gives coordinates as (easting or longitude, northing or latitude) whatever the CRS's
    // official axis order: normalise both ends to that order.
    s.op.reset(proj_normalize_for_visualization(s.ctx.get(), raw.get()));
    if (!s.op) throw CrsError("PROJ cannot normalise the axis order: " + proj_message(s.ctx.get(), s.last_log));

    PJ_PROJ_INFO info = proj_pj_info(s.op.get());
    s.operation = info.description ? info.description : "";
    s.accuracy = info.accuracy;
    s.per_point = proj_get_type(s.op.get()) == PJ_TYPE_UNKNOWN || s.operation.rfind("unavailable", 0) == 0;
    s.noop = proj_is_equivalent_to(source.get(), target.get(), PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) == 1;
}

CrsTransform::~CrsTransform() = default;
CrsTransform::CrsTransform(CrsTransform&&) noexcept = default;
CrsTransform& CrsTransform::operator=(CrsTransform&&) noexcept = default;

const std::string& CrsTransform::source_name() const noexcept { return m_state->source_name; }
std::string CrsTransform::operation() const
{
    if (!m_state->per_point || m_state->used.empty()) return m_state->operation;
    std::string out;
    for (const auto& [name, accuracy] : m_state->used) out += (out.empty() ? "" : "; ") + name;
    return out;
}

double CrsTransform::accuracy_m() const noexcept
{
    if (!m_state->per_point) return m_state->accuracy;
    double worst = m_state->used.empty() ? -1 : 0;
    for (const auto& [name, accuracy] : m_state->used) {
        if (accuracy < 0) return -1;
        worst = std::max(worst, accuracy);
    }
    return worst;
}
bool CrsTransform::is_noop() const noexcept { return m_state->noop; }
bool CrsTransform::is_ballpark() const
{
    return operation().find("Ballpark") != std::string::npos;
}
const std::optional<Envelope>& CrsTransform::area_of_use() const noexcept { return m_state->area_of_use; }

void CrsTransform::apply(double* x, double* y, std::size_t n) const
{
    if (m_state->noop) return;
    PJ* op = m_state->op.get();
    for (std::size_t i = 0; i < n; ++i) {
        PJ_COORD c = proj_coord(x[i], y[i], 0, 0);
        PJ_COORD r = proj_trans(op, PJ_FWD, c);
        if (!std::isfinite(r.xy.x) || !std::isfinite(r.xy.y) || r.xy.x == HUGE_VAL) {
            const std::string reason = proj_message(m_state->ctx.get(), m_state->last_log);
            proj_errno_reset(op);
            throw CrsError("coordinate (" + std::to_string(x[i]) + ", " + std::to_string(y[i]) +
                           ") cannot be transformed from '" + m_state->source_name + "' to WGS 84: " + reason);
        }
        x[i] = r.xy.x;
        y[i] = r.xy.y;
        // With several candidates, note which operation PROJ used: on the first point and every
        // thousandth after (asking costs more than transforming).
        if (m_state->per_point && m_state->points++ % 1000 == 0) {
            if (PJ* used = proj_trans_get_last_used_operation(op)) {
                const PJ_PROJ_INFO used_info = proj_pj_info(used);
                m_state->used.emplace(used_info.description ? used_info.description : "unnamed operation",
                                      used_info.accuracy);
                proj_destroy(used);
            }
        }
    }
}

} // namespace cims::gis
