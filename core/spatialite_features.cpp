// SPDX-License-Identifier: GPL-3.0-or-later
// FeatureCatalog on SpatiaLite. Boxes are answered by the R*Tree of each geometry column
// (idx_<table>_<column>, CreateSpatialIndex in schema/migrations), joined first (CROSS JOIN fixes
// the order) so that SQLite never scans a table for a box; pages are ordered by id.
#include "core/spatialite_features.hpp"

#include "core/ledger_store.hpp"
#include "core/remaining_as_of.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <variant>

namespace cims::core {

std::string_view to_string(FeatureCollection c)
{
    switch (c) {
    case FeatureCollection::hazards: return "hazards";
    case FeatureCollection::activities: return "activities";
    case FeatureCollection::releases: return "releases";
    case FeatureCollection::regions: return "regions";
    }
    return "";
}

std::optional<FeatureCollection> parse_feature_collection(std::string_view name)
{
    for (FeatureCollection c : feature_collections)
        if (to_string(c) == name) return c;
    return std::nullopt;
}

namespace {

using schema::Statement;

/// A release's feature id: "<activity_id>@<hazard_id>", the credit's key.
constexpr char release_id_separator = '@';

enum class Type { text, integer, real };

struct Property {
    const char* name;
    const char* sql; // expression over the collection's table alias
    Type type;
};

/// The SQL of one collection. A feature row is: id, WKB (or NULL), then the properties.
struct CollectionSql {
    std::string id;       // id expression
    std::string geometry; // geometry column expression ("" = none)
    std::string table;    // "hazards h"
    std::string rtree;    // R*Tree of the geometry ("" = none)
    std::string rowid;    // what the R*Tree's pkid is ("h.rowid")
    std::string where;    // condition every feature of the collection meets ("1")
    std::vector<Property> properties;
};

const std::vector<Property> hazard_properties = {
    {"hazard_id", "h.hazard_id", Type::text},     {"name", "h.name", Type::text},
    {"status", "h.status", Type::text},           {"contamination", "h.contamination", Type::text},
    {"recorded_on", "h.recorded_on", Type::text}, {"home_region", "h.home_region", Type::text},
    {"remaining_m2", "h.remaining_m2", Type::real}, {"closed_on", "h.closed_on", Type::text},
    {"organisation", "h.organisation", Type::text}};

const std::vector<Property> activity_properties = {
    {"activity_id", "a.activity_id", Type::text},   {"hazard_id", "a.hazard_id", Type::text},
    {"method", "a.method", Type::text},             {"start_date", "a.start_date", Type::text},
    {"end_date", "a.end_date", Type::text},         {"organisation", "a.organisation", Type::text},
    {"submunitions", "a.submunitions", Type::integer}, {"ap_mines", "a.ap_mines", Type::integer},
    {"av_mines", "a.av_mines", Type::integer},      {"other_erw", "a.other_erw", Type::integer},
    {"area_m2", "a.area_m2", Type::real}};

const std::vector<Property> release_properties = {
    {"hazard_id", "c.hazard_id", Type::text},     {"activity_id", "c.activity_id", Type::text},
    {"release_kind", "c.release_kind", Type::text}, {"credited_m2", "c.credited_m2", Type::real},
    {"outside_m2", "c.outside_m2", Type::real},   {"valid_date", "c.valid_date", Type::text}};

const std::vector<Property> region_properties = {
    {"code", "g.region_code", Type::text}, {"name", "g.name", Type::text}, {"level", "g.level", Type::integer}};

/// Columns of a feature row for `sql`.
std::string select_columns(const CollectionSql& sql)
{
    std::string out = sql.id + ", " + (sql.geometry.empty() ? std::string("NULL") : "AsBinary(" + sql.geometry + ")");
    for (const Property& p : sql.properties) out += std::string(", ") + p.sql;
    return out;
}

Feature read_feature(const Statement& st, const std::vector<Property>& properties)
{
    Feature f;
    f.id = st.column_text(0);
    if (!st.is_null(1)) f.geometry_wkb = st.column_blob(1);
    f.properties.reserve(properties.size());
    for (std::size_t i = 0; i < properties.size(); ++i) {
        const int col = int(i) + 2;
        PropertyValue v;
        if (!st.is_null(col)) {
            switch (properties[i].type) {
            case Type::text: v = st.column_text(col); break;
            case Type::integer: v = st.column_int(col); break;
            case Type::real: v = st.column_double(col); break;
            }
        }
        f.properties.emplace_back(properties[i].name, std::move(v));
    }
    return f;
}

/// Resets a kept statement however its use ends: an active statement would hold the connection's
/// read snapshot (later reads would not see new imports).
struct ResetOnExit {
    Statement& statement;
    ~ResetOnExit() { statement.reset(); }
};

/// Below this, a hazardous area's remaining area summed from its effects is rounding: nothing
/// remains (the areas themselves are kept to the square centimetre at best).
constexpr double nothing_remains_m2 = 1e-6;

class SpatialiteFeatures final : public FeatureCatalog {
public:
    SpatialiteFeatures(schema::Database& db, LedgerStore& store) : m_db(db), m_store(store)
    {
        m_db.exec("CREATE TEMP TABLE IF NOT EXISTS feature_candidates (hazard_id TEXT PRIMARY KEY)");
        m_sql[FeatureCollection::hazards] = {"h.hazard_id", "h.remaining", "hazards h", "idx_hazards_remaining",
                                             "h.rowid", "h.remaining IS NOT NULL", hazard_properties};
        m_sql[FeatureCollection::activities] = {"a.activity_id", "a.geom", "activities a", "idx_activities_geom",
                                                "a.rowid", "1", activity_properties};
        m_sql[FeatureCollection::regions] = {"g.region_code", "g.geom", "regions g", "idx_regions_geom",
                                             "g.rowid", "1", region_properties};
        // The released part's geometry arrives with a later migration: use it once it is there.
        CollectionSql releases{"c.activity_id || '" + std::string(1, release_id_separator) + "' || c.hazard_id", "",
                               "release_credits c", "", "c.rowid", "1", release_properties};
        auto column = m_db.prepare("SELECT f_geometry_column, spatial_index_enabled FROM geometry_columns "
                                   "WHERE f_table_name = 'release_credits'");
        if (column.step()) {
            const std::string name = column.column_text(0);
            releases.geometry = "c." + name;
            if (column.column_int(1) == 1) releases.rtree = "idx_release_credits_" + name;
        }
        m_sql[FeatureCollection::releases] = std::move(releases);
    }

    FeaturePage items(FeatureCollection collection, const FeatureQuery& query) override
    {
        if (query.datetime && query.datetime->from && query.datetime->to && *query.datetime->to < *query.datetime->from)
            throw std::invalid_argument("the date range ends (" + query.datetime->to->iso + ") before it begins (" +
                                        query.datetime->from->iso + ")");
        if (collection == FeatureCollection::hazards && query.datetime && query.datetime->to)
            return hazards_as_of(query, *query.datetime->to);
        const CollectionSql& sql = m_sql.at(collection);
        if (query.bbox && sql.geometry.empty()) return {}; // no geometry: nothing meets a box

        std::string from = sql.table;
        std::string where = sql.where;
        std::vector<Value> values;
        if (query.bbox) {
            // The R*Tree (when the column has one) keeps boxes in single precision, rounded
            // outwards: it selects the candidates, the geometry's own box (in its blob header)
            // decides.
            if (!sql.rtree.empty()) {
                from = sql.rtree + " r CROSS JOIN " + sql.table + " ON " + sql.rowid + " = r.pkid";
                where += " AND r.xmin <= ? AND r.xmax >= ? AND r.ymin <= ? AND r.ymax >= ?";
                values = {query.bbox->max_x, query.bbox->min_x, query.bbox->max_y, query.bbox->min_y};
            }
            where += " AND MbrMinX(" + sql.geometry + ") <= ? AND MbrMaxX(" + sql.geometry + ") >= ? AND MbrMinY(" +
                     sql.geometry + ") <= ? AND MbrMaxY(" + sql.geometry + ") >= ?";
            for (double v : {query.bbox->max_x, query.bbox->min_x, query.bbox->max_y, query.bbox->min_y})
                values.emplace_back(v);
        }
        if (query.datetime) add_date_condition(collection, *query.datetime, where, values);

        // The page is chosen on ids and rowids only; the geometries of its rows alone are read and
        // converted. With a box, the R*Tree's matches are few and one pass gives the page and,
        // through the window, the number matched (a page past the end has no row to carry it and
        // counts apart). Without one, the id index orders the table and a count is cheaper than a
        // window over all of it.
        const bool window = query.bbox.has_value();
        FeaturePage page;
        if (query.limit > 0) {
            Statement& st = cached("SELECT " + select_columns(sql) + ", p.matched FROM (SELECT " + sql.rowid +
                                   " AS page_rowid, " + (window ? "count(*) OVER ()" : "0") + " AS matched FROM " + from +
                                   " WHERE " + where + " ORDER BY " + sql.id + " LIMIT ? OFFSET ?) p CROSS JOIN " +
                                   sql.table + " ON " + sql.rowid + " = p.page_rowid ORDER BY " + sql.id);
            const ResetOnExit done{st};
            std::vector<Value> paged = values;
            paged.emplace_back(query.limit);
            paged.emplace_back(query.offset);
            bind_all(st, paged);
            const int count_column = int(sql.properties.size()) + 2;
            while (st.step()) {
                page.features.push_back(read_feature(st, sql.properties));
                page.number_matched = st.column_int(count_column);
            }
            if (window && !page.features.empty()) return page;
        }
        // The whole of hazards is what its R*Tree holds (a row per non-null remaining geometry):
        // counting the tree reads a few pages where the table would read every geometry.
        const bool whole = !query.bbox && !query.datetime;
        Statement& count = cached(whole && collection == FeatureCollection::hazards
                                      ? "SELECT count(*) FROM " + sql.rtree
                                      : "SELECT count(*) FROM " + from + " WHERE " + where);
        const ResetOnExit done{count};
        bind_all(count, values);
        count.step();
        page.number_matched = count.column_int(0);
        return page;
    }

    std::optional<Feature> item(FeatureCollection collection, const std::string& id) override
    {
        const CollectionSql& sql = m_sql.at(collection);
        if (collection == FeatureCollection::releases) {
            // Ids may hold the separator too: try each split, the credit's key is unique.
            auto st = m_db.prepare("SELECT " + select_columns(sql) + " FROM " + sql.table +
                                   " WHERE c.activity_id = ? AND c.hazard_id = ?");
            for (std::size_t at = id.find(release_id_separator); at != std::string::npos;
                 at = id.find(release_id_separator, at + 1)) {
                st.bind(1, id.substr(0, at)).bind(2, id.substr(at + 1));
                if (st.step()) return read_feature(st, sql.properties);
                st.reset();
            }
            return std::nullopt;
        }
        auto st = m_db.prepare("SELECT " + select_columns(sql) + " FROM " + sql.table + " WHERE " + sql.id + " = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        return read_feature(st, sql.properties);
    }

    CollectionExtent extent(FeatureCollection collection) override
    {
        const CollectionSql& sql = m_sql.at(collection);
        CollectionExtent out;
        if (!sql.geometry.empty()) {
            const std::string& g = sql.geometry;
            auto st = m_db.prepare(sql.rtree.empty() ? "SELECT min(MbrMinX(" + g + ")), min(MbrMinY(" + g + ")), max(MbrMaxX(" +
                                                           g + ")), max(MbrMaxY(" + g + ")) FROM " + sql.table
                                                     : "SELECT min(xmin), min(ymin), max(xmax), max(ymax) FROM " + sql.rtree);
            if (st.step() && !st.is_null(0))
                out.bbox = gis::Envelope{st.column_double(0), st.column_double(1), st.column_double(2), st.column_double(3)};
        }
        std::string dates;
        switch (collection) {
        case FeatureCollection::hazards:
            // From the first recording on; open at the end: the areas are still changing.
            dates = "SELECT min(valid_date), NULL FROM ledger_events WHERE kind IN ('recorded', 'derived')";
            break;
        case FeatureCollection::activities:
            dates = "SELECT min(coalesce(start_date, end_date)), max(end_date) FROM activities";
            break;
        case FeatureCollection::releases: dates = "SELECT min(valid_date), max(valid_date) FROM release_credits"; break;
        case FeatureCollection::regions: return out;
        }
        auto st = m_db.prepare(dates);
        if (st.step()) {
            out.begin = st.column_optional_text(0);
            out.end = st.column_optional_text(1);
        }
        return out;
    }

private:
    /// hazards with a date: the remaining geometry as of `date`, replayed for the areas needed.
    FeaturePage hazards_as_of(const FeatureQuery& query, const Date& date)
    {
        FeaturePage page;
        std::vector<HazardState> selected;
        if (query.bbox) {
            // An area's remaining geometry lies within the geometries of its events up to the
            // date. So an area whose events' box lies inside the box meets it whenever land
            // remained (the stored effects say whether); only those whose events' box straddles
            // the box's edge are replayed to decide. The events' R*Tree gives the candidates.
            const gis::Envelope& box = *query.bbox;
            m_db.exec("DELETE FROM feature_candidates");
            {
                Statement& insert = cached("INSERT INTO feature_candidates (hazard_id) VALUES (?)");
                for (const std::string& id : m_store.hazards_near(box)) {
                    insert.bind(1, id);
                    insert.run();
                    insert.reset();
                }
            }
            std::set<std::string> remained;
            {
                Statement& st = cached("SELECT c.hazard_id FROM feature_candidates c JOIN ledger_effects e "
                                       "ON e.hazard_id = c.hazard_id WHERE e.valid_date <= ? GROUP BY c.hazard_id "
                                       "HAVING sum(e.remaining_m2) > ?");
                const ResetOnExit done{st};
                st.bind(1, date.iso).bind(2, nothing_remains_m2);
                while (st.step()) remained.insert(st.column_text(0));
            }
            std::set<std::string> matched, straddling;
            {
                Statement& st = cached("SELECT c.hazard_id, min(MbrMinX(l.geom)), min(MbrMinY(l.geom)), "
                                       "max(MbrMaxX(l.geom)), max(MbrMaxY(l.geom)) FROM feature_candidates c "
                                       "JOIN ledger_events l ON l.hazard_id = c.hazard_id "
                                       "WHERE l.geom IS NOT NULL AND l.valid_date <= ? GROUP BY c.hazard_id");
                const ResetOnExit done{st};
                st.bind(1, date.iso);
                while (st.step()) {
                    std::string id = st.column_text(0);
                    if (!remained.count(id)) continue;
                    const gis::Envelope e{st.column_double(1), st.column_double(2), st.column_double(3), st.column_double(4)};
                    if (e.min_x >= box.min_x && e.max_x <= box.max_x && e.min_y >= box.min_y && e.max_y <= box.max_y)
                        matched.insert(std::move(id));
                    else if (e.intersects(box))
                        straddling.insert(std::move(id));
                }
            }
            std::map<std::string, HazardState> replayed;
            for (HazardState& s : remaining_as_of(m_store, straddling, date)) {
                if (s.remaining_wkb.empty()) continue;
                if (!gis::Geometry::from_wkb(s.remaining_wkb).envelope().intersects(box)) continue;
                matched.insert(s.hazard_id);
                replayed.emplace(s.hazard_id, std::move(s));
            }
            page.number_matched = std::int64_t(matched.size());
            std::set<std::string> page_ids, to_replay;
            std::int64_t n = 0;
            for (const std::string& id : matched) {
                if (n >= query.offset && n < query.offset + query.limit) {
                    page_ids.insert(id);
                    if (!replayed.count(id)) to_replay.insert(id);
                }
                ++n;
            }
            for (HazardState& s : remaining_as_of(m_store, to_replay, date)) replayed.insert_or_assign(s.hazard_id, std::move(s));
            for (const std::string& id : page_ids)
                if (auto it = replayed.find(id); it != replayed.end()) selected.push_back(std::move(it->second));
        } else {
            // Which areas had land remaining then is a sum of the stored effects (the measured
            // change of each area's remaining area); only the page is replayed.
            auto st = m_db.prepare("SELECT hazard_id FROM ledger_effects WHERE valid_date <= ? GROUP BY hazard_id "
                                   "HAVING sum(remaining_m2) > ? ORDER BY hazard_id");
            st.bind(1, date.iso).bind(2, nothing_remains_m2);
            std::set<std::string> ids;
            std::int64_t n = 0;
            while (st.step()) {
                if (n >= query.offset && n < query.offset + query.limit) ids.insert(st.column_text(0));
                ++n;
            }
            page.number_matched = n;
            selected = remaining_as_of(m_store, ids, date);
        }
        // The fixed attributes come from the table; status, areas and dates from the replay.
        auto st = m_db.prepare("SELECT h.name, h.contamination, h.home_region, h.organisation FROM hazards h "
                               "WHERE h.hazard_id = ?");
        for (HazardState& s : selected) {
            st.bind(1, s.hazard_id);
            if (!st.step()) throw std::runtime_error("hazardous area '" + s.hazard_id + "' replayed but not stored");
            auto text = [&](int col) { return st.is_null(col) ? PropertyValue{} : PropertyValue{st.column_text(col)}; };
            Feature f;
            f.id = s.hazard_id;
            f.geometry_wkb = std::move(s.remaining_wkb);
            f.properties = {{"hazard_id", s.hazard_id},
                            {"name", text(0)},
                            {"status", std::string(to_string(s.status))},
                            {"contamination", text(1)},
                            {"recorded_on", s.recorded_on.iso},
                            {"home_region", text(2)},
                            {"remaining_m2", s.remaining_m2},
                            {"closed_on", s.closed_on ? PropertyValue{s.closed_on->iso} : PropertyValue{}},
                            {"organisation", text(3)}};
            page.features.push_back(std::move(f));
            st.reset();
        }
        return page;
    }

    using Value = std::variant<double, std::int64_t, std::string>;

    static void add_date_condition(FeatureCollection collection, const DateRange& range, std::string& where,
                                   std::vector<Value>& values)
    {
        const char* start = nullptr;
        const char* end = nullptr;
        switch (collection) {
        case FeatureCollection::activities: start = "coalesce(a.start_date, a.end_date)"; end = "a.end_date"; break;
        case FeatureCollection::releases: start = end = "c.valid_date"; break;
        case FeatureCollection::hazards: // open end: the current state, see items()
        case FeatureCollection::regions: return; // timeless
        }
        // The feature's [start, end] meets the range.
        if (range.to) {
            where += std::string(" AND ") + start + " <= ?";
            values.emplace_back(range.to->iso);
        }
        if (range.from) {
            where += std::string(" AND ") + end + " >= ?";
            values.emplace_back(range.from->iso);
        }
    }

    static void bind_all(Statement& st, const std::vector<Value>& values)
    {
        int i = 1;
        for (const Value& v : values) std::visit([&](const auto& x) { st.bind(i++, x); }, v);
    }

    /// A statement kept for the connection's life: a map client asks for the same few shapes of
    /// query again and again, and compiling them costs as much as running them.
    Statement& cached(const std::string& text)
    {
        auto it = m_statements.find(text);
        if (it == m_statements.end()) it = m_statements.emplace(text, m_db.prepare(text)).first;
        it->second.reset();
        return it->second;
    }

    schema::Database& m_db;
    LedgerStore& m_store;
    std::unordered_map<std::string, Statement> m_statements;
    std::map<FeatureCollection, CollectionSql> m_sql;
};

} // namespace

std::unique_ptr<FeatureCatalog> make_spatialite_features(schema::Database& db, LedgerStore& store)
{
    return std::make_unique<SpatialiteFeatures>(db, store);
}

} // namespace cims::core
