// SPDX-License-Identifier: GPL-3.0-or-later
// SpatialiteStore: LedgerStore on the embedded SpatiaLite database (schema/migrations).
#include "core/ledger_store.hpp"
#include "core/audit_trail.hpp"
#include "core/spatialite_accounts.hpp"
#include "core/spatialite_features.hpp"

#include "schema/database.hpp"
#include "gis/envelope_index.hpp"
#include "schema/migrator.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <unordered_map>

namespace cims::core {

namespace {

using schema::Database;
using schema::Statement;

/// A remaining area at or below this is nothing: the rounding of a difference that removed it all.
constexpr double nothing_remains_m2 = 1e-6;

EventKind parse_event_kind(const std::string& k)
{
    if (k == "recorded") return EventKind::recorded;
    if (k == "derived") return EventKind::derived;
    if (k == "status_changed") return EventKind::status_changed;
    if (k == "corrected") return EventKind::corrected;
    return EventKind::released;
}

Effect::Kind parse_effect_kind(const std::string& k)
{
    static const std::pair<const char*, Effect::Kind> kinds[] = {
        {"added", Effect::Kind::added},
        {"moved_in", Effect::Kind::moved_in},   {"moved_out", Effect::Kind::moved_out},
        {"correction", Effect::Kind::correction}, {"cancelled", Effect::Kind::cancelled},
        {"reduced", Effect::Kind::reduced},     {"cleared", Effect::Kind::cleared}};
    for (const auto& [name, kind] : kinds)
        if (k == name) return kind;
    throw std::runtime_error("unknown effect kind '" + k + "' in the database");
}

/// A 2D polygon or multipolygon in little-endian WKB as the SpatiaLite BLOB of
/// `CastToMultiPolygon(GeomFromWKB(wkb, srid))`, byte for byte (the MBR is that of the exterior
/// rings, as SpatiaLite computes it), without SpatiaLite parsing the WKB, building its own
/// geometry and writing it again. Empty when the WKB is anything else (big-endian, Z or M,
/// empty, a ring of fewer than 4 points, a non-finite coordinate): the caller then lets SpatiaLite
/// convert it.
std::string spatialite_multipolygon(std::string_view wkb, std::int32_t srid)
{
    const auto* p = reinterpret_cast<const unsigned char*>(wkb.data());
    const std::size_t size = wkb.size();
    std::size_t at = 0;
    auto u32 = [&](std::uint32_t& v) {
        if (size - at < 4) return false;
        std::memcpy(&v, p + at, 4);
        at += 4;
        return true;
    };
    auto header = [&](std::uint32_t want) {
        std::uint32_t type = 0;
        if (size - at < 5 || p[at] != 1) return false;
        ++at;
        return u32(type) && type == want;
    };
    static_assert(std::endian::native == std::endian::little);
    // A multipolygon's header, then each polygon's (with its own byte order and type); a polygon
    // is read as a multipolygon of one.
    std::uint32_t polygons = 1;
    if (size < 5 || p[0] != 1) return {};
    {
        std::uint32_t type = 0;
        at = 1;
        if (!u32(type)) return {};
        if (type == 6) {
            if (!u32(polygons) || polygons == 0) return {};
        } else if (type == 3) {
            at = 0;
        } else {
            return {};
        }
    }
    std::string out(47, '\0');
    out.reserve(size + 48);
    double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
    bool first = true;
    for (std::uint32_t i = 0; i < polygons; ++i) {
        if (!header(3)) return {};
        std::uint32_t rings = 0;
        if (!u32(rings) || rings == 0) return {};
        out.push_back(char(0x69));
        const std::uint32_t polygon_type = 3;
        out.append(reinterpret_cast<const char*>(&polygon_type), 4);
        out.append(reinterpret_cast<const char*>(&rings), 4);
        for (std::uint32_t r = 0; r < rings; ++r) {
            std::uint32_t points = 0;
            if (!u32(points) || points < 4 || (size - at) / 16 < points) return {};
            out.append(reinterpret_cast<const char*>(&points), 4);
            for (std::uint32_t k = 0; k < points; ++k) {
                double xy[2];
                std::memcpy(xy, p + at + 16 * std::size_t(k), 16);
                if (!std::isfinite(xy[0]) || !std::isfinite(xy[1])) return {};
                if (r != 0) continue;
                if (first) {
                    min_x = max_x = xy[0];
                    min_y = max_y = xy[1];
                    first = false;
                    continue;
                }
                min_x = std::min(min_x, xy[0]);
                max_x = std::max(max_x, xy[0]);
                min_y = std::min(min_y, xy[1]);
                max_y = std::max(max_y, xy[1]);
            }
            out.append(reinterpret_cast<const char*>(p + at), 16 * std::size_t(points));
            at += 16 * std::size_t(points);
        }
    }
    if (at != size) return {};
    out.push_back(char(0xFE));
    out[0] = 0x00; // start
    out[1] = 0x01; // little endian
    std::memcpy(&out[2], &srid, 4);
    const double mbr[4] = {min_x, min_y, max_x, max_y};
    std::memcpy(&out[6], mbr, 32);
    out[38] = char(0x7C); // end of the MBR
    const std::uint32_t multipolygon_type = 6;
    std::memcpy(&out[39], &multipolygon_type, 4);
    std::memcpy(&out[43], &polygons, 4);
    return out;
}

gis::Geometry geometry_column(const Statement& st, int col)
{
    if (st.is_null(col)) return {};
    return gis::Geometry::from_wkb(st.column_blob(col));
}

class SpatialiteStore final : public LedgerStore {
public:
    explicit SpatialiteStore(const std::string& path) : m_db(path, Database::Mode::open_existing)
    {
        schema::require_current(m_db);
        m_db.exec("CREATE TEMP TABLE IF NOT EXISTS replay_set (hazard_id TEXT PRIMARY KEY)");
        m_db.exec("CREATE TEMP TABLE IF NOT EXISTS replay_activities (activity_id TEXT PRIMARY KEY)");
        m_db.exec("CREATE TEMP TABLE IF NOT EXISTS import_seen (key TEXT PRIMARY KEY, fid INTEGER NOT NULL)");
    }

    void begin() override { m_db.exec("BEGIN IMMEDIATE"); }
    AccountStore& accounts() override { return *m_accounts; }
    FeatureCatalog& features() override { return *m_features; }
    void commit() override { m_db.exec("COMMIT"); }
    void rollback() override { m_db.exec("ROLLBACK"); }

    void set_setting(const std::string& key, const std::string& value) override
    {
        m_db.prepare("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(1, key)
            .bind(2, value)
            .run();
    }

    std::optional<std::string> setting(const std::string& key) override
    {
        auto st = m_db.prepare("SELECT value FROM settings WHERE key = ?");
        st.bind(1, key);
        if (st.step()) return st.column_text(0);
        return std::nullopt;
    }

    void replace_regions(const std::vector<Region>& regions, int level) override
    {
        m_db.exec("DELETE FROM regions");
        auto st = m_db.prepare(
            "INSERT INTO regions (region_code, name, level, geom) VALUES (?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))");
        for (const Region& r : regions) {
            st.bind(1, r.code).bind(2, r.name).bind(3, level).bind_blob(4, r.geometry.to_wkb());
            st.run();
        }
    }

    std::vector<Region> load_regions() override
    {
        std::vector<Region> out;
        auto st = m_db.prepare("SELECT region_code, name, AsBinary(geom) FROM regions ORDER BY region_code");
        while (st.step()) out.push_back(Region{st.column_text(0), st.column_text(1), geometry_column(st, 2)});
        return out;
    }

    std::map<std::string, std::string> region_names() override
    {
        std::map<std::string, std::string> out;
        auto st = m_db.prepare("SELECT region_code, name FROM regions");
        while (st.step()) out[st.column_text(0)] = st.column_text(1);
        return out;
    }

    std::vector<RegionOutline> region_outlines(double tolerance_fraction) override
    {
        std::vector<RegionOutline> out;
        auto extent = m_db.prepare("SELECT max(MbrMaxX(geom)) - min(MbrMinX(geom)), max(MbrMaxY(geom)) - min(MbrMinY(geom)) "
                                   "FROM regions");
        if (!extent.step() || extent.is_null(0)) return out;
        const double tolerance = std::max(extent.column_double(0), extent.column_double(1)) * tolerance_fraction;
        // CASE is lazy: without a tolerance nothing is simplified or written.
        auto st = m_db.prepare("SELECT region_code, name, level, "
                               "CASE WHEN ?1 > 0 THEN AsSVG(SimplifyPreserveTopology(geom, ?1), 0, 5) END, "
                               "MbrMinX(geom), MbrMinY(geom), MbrMaxX(geom), MbrMaxY(geom) FROM regions ORDER BY region_code");
        st.bind(1, tolerance);
        while (st.step())
            out.push_back(RegionOutline{st.column_text(0), st.column_text(1), int(st.column_int(2)),
                                        st.is_null(3) ? std::string() : st.column_text(3), st.column_double(4),
                                        st.column_double(5), st.column_double(6), st.column_double(7)});
        return out;
    }

    std::optional<std::int64_t> find_import(const std::string& sha256, const std::string& layer,
                                            const std::string& kind) override
    {
        auto st = m_db.prepare("SELECT import_id FROM imports WHERE sha256 = ? AND layer = ? AND kind = ? AND rejected = 0");
        st.bind(1, sha256).bind(2, layer).bind(3, kind);
        if (st.step()) return st.column_int(0);
        return std::nullopt;
    }

    std::int64_t add_import(const ImportInfo& info) override
    {
        m_db.prepare("INSERT INTO imports (file_name, layer, sha256, kind, imported_at, imported_by, organisation, "
                     "accepted, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, info.file_name)
            .bind(2, info.layer)
            .bind(3, info.sha256)
            .bind(4, info.kind)
            .bind(5, utc_timestamp())
            .bind(6, info.imported_by)
            .bind(7, info.organisation)
            .bind(8, info.accepted)
            .bind(9, info.rejected)
            .run();
        return m_db.last_insert_rowid();
    }

    std::optional<std::int64_t> seen_before(const std::string& key, std::int64_t fid) override
    {
        cached("INSERT OR IGNORE INTO import_seen (key, fid) VALUES (?, ?)").bind(1, key).bind(2, fid).run();
        if (m_db.changes() == 1) return std::nullopt;
        auto& st = cached("SELECT fid FROM import_seen WHERE key = ?");
        st.bind(1, key);
        std::optional<std::int64_t> earlier;
        if (st.step()) earlier = st.column_int(0);
        st.reset();
        return earlier;
    }

    void forget_seen() override { m_db.exec("DELETE FROM import_seen"); }

    void set_import_counts(std::int64_t import_id, std::int64_t accepted, std::int64_t rejected) override
    {
        cached("UPDATE imports SET accepted = ?, rejected = ? WHERE import_id = ?")
            .bind(1, accepted)
            .bind(2, rejected)
            .bind(3, import_id)
            .run();
    }

    std::int64_t add_submission(const SubmissionRecord& s, const std::vector<SubmissionFile>& files) override
    {
        m_db.prepare("INSERT INTO submissions (status, kind, layer, encoding, mapping, partial, organisation, "
                     "submitted_at, submitted_by, decided_at, decided_by, why, report) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, s.status)
            .bind(2, s.kind)
            .bind(3, s.layer)
            .bind(4, s.encoding)
            .bind(5, s.mapping)
            .bind(6, int(s.partial))
            .bind(7, s.organisation)
            .bind(8, utc_timestamp())
            .bind(9, s.submitted_by)
            .bind(10, s.status == "submitted" ? std::nullopt : std::optional<std::string>(utc_timestamp()))
            .bind(11, s.decided_by)
            .bind(12, s.why)
            .bind(13, s.report_json)
            .run();
        const std::int64_t id = m_db.last_insert_rowid();
        auto file = m_db.prepare(
            "INSERT INTO submission_files (submission_id, position, name, is_main, content) VALUES (?, ?, ?, ?, ?)");
        for (std::size_t i = 0; i < files.size(); ++i) {
            file.bind(1, id).bind(2, std::int64_t(i)).bind(3, files[i].name).bind(4, int(files[i].is_main));
            file.bind_blob(5, files[i].content);
            file.run();
        }
        return id;
    }

    std::vector<SubmissionRecord> submissions(const std::string& organisation) override
    {
        std::vector<SubmissionRecord> out;
        auto st = m_db.prepare(std::string(submission_select) +
                               (organisation.empty() ? "" : " WHERE organisation = ?") + " ORDER BY submission_id DESC");
        if (!organisation.empty()) st.bind(1, organisation);
        while (st.step()) out.push_back(read_submission(st));
        for (auto& s : out) s.file_names = file_names(s.id);
        return out;
    }

    std::optional<SubmissionRecord> submission(std::int64_t id) override
    {
        auto st = m_db.prepare(std::string(submission_select) + " WHERE submission_id = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        SubmissionRecord s = read_submission(st);
        s.file_names = file_names(id);
        return s;
    }

    std::vector<SubmissionFile> submission_files(std::int64_t id) override
    {
        std::vector<SubmissionFile> out;
        auto st = m_db.prepare("SELECT name, is_main, content FROM submission_files WHERE submission_id = ? ORDER BY position");
        st.bind(1, id);
        while (st.step()) out.push_back(SubmissionFile{st.column_text(0), st.column_int(1) != 0, st.column_blob(2)});
        return out;
    }

    bool decide_submission(std::int64_t id, const std::string& status, const std::string& by, const std::string& why,
                           const std::string& report_json) override
    {
        m_db.prepare("UPDATE submissions SET status = ?, decided_at = ?, decided_by = ?, why = ?, report = ? "
                     "WHERE submission_id = ? AND status = 'submitted'")
            .bind(1, status)
            .bind(2, utc_timestamp())
            .bind(3, by)
            .bind(4, why.empty() ? std::optional<std::string>() : std::optional<std::string>(why))
            .bind(5, report_json)
            .bind(6, id)
            .run();
        return m_db.changes() == 1;
    }

    std::optional<KnownHazard> find_hazard(const std::string& hazard_id) override
    {
        auto& st = cached("SELECT hazard_id, coalesce(parent_id, ''), contam_mask FROM hazards WHERE hazard_id = ?");
        st.bind(1, hazard_id);
        if (!st.step()) return std::nullopt;
        KnownHazard k{st.column_text(0), st.column_text(1), ContamMask(st.column_int(2)), {}};
        st.reset();
        auto& ev = cached("SELECT event_id, kind, hazard_id, parent_id, status, valid_date, AsBinary(geom) "
                               "FROM ledger_events WHERE hazard_id = ? AND kind <> 'released'");
        ev.bind(1, hazard_id);
        while (ev.step()) k.events.push_back(read_hazard_event(ev));
        ev.reset();
        std::sort(k.events.begin(), k.events.end(), [](const HazardEvent& a, const HazardEvent& b) {
            return std::tie(a.date, a.kind, a.event_id) < std::tie(b.date, b.kind, b.event_id);
        });
        return k;
    }

    void insert_hazard(const HazardRecord& r, std::int64_t import_id) override
    {
        cached("INSERT INTO hazards (hazard_id, name, contamination, contam_mask, declared_m2, parent_id, "
               "organisation, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, r.hazard_id)
            .bind(2, r.name)
            .bind(3, format_contamination(r.contam_mask))
            .bind(4, std::int64_t(r.contam_mask))
            .bind(5, r.declared_m2)
            .bind(6, r.parent_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.parent_id))
            .bind(7, r.organisation)
            .bind(8, import_id)
            .run();
    }

    std::optional<KnownActivity> find_activity(const std::string& activity_id) override
    {
        auto& st = cached("SELECT activity_id, coalesce(hazard_id, ''), method, end_date, AsBinary(geom) "
                          "FROM activities WHERE activity_id = ?");
        st.bind(1, activity_id);
        if (!st.step()) return std::nullopt;
        KnownActivity known{st.column_text(0), st.column_text(1), *parse_method(st.column_text(2)),
                            Date{st.column_text(3)}, st.column_blob(4)};
        st.reset();
        return known;
    }

    void insert_activity(const ActivityRecord& r, std::int64_t import_id, const std::string& located_region) override
    {
        auto& st = cached(
            "INSERT INTO activities (activity_id, hazard_id, method, start_date, end_date, organisation, submunitions, "
            "ap_mines, av_mines, other_erw, area_m2, import_id, located_region, items_region, geom) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))");
        st.bind(1, r.activity_id)
            .bind(2, r.hazard_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.hazard_id))
            .bind(3, to_string(r.method))
            .bind(4, r.start_date ? std::optional<std::string>(r.start_date->iso) : std::nullopt)
            .bind(5, r.end_date.iso)
            .bind(6, r.organisation)
            .bind(7, r.items.submunitions)
            .bind(8, r.items.ap_mines)
            .bind(9, r.items.av_mines)
            .bind(10, r.items.other_erw)
            .bind(11, r.geometry.area_m2())
            .bind(12, import_id)
            .bind(13, located_region)
            .bind(14, located_region);
        if (r.geometry.is_empty())
            st.bind_null(15);
        else
            st.bind_blob(15, r.geometry.to_wkb());
        st.run();

        const PeopleCounts& p = r.people;
        const struct {
            const char *sex, *age, *disability;
            std::int64_t n;
        } rows[] = {{"female", "adult", "any", p.women}, {"male", "adult", "any", p.men},
                    {"female", "child", "any", p.girls}, {"male", "child", "any", p.boys},
                    {"any", "any", "with", p.disabled}};
        auto& people = cached(
            "INSERT INTO people_counts (activity_id, sex, age_group, disability, people) VALUES (?, ?, ?, ?, ?)");
        for (const auto& row : rows) {
            if (row.n == 0) continue;
            people.bind(1, r.activity_id).bind(2, row.sex).bind(3, row.age).bind(4, row.disability).bind(5, row.n);
            people.run();
        }
    }

    std::optional<EducationRecord> find_education(const std::string& education_id) override
    {
        auto& st = cached("SELECT education_id, date, coalesce(organisation, ''), method, region_code, sessions, girls, "
                          "boys, women, men, disabled, AsBinary(geom) FROM education WHERE education_id = ?");
        st.bind(1, education_id);
        if (!st.step()) return std::nullopt;
        EducationRecord r;
        r.education_id = st.column_text(0);
        r.date = Date{st.column_text(1)};
        r.organisation = st.column_text(2);
        r.method = st.column_text(3);
        r.region = st.column_text(4);
        r.sessions = st.column_int(5);
        r.girls = st.column_int(6);
        r.boys = st.column_int(7);
        r.women = st.column_int(8);
        r.men = st.column_int(9);
        r.disabled = st.column_int(10);
        r.geometry = geometry_column(st, 11);
        st.reset();
        return r;
    }

    void insert_education(const EducationRecord& r, std::int64_t import_id, const std::string& home_region) override
    {
        auto& st = cached("INSERT INTO education (education_id, date, organisation, method, region_code, sessions, "
                          "girls, boys, women, men, disabled, import_id, home_region, geom) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, GeomFromWKB(?, 4326))");
        st.bind(1, r.education_id)
            .bind(2, r.date.iso)
            .bind(3, r.organisation)
            .bind(4, r.method)
            .bind(5, r.region)
            .bind(6, r.sessions)
            .bind(7, r.girls)
            .bind(8, r.boys)
            .bind(9, r.women)
            .bind(10, r.men)
            .bind(11, r.disabled)
            .bind(12, import_id)
            .bind(13, home_region);
        if (r.geometry.is_null() || r.geometry.is_empty())
            st.bind_null(14);
        else
            st.bind_blob(14, r.geometry.to_wkb());
        st.run();
    }

    void relocate_education(const RegionIndex& regions) override
    {
        // The given code when it names a loaded region, else the location's region, else "".
        const std::map<std::string, std::string> names = region_names();
        auto read = m_db.prepare("SELECT education_id, region_code, AsBinary(geom) FROM education");
        auto write = m_db.prepare("UPDATE education SET home_region = ?1 WHERE education_id = ?2 AND home_region <> ?1");
        std::vector<std::pair<std::string, std::string>> located;
        while (read.step()) {
            const std::string code = read.column_text(1);
            std::string home;
            if (!code.empty() && names.count(code))
                home = code;
            else if (!read.is_null(2))
                home = regions.home_of(geometry_column(read, 2));
            located.emplace_back(read.column_text(0), std::move(home));
        }
        for (const auto& [id, region] : located) {
            write.bind(1, region).bind(2, id);
            write.run();
        }
    }

    std::int64_t append_hazard_event(const HazardEvent& e, std::int64_t import_id) override
    {
        auto& st = cached("INSERT INTO ledger_events (kind, hazard_id, parent_id, status, valid_date, recorded_at, "
                               "import_id, geom) VALUES (?, ?, ?, ?, ?, ?, ?, CastToMultiPolygon(GeomFromWKB(?, 4326)))");
        st.bind(1, to_string(e.kind))
            .bind(2, e.hazard_id)
            .bind(3, e.parent_id.empty() ? std::optional<std::string>() : std::optional<std::string>(e.parent_id))
            .bind(4, e.status ? std::optional<std::string>(std::string(to_string(*e.status))) : std::nullopt)
            .bind(5, e.date.iso)
            .bind(6, utc_timestamp())
            .bind(7, import_id);
        if (e.geometry.is_null())
            st.bind_null(8);
        else
            st.bind_blob(8, e.geometry.to_wkb());
        st.run();
        return m_db.last_insert_rowid();
    }

    std::int64_t append_release_event(const std::string& activity_id, const std::string& hazard_id, const Date& date,
                                      std::int64_t import_id) override
    {
        cached("INSERT INTO ledger_events (kind, hazard_id, activity_id, valid_date, recorded_at, import_id) "
               "VALUES ('released', ?, ?, ?, ?, ?)")
            .bind(1, hazard_id.empty() ? std::optional<std::string>() : std::optional<std::string>(hazard_id))
            .bind(2, activity_id)
            .bind(3, date.iso)
            .bind(4, utc_timestamp())
            .bind(5, import_id)
            .run();
        return m_db.last_insert_rowid();
    }

    std::vector<std::pair<std::string, std::string>> open_hazards_near(const gis::Envelope& box) override
    {
        std::vector<std::pair<std::string, std::string>> out;
        auto& st = cached("SELECT h.hazard_id, AsBinary(h.remaining) FROM idx_hazards_remaining r "
                          "CROSS JOIN hazards h ON h.rowid = r.pkid "
                          "WHERE r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ? AND h.remaining_m2 >= ?");
        st.bind(1, box.max_x).bind(2, box.min_x).bind(3, box.max_y).bind(4, box.min_y).bind(5, closed_below_m2);
        while (st.step()) out.emplace_back(st.column_text(0), st.column_blob(1));
        st.reset();
        return out;
    }

    std::set<std::string> hazards_near(const gis::Envelope& box) override
    {
        std::set<std::string> out;
        auto& st = cached(
            "SELECT DISTINCT e.hazard_id FROM idx_ledger_events_geom r CROSS JOIN ledger_events e ON e.event_id = r.pkid "
            "WHERE r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ? AND e.hazard_id IS NOT NULL");
        st.bind(1, box.max_x).bind(2, box.min_x).bind(3, box.max_y).bind(4, box.min_y);
        while (st.step()) out.insert(st.column_text(0));
        st.reset();
        return out;
    }

    std::set<std::string> children_of(const std::set<std::string>& ids) override
    {
        fill_set(ids);
        std::set<std::string> out;
        auto st = m_db.prepare("SELECT hazard_id FROM hazards WHERE parent_id IN (SELECT hazard_id FROM replay_set)");
        while (st.step()) out.insert(st.column_text(0));
        return out;
    }

    std::set<std::string> parents_of(const std::set<std::string>& ids) override
    {
        fill_set(ids);
        std::set<std::string> out;
        auto st = m_db.prepare("SELECT parent_id FROM hazards WHERE hazard_id IN (SELECT hazard_id FROM replay_set) "
                               "AND parent_id IS NOT NULL");
        while (st.step()) out.insert(st.column_text(0));
        return out;
    }

    std::set<std::string> all_hazard_ids() override
    {
        std::set<std::string> out;
        auto st = m_db.prepare("SELECT hazard_id FROM hazards");
        while (st.step()) out.insert(st.column_text(0));
        return out;
    }

    void load_facts(const std::set<std::string>& ids, LedgerFacts& facts) override
    {
        fill_set(ids);
        {
            auto st = m_db.prepare("SELECT hazard_id, coalesce(parent_id, ''), contam_mask FROM hazards "
                                   "WHERE hazard_id IN (SELECT hazard_id FROM replay_set)");
            while (st.step()) {
                HazardFacts& h = facts.hazards[st.column_text(0)];
                h.hazard_id = st.column_text(0);
                h.parent_id = st.column_text(1);
                h.contam_mask = ContamMask(st.column_int(2));
            }
        }
        {
            auto st = m_db.prepare("SELECT event_id, kind, hazard_id, parent_id, status, valid_date, AsBinary(geom) "
                                   "FROM ledger_events WHERE hazard_id IN (SELECT hazard_id FROM replay_set) "
                                   "AND kind <> 'released' ORDER BY event_id");
            while (st.step()) {
                HazardEvent e = read_hazard_event(st);
                auto it = facts.hazards.find(e.hazard_id);
                if (it != facts.hazards.end()) it->second.events.push_back(std::move(e));
            }
        }
        {
            // A child leaves its parent once: at its first derived event.
            auto st = m_db.prepare("SELECT event_id, kind, hazard_id, parent_id, status, valid_date, AsBinary(geom) "
                                   "FROM ledger_events WHERE kind = 'derived' AND parent_id IN "
                                   "(SELECT hazard_id FROM replay_set) ORDER BY hazard_id, valid_date, event_id");
            std::string last_child;
            while (st.step()) {
                if (st.column_text(2) == last_child) continue;
                facts.events.push_back(read_hazard_event(st));
                last_child = facts.events.back().hazard_id;
                facts.hazards[facts.events.back().parent_id].children.push_back(&facts.events.back());
            }
        }
        std::map<std::int64_t, const ReleaseEvent*> releases;
        auto add_release = [&](Statement& st) -> const ReleaseEvent* {
            const std::int64_t id = st.column_int(0);
            if (auto it = releases.find(id); it != releases.end()) return it->second;
            ReleaseEvent r;
            r.event_id = id;
            r.activity_id = st.column_text(1);
            r.hazard_id = st.column_text(2);
            r.method = *parse_method(st.column_text(3));
            r.date = Date{st.column_text(4)};
            r.geometry = geometry_column(st, 5);
            r.area_m2 = st.column_double(6);
            facts.releases.push_back(std::move(r));
            releases[id] = &facts.releases.back();
            return &facts.releases.back();
        };
        {
            auto st = m_db.prepare("SELECT e.event_id, a.activity_id, a.hazard_id, a.method, e.valid_date, AsBinary(a.geom), a.area_m2 "
                                   "FROM ledger_events e JOIN activities a ON a.activity_id = e.activity_id "
                                   "WHERE e.kind = 'released' AND e.hazard_id IN (SELECT hazard_id FROM replay_set)");
            while (st.step()) {
                const ReleaseEvent* r = add_release(st);
                facts.hazards[r->hazard_id].releases.push_back(r);
            }
        }
        // Spatially linked releases whose box meets any geometry the area ever had. The R-tree
        // must drive the join (CROSS JOIN fixes the order), or SQLite scans every linked activity.
        std::vector<std::pair<HazardFacts*, gis::Envelope>> boxes;
        for (auto& [id, h] : facts.hazards) {
            if (!ids.count(id)) continue;
            std::optional<gis::Envelope> box;
            for (const HazardEvent& e : h.events) {
                if (e.geometry.is_empty()) continue;
                const gis::Envelope env = e.geometry.envelope();
                if (box)
                    box->expand(env);
                else
                    box = env;
            }
            if (box) boxes.emplace_back(&h, *box);
        }
        const std::string select =
            "SELECT e.event_id, a.activity_id, '', a.method, e.valid_date, AsBinary(a.geom), a.area_m2 ";
        if (boxes.size() <= 1000) {
            auto spatial = m_db.prepare(select +
                                        "FROM idx_activities_geom r CROSS JOIN activities a ON a.rowid = r.pkid "
                                        "CROSS JOIN ledger_events e ON e.activity_id = a.activity_id AND e.kind = 'released' "
                                        "WHERE r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ? AND a.hazard_id IS NULL");
            for (auto& [h, box] : boxes) {
                spatial.bind(1, box.max_x).bind(2, box.min_x).bind(3, box.max_y).bind(4, box.min_y);
                while (spatial.step()) h->releases.push_back(add_release(spatial));
                spatial.reset();
            }
            return;
        }
        // Many areas (a rebuild): read every linked release once and match boxes in memory.
        auto spatial = m_db.prepare(select + "FROM ledger_events e JOIN activities a ON a.activity_id = e.activity_id "
                                             "WHERE e.kind = 'released' AND a.hazard_id IS NULL");
        std::vector<const ReleaseEvent*> linked;
        gis::EnvelopeIndex index;
        while (spatial.step()) {
            const ReleaseEvent* r = add_release(spatial);
            if (r->geometry.is_empty()) continue;
            index.insert(r->geometry.envelope(), linked.size());
            linked.push_back(r);
        }
        if (linked.empty()) return;
        for (auto& [h, box] : boxes)
            for (std::size_t i : index.query(box)) h->releases.push_back(linked[i]);
    }

    void write_replay(const std::set<std::string>& ids, const ReplayResult& replayed, bool whole_ledger) override
    {
        // Rows sorted by area go into the hazard-keyed indexes in order, which SQLite appends fast.
        // Pointers are sorted, not copies of the rows (their parts and ids).
        std::vector<const Effect*> effects;
        effects.reserve(replayed.effects.size());
        for (const Effect& e : replayed.effects)
            if (ids.count(e.hazard_id)) effects.push_back(&e);
        std::vector<const Credit*> credits;
        credits.reserve(replayed.credits.size());
        for (const Credit& c : replayed.credits)
            if (ids.count(c.hazard_id)) credits.push_back(&c);
        std::stable_sort(effects.begin(), effects.end(),
                         [](const Effect* a, const Effect* b) { return a->hazard_id < b->hazard_id; });
        std::stable_sort(credits.begin(), credits.end(), [](const Credit* a, const Credit* b) {
            return std::tie(a->hazard_id, a->activity_id) < std::tie(b->hazard_id, b->activity_id);
        });
        // A rebuild rewrites every credit: SpatiaLite's per-row triggers on release_credits.geom (the
        // type and SRID check, and the time stamps of geometry_columns_time, an UPDATE per row) are
        // dropped in this transaction and created again from their own SQL once the rows are in; the
        // parts written are multipolygons in SRID 4326 by construction, and the time stamps are set
        // once. Without a delete trigger the DELETE empties the table at once.
        std::vector<std::string> suspended;
        if (whole_ledger) {
            suspended = drop_schema_objects("trigger", "release_credits", "name GLOB 'gg[iu]_*' OR name GLOB 'tm[iud]_*'");
            m_db.exec("DELETE FROM ledger_effects");
            m_db.exec("DELETE FROM release_credits");
        } else {
            fill_set(ids);
            move_totals("-");
            m_db.exec("DELETE FROM ledger_effects WHERE hazard_id IN (SELECT hazard_id FROM replay_set)");
            m_db.exec("DELETE FROM release_credits WHERE hazard_id IN (SELECT hazard_id FROM replay_set)");
        }
        auto effect = m_db.prepare("INSERT INTO ledger_effects (event_id, hazard_id, valid_date, year, region_code, "
                                   "status, contam_mask, kind, area_m2, remaining_m2, open_delta, closed) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        for (const Effect* row : effects) {
            const Effect& e = *row;
            effect.bind(1, e.event_id)
                .bind(2, e.hazard_id)
                .bind(3, e.date.iso)
                .bind(4, e.date.year())
                .bind(5, e.region)
                .bind(6, to_string(e.status))
                .bind(7, std::int64_t(e.contam_mask))
                .bind(8, to_string(e.kind))
                .bind(9, e.area_m2)
                .bind(10, e.remaining_m2)
                .bind(11, e.open_delta)
                .bind(12, e.closed);
            effect.run();
        }
        if (!whole_ledger) move_totals("+");
        // Parts go in as SpatiaLite BLOBs made here (?9), else through SpatiaLite's own conversion (?8).
        auto credit = m_db.prepare("INSERT INTO release_credits (event_id, activity_id, hazard_id, release_kind, "
                                   "valid_date, credited_m2, outside_m2, geom) "
                                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                                   "CASE WHEN ?9 IS NOT NULL THEN ?9 ELSE CastToMultiPolygon(GeomFromWKB(?8, 4326)) END)");
        std::string blob;
        for (const Credit* row : credits) {
            const Credit& c = *row;
            credit.bind(1, c.event_id)
                .bind(2, c.activity_id)
                .bind(3, c.hazard_id)
                .bind(4, to_string(c.kind))
                .bind(5, c.date.iso)
                .bind(6, c.credited_m2)
                .bind(7, c.outside_m2);
            blob = c.part_wkb.empty() ? std::string() : spatialite_multipolygon(c.part_wkb, 4326);
            if (!blob.empty()) {
                credit.bind_null(8).bind_blob(9, blob);
            } else {
                credit.bind_null(9);
                if (c.part_wkb.empty())
                    credit.bind_null(8);
                else
                    credit.bind_blob(8, c.part_wkb);
            }
            credit.run();
        }
        if (whole_ledger) {
            for (const auto& sql : suspended) m_db.exec(sql);
            m_db.exec("UPDATE geometry_columns_time SET last_insert = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), "
                      "last_delete = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                      "WHERE Lower(f_table_name) = 'release_credits' AND Lower(f_geometry_column) = 'geom'");
        }
        // A rebuild rewrites every area's remaining geometry: SpatiaLite's per-row index triggers
        // are switched off and the R-tree is built again in one pass afterwards.
        if (whole_ledger) {
            m_db.exec("SELECT DisableSpatialIndex('hazards', 'remaining')");
            m_db.exec("DROP TABLE IF EXISTS idx_hazards_remaining");
        }
        auto state = m_db.prepare("UPDATE hazards SET home_region = ?1, status = ?2, recorded_on = ?3, remaining_m2 = ?4, "
                                  "closed_on = ?5, remaining = CASE WHEN ?8 IS NOT NULL THEN ?8 ELSE "
                                  "CastToMultiPolygon(GeomFromWKB(?6, 4326)) END WHERE hazard_id = ?7");
        for (const HazardState& s : replayed.states) {
            if (!ids.count(s.hazard_id)) continue;
            state.bind(1, s.home_region)
                .bind(2, to_string(s.status))
                .bind(3, s.recorded_on.iso)
                .bind(4, s.remaining_m2)
                .bind(5, s.closed_on ? std::optional<std::string>(s.closed_on->iso) : std::nullopt);
            blob = s.remaining_wkb.empty() ? std::string() : spatialite_multipolygon(s.remaining_wkb, 4326);
            if (!blob.empty()) {
                state.bind_null(6).bind_blob(8, blob);
            } else {
                state.bind_null(8);
                if (s.remaining_wkb.empty())
                    state.bind_null(6);
                else
                    state.bind_blob(6, s.remaining_wkb);
            }
            state.bind(7, s.hazard_id);
            state.run();
        }
        if (whole_ledger) {
            m_db.exec("SELECT CreateSpatialIndex('hazards', 'remaining')");
            auto check = m_db.prepare("SELECT spatial_index_enabled FROM geometry_columns "
                                      "WHERE f_table_name = 'hazards' AND f_geometry_column = 'remaining'");
            if (!check.step() || check.column_int(0) != 1)
                throw schema::StorageError("the spatial index of hazards.remaining could not be rebuilt", 1);
        }
    }

    void attribute_items(const std::set<std::string>& hazard_ids, const std::set<std::string>& activity_ids,
                         bool all) override
    {
        fill_set(hazard_ids);
        m_db.exec("DELETE FROM replay_activities");
        auto ins = m_db.prepare("INSERT OR IGNORE INTO replay_activities (activity_id) VALUES (?)");
        for (const auto& id : activity_ids) {
            ins.bind(1, id);
            ins.run();
        }
        // Explicit hazard: that area's region and contamination. Linked spatially: the first linked
        // area's region (by id) and the union of their contamination. Neither: where it lies, and
        // mask 0, which every contamination filter includes (EOD spot tasks count everywhere).
        const std::string linked = "FROM release_credits c JOIN hazards h ON h.hazard_id = c.hazard_id "
                                   "WHERE c.activity_id = activities.activity_id";
        std::string mask_union = "SELECT max(h.contam_mask & 1)";
        for (int bit = 2; bit <= 32; bit *= 2) mask_union += " | max(h.contam_mask & " + std::to_string(bit) + ")";
        std::string sql =
            "UPDATE activities SET "
            "items_region = CASE WHEN hazard_id IS NOT NULL THEN coalesce((SELECT home_region FROM hazards h WHERE "
            "h.hazard_id = activities.hazard_id), located_region) ELSE coalesce((SELECT h.home_region " +
            linked + " ORDER BY c.hazard_id LIMIT 1), located_region) END, "
                     "items_mask = CASE WHEN hazard_id IS NOT NULL THEN coalesce((SELECT contam_mask FROM hazards h "
                     "WHERE h.hazard_id = activities.hazard_id), 0) ELSE coalesce((" +
            mask_union + " " + linked + "), 0) END";
        if (all) {
            // Every activity is rewritten: SpatiaLite's time-stamp trigger (an UPDATE of
            // geometry_columns_time per row) and the index of items destroyed are dropped for the
            // statement and created again after it; the stamp is set once.
            const auto triggers = drop_schema_objects("trigger", "activities", "name GLOB 'tmu_*'");
            const auto indexes = drop_schema_objects("index", "activities", "name = 'idx_activities_items'");
            m_db.exec(sql);
            for (const auto& create : indexes) m_db.exec(create);
            for (const auto& create : triggers) m_db.exec(create);
            if (!triggers.empty())
                m_db.exec("UPDATE geometry_columns_time SET last_update = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
                          "WHERE Lower(f_table_name) = 'activities' AND Lower(f_geometry_column) = 'geom'");
            return;
        }
        // Two statements: each can use its index, where an OR of the two would scan every activity.
        m_db.exec(sql + " WHERE activity_id IN (SELECT activity_id FROM replay_activities)");
        m_db.exec(sql + " WHERE hazard_id IN (SELECT hazard_id FROM replay_set)");
    }

    void relocate_activities(const RegionIndex& regions) override
    {
        if (regions.empty()) {
            m_db.exec("UPDATE activities SET located_region = '' WHERE located_region <> ''");
            return;
        }
        auto read = m_db.prepare("SELECT activity_id, AsBinary(geom) FROM activities WHERE geom IS NOT NULL");
        auto write = m_db.prepare("UPDATE activities SET located_region = ?1 WHERE activity_id = ?2 AND located_region <> ?1");
        std::vector<std::pair<std::string, std::string>> located;
        while (read.step()) located.emplace_back(read.column_text(0), regions.home_of(geometry_column(read, 1)));
        for (const auto& [id, region] : located) {
            write.bind(1, region).bind(2, id);
            write.run();
        }
    }

    void refresh_totals() override
    {
        m_db.exec("DELETE FROM stratum_totals");
        m_db.exec("INSERT INTO stratum_totals (region_code, status, contam_mask, year, kind, area_m2, remaining_m2, "
                  "open_delta, closed) SELECT region_code, status, contam_mask, year, kind, sum(area_m2), "
                  "sum(remaining_m2), sum(open_delta), sum(closed) "
                  "FROM ledger_effects GROUP BY region_code, status, contam_mask, year, kind");
    }

    std::vector<StratumTotal> totals(int last_year, ContamMask mask) override
    {
        std::vector<StratumTotal> out;
        auto st = m_db.prepare("SELECT region_code, status, year, kind, sum(area_m2), sum(remaining_m2), "
                               "sum(open_delta), sum(closed) "
                               "FROM stratum_totals WHERE year <= ? AND (contam_mask & ?) <> 0 "
                               "GROUP BY region_code, status, year, kind");
        st.bind(1, last_year).bind(2, std::int64_t(mask));
        while (st.step())
            out.push_back(StratumTotal{st.column_text(0), *parse_status(st.column_text(1)), int(st.column_int(2)),
                                       parse_effect_kind(st.column_text(3)), st.column_double(4), st.column_double(5),
                                       st.column_int(6), st.column_int(7)});
        return out;
    }

    std::vector<RegionItems> items_destroyed(int year, ContamMask mask) override
    {
        std::vector<RegionItems> out;
        auto st = m_db.prepare("SELECT items_region, sum(submunitions), sum(ap_mines), sum(av_mines), sum(other_erw) "
                               "FROM activities WHERE end_date >= ? AND end_date <= ? "
                               "AND (items_mask = 0 OR (items_mask & ?) <> 0) GROUP BY items_region");
        st.bind(1, std::to_string(year) + "-01-01").bind(2, std::to_string(year) + "-12-31").bind(3, std::int64_t(mask));
        while (st.step())
            out.push_back(RegionItems{st.column_text(0),
                                      ItemsDestroyed{st.column_int(1), st.column_int(2), st.column_int(3), st.column_int(4)}});
        return out;
    }

    std::vector<std::string> hazards_remaining_at(const Date& date, const std::string& after, std::size_t limit) override
    {
        // The index on hazard_id drives the grouping, so a page stops after `limit` areas.
        std::vector<std::string> out;
        auto& st = cached("SELECT hazard_id FROM ledger_effects WHERE hazard_id > ? AND valid_date <= ? "
                          "GROUP BY hazard_id HAVING sum(remaining_m2) > ? ORDER BY hazard_id LIMIT ?");
        st.bind(1, after).bind(2, date.iso).bind(3, nothing_remains_m2).bind(4, std::int64_t(limit));
        while (st.step()) out.push_back(st.column_text(0));
        st.reset();
        return out;
    }

    std::map<std::string, HazardAttributes> hazard_attributes(const std::set<std::string>& ids) override
    {
        std::map<std::string, HazardAttributes> out;
        auto& st = cached("SELECT hazard_id, coalesce(name, ''), contamination, home_region FROM hazards WHERE hazard_id = ?");
        for (const std::string& id : ids) {
            st.bind(1, id);
            if (st.step())
                out[id] = HazardAttributes{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3)};
            st.reset();
        }
        return out;
    }

    void released_parts(const Date& up_to, const std::function<void(const ReleasedPart&)>& visit) override
    {
        auto st = m_db.prepare("SELECT c.activity_id, c.hazard_id, a.method, c.release_kind, c.valid_date, c.credited_m2, "
                               "h.home_region, h.contamination, AsBinary(c.geom) FROM release_credits c "
                               "JOIN activities a ON a.activity_id = c.activity_id "
                               "JOIN hazards h ON h.hazard_id = c.hazard_id "
                               "WHERE c.valid_date <= ? ORDER BY c.valid_date, c.activity_id, c.hazard_id");
        st.bind(1, up_to.iso);
        ReleasedPart p;
        while (st.step()) {
            p.activity_id = st.column_text(0);
            p.hazard_id = st.column_text(1);
            p.method = *parse_method(st.column_text(2));
            const std::string kind = st.column_text(3);
            p.kind = kind == "cancelled" ? ReleaseKind::cancelled : kind == "reduced" ? ReleaseKind::reduced : ReleaseKind::cleared;
            p.date = Date{st.column_text(4)};
            p.credited_m2 = st.column_double(5);
            p.home_region = st.column_text(6);
            p.contamination = st.column_text(7);
            p.part_wkb = st.is_null(8) ? std::string() : st.column_blob(8);
            visit(p);
        }
    }

    std::vector<EducationTotal> education_totals(int year) override
    {
        std::vector<EducationTotal> out;
        auto st = m_db.prepare("SELECT home_region, method, sum(sessions), sum(girls), sum(boys), sum(women), sum(men), "
                               "sum(disabled) FROM education WHERE date >= ? AND date <= ? "
                               "GROUP BY home_region, method ORDER BY home_region, method");
        st.bind(1, std::to_string(year) + "-01-01").bind(2, std::to_string(year) + "-12-31");
        while (st.step())
            out.push_back(EducationTotal{st.column_text(0), st.column_text(1), st.column_int(2), st.column_int(3),
                                         st.column_int(4), st.column_int(5), st.column_int(6), st.column_int(7)});
        return out;
    }

    std::optional<int> latest_year() override
    {
        auto st = m_db.prepare("SELECT max(y) FROM (SELECT max(valid_date) AS y FROM ledger_events "
                               "UNION ALL SELECT max(end_date) FROM activities)");
        if (st.step() && !st.is_null(0)) return std::stoi(st.column_text(0).substr(0, 4));
        return std::nullopt;
    }

private:
    static constexpr const char* submission_select =
        "SELECT submission_id, status, kind, layer, encoding, mapping, partial, organisation, submitted_at, "
        "submitted_by, decided_at, decided_by, why, report FROM submissions";

    static SubmissionRecord read_submission(const Statement& st)
    {
        SubmissionRecord s;
        s.id = st.column_int(0);
        s.status = st.column_text(1);
        s.kind = st.column_text(2);
        s.layer = st.column_text(3);
        s.encoding = st.column_text(4);
        s.mapping = st.column_optional_text(5);
        s.partial = st.column_int(6) != 0;
        s.organisation = st.column_text(7);
        s.submitted_at = st.column_text(8);
        s.submitted_by = st.column_text(9);
        s.decided_at = st.column_optional_text(10);
        s.decided_by = st.column_optional_text(11);
        s.why = st.column_optional_text(12);
        s.report_json = st.column_text(13);
        return s;
    }

    std::vector<std::string> file_names(std::int64_t id)
    {
        std::vector<std::string> out;
        auto st = m_db.prepare("SELECT name FROM submission_files WHERE submission_id = ? ORDER BY position");
        st.bind(1, id);
        while (st.step()) out.push_back(st.column_text(0));
        return out;
    }

    HazardEvent read_hazard_event(const Statement& st)
    {
        HazardEvent e;
        e.event_id = st.column_int(0);
        e.kind = parse_event_kind(st.column_text(1));
        e.hazard_id = st.column_text(2);
        e.parent_id = st.is_null(3) ? std::string() : st.column_text(3);
        if (!st.is_null(4)) e.status = parse_status(st.column_text(4));
        e.date = Date{st.column_text(5)};
        e.geometry = geometry_column(st, 6);
        return e;
    }

    /// Drops the triggers or indexes (`type`) of `table` whose sqlite_master row meets `where`, for a
    /// bulk write in the current transaction. \returns their SQL, to run again afterwards (a
    /// rollback restores them anyway).
    std::vector<std::string> drop_schema_objects(const std::string& type, const std::string& table, const std::string& where)
    {
        auto st = m_db.prepare("SELECT name, sql FROM sqlite_master WHERE type = ?1 AND tbl_name = ?2 AND sql IS NOT NULL "
                               "AND (" + where + ") ORDER BY name");
        st.bind(1, type).bind(2, table);
        std::vector<std::string> names, sql;
        while (st.step()) {
            names.push_back(st.column_text(0));
            sql.push_back(st.column_text(1));
        }
        for (const auto& name : names) m_db.exec("DROP " + std::string(type == "index" ? "INDEX" : "TRIGGER") + " \"" + name + "\"");
        return sql;
    }

    /// Adds (sign "+") or subtracts ("-") the effects of the areas in replay_set to the totals.
    void move_totals(const char* sign)
    {
        const std::string s(sign);
        m_db.exec("INSERT INTO stratum_totals (region_code, status, contam_mask, year, kind, area_m2, remaining_m2, "
                  "open_delta, closed) SELECT region_code, status, contam_mask, year, kind, " + s + "sum(area_m2), " + s +
                  "sum(remaining_m2), " + s + "sum(open_delta), " + s + "sum(closed) FROM ledger_effects "
                  "WHERE hazard_id IN (SELECT hazard_id FROM replay_set) GROUP BY region_code, status, contam_mask, year, kind "
                  "ON CONFLICT (region_code, status, contam_mask, year, kind) DO UPDATE SET "
                  "area_m2 = area_m2 + excluded.area_m2, remaining_m2 = remaining_m2 + excluded.remaining_m2, "
                  "open_delta = open_delta + excluded.open_delta, closed = closed + excluded.closed");
    }

    void fill_set(const std::set<std::string>& ids)
    {
        m_db.exec("DELETE FROM replay_set");
        auto st = m_db.prepare("INSERT INTO replay_set (hazard_id) VALUES (?)");
        for (const auto& id : ids) {
            st.bind(1, id);
            st.run();
        }
    }

    /// A prepared statement kept for the connection's life: per-row calls (imports, bench) would
    /// otherwise spend most of their time compiling SQL. Callers bind, step and reset.
    Statement& cached(const std::string& sql)
    {
        auto it = m_statements.find(sql);
        if (it == m_statements.end()) it = m_statements.emplace(sql, m_db.prepare(sql)).first;
        it->second.reset();
        return it->second;
    }

    Database m_db;
    std::unique_ptr<AccountStore> m_accounts = make_spatialite_accounts(m_db);
    std::unique_ptr<FeatureCatalog> m_features = make_spatialite_features(m_db, *this);
    std::unordered_map<std::string, Statement> m_statements;
};

} // namespace

std::unique_ptr<LedgerStore> open_spatialite_store(const std::string& path)
{
    return std::make_unique<SpatialiteStore>(path);
}

} // namespace cims::core
