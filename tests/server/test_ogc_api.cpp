// SPDX-License-Identifier: GPL-3.0-or-later
// OGC API – Features handlers without sockets, on a database built from data-samples/ by the
// `cims` binary as scripts/demo.sh builds it. Every figure is checked against the database itself.
#include "server/ogc_api.hpp"

#include "core/annual_figures.hpp"
#include "core/remaining_as_of.hpp"
#include "gis/geometry.hpp"
#include "schema/database.hpp"
#include "server/api_error.hpp"
#include "samples_db.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <set>

namespace cims::server {
namespace {

using nlohmann::json;

constexpr const char* base_url = "http://cims.test:8080";

class OgcApi : public ::testing::Test {
protected:
    static void SetUpTestSuite()
    {
        s_dir = new test::TempDir();
        s_db = s_dir->file("samples.db");
        test::build_samples_db(s_db);
    }
    static void TearDownTestSuite()
    {
        delete s_dir;
        s_dir = nullptr;
    }

    void SetUp() override { m_store = core::open_spatialite_store(s_db); }

    Response get(const std::string& path, const std::multimap<std::string, std::string>& query = {})
    {
        Request r;
        r.method = "GET";
        r.path = path;
        r.query = query;
        RequestContext ctx{*m_store, std::nullopt, base_url, m_settings, m_mutex};
        try {
            auto response = handle_ogc(r, ctx);
            if (!response) return Response{404, "none", "", {}};
            return *response;
        } catch (...) {
            std::string internal;
            Response e = error_response(std::current_exception(), internal);
            EXPECT_TRUE(internal.empty()) << internal;
            return e;
        }
    }

    json get_json(const std::string& path, const std::multimap<std::string, std::string>& query = {})
    {
        const Response r = get(path, query);
        EXPECT_EQ(r.status, 200) << path << ": " << r.body;
        return json::parse(r.body);
    }

    /// Follows an absolute href of this server (as a client would).
    json follow(const std::string& href)
    {
        EXPECT_EQ(href.rfind(base_url, 0), 0u) << href;
        std::string path;
        std::multimap<std::string, std::string> query;
        EXPECT_TRUE(parse_target(href.substr(std::string(base_url).size()), path, query)) << href;
        return get_json(path, query);
    }

    /// Every feature across pages, following the next links from the first page.
    std::vector<json> all_pages(const std::string& path, std::multimap<std::string, std::string> query,
                                std::int64_t* matched = nullptr, int* pages = nullptr)
    {
        std::vector<json> features;
        json page = get_json(path, query);
        if (matched) *matched = page["numberMatched"];
        int n = 1;
        while (true) {
            EXPECT_EQ(page["numberReturned"].get<std::size_t>(), page["features"].size());
            for (auto& f : page["features"]) features.push_back(f);
            const json* next = nullptr;
            for (const auto& l : page["links"])
                if (l["rel"] == "next") next = &l;
            if (!next) break;
            EXPECT_EQ((*next)["type"], "application/geo+json");
            page = follow((*next)["href"]);
            if (++n > 10000) break;
        }
        if (pages) *pages = n;
        return features;
    }

    double db_double(const std::string& sql)
    {
        schema::Database db(s_db, schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        EXPECT_TRUE(st.step());
        return st.column_double(0);
    }

    static json link_of(const json& doc, const std::string& rel)
    {
        for (const auto& l : doc["links"])
            if (l["rel"] == rel) return l;
        return nullptr;
    }

    static test::TempDir* s_dir;
    static std::string s_db;
    std::unique_ptr<core::LedgerStore> m_store;
    ServerSettings m_settings;
    std::mutex m_mutex;
};

test::TempDir* OgcApi::s_dir = nullptr;
std::string OgcApi::s_db;

double sum_remaining(const std::vector<json>& features)
{
    double sum = 0;
    for (const auto& f : features) sum += f["properties"]["remaining_m2"].get<double>();
    return sum;
}

/// The box of a GeoJSON geometry's coordinates.
gis::Envelope box_of(const json& geometry)
{
    gis::Envelope e{1e9, 1e9, -1e9, -1e9};
    std::function<void(const json&)> walk = [&](const json& c) {
        if (c.is_array() && !c.empty() && c[0].is_number()) {
            e.min_x = std::min(e.min_x, c[0].get<double>());
            e.min_y = std::min(e.min_y, c[1].get<double>());
            e.max_x = std::max(e.max_x, c[0].get<double>());
            e.max_y = std::max(e.max_y, c[1].get<double>());
            return;
        }
        for (const auto& x : c) walk(x);
    };
    walk(geometry["coordinates"]);
    return e;
}

TEST_F(OgcApi, LandingPageLinksWithTypes)
{
    const Response r = get("/");
    EXPECT_EQ(r.content_type, "application/json");
    const json j = json::parse(r.body);
    const std::map<std::string, std::pair<std::string, std::string>> expected = {
        {"self", {"/", "application/json"}},
        {"service-desc", {"/api", "application/vnd.oai.openapi+json;version=3.0"}},
        {"conformance", {"/conformance", "application/json"}},
        {"data", {"/collections", "application/json"}}};
    for (const auto& [rel, href_type] : expected) {
        const json l = link_of(j, rel);
        ASSERT_FALSE(l.is_null()) << rel;
        EXPECT_EQ(l["href"], std::string(base_url) + href_type.first);
        EXPECT_EQ(l["type"], href_type.second);
    }
}

TEST_F(OgcApi, ConformanceClasses)
{
    const json j = get_json("/conformance");
    const std::set<std::string> classes(j["conformsTo"].begin(), j["conformsTo"].end());
    for (const char* c : {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
                          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
                          "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"})
        EXPECT_TRUE(classes.count(c)) << c;
}

TEST_F(OgcApi, CollectionsHaveLinksAndExtents)
{
    const json j = get_json("/collections");
    std::vector<std::string> ids;
    for (const auto& c : j["collections"]) {
        ids.push_back(c["id"]);
        const std::string href = std::string(base_url) + "/collections/" + c["id"].get<std::string>();
        EXPECT_EQ(link_of(c, "self")["href"], href);
        EXPECT_EQ(link_of(c, "items")["href"], href + "/items");
        EXPECT_EQ(link_of(c, "items")["type"], "application/geo+json");
        EXPECT_EQ(c["itemType"], "feature");
        EXPECT_EQ(get_json("/collections/" + ids.back())["id"], ids.back());
    }
    EXPECT_EQ(ids, (std::vector<std::string>{"hazards", "activities", "releases", "regions"}));
    const json hazards = get_json("/collections/hazards");
    const auto& bbox = hazards["extent"]["spatial"]["bbox"][0];
    ASSERT_EQ(bbox.size(), 4u);
    EXPECT_NEAR(bbox[0].get<double>(), db_double("SELECT min(MbrMinX(remaining)) FROM hazards"), 1e-4);
    EXPECT_NEAR(bbox[3].get<double>(), db_double("SELECT max(MbrMaxY(remaining)) FROM hazards"), 1e-4);
    EXPECT_TRUE(hazards["extent"]["temporal"]["interval"][0][0].is_string());
}

TEST_F(OgcApi, PagingCoversEveryHazardOnceAndSumsTheRemainingArea)
{
    std::int64_t matched = 0;
    int pages = 0;
    const auto features = all_pages("/collections/hazards/items", {{"limit", "7"}}, &matched, &pages);
    const double count = db_double("SELECT count(*) FROM hazards WHERE remaining IS NOT NULL");
    ASSERT_GT(count, 14);
    EXPECT_EQ(matched, std::int64_t(count));
    EXPECT_EQ(std::int64_t(features.size()), matched);
    EXPECT_EQ(pages, int((count + 6) / 7));
    std::set<std::string> ids;
    for (const auto& f : features) ids.insert(f["id"]);
    EXPECT_EQ(ids.size(), features.size());
    const double db_sum = db_double("SELECT sum(remaining_m2) FROM hazards");
    EXPECT_NEAR(sum_remaining(features), db_sum, std::max(1.0, db_sum * 1e-9));
    for (const auto& f : features) {
        EXPECT_EQ(f["type"], "Feature");
        EXPECT_TRUE(f["geometry"]["type"] == "MultiPolygon" || f["geometry"]["type"] == "Polygon") << f["geometry"]["type"];
        for (const char* p : {"hazard_id", "name", "status", "contamination", "recorded_on", "home_region",
                              "remaining_m2", "closed_on", "organisation"})
            EXPECT_TRUE(f["properties"].contains(p)) << p;
    }
}

TEST_F(OgcApi, ItemsPageShape)
{
    const Response r = get("/collections/hazards/items", {{"limit", "2"}, {"f", "json"}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/geo+json");
    const json j = json::parse(r.body);
    EXPECT_EQ(j["type"], "FeatureCollection");
    EXPECT_EQ(j["numberReturned"], 2);
    EXPECT_TRUE(j["timeStamp"].get<std::string>().ends_with("Z"));
    EXPECT_EQ(link_of(j, "self")["type"], "application/geo+json");
    EXPECT_TRUE(link_of(j, "prev").is_null());
    EXPECT_EQ(link_of(j, "collection")["href"], std::string(base_url) + "/collections/hazards");
    const json second = follow(link_of(j, "next")["href"]);
    EXPECT_FALSE(link_of(second, "prev").is_null());
    EXPECT_NE(second["features"][0]["id"], j["features"][0]["id"]);
}

TEST_F(OgcApi, BboxOfFourOrSixNumbers)
{
    const double minx = db_double("SELECT min(MbrMinX(remaining)) FROM hazards");
    const double maxx = db_double("SELECT max(MbrMaxX(remaining)) FROM hazards");
    const double miny = db_double("SELECT min(MbrMinY(remaining)) FROM hazards");
    const double maxy = db_double("SELECT max(MbrMaxY(remaining)) FROM hazards");
    const gis::Envelope box{minx, miny, (minx + maxx) / 2, (miny + maxy) / 2}; // the south-west quarter
    const std::string four = fmt::format("{},{},{},{}", box.min_x, box.min_y, box.max_x, box.max_y);
    const std::string six = fmt::format("{},{},-100,{},{},100", box.min_x, box.min_y, box.max_x, box.max_y);
    std::int64_t matched = 0;
    const auto features = all_pages("/collections/hazards/items", {{"bbox", four}, {"limit", "3"}}, &matched);
    const auto features6 = all_pages("/collections/hazards/items", {{"bbox", six}, {"limit", "3"}});
    EXPECT_EQ(features.size(), features6.size());
    EXPECT_EQ(std::int64_t(features.size()), matched);
    const double all = db_double("SELECT count(*) FROM hazards WHERE remaining IS NOT NULL");
    EXPECT_GT(matched, 0);
    EXPECT_LT(matched, all);
    // Exactly the areas whose remaining geometry's box meets the box.
    const double expected = db_double(fmt::format(
        "SELECT count(*) FROM hazards WHERE remaining IS NOT NULL AND MbrMinX(remaining) <= {} AND "
        "MbrMaxX(remaining) >= {} AND MbrMinY(remaining) <= {} AND MbrMaxY(remaining) >= {}",
        box.max_x, box.min_x, box.max_y, box.min_y));
    EXPECT_EQ(matched, std::int64_t(expected));
    for (const auto& f : features) EXPECT_TRUE(box_of(f["geometry"]).intersects(box)) << f["id"];
    for (const char* bad : {"1,2,3", "1,2,3,4,5", "a,b,c,d", "1,2,3,4,5,6,7", "0,10,1,5"}) {
        const Response r = get("/collections/hazards/items", {{"bbox", bad}});
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_EQ(json::parse(r.body)["field"], "bbox") << r.body;
    }
}

TEST_F(OgcApi, NextLinkKeepsEveryFilter)
{
    const json j = get_json("/collections/activities/items",
                            {{"bbox", "-180,-90,180,90"}, {"datetime", "2021-01-01/.."}, {"limit", "2"}, {"f", "json"}});
    ASSERT_GT(j["numberMatched"].get<int>(), 2);
    const std::string next = link_of(j, "next")["href"];
    std::string path;
    std::multimap<std::string, std::string> query;
    ASSERT_TRUE(parse_target(next.substr(std::string(base_url).size()), path, query));
    EXPECT_EQ(path, "/collections/activities/items");
    EXPECT_EQ(query.find("bbox")->second, "-180,-90,180,90");
    EXPECT_EQ(query.find("datetime")->second, "2021-01-01/..");
    EXPECT_EQ(query.find("f")->second, "json");
    EXPECT_EQ(query.find("limit")->second, "2");
    EXPECT_EQ(query.find("offset")->second, "2");
    const json second = follow(next);
    EXPECT_EQ(second["numberMatched"], j["numberMatched"]);
}

TEST_F(OgcApi, UnknownParameterAndBadValuesAre400)
{
    struct Case {
        std::string path;
        std::multimap<std::string, std::string> query;
        std::string field;
    };
    const std::vector<Case> cases = {
        {"/collections/hazards/items", {{"colour", "red"}}, "colour"},
        {"/collections/hazards/items", {{"f", "html"}}, "f"},
        {"/collections", {{"limit", "3"}}, "limit"},
        {"/", {{"x", "1"}}, "x"},
        {"/collections/hazards/items", {{"limit", "0"}}, "limit"},
        {"/collections/hazards/items", {{"limit", "ten"}}, "limit"},
        {"/collections/hazards/items", {{"offset", "-1"}}, "offset"},
        {"/collections/hazards/items", {{"offset", "9223372036854775807"}}, "offset"},
        {"/collections/hazards/items", {{"datetime", "31/12/2023"}}, "datetime"},
        {"/collections/hazards/items", {{"datetime", "2024-01-01/2023-01-01"}}, "datetime"},
        {"/collections/hazards/items", {{"datetime", "../.."}}, "datetime"},
        {"/collections/hazards/items", {{"bbox", "0,0,1,1"}, {"bbox-crs", "http://www.opengis.net/def/crs/EPSG/0/3857"}},
         "bbox-crs"},
    };
    for (const Case& c : cases) {
        const Response r = get(c.path, c.query);
        EXPECT_EQ(r.status, 400) << c.path << " " << c.field;
        const json j = json::parse(r.body);
        EXPECT_EQ(j["code"], "invalid_parameter");
        EXPECT_EQ(j["field"], c.field) << j.dump();
        EXPECT_FALSE(j["description"].get<std::string>().empty());
    }
    EXPECT_EQ(get("/collections/hazards/items", {{"f", "json"}}).status, 200);
}

TEST_F(OgcApi, LimitIsClampedToTheMaximum)
{
    m_settings.max_limit = 5;
    const json j = get_json("/collections/hazards/items", {{"limit", "1000"}});
    EXPECT_EQ(j["numberReturned"], 5);
    EXPECT_NE(link_of(j, "next")["href"].get<std::string>().find("limit=5"), std::string::npos);
    m_settings.default_limit = 3;
    EXPECT_EQ(get_json("/collections/hazards/items")["numberReturned"], 3);
}

TEST_F(OgcApi, RemainingAsOfYearEndEqualsTheAnnualFigures)
{
    schema::Database db(s_db, schema::Database::Mode::open_existing);
    auto years = db.prepare("SELECT DISTINCT substr(valid_date, 1, 4) FROM ledger_events ORDER BY 1");
    std::vector<int> list;
    while (years.step()) list.push_back(std::stoi(years.column_text(0)));
    ASSERT_GE(list.size(), 3u);
    constexpr core::ContamMask every_type = 63;
    for (int year : list) {
        const std::string date = std::to_string(year) + "-12-31";
        std::int64_t matched = 0;
        const auto features = all_pages("/collections/hazards/items", {{"datetime", date}, {"limit", "9"}}, &matched);
        const core::AnnualFigures figures = core::compute_annual_figures(*m_store, year, every_type);
        const double expected = figures.national.remaining_m2.SHA + figures.national.remaining_m2.CHA;
        EXPECT_NEAR(sum_remaining(features), expected, std::max(1.0, expected * 5e-4)) << date;
        std::int64_t open = 0;
        double sha = 0;
        for (const auto& f : features) {
            if (f["properties"]["remaining_m2"].get<double>() >= 1.0) ++open;
            if (f["properties"]["status"] == "SHA") sha += f["properties"]["remaining_m2"].get<double>();
            EXPECT_LE(f["properties"]["recorded_on"].get<std::string>(), date);
        }
        EXPECT_EQ(open, figures.national.remaining_count_sha + figures.national.remaining_count_cha) << date;
        EXPECT_NEAR(sha, figures.national.remaining_m2.SHA, std::max(1.0, expected * 5e-4)) << date;

        // The path through a box replays the candidates: a box around the world gives the same.
        const auto boxed = all_pages("/collections/hazards/items",
                                     {{"datetime", date}, {"bbox", "-180,-90,180,90"}, {"limit", "50"}});
        EXPECT_EQ(boxed.size(), features.size()) << date;
        EXPECT_NEAR(sum_remaining(boxed), sum_remaining(features), 1e-3) << date;
    }
    // Far in the future: the current state.
    const auto future = all_pages("/collections/hazards/items", {{"datetime", "2999-01-01"}, {"limit", "100"}});
    const auto now = all_pages("/collections/hazards/items", {{"limit", "100"}});
    EXPECT_EQ(future.size(), now.size());
    EXPECT_NEAR(sum_remaining(future), sum_remaining(now), 1e-3);
    // Before anything was recorded: nothing.
    EXPECT_EQ(get_json("/collections/hazards/items", {{"datetime", "1990-01-01"}})["numberMatched"], 0);
}

TEST_F(OgcApi, BoxAsOfADateSelectsWhatTheReplayedGeometryMeets)
{
    // The yardstick: every area replayed at the date, its remaining geometry's box tested.
    std::set<std::string> all;
    {
        schema::Database db(s_db, schema::Database::Mode::open_existing);
        auto st = db.prepare("SELECT hazard_id FROM hazards");
        while (st.step()) all.insert(st.column_text(0));
    }
    const double minx = db_double("SELECT min(MbrMinX(geom)) FROM ledger_events");
    const double maxx = db_double("SELECT max(MbrMaxX(geom)) FROM ledger_events");
    const double miny = db_double("SELECT min(MbrMinY(geom)) FROM ledger_events");
    const double maxy = db_double("SELECT max(MbrMaxY(geom)) FROM ledger_events");
    for (const char* day : {"2021-06-30", "2022-12-31", "2024-12-31"}) {
        for (const gis::Envelope box : {gis::Envelope{minx, miny, (minx + maxx) / 2, (miny + maxy) / 2},
                                        gis::Envelope{(minx + maxx) / 3, (miny + maxy) / 3, maxx, maxy}}) {
            std::set<std::string> expected;
            double expected_m2 = 0;
            for (const core::HazardState& s : core::remaining_as_of(*m_store, all, core::Date{day})) {
                if (s.remaining_wkb.empty() || !gis::Geometry::from_wkb(s.remaining_wkb).envelope().intersects(box)) continue;
                expected.insert(s.hazard_id);
                expected_m2 += s.remaining_m2;
            }
            const std::string bbox = fmt::format("{},{},{},{}", box.min_x, box.min_y, box.max_x, box.max_y);
            std::int64_t matched = 0;
            const auto features = all_pages("/collections/hazards/items", {{"bbox", bbox}, {"datetime", day}, {"limit", "6"}}, &matched);
            std::set<std::string> got;
            for (const auto& f : features) got.insert(f["id"]);
            EXPECT_EQ(got, expected) << day << " " << bbox;
            EXPECT_EQ(matched, std::int64_t(expected.size()));
            EXPECT_NEAR(sum_remaining(features), expected_m2, 1e-3);
            EXPECT_GT(expected.size(), 0u);
            EXPECT_LT(expected.size(), all.size());
        }
    }
}

TEST_F(OgcApi, ActivitiesAndReleasesByDate)
{
    const std::int64_t in_2022 = get_json("/collections/activities/items", {{"datetime", "2022-01-01/2022-12-31"}})["numberMatched"];
    EXPECT_EQ(in_2022, std::int64_t(db_double("SELECT count(*) FROM activities WHERE coalesce(start_date, end_date) <= "
                                              "'2022-12-31' AND end_date >= '2022-01-01'")));
    EXPECT_GT(in_2022, 0);
    const auto releases = all_pages("/collections/releases/items", {{"datetime", "../2022-12-31"}, {"limit", "20"}});
    double credited = 0;
    for (const auto& f : releases) credited += f["properties"]["credited_m2"].get<double>();
    EXPECT_NEAR(credited, db_double("SELECT sum(credited_m2) FROM release_credits WHERE valid_date <= '2022-12-31'"), 1e-3);
    const std::int64_t regions = get_json("/collections/regions/items")["numberMatched"];
    EXPECT_EQ(regions, std::int64_t(db_double("SELECT count(*) FROM regions")));
}

TEST_F(OgcApi, ReleasesCarryTheReleasedPartOnceTheSchemaHasIt)
{
    if (db_double("SELECT count(*) FROM geometry_columns WHERE f_table_name = 'release_credits'") == 0)
        GTEST_SKIP() << "release_credits has no geometry column in this schema: releases are served without geometry";
    const auto releases = all_pages("/collections/releases/items", {{"limit", "50"}});
    ASSERT_FALSE(releases.empty());
    std::size_t with_geometry = 0;
    for (const auto& f : releases) {
        if (f["geometry"].is_null() || f["geometry"]["coordinates"].empty()) continue;
        ++with_geometry;
        const double credited = f["properties"]["credited_m2"].get<double>();
        const double measured = gis::Geometry::from_wkt(test::polygon_wkt(f["geometry"])).area_m2();
        EXPECT_NEAR(measured, credited, std::max(1.0, credited * 5e-4)) << f["id"];
    }
    EXPECT_GT(with_geometry, 0u) << "no release has a geometry";
    // A box selects the released parts that meet it, without a spatial index.
    const json all = get_json("/collections/releases/items", {{"bbox", "-180,-90,180,90"}});
    EXPECT_EQ(all["numberMatched"].get<double>(),
              db_double("SELECT count(*) FROM release_credits WHERE geom IS NOT NULL"));
}

TEST_F(OgcApi, OneItemByIdAnd404s)
{
    const json page = get_json("/collections/hazards/items", {{"limit", "1"}});
    const std::string id = page["features"][0]["id"];
    const Response r = get("/collections/hazards/items/" + id);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/geo+json");
    const json f = json::parse(r.body);
    EXPECT_EQ(f["id"], id);
    EXPECT_EQ(f["properties"], page["features"][0]["properties"]);
    EXPECT_EQ(link_of(f, "collection")["href"], std::string(base_url) + "/collections/hazards");

    const json release = get_json("/collections/releases/items", {{"limit", "1"}})["features"][0];
    const json same = get_json("/collections/releases/items/" + release["id"].get<std::string>());
    EXPECT_EQ(same["properties"], release["properties"]);

    EXPECT_EQ(get("/collections/hazards/items/NO-SUCH-AREA").status, 404);
    EXPECT_EQ(get("/collections/releases/items/nothing").status, 404);
    EXPECT_EQ(get("/collections/minefields").status, 404);
    EXPECT_EQ(get("/collections/minefields/items").status, 404);
    EXPECT_EQ(json::parse(get("/collections/minefields/items").body)["code"], "not_found");
    EXPECT_EQ(get("/api/v1/reports").content_type, "none"); // not an OGC path: left to the router
}

TEST_F(OgcApi, ReadOnlyAndTrailingSlashes)
{
    Request post;
    post.method = "POST";
    post.path = "/collections/hazards/items";
    RequestContext ctx{*m_store, std::nullopt, base_url, m_settings, m_mutex};
    try {
        handle_ogc(post, ctx);
        FAIL() << "a POST to the items was answered";
    } catch (const ApiError& e) {
        EXPECT_EQ(e.status(), 405);
    }
    EXPECT_EQ(get_json("/collections/")["collections"].size(), 4u);
    EXPECT_EQ(get_json("/collections/regions/items/")["type"], "FeatureCollection");
}

TEST_F(OgcApi, AFullyReleasedAreaIsAnItemWithoutGeometryButNotListed)
{
    schema::Database db(s_db, schema::Database::Mode::open_existing);
    auto st = db.prepare("SELECT hazard_id FROM hazards WHERE remaining IS NULL ORDER BY hazard_id LIMIT 1");
    if (!st.step()) GTEST_SKIP() << "every area of the samples keeps some land";
    const std::string id = st.column_text(0);
    const json f = get_json("/collections/hazards/items/" + id);
    EXPECT_TRUE(f["geometry"].is_null());
    EXPECT_EQ(f["properties"]["remaining_m2"], 0.0);
    for (const auto& listed : all_pages("/collections/hazards/items", {{"limit", "100"}})) EXPECT_NE(listed["id"], id);
}

TEST_F(OgcApi, OpenApiPathsDescribeEveryEndpoint)
{
    const json paths = ogc_openapi_paths();
    for (const char* p : {"/", "/conformance", "/collections", "/collections/{collectionId}",
                          "/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"})
        ASSERT_TRUE(paths.contains(p)) << p;
    std::set<std::string> names;
    for (const auto& p : paths["/collections/{collectionId}/items"]["get"]["parameters"]) names.insert(p["name"]);
    EXPECT_EQ(names, (std::set<std::string>{"collectionId", "bbox", "datetime", "limit", "offset", "f"}));
}

} // namespace
} // namespace cims::server
