// SPDX-License-Identifier: GPL-3.0-or-later
#include "importer.hpp"

#include "core/audit_trail.hpp"
#include "core/ledger_writer.hpp"
#include "gis/crs_transform.hpp"
#include "gis/error.hpp"
#include "gis/vector_source.hpp"
#include "importers/plausibility.hpp"
#include "importers/text_check.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <stdexcept>
#include <unistd.h>

namespace cims::importers {

namespace fs = std::filesystem;
using core::ActivityRecord;
using core::EducationRecord;
using core::HazardRecord;
using gis::SourceFeature;
using gis::SourceLayer;
using gis::VectorSource;

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s)
{
    std::size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return s.substr(b, e - b);
}

std::string today_iso()
{
    return core::utc_timestamp().substr(0, 10); // YYYY-MM-DD
}

const std::set<std::string> hazard_fields = {"hazard_id", "status", "contam", "recorded", "parent_id", "name",
                                             "declared_m2"};
const std::set<std::string> activity_fields = {"activity_id", "hazard_id", "method",   "start_date", "end_date",
                                               "org",         "submunitions", "ap_mines", "av_mines", "other_erw",
                                               "women",       "men",       "girls",    "boys",       "disabled"};

/// Reads schema fields of one feature through the mapping profile.
class FieldReader {
public:
    FieldReader(const MappingProfile& mapping, const std::set<std::string>& layer_fields)
        : m_mapping(mapping), m_layer_fields(layer_fields)
    {
    }

    /// The schema field's value: mapped file field (or @fid), else the same-named field (or its
    /// first 10 characters, as a shapefile's DBF cuts "declared_m2" to "declared_m"), else the
    /// profile's constant. Blank text counts as absent.
    std::optional<std::string> get(const SourceFeature& f, const std::string& field) const
    {
        std::optional<std::string> value;
        const auto mapped = m_mapping.fields.find(field);
        if (mapped != m_mapping.fields.end() && mapped->second == "@fid") {
            return m_mapping.id_prefix + std::to_string(f.fid);
        }
        const std::string source = lower(mapped != m_mapping.fields.end() ? mapped->second : layer_name_of(field));
        if (const auto it = f.fields.find(source); it != f.fields.end() && it->second) {
            std::string t = trim(*it->second);
            if (!t.empty()) value = m_mapping.map_value(field, t);
        }
        if (!value) {
            if (const auto c = m_mapping.constants.find(field); c != m_mapping.constants.end()) value = c->second;
        }
        return value;
    }

    bool available(const std::string& field) const
    {
        const auto mapped = m_mapping.fields.find(field);
        if (mapped != m_mapping.fields.end()) return true;
        return m_layer_fields.count(layer_name_of(field)) || m_mapping.constants.count(field);
    }

private:
    /// The layer's name for an unmapped schema field: itself, or its DBF-truncated form.
    std::string layer_name_of(const std::string& field) const
    {
        if (m_layer_fields.count(field) || field.size() <= 10) return field;
        const std::string cut = field.substr(0, 10);
        return m_layer_fields.count(cut) ? cut : field;
    }

    const MappingProfile& m_mapping;
    const std::set<std::string>& m_layer_fields;
};

/// Builds records from the features of one layer, collecting rejections and repairs.
class LayerBuilder {
public:
    LayerBuilder(const std::string& file, const std::string& layer, const MappingProfile& mapping,
                 const std::set<std::string>& layer_fields, const gis::CrsTransform& transform, ImportReport& report,
                 const std::string& organisation)
        : m_file(file), m_layer(layer), m_mapping(mapping), m_reader(mapping, layer_fields), m_transform(transform),
          m_report(report), m_organisation(organisation), m_today(today_iso())
    {
    }

    bool reject(std::int64_t fid, const std::string& field, const std::string& value, const std::string& reason,
                const std::string& fix)
    {
        m_report.rejected.push_back(Rejection{m_file, m_layer, fid, field, value, reason, fix});
        return false;
    }

    bool build_hazard(const SourceFeature& f, HazardRecord& r)
    {
        if (!required_text(f, "hazard_id", r.hazard_id)) return false;
        std::string text;
        if (!required_text(f, "status", text)) return false;
        const auto status = core::parse_status(text);
        if (!status)
            return reject(f.fid, "status", text, "unknown status value",
                          "use SHA or CHA, or translate the file's values in the mapping profile's \"values\": "
                          "{\"status\": {\"" + text + "\": \"SHA\"}}");
        r.status = *status;
        if (!required_text(f, "contam", text)) return false;
        std::string bad;
        const auto mask = core::parse_contamination(text, &bad);
        if (!mask)
            return reject(f.fid, "contam", text, "unknown contamination type '" + bad + "'",
                          "use a comma-separated list of CMR, AP, AV, ERW, IED, UNKNOWN");
        r.contam_mask = *mask;
        if (!date_field(f, "recorded", true, r.recorded)) return false;
        r.parent_id = m_reader.get(f, "parent_id").value_or("");
        r.name = m_reader.get(f, "name").value_or("");
        r.organisation = m_organisation;
        if (const auto declared = m_reader.get(f, "declared_m2")) {
            char* end = nullptr;
            const double v = std::strtod(declared->c_str(), &end);
            if (end == declared->c_str() || *end || !std::isfinite(v) || v < 0)
                return reject(f.fid, "declared_m2", *declared, "not a non-negative number",
                              "give the declared area in square metres, or leave it empty");
            r.declared_m2 = v;
        }
        return geometry(f, false, r.geometry);
    }

    bool build_activity(const SourceFeature& f, ActivityRecord& r)
    {
        if (!required_text(f, "activity_id", r.activity_id)) return false;
        std::string text;
        if (!required_text(f, "method", text)) return false;
        const auto method = core::parse_method(text);
        if (!method)
            return reject(f.fid, "method", text, "unknown method value",
                          "use NTS, TS, CLEARANCE or EOD, or translate the file's values in the mapping profile's "
                          "\"values\": {\"method\": {\"" + text + "\": \"CLEARANCE\"}}");
        r.method = *method;
        r.hazard_id = m_reader.get(f, "hazard_id").value_or("");
        if (!date_field(f, "end_date", true, r.end_date)) return false;
        core::Date start;
        if (m_reader.get(f, "start_date")) {
            if (!date_field(f, "start_date", false, start)) return false;
            if (start > r.end_date)
                return reject(f.fid, "start_date", start.iso, "starts after it ends (" + r.end_date.iso + ")",
                              "check start_date and end_date");
            r.start_date = start;
        }
        r.organisation = m_reader.get(f, "org").value_or(m_organisation);
        std::int64_t* counts[] = {&r.items.submunitions, &r.items.ap_mines, &r.items.av_mines, &r.items.other_erw,
                                  &r.people.women,       &r.people.men,     &r.people.girls,    &r.people.boys,
                                  &r.people.disabled};
        const char* names[] = {"submunitions", "ap_mines", "av_mines", "other_erw", "women",
                               "men",          "girls",    "boys",     "disabled"};
        for (std::size_t i = 0; i < std::size(names); ++i)
            if (!count_field(f, names[i], *counts[i])) return false;
        return geometry(f, r.method == core::Method::EOD, r.geometry);
    }

    /// A risk education record. `regions`: code → name of the loaded regions (empty: none loaded,
    /// and any code is kept as given).
    bool build_education(const SourceFeature& f, const std::map<std::string, std::string>& regions, EducationRecord& r)
    {
        if (!required_text(f, "education_id", r.education_id)) return false;
        if (!date_field(f, "date", true, r.date)) return false;
        if (!required_text(f, "method", r.method)) return false;
        r.method = lower(r.method);
        r.organisation = m_reader.get(f, "org").value_or(m_organisation);
        r.region = m_reader.get(f, "region").value_or("");
        if (!r.region.empty() && !regions.empty() && !regions.count(r.region)) {
            std::string codes;
            for (const auto& [code, name] : regions) codes += (codes.empty() ? "" : ", ") + code;
            return reject(f.fid, "region", r.region, "no loaded region has this code",
                          "use one of the region codes (" + codes + "), translate the file's codes in the mapping "
                          "profile's \"values\": {\"region\": {\"" + r.region + "\": \"CODE\"}}, or leave it empty "
                          "and give the place as a point or polygon");
        }
        if (m_reader.get(f, "sessions")) {
            if (!count_field(f, "sessions", r.sessions)) return false;
            if (r.sessions < 1)
                return reject(f.fid, "sessions", "0", "a record stands for at least one session",
                              "give the number of sessions held, or leave it empty for one");
        }
        std::int64_t* counts[] = {&r.girls, &r.boys, &r.women, &r.men, &r.disabled};
        const char* names[] = {"girls", "boys", "women", "men", "disabled"};
        for (std::size_t i = 0; i < std::size(names); ++i)
            if (!count_field(f, names[i], *counts[i])) return false;
        // A point or polygon locates the sessions; with neither a geometry nor a region code they
        // cannot be reported in any region.
        if (!geometry(f, true, r.geometry)) return false;
        if (r.region.empty() && (r.geometry.is_null() || r.geometry.is_empty()))
            return reject(f.fid, "region", "", "the record has neither a region code nor a geometry",
                          "give the region code (field '" + m_mapping.source_of("region") +
                              "') or the place as a point or polygon");
        return true;
    }

private:
    bool required_text(const SourceFeature& f, const std::string& field, std::string& out)
    {
        const auto v = m_reader.get(f, field);
        if (!v) {
            const std::string source = m_mapping.source_of(field);
            return reject(f.fid, field, "", "required field is empty or missing",
                          source == field ? "fill in '" + field + "', or map it from another field in the mapping profile"
                                          : "fill in '" + source + "' (mapped to " + field + ")");
        }
        out = *v;
        return true;
    }

    bool date_field(const SourceFeature& f, const std::string& field, bool required, core::Date& out)
    {
        const auto v = m_reader.get(f, field);
        if (!v) {
            if (!required) return true;
            return reject(f.fid, field, "", "required date is empty or missing",
                          "fill in '" + m_mapping.source_of(field) + "' as " +
                              (m_mapping.date_format.empty() ? std::string("YYYY-MM-DD") : m_mapping.date_format));
        }
        auto d = core::parse_date(*v, m_mapping.date_format);
        if (!d) d = core::parse_iso_date(*v); // date-typed fields arrive as ISO whatever the profile says
        if (!d)
            return reject(f.fid, field, *v, "not a date",
                          "write dates as " +
                              (m_mapping.date_format.empty() ? std::string("YYYY-MM-DD")
                                                             : "'" + m_mapping.date_format + "'") +
                              ", or set \"date_format\" in the mapping profile");
        if (d->iso > m_today)
            return reject(f.fid, field, *v, "date is in the future", "check the date");
        if (d->iso < "1960-01-01")
            return reject(f.fid, field, *v, "date is before 1960", "check the date (a placeholder such as 1899-12-30?)");
        out = *d;
        return true;
    }

    bool count_field(const SourceFeature& f, const std::string& field, std::int64_t& out)
    {
        const auto v = m_reader.get(f, field);
        if (!v) return true;
        char* end = nullptr;
        const double d = std::strtod(v->c_str(), &end);
        if (end == v->c_str() || *end || !std::isfinite(d) || d < 0 || d != std::floor(d) || d > 1e12)
            return reject(f.fid, field, *v, "not a whole number of zero or more", "give a count, or leave it empty");
        out = std::int64_t(d);
        return true;
    }

    bool geometry(const SourceFeature& f, bool spot_task, gis::Geometry& out)
    {
        if (f.wkb.empty()) {
            if (spot_task) return true;
            return reject(f.fid, "geometry", "NULL", "the feature has no geometry",
                          "draw the polygon of the area, or remove the feature");
        }
        try {
            gis::Geometry g = gis::Geometry::from_wkb(f.wkb);
            if (g.has_z()) g = g.force_2d();
            const gis::GeometryKind kind = g.kind();
            if (kind == gis::GeometryKind::empty) {
                if (spot_task) return true;
                return reject(f.fid, "geometry", "EMPTY", "the geometry is empty", "draw the polygon of the area");
            }
            if (kind == gis::GeometryKind::point && !spot_task)
                return reject(f.fid, "geometry", "POINT", "a point where a polygon is required",
                              "send the polygon of the area; points are accepted only for EOD spot tasks");
            if (kind == gis::GeometryKind::line || kind == gis::GeometryKind::collection)
                if (g.polygonal().is_empty())
                    return reject(f.fid, "geometry", kind == gis::GeometryKind::line ? "LINESTRING" : "COLLECTION",
                                  "not a polygon", "send polygons or multipolygons");
            g = g.transformed(m_transform);
            if (kind == gis::GeometryKind::point) {
                out = std::move(g);
                return true;
            }
            g = g.polygonal();
            if (!g.is_valid()) {
                const std::string reason = g.invalid_reason();
                const double before = g.area_m2();
                gis::Geometry repaired = g.make_valid();
                if (repaired.is_empty())
                    return reject(f.fid, "geometry", reason, "invalid polygon that collapses to nothing when repaired",
                                  "redraw the polygon");
                m_report.repaired.push_back(Repair{m_file, m_layer, f.fid, before, repaired.area_m2(), reason});
                g = std::move(repaired);
            }
            if (g.is_empty())
                return reject(f.fid, "geometry", "EMPTY", "the geometry is empty", "draw the polygon of the area");
            out = std::move(g);
            return true;
        } catch (const gis::CrsError& e) {
            return reject(f.fid, "geometry", "", e.what(), "check the file's coordinate reference system");
        } catch (const gis::GeometryError& e) {
            return reject(f.fid, "geometry", "", e.what(), "redraw the geometry");
        }
    }

    const std::string& m_file;
    const std::string& m_layer;
    const MappingProfile& m_mapping;
    FieldReader m_reader;
    const gis::CrsTransform& m_transform;
    ImportReport& m_report;
    std::string m_organisation;
    std::string m_today;
};

/// What differs between a recorded education record and a re-imported one ("" when nothing does),
/// each as "field recorded → this file".
std::string education_differences(const EducationRecord& was, const EducationRecord& now)
{
    std::string out;
    auto differ = [&](const char* field, const std::string& a, const std::string& b) {
        if (a != b) out += (out.empty() ? "" : "; ") + fmt::format("{} '{}' recorded, '{}' in this file", field, a, b);
    };
    differ("date", was.date.iso, now.date.iso);
    differ("org", was.organisation, now.organisation);
    differ("method", was.method, now.method);
    differ("region", was.region, now.region);
    const std::pair<const char*, std::pair<std::int64_t, std::int64_t>> counts[] = {
        {"sessions", {was.sessions, now.sessions}}, {"girls", {was.girls, now.girls}}, {"boys", {was.boys, now.boys}},
        {"women", {was.women, now.women}},          {"men", {was.men, now.men}},       {"disabled", {was.disabled, now.disabled}}};
    for (const auto& [field, v] : counts) differ(field, std::to_string(v.first), std::to_string(v.second));
    const bool had = !was.geometry.is_null() && !was.geometry.is_empty();
    const bool has = !now.geometry.is_null() && !now.geometry.is_empty();
    if (had != has || (had && !was.geometry.same_shape(now.geometry, core::same_geometry_tolerance_deg)))
        out += std::string(out.empty() ? "" : "; ") + "another geometry";
    return out;
}

/// The kind a layer holds: asked for, from the mapping, or inferred from its fields.
std::string infer_kind(const ImportOptions& options, const MappingProfile& mapping, const FieldReader& reader)
{
    if (!options.kind.empty()) return options.kind;
    if (!mapping.kind.empty()) return mapping.kind;
    if (reader.available("education_id")) return "education";
    if (reader.available("activity_id") && reader.available("method")) return "activities";
    if (reader.available("hazard_id") && reader.available("status")) return "hazards";
    return "";
}

/// Records of one layer waiting to be appended, with the feature ids they came from.
struct Batch {
    std::vector<HazardRecord> hazards;
    std::vector<std::int64_t> hazard_fids;
    std::vector<ActivityRecord> activities;
    std::vector<std::int64_t> activity_fids;
    std::size_t size() const { return hazards.size() + activities.size(); }
};

/// Features are appended to the ledger in batches of this many, so memory stays bounded whatever
/// the size of the file; the replay runs once, when every file has been appended.
constexpr std::size_t batch_size = 2000;
/// Touched areas are replayed when this many wait (and at the end): an area touched again later is
/// replayed again, with the same result as a single replay.
constexpr std::size_t replay_every = 20000;

/// Streams one layer into the ledger. Layer-level problems (no CRS, unknown kind, a mapping naming
/// fields the layer lacks) reject the layer before any feature is read.
void import_layer(core::LedgerStore& store, core::LedgerWriter& writer, const std::string& file, VectorSource& source,
                  const SourceLayer& layer, const ImportOptions& options, bool layer_named, const std::string& sha,
                  ImportReport& report)
{
    const MappingProfile mapping = options.mapping.value_or(MappingProfile{});
    std::set<std::string> layer_fields;
    for (const auto& n : layer.field_names) layer_fields.insert(lower(n));
    FieldReader reader(mapping, layer_fields);
    auto reject_layer = [&](const std::string& field, const std::string& value, const std::string& reason,
                            const std::string& fix) {
        report.rejected.push_back(Rejection{file, layer.name, -1, field, value, reason, fix});
    };
    auto field_list = [&] {
        std::string fields;
        for (const auto& n : layer.field_names) fields += (fields.empty() ? "" : ", ") + n;
        return fields;
    };

    const std::string kind = infer_kind(options, mapping, reader);
    if (kind.empty()) {
        if (!layer_named && source.layers().size() > 1) {
            report.warnings.push_back(
                Warning{file, layer.name, -1, "layer skipped: its fields fit neither hazards, activities nor education"});
            return;
        }
        reject_layer("", "", "cannot tell whether the layer holds hazards, activities or education (fields: " +
                                 field_list() + ")",
                     "give --kind hazards|activities|education, or map hazard_id/status, activity_id/method or "
                     "education_id in a mapping profile");
        return;
    }
    if (kind != "hazards" && kind != "activities" && kind != "education") {
        reject_layer("kind", kind, "unknown kind", "use --kind hazards, --kind activities or --kind education");
        return;
    }
    // A CSV without any geometry column holds education records located by region code only;
    // hazardous areas and activities need their polygons (what opening would have said, and the fix).
    const bool without_geometry = !layer.missing_geometry.empty();
    if (without_geometry && kind != "education") {
        report.rejected.push_back(
            Rejection{file, "", -1, "file", file, layer.missing_geometry, "send a readable vector file (see the reason)"});
        return;
    }
    for (const auto& [field, source_field] : mapping.fields) {
        if (source_field == "@fid" || layer_fields.count(lower(source_field))) continue;
        reject_layer(field, source_field, "the mapping profile maps " + field + " to '" + source_field +
                                              "', which this layer does not have (fields: " + field_list() + ")",
                     "correct \"fields\" in the mapping profile");
        return;
    }
    std::string crs = layer.crs_definition;
    if (crs.empty()) crs = mapping.crs;
    if (crs.empty() && without_geometry) crs = "OGC:CRS84"; // nothing to transform
    if (crs.empty()) {
        reject_layer("crs", "", "the layer declares no coordinate reference system (a shapefile without .prj?)",
                     "put the .prj beside the .shp, or state the CRS in the mapping profile, e.g. \"crs\": \"EPSG:32648\"");
        return;
    }
    std::optional<gis::CrsTransform> transform;
    try {
        transform.emplace(crs);
    } catch (const gis::CrsError& e) {
        reject_layer("crs", crs.substr(0, 80), e.what(), "state a CRS PROJ knows, e.g. \"crs\": \"EPSG:32648\"");
        return;
    }

    LayerSummary summary{file, layer.name, kind, transform->source_name(), transform->operation(), -1, 0, false};
    summary.accuracy_m = transform->accuracy_m();
    if (without_geometry) summary.crs = summary.operation = "";
    if (store.find_import(sha, layer.name, kind)) {
        summary.already_imported = true;
        report.layers.push_back(summary);
        return;
    }
    const std::int64_t import_id = store.add_import(
        core::ImportInfo{file, layer.name, sha, kind, options.imported_by, options.organisation, 0, 0});

    LayerBuilder builder(file, layer.name, mapping, layer_fields, *transform, report, options.organisation);
    Plausibility plausibility(store, writer.regions(), *transform, file, layer.name, report);
    std::int64_t accepted = 0, rejected = 0, unchanged = 0;
    store.forget_seen(); // ids seen in this layer, kept in the database whatever the file's size
    std::map<std::string, std::int64_t> double_encoded; // field → values that look double-encoded
    constexpr std::int64_t double_encoded_shown = 3;    // per field; then one line with the count
    Batch batch, deferred;
    // Education records bypass the ledger: they are stored as they come, located once.
    const std::map<std::string, std::string> region_codes = kind == "education" ? store.region_names()
                                                                                : std::map<std::string, std::string>{};

    // Appends a batch; derived areas whose parent is not known yet wait in `deferred` unless final.
    auto append = [&](Batch& b, bool final) {
        std::vector<std::size_t> held;
        const core::ApplyResult applied = writer.append(b.hazards, b.activities, import_id, final ? nullptr : &held);
        for (const core::LedgerProblem& problem : applied.problems) {
            const bool hazard = problem.source == core::LedgerProblem::Source::hazard;
            const std::int64_t fid = hazard ? b.hazard_fids[problem.index] : b.activity_fids[problem.index];
            report.rejected.push_back(Rejection{file, layer.name, fid, problem.field, problem.value, problem.reason,
                                                problem.fix});
        }
        for (std::size_t i : held) {
            deferred.hazards.push_back(std::move(b.hazards[i]));
            deferred.hazard_fids.push_back(b.hazard_fids[i]);
        }
        const std::int64_t done = std::int64_t(b.size() - held.size());
        rejected += std::int64_t(applied.problems.size());
        unchanged += std::int64_t(applied.unchanged);
        accepted += done - std::int64_t(applied.problems.size()) - std::int64_t(applied.unchanged);
        b = Batch{};
    };

    const bool progress = isatty(STDERR_FILENO) == 1;
    source.read(layer.name, [&](SourceFeature&& f) {
        if (++summary.features % 10000 == 0 && progress)
            std::fprintf(stderr, "\r%s [%s]: %lld features read", file.c_str(), layer.name.c_str(),
                         static_cast<long long>(summary.features));
        for (const auto& [name, value] : f.fields)
            if (value && looks_double_encoded(*value) && ++double_encoded[name] <= double_encoded_shown)
                report.warnings.push_back(Warning{file, layer.name, f.fid, *double_encoding_warning(name, *value)});
        // An id used twice in the layer: the first stands, the others are rejected.
        auto first_use = [&](const std::string& field, const std::string& id, const std::string& fix) {
            const auto first = store.seen_before(field + ":" + id, f.fid);
            if (first)
                builder.reject(f.fid, field, id,
                               "this " + field + " appears twice in the layer (also feature " + std::to_string(*first) + ")",
                               fix);
            return !first;
        };
        bool ok = false;
        if (kind == "education") {
            EducationRecord r;
            if (builder.build_education(f, region_codes, r) &&
                first_use("education_id", r.education_id, "give every education record its own education_id")) {
                if (const auto known = store.find_education(r.education_id)) {
                    const std::string differences = education_differences(*known, r);
                    if (differences.empty()) {
                        ++unchanged;
                        return;
                    }
                    builder.reject(f.fid, "education_id", r.education_id,
                                   "education_id " + r.education_id + " is already recorded with other values (" +
                                       differences + ")",
                                   "a recorded education record is not changed by a re-import: give a different "
                                   "session its own education_id, or send the recorded values");
                    ++rejected;
                    return;
                }
                std::string home;
                if (!r.region.empty() && region_codes.count(r.region))
                    home = r.region;
                else if (!r.geometry.is_null() && !r.geometry.is_empty())
                    home = writer.regions().home_of(r.geometry);
                store.insert_education(r, import_id, home);
                ++accepted;
                ok = true;
            }
        } else if (kind == "hazards") {
            HazardRecord r;
            if (builder.build_hazard(f, r) &&
                first_use("hazard_id", r.hazard_id,
                          "give every hazardous area its own hazard_id; record later changes in a later file")) {
                plausibility.check_hazard(f.fid, r);
                batch.hazards.push_back(std::move(r));
                batch.hazard_fids.push_back(f.fid);
                ok = true;
            }
        } else {
            ActivityRecord r;
            if (builder.build_activity(f, r) && first_use("activity_id", r.activity_id, "give every activity its own id")) {
                plausibility.check_activity(f.fid, r);
                batch.activities.push_back(std::move(r));
                batch.activity_fids.push_back(f.fid);
                ok = true;
            }
        }
        if (!ok) ++rejected;
        if (batch.size() >= batch_size) append(batch, false);
        // Replay as the import goes, so what waits for the replay stays bounded too.
        if (writer.pending() >= replay_every) writer.finish();
    });
    append(batch, false);
    // Derived areas held back: retry while their parents keep arriving, then report the rest.
    for (std::size_t before = deferred.size() + 1; deferred.size() > 0 && deferred.size() < before;) {
        before = deferred.size();
        Batch retry = std::move(deferred);
        deferred = Batch{};
        append(retry, false);
    }
    if (deferred.size() > 0) {
        Batch last = std::move(deferred);
        deferred = Batch{};
        append(last, true);
    }
    if (progress && summary.features >= 10000) std::fprintf(stderr, "\n");
    // Known once the features are transformed: PROJ may pick an operation per point.
    summary.operation = transform->operation();
    summary.accuracy_m = transform->accuracy_m();
    plausibility.check_layer();
    for (const auto& [name, n] : double_encoded)
        if (n > double_encoded_shown)
            report.warnings.push_back(Warning{file, layer.name, -1,
                                              fmt::format("field '{}': {} values look double-encoded in all (the "
                                                          "first {} are listed)", name, n, double_encoded_shown)});
    store.set_import_counts(import_id, accepted + unchanged, rejected);
    report.accepted += accepted;
    report.unchanged += unchanged;
    for (const auto& w : source.take_warnings()) report.warnings.push_back(Warning{file, layer.name, -1, w});
    report.layers.push_back(summary);
}

} // namespace

std::string content_hash(const std::string& path)
{
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    crypto_hash_sha256_state state;
    crypto_hash_sha256_init(&state);
    std::vector<fs::path> parts{fs::path(path)};
    const fs::path p(path);
    if (fs::is_directory(p)) { // a file geodatabase: every file in it, by relative path, names included
        parts.clear();
        for (const auto& e : fs::recursive_directory_iterator(p))
            if (e.is_regular_file()) parts.push_back(e.path());
        std::sort(parts.begin(), parts.end());
        for (const auto& part : parts) {
            const std::string name = fs::relative(part, p).generic_string();
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(name.c_str()), name.size() + 1);
        }
    }
    if (lower(p.extension().string()) == ".shp")
        for (const char* ext : {".dbf", ".shx", ".prj", ".cpg", ".DBF", ".SHX", ".PRJ", ".CPG"}) {
            fs::path side = p;
            side.replace_extension(ext);
            if (fs::exists(side)) parts.push_back(side);
        }
    std::vector<char> buf(1 << 16);
    for (const auto& part : parts) {
        std::ifstream in(part, std::ios::binary);
        if (!in) throw std::runtime_error("cannot read '" + part.string() + "'");
        while (in) {
            in.read(buf.data(), std::streamsize(buf.size()));
            crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(buf.data()),
                                      static_cast<unsigned long long>(in.gcount()));
        }
    }
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&state, digest);
    std::string hex;
    for (unsigned char c : digest) hex += fmt::format("{:02x}", c);
    return hex;
}

namespace {

/// Replaces, in every text of the report, the path a file was read from by the name its sender
/// knows (a submission is read from a staging folder whose path must not reach the client), and
/// the staging folder itself by nothing.
void show_sent_names(ImportReport& report, const std::map<std::string, std::string>& file_names)
{
    auto scrub = [&](std::string& text) {
        for (const auto& [path, shown] : file_names) {
            if (path == shown) continue;
            for (std::size_t at; (at = text.find(path)) != std::string::npos;) text.replace(at, path.size(), shown);
            const std::string folder = std::filesystem::path(path).parent_path().string() + "/";
            if (folder.size() <= 1) continue;
            for (std::size_t at; (at = text.find(folder)) != std::string::npos;) text.replace(at, folder.size(), "");
        }
    };
    for (Rejection& r : report.rejected) {
        scrub(r.reason);
        scrub(r.value);
        scrub(r.fix);
    }
    for (Warning& w : report.warnings) scrub(w.message);
}

ImportReport import_files_as_read(core::LedgerStore& store, const std::vector<std::string>& files,
                                  const ImportOptions& options);

} // namespace

ImportReport import_files(core::LedgerStore& store, const std::vector<std::string>& files,
                          const ImportOptions& options)
{
    ImportReport report = import_files_as_read(store, files, options);
    show_sent_names(report, options.file_names);
    return report;
}

namespace {

ImportReport import_files_as_read(core::LedgerStore& store, const std::vector<std::string>& files,
                                  const ImportOptions& options)
{
    ImportReport report;
    gis::OpenOptions open_options;
    open_options.encoding = options.encoding;
    open_options.archive = options.archive;
    open_options.csv_without_geometry = true; // education may be located by region code only; others are refused per layer
    if (options.mapping) {
        open_options.csv_geometry = options.mapping->geometry;
        open_options.csv_crs = options.mapping->crs; // a CSV cannot declare its CRS: the mapping's, else CRS84
    }

    store.begin();
    try {
        core::LedgerWriter writer(store);
        for (const std::string& file : files) {
            const auto named = options.file_names.find(file);
            const std::string& shown = named == options.file_names.end() ? file : named->second;
            // A file that cannot be opened at all (unreadable, no vector format, an archive over the
            // limits) is rejected like a feature: listed with the reason, nothing written.
            std::string sha;
            std::optional<VectorSource> opened;
            try {
                sha = content_hash(file);
                opened.emplace(file, open_options);
            } catch (const std::exception& e) {
                report.rejected.push_back(Rejection{shown, "", -1, "file", shown, e.what(),
                                                    "send a readable vector file (see the reason)"});
                continue;
            }
            VectorSource& source = *opened;
            // What opening said (an index rebuilt, a CRS assumed): reported even if no layer is read.
            for (const auto& w : source.take_warnings()) report.warnings.push_back(Warning{shown, "", -1, w});
            if (options.layer.empty()) {
                for (const SourceLayer& layer : source.layers())
                    import_layer(store, writer, shown, source, layer, options, false, sha, report);
                continue;
            }
            const auto it = std::find_if(source.layers().begin(), source.layers().end(),
                                         [&](const SourceLayer& l) { return l.name == options.layer; });
            if (it == source.layers().end()) {
                std::string names;
                for (const auto& l : source.layers()) names += (names.empty() ? "" : ", ") + l.name;
                report.rejected.push_back(Rejection{shown, options.layer, -1, "layer", options.layer,
                                                    "no such layer in the file (layers: " + names + ")",
                                                    "give one of the file's layers with --layer"});
                continue;
            }
            import_layer(store, writer, shown, source, *it, options, true, sha, report);
        }
        const bool refused = !report.rejected.empty() && !options.partial;
        if (!refused) writer.finish();
        if (refused || options.dry_run) {
            store.rollback();
            report.written = false;
            if (refused) report.accepted = 0;
            return report;
        }
        report.written = true; // as the approval records it, inside the transaction
        std::vector<std::string> shown_names;
        for (const std::string& file : files) {
            const auto named = options.file_names.find(file);
            shown_names.push_back(named == options.file_names.end() ? file : named->second);
        }
        core::append_audit(store.accounts(), core::Principal{0, options.imported_by, options.organisation, core::Role::admin},
                           "import", shown_names.empty() ? "" : shown_names.front(),
                           nlohmann::json{{"files", shown_names},
                                          {"kind", options.kind},
                                          {"accepted", report.accepted},
                                          {"rejected", report.rejected.size()},
                                          {"partial", options.partial}}
                               .dump());
        if (options.before_commit) options.before_commit(report);
        store.commit();
    } catch (...) {
        store.rollback();
        throw;
    }
    return report;
}

} // namespace

std::size_t import_regions(core::LedgerStore& store, const std::string& file, const std::string& code_field,
                           const std::string& name_field, int level, const std::string& encoding, const std::string& by)
{
    gis::OpenOptions open_options;
    open_options.encoding = encoding;
    VectorSource source(file, open_options);
    if (source.layers().empty()) throw std::runtime_error("'" + file + "' has no layer");
    const SourceLayer& layer = source.layers().front();
    if (layer.crs_definition.empty())
        throw std::runtime_error("'" + file + "' [" + layer.name +
                                 "] declares no coordinate reference system: add the .prj, or convert it to GeoJSON");
    const gis::CrsTransform transform(layer.crs_definition);
    const std::string code_key = lower(code_field), name_key = lower(name_field);
    std::vector<core::Region> regions;
    std::set<std::string> codes;
    source.read(layer.name, [&](SourceFeature&& f) {
        const auto code = f.fields.find(code_key);
        const auto name = f.fields.find(name_key);
        if (code == f.fields.end() || name == f.fields.end())
            throw std::runtime_error("'" + file + "' [" + layer.name + "] has no field '" +
                                     (code == f.fields.end() ? code_field : name_field) +
                                     "': name the region code and name fields with --code-field and --name-field");
        if (!code->second || trim(*code->second).empty())
            throw std::runtime_error("'" + file + "' [" + layer.name + "] feature " + std::to_string(f.fid) +
                                     ": the region code field '" + code_field + "' is empty");
        const std::string c = trim(*code->second);
        if (!codes.insert(c).second)
            throw std::runtime_error("'" + file + "' [" + layer.name + "] feature " + std::to_string(f.fid) +
                                     ": region code '" + c + "' appears twice; codes must be unique");
        if (f.wkb.empty())
            throw std::runtime_error("'" + file + "' [" + layer.name + "] feature " + std::to_string(f.fid) +
                                     " (region " + c + ") has no geometry");
        gis::Geometry g = gis::Geometry::from_wkb(f.wkb);
        if (g.has_z()) g = g.force_2d();
        g = g.transformed(transform).polygonal();
        if (!g.is_valid()) g = g.make_valid();
        regions.push_back(core::Region{c, name->second.value_or(""), std::move(g)});
    });
    store.begin();
    try {
        store.replace_regions(regions, level);
        core::LedgerWriter(store).rebuild();
        core::append_audit(store.accounts(), core::Principal::command_line(by), "regions_loaded",
                           file, nlohmann::json{{"regions", regions.size()}, {"level", level}}.dump());
        store.commit();
    } catch (...) {
        store.rollback();
        throw;
    }
    return regions.size();
}

} // namespace cims::importers
