// SPDX-License-Identifier: GPL-3.0-or-later
// The REST interface through the Router, without sockets: login, upload → validate → approve,
// organisation scoping, errors as JSON, the audit trail.
#include "server_fixture.hpp"

#include "core/audit_trail.hpp"
#include "core/secrets.hpp"
#include "schema/database.hpp"

namespace cims::test {
namespace {

class RestApi : public ::testing::Test {
protected:
    RestApi() : m_keys(add_fixture_users(m_db.path())), m_router(settings()) {}

    server::ServerSettings settings(bool public_read = false) const
    {
        server::ServerSettings s;
        s.database = m_db.path();
        s.public_read = public_read;
        return s;
    }

    server::Response call(const std::string& method, const std::string& target, const std::string& user = "",
                          const std::string& body = "", const std::string& content_type = "")
    {
        return m_router.handle(make_request(method, target, user.empty() ? "" : m_keys.at(user), body, content_type));
    }

    std::int64_t count(const std::string& sql) const
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        return st.step() ? st.column_int(0) : -1;
    }

    /// Uploads `n` hazards as operator `user`; returns the new submission's id.
    std::int64_t upload(const std::string& user, int first = 1, int n = 3)
    {
        const auto r = call("POST", "/api/v1/submissions?kind=hazards", user, hazards_geojson(first, n),
                            "application/geo+json");
        EXPECT_EQ(r.status, 201) << r.body;
        return body_json(r).value("id", std::int64_t(0));
    }

    TempDb m_db;
    std::map<std::string, std::string> m_keys;
    server::Router m_router;
};

TEST_F(RestApi, LoginGivesATokenThatAuthenticatesAndAWrongPasswordIs401)
{
    const auto ok = call("POST", "/api/v1/login", "", R"({"name": "ana", "password": "password-of-ana"})");
    ASSERT_EQ(ok.status, 200) << ok.body;
    const auto login = body_json(ok);
    const std::string token = login.at("token");
    EXPECT_EQ(token.rfind("cimst_", 0), 0u);
    EXPECT_GT(login.at("expires_at").get<std::string>(), core::utc_timestamp());
    const auto me = m_router.handle(make_request("GET", "/api/v1/me", token));
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(body_json(me)["role"], "analyst");

    const auto bad = call("POST", "/api/v1/login", "", R"({"name": "ana", "password": "wrong password"})");
    EXPECT_EQ(bad.status, 401);
    EXPECT_EQ(body_json(bad)["code"], "unauthenticated");
    EXPECT_EQ(m_router.handle(make_request("GET", "/api/v1/me", token + "x")).status, 401);
    // The token is stored as its hash only.
    EXPECT_EQ(count("SELECT count(*) FROM credentials WHERE secret_sha256 = '" + core::sha256_hex(token) + "'"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM credentials WHERE instr(secret_sha256, '" + token.substr(6, 16) + "') > 0"), 0);
}

TEST_F(RestApi, RepeatedFailedLoginsAreThrottledAndAudited)
{
    for (int i = 0; i < core::max_failed_logins; ++i)
        EXPECT_EQ(call("POST", "/api/v1/login", "", R"({"name": "op_a", "password": "guess"})").status, 401);
    const auto throttled = call("POST", "/api/v1/login", "", R"({"name": "op_a", "password": "password-of-op_a"})");
    EXPECT_EQ(throttled.status, 429) << throttled.body;
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'login_failed' AND target = 'op_a'"),
              core::max_failed_logins);
    // Another user is not throttled.
    EXPECT_EQ(call("POST", "/api/v1/login", "", R"({"name": "op_b", "password": "password-of-op_b"})").status, 200);
}

TEST_F(RestApi, WithoutCredentialsEverythingIs401UnlessPublicReadOpensTheOgcApi)
{
    for (const char* target : {"/collections", "/api/v1/submissions", "/api/v1/reports/action24", "/"}) {
        const auto r = call("GET", target);
        EXPECT_EQ(r.status, 401) << target;
        EXPECT_EQ(body_json(r)["code"], "unauthenticated") << target;
    }
    server::Router open(settings(true));
    EXPECT_EQ(open.handle(make_request("GET", "/collections")).status, 200);
    EXPECT_EQ(open.handle(make_request("GET", "/conformance")).status, 200);
    EXPECT_EQ(open.handle(make_request("GET", "/api/v1/submissions")).status, 401);
    EXPECT_EQ(open.handle(make_request("POST", "/api/v1/submissions", "", hazards_geojson(1, 1))).status, 401);
}

TEST_F(RestApi, UploadValidateApproveImportsTheOperatorsFile)
{
    // The operator cannot submit for another organisation: its own is used.
    const auto r = call("POST", "/api/v1/submissions?kind=hazards&organisation=NGO%20B", "op_a", hazards_geojson(1, 3),
                        "application/geo+json");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto staged = body_json(r);
    EXPECT_EQ(staged["status"], "submitted");
    EXPECT_EQ(staged["organisation"], "NGO A");
    EXPECT_EQ(staged["report"]["accepted"], 3);
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 0) << "staging touched national data";

    const std::string id = std::to_string(staged["id"].get<std::int64_t>());
    const auto approved = call("POST", "/api/v1/submissions/" + id + "/approve", "ana");
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(body_json(approved)["status"], "approved");
    EXPECT_EQ(body_json(approved)["decided_by"], "ana");
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), 3);
    EXPECT_EQ(count("SELECT count(*) FROM hazards WHERE organisation = 'NGO A'"), 3);
    // A second decision is a conflict.
    EXPECT_EQ(call("POST", "/api/v1/submissions/" + id + "/approve", "ana").status, 409);
}

TEST_F(RestApi, AnInvalidFileIsStoredAsRejectedWithItsReport)
{
    const std::string bad = R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":
        {"hazard_id":"B1","status":"MAYBE","contam":"CMR","recorded":"2021-01-01"},
        "geometry":{"type":"Polygon","coordinates":[[[30,10],[30.01,10],[30.01,10.01],[30,10]]]}}]})";
    const auto r = call("POST", "/api/v1/submissions?kind=hazards", "op_a", bad, "application/geo+json");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto j = body_json(r);
    EXPECT_EQ(j["status"], "rejected");
    ASSERT_EQ(j["report"]["rejected"].size(), 1u);
    EXPECT_EQ(j["report"]["rejected"][0]["field"], "status");
    EXPECT_EQ(j["report"]["rejected"][0]["value"], "MAYBE");
}

TEST_F(RestApi, MultipartUploadWithAMappingProfile)
{
    const std::string csv = "TASK,STAT,TYPES,WHEN,WKT\n"
                            "M1,SHA,CMR,2022-05-01,\"POLYGON((30 10,30.01 10,30.01 10.01,30 10.01,30 10))\"\n";
    const std::string mapping = R"({"kind": "hazards", "fields": {"hazard_id": "TASK", "status": "STAT",
        "contam": "TYPES", "recorded": "WHEN"}, "geometry": {"wkt": "WKT"}, "crs": "EPSG:4326"})";
    const std::string boundary = "----cimsboundary42";
    std::string body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"tasks.csv\"\r\n"
                       "Content-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary +
                       "\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n" + mapping + "\r\n--" + boundary + "--\r\n";
    const auto r = call("POST", "/api/v1/submissions", "op_b", body, "multipart/form-data; boundary=" + boundary);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto j = body_json(r);
    EXPECT_EQ(j["status"], "submitted") << r.body;
    EXPECT_EQ(j["report"]["accepted"], 1);
    const auto shown = body_json(call("GET", "/api/v1/submissions/" + std::to_string(j["id"].get<int>()), "op_b"));
    EXPECT_EQ(shown["files"], nlohmann::json::array({"tasks.csv"}));
}

TEST_F(RestApi, AnotherOrganisationsSubmissionIsNotFoundAndNotListed)
{
    const std::int64_t a = upload("op_a", 1, 1);
    const std::int64_t b = upload("op_b", 10, 1);
    const auto listed = [&](const std::string& user) {
        std::vector<std::int64_t> ids;
        const auto list = body_json(call("GET", "/api/v1/submissions", user));
        for (const auto& s : list["submissions"]) ids.push_back(s["id"]);
        return ids;
    };
    EXPECT_EQ(listed("op_a"), std::vector<std::int64_t>{a});
    EXPECT_EQ(listed("op_b"), std::vector<std::int64_t>{b});
    EXPECT_EQ(listed("ana"), (std::vector<std::int64_t>{b, a}));
    EXPECT_TRUE(listed("donor").empty());
    const auto other = call("GET", "/api/v1/submissions/" + std::to_string(b), "op_a");
    const auto missing = call("GET", "/api/v1/submissions/999999", "op_a");
    EXPECT_EQ(other.status, 404);
    EXPECT_EQ(missing.status, 404);
    // The two answers differ only in the id asked for: nothing tells that b exists.
    std::string other_text = other.body, missing_text = missing.body;
    other_text.replace(other_text.find(std::to_string(b)), std::to_string(b).size(), "ID");
    missing_text.replace(missing_text.find("999999"), 6, "ID");
    EXPECT_EQ(other_text, missing_text);
}

TEST_F(RestApi, BadRequestsAnswerJsonNamingTheField)
{
    const std::int64_t id = upload("op_a");
    auto r = call("POST", "/api/v1/submissions/" + std::to_string(id) + "/reject", "ana", R"({"why": ""})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(body_json(r)["field"], "why");
    r = call("POST", "/api/v1/submissions/" + std::to_string(id) + "/reject", "ana", "not json");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(body_json(r)["field"], "body");
    r = call("GET", "/api/v1/submissions?colour=red", "ana");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(body_json(r)["field"], "colour");
    r = call("POST", "/api/v1/submissions?kind=tasks", "op_a", hazards_geojson(1, 1), "application/geo+json");
    EXPECT_EQ(body_json(r)["field"], "kind");
    r = call("POST", "/api/v1/submissions", "op_a", "PK\x03\x04", "application/octet-stream");
    EXPECT_EQ(r.status, 415);
    EXPECT_EQ(body_json(r)["field"], "Content-Type");
    r = call("GET", "/api/v1/reports/action24?year=20x4", "ana");
    EXPECT_EQ(body_json(r)["field"], "year");
    r = call("DELETE", "/api/v1/submissions", "ana");
    EXPECT_EQ(r.status, 405);
    r = call("GET", "/api/v1/nothing-here", "ana");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(body_json(r)["code"], "not_found");
    r = call("POST", "/api/v1/submissions", "op_a", std::string("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.geojson\"\r\n\r\n") +
                 hazards_geojson(1, 1) + "\r\n--b\r\nContent-Disposition: form-data; name=\"mapping\"\r\n\r\n{\"colour\": \"x\"}\r\n--b--\r\n",
             "multipart/form-data; boundary=b");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(body_json(r)["field"], "mapping");
    r = call("POST", "/api/v1/organisations", "root", R"({"name": "   "})");
    EXPECT_EQ(r.status, 400) << r.body;
    r = call("POST", "/api/v1/login", "", R"({"name": ")" + std::string(5000, 'x') + R"(", "password": "x"})");
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE length(target) > 100"), 0) << "an over-long name was audited";
    r = call("GET", "/api/v1/reports/action24?year=4294969296", "ana");
    EXPECT_EQ(body_json(r)["field"], "year");
    const std::string csv_without_geometry = "hazard_id,status\nH1,SHA\n";
    r = call("POST", "/api/v1/submissions?kind=hazards", "op_a", csv_without_geometry, "text/csv");
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body.find("/tmp"), std::string::npos) << "a staging path reached the client: " << r.body;
    EXPECT_EQ(r.body.find("cims-submission"), std::string::npos) << r.body;

    const auto rejected = call("POST", "/api/v1/submissions/" + std::to_string(id) + "/reject", "ana",
                               R"({"why": "T2 overlaps the cleared road; resubmit without it"})");
    ASSERT_EQ(rejected.status, 200) << rejected.body;
    EXPECT_EQ(body_json(rejected)["status"], "rejected");
}

TEST_F(RestApi, EveryWriteIsAuditedAndTheChainVerifies)
{
    const std::int64_t id = upload("op_a");
    ASSERT_EQ(call("POST", "/api/v1/submissions/" + std::to_string(id) + "/approve", "ana").status, 200);
    ASSERT_EQ(call("POST", "/api/v1/organisations", "root", R"({"name": "NGO C"})").status, 201);
    ASSERT_EQ(call("POST", "/api/v1/users", "root",
                   R"({"name": "op_c", "organisation": "NGO C", "role": "operator", "password": "a long password"})")
                  .status,
              201);
    call("POST", "/api/v1/login", "", R"({"name": "op_c", "password": "wrong"})");

    const auto audit = call("GET", "/api/v1/audit", "root");
    ASSERT_EQ(audit.status, 200);
    std::vector<std::string> actions;
    const auto entries = body_json(audit);
    for (const auto& e : entries["entries"]) actions.push_back(e["action"].get<std::string>() + ":" + e["actor"].get<std::string>());
    ASSERT_GE(actions.size(), 6u) << audit.body;
    const std::vector<std::string> tail(actions.end() - 6, actions.end());
    EXPECT_EQ(tail, (std::vector<std::string>{"submission_staged:op_a", "import:op_a", "submission_approved:ana",
                                               "organisation_added:root", "user_added:root", "login_failed:op_c"}));
    auto store = m_db.store();
    EXPECT_TRUE(core::verify_audit(store->accounts()).ok);
    // The trail is append-only; an edit made around the triggers is detected.
    schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
    EXPECT_THROW(db.exec("UPDATE audit_log SET actor = 'someone' WHERE action = 'submission_approved'"), schema::StorageError);
    db.exec("DROP TRIGGER trg_audit_log_no_update");
    db.exec("UPDATE audit_log SET actor = 'someone' WHERE action = 'submission_approved'");
    const auto verification = core::verify_audit(store->accounts());
    EXPECT_FALSE(verification.ok);
    EXPECT_NE(verification.problem.find("edited"), std::string::npos) << verification.problem;
}

TEST_F(RestApi, ReportsInEveryFormatAndTheOpenApiDocument)
{
    ASSERT_EQ(call("POST", "/api/v1/submissions/" + std::to_string(upload("op_a", 1, 4)) + "/approve", "ana").status, 200);
    const auto json = call("GET", "/api/v1/reports/action24?year=2021", "donor");
    ASSERT_EQ(json.status, 200) << json.body;
    const auto figures = body_json(json);
    EXPECT_EQ(figures["report"], "action24");
    EXPECT_EQ(figures["national"]["remaining"]["SHA"]["count"], 4);
    EXPECT_TRUE(figures["national"]["balance"]["ok"].get<bool>());
    const auto csv = call("GET", "/api/v1/reports/action24?year=2021&format=csv", "op_b");
    EXPECT_EQ(csv.status, 200);
    EXPECT_EQ(csv.content_type.rfind("text/csv", 0), 0u);
    EXPECT_EQ(call("GET", "/api/v1/reports/action24?year=2021&format=pdf", "ana").status, 400);

    std::string internal, user;
    const auto api = m_router.handle(make_request("GET", "/api", m_keys.at("donor")), internal, user);
    ASSERT_EQ(api.status, 200) << internal;
    const auto doc = body_json(api);
    EXPECT_EQ(doc["openapi"], "3.0.3");
    for (const char* path : {"/api/v1/submissions", "/api/v1/login", "/collections", "/collections/{collectionId}/items"})
        EXPECT_TRUE(doc["paths"].contains(path)) << path;
}

} // namespace
} // namespace cims::test

namespace cims::test {
namespace {

TEST_F(RestApi, Article7ForecastAndExportsAsDownloads)
{
    ASSERT_EQ(call("POST", "/api/v1/submissions/" + std::to_string(upload("op_a", 1, 4)) + "/approve", "ana").status, 200);
    const auto article7 = call("GET", "/api/v1/reports/article7?year=2021", "donor");
    ASSERT_EQ(article7.status, 200) << article7.body;
    const auto doc = body_json(article7);
    EXPECT_TRUE(doc["checks_ok"].get<bool>());
    EXPECT_FALSE(doc["tables"].empty());
    const auto xlsx = call("GET", "/api/v1/reports/article7?year=2021&format=xlsx&unit=km2", "donor");
    ASSERT_EQ(xlsx.status, 200) << xlsx.body;
    EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
    const auto html = call("GET", "/api/v1/reports/article7?year=2021&format=html&contamination=AP", "donor");
    EXPECT_EQ(html.content_type, "text/html; charset=utf-8");
    EXPECT_NE(html.body.find("<svg"), std::string::npos);
    EXPECT_EQ(body_json(call("GET", "/api/v1/reports/article7?contamination=AV", "donor"))["field"], "contamination");
    EXPECT_EQ(call("GET", "/api/v1/reports/forecast?year=2021&years=2&format=csv", "donor").status, 200);

    const auto gpkg = call("GET", "/api/v1/exports?at=2021-12-31&format=gpkg", "donor");
    ASSERT_EQ(gpkg.status, 200) << gpkg.body;
    EXPECT_EQ(gpkg.body.substr(0, 15), "SQLite format 3");
    const std::string file = m_db.dir().write("export.gpkg", gpkg.body);
    {
        schema::Database exported(file, schema::Database::Mode::open_existing);
        auto st = exported.prepare("SELECT count(*) FROM remaining_areas");
        ASSERT_TRUE(st.step());
        EXPECT_EQ(st.column_int(0), 4);
    }
    const auto shp = call("GET", "/api/v1/exports?at=2021-12-31&format=shp", "donor");
    ASSERT_EQ(shp.status, 200) << shp.body;
    EXPECT_EQ(shp.content_type, "application/zip");
    EXPECT_NE(shp.body.find("remaining_areas.shp"), std::string::npos);
    EXPECT_NE(shp.body.find("remaining_areas.prj"), std::string::npos);
    EXPECT_EQ(body_json(call("GET", "/api/v1/exports?at=31/12/2021", "donor"))["field"], "at");
}

} // namespace
} // namespace cims::test

namespace cims::test {
namespace {

TEST_F(RestApi, AnExpiredTokenIs401)
{
    const auto login = body_json(call("POST", "/api/v1/login", "", R"({"name": "ana", "password": "password-of-ana"})"));
    const std::string token = login.at("token");
    EXPECT_EQ(m_router.handle(make_request("GET", "/api/v1/me", token)).status, 200);
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        db.exec("UPDATE credentials SET expires_at = '2020-01-01T00:00:00Z' WHERE kind = 'token'");
    }
    const auto r = m_router.handle(make_request("GET", "/api/v1/me", token));
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(body_json(r)["description"].get<std::string>().find("expired"), std::string::npos);
    // API keys do not expire.
    EXPECT_EQ(call("GET", "/api/v1/me", "ana").status, 200);
}

TEST_F(RestApi, CorsHeadersWhenConfigured)
{
    EXPECT_TRUE(call("GET", "/conformance", "donor").headers.empty()) << "no CORS headers unless configured";
    server::ServerSettings s = settings();
    s.cors_origin = "https://map.example.org";
    server::Router cors(s);
    const auto preflight = cors.handle(make_request("OPTIONS", "/collections/hazards/items"));
    EXPECT_EQ(preflight.status, 204);
    const auto get = cors.handle(make_request("GET", "/conformance", m_keys.at("donor")));
    EXPECT_EQ(get.status, 200);
    bool found = false;
    for (const auto& [name, value] : get.headers)
        if (name == "Access-Control-Allow-Origin") found = value == "https://map.example.org";
    EXPECT_TRUE(found);
}

} // namespace
} // namespace cims::test
