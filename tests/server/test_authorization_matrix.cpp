// SPDX-License-Identifier: GPL-3.0-or-later
// The authorization matrix: every endpoint of the OpenAPI document × every role × own/other
// organisation, with the one status each must answer. Any unexpected access (or refusal) fails,
// and an endpoint added to the API without a row here fails too.
#include "server_fixture.hpp"

#include <functional>
#include <set>

namespace cims::test {
namespace {

/// The callers: one per role, plus an operator of another organisation than the submission's.
const std::vector<std::string> callers{"root", "ana", "op_a", "op_b", "donor", "(none)"};

struct Call {
    std::string target, body, content_type;
};

struct Row {
    std::string method, path_template; // as in the OpenAPI document
    std::function<Call()> make;         // a fresh call (a new submission for a decision...)
    std::map<std::string, int> expected; // caller → status
};

class AuthorizationMatrix : public ::testing::Test {
protected:
    AuthorizationMatrix() : m_keys(add_fixture_users(m_db.path())), m_router(settings()) {}

    server::ServerSettings settings() const
    {
        server::ServerSettings s;
        s.database = m_db.path();
        return s;
    }

    server::Response call(const std::string& method, const Call& c, const std::string& who)
    {
        return m_router.handle(make_request(method, c.target, who == "(none)" ? "" : m_keys.at(who), c.body, c.content_type));
    }

    /// A submission of NGO A, uploaded by its operator op_a.
    std::string submission_of_ngo_a()
    {
        const auto r = call("POST", {"/api/v1/submissions?kind=hazards", hazards_geojson(m_next, 1), "application/geo+json"},
                            "op_a");
        m_next += 1;
        EXPECT_EQ(r.status, 201) << r.body;
        return std::to_string(body_json(r)["id"].get<std::int64_t>());
    }

    TempDb m_db;
    std::map<std::string, std::string> m_keys;
    server::Router m_router;
    int m_next = 100;
};

std::map<std::string, int> all(int status)
{
    return {{"root", status}, {"ana", status}, {"op_a", status}, {"op_b", status}, {"donor", status}, {"(none)", 401}};
}

std::map<std::string, int> admin_only(int status)
{
    return {{"root", status}, {"ana", 403}, {"op_a", 403}, {"op_b", 403}, {"donor", 403}, {"(none)", 401}};
}

TEST_F(AuthorizationMatrix, EveryEndpointEveryRoleOwnAndOtherOrganisation)
{
    // National data to read: one approved hazardous area.
    const std::string first = submission_of_ngo_a();
    ASSERT_EQ(call("POST", {"/api/v1/submissions/" + first + "/approve"}, "ana").status, 200);
    const std::string hazard_id = "T100";

    int user_serial = 0, org_serial = 0;
    std::size_t serial = 0; // the OGC rows go round every collection
    const std::vector<std::string> collections{"hazards", "activities", "releases", "regions"};
    const std::vector<Row> rows{
        {"GET", "/", [] { return Call{"/"}; }, all(200)},
        {"GET", "/conformance", [] { return Call{"/conformance"}; }, all(200)},
        {"GET", "/collections", [] { return Call{"/collections"}; }, all(200)},
        {"GET", "/collections/{collectionId}",
         [&] { return Call{"/collections/" + collections[serial++ % collections.size()]}; }, all(200)},
        {"GET", "/collections/{collectionId}/items",
         [&] { return Call{"/collections/" + collections[serial++ % collections.size()] + "/items?limit=5"}; }, all(200)},
        {"GET", "/collections/{collectionId}/items/{featureId}",
         [&] { return Call{"/collections/hazards/items/" + hazard_id}; }, all(200)},
        {"GET", "/api/v1/openapi.json", [] { return Call{"/api/v1/openapi.json"}; }, all(200)},
        {"GET", "/api/v1/me", [] { return Call{"/api/v1/me"}; }, all(200)},
        {"POST", "/api/v1/login",
         [] { return Call{"/api/v1/login", R"({"name": "donor", "password": "password-of-donor"})"}; },
         {{"root", 200}, {"ana", 200}, {"op_a", 200}, {"op_b", 200}, {"donor", 200}, {"(none)", 200}}},
        {"GET", "/api/v1/submissions", [] { return Call{"/api/v1/submissions"}; }, all(200)},
        {"POST", "/api/v1/submissions",
         [&] {
             return Call{"/api/v1/submissions?kind=hazards", hazards_geojson(m_next++, 1), "application/geo+json"};
         },
         {{"root", 201}, {"ana", 201}, {"op_a", 201}, {"op_b", 201}, {"donor", 403}, {"(none)", 401}}},
        {"GET", "/api/v1/submissions/{id}", [&] { return Call{"/api/v1/submissions/" + first}; },
         {{"root", 200}, {"ana", 200}, {"op_a", 200}, {"op_b", 404}, {"donor", 404}, {"(none)", 401}}},
        {"POST", "/api/v1/submissions/{id}/approve",
         [&] { return Call{"/api/v1/submissions/" + submission_of_ngo_a() + "/approve"}; },
         {{"root", 200}, {"ana", 200}, {"op_a", 403}, {"op_b", 403}, {"donor", 403}, {"(none)", 401}}},
        {"POST", "/api/v1/submissions/{id}/reject",
         [&] {
             return Call{"/api/v1/submissions/" + submission_of_ngo_a() + "/reject", R"({"why": "duplicate of an earlier task"})"};
         },
         {{"root", 200}, {"ana", 200}, {"op_a", 403}, {"op_b", 403}, {"donor", 403}, {"(none)", 401}}},
        {"GET", "/api/v1/reports/action24", [] { return Call{"/api/v1/reports/action24?year=2021"}; }, all(200)},
        {"GET", "/api/v1/reports/article7", [] { return Call{"/api/v1/reports/article7?year=2021"}; }, all(200)},
        {"GET", "/api/v1/reports/forecast", [] { return Call{"/api/v1/reports/forecast?year=2021"}; }, all(200)},
        {"GET", "/api/v1/exports", [] { return Call{"/api/v1/exports?at=2021-12-31&format=geojson"}; }, all(200)},
        {"GET", "/api/v1/users", [] { return Call{"/api/v1/users"}; }, admin_only(200)},
        {"POST", "/api/v1/users",
         [&] {
             return Call{"/api/v1/users", R"({"name": "new)" + std::to_string(++user_serial) +
                                              R"(", "organisation": "NGO A", "role": "viewer", "password": "a long password"})"};
         },
         admin_only(201)},
        {"POST", "/api/v1/users/{name}/api-keys", [] { return Call{"/api/v1/users/op_a/api-keys"}; }, admin_only(201)},
        {"GET", "/api/v1/organisations", [] { return Call{"/api/v1/organisations"}; }, admin_only(200)},
        {"POST", "/api/v1/organisations",
         [&] { return Call{"/api/v1/organisations", R"({"name": "Org )" + std::to_string(++org_serial) + R"("})"}; },
         admin_only(201)},
        {"GET", "/api/v1/audit", [] { return Call{"/api/v1/audit"}; }, admin_only(200)},
    };

    // Every operation of the OpenAPI document has a row (the alias /api is the same document).
    const auto doc = body_json(call("GET", {"/api"}, "root"));
    std::set<std::string> documented, covered;
    for (const auto& [path, item] : doc["paths"].items())
        for (const auto& [method, op] : item.items()) {
            std::string m = method;
            std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return char(std::toupper(c)); });
            documented.insert(m + " " + path);
        }
    for (const Row& row : rows) covered.insert(row.method + " " + row.path_template);
    EXPECT_EQ(documented, covered);

    for (const Row& row : rows) {
        for (const std::string& who : callers) {
            const int expected = row.expected.at(who);
            const Call c = row.make();
            const server::Response r = call(row.method, c, who);
            EXPECT_EQ(r.status, expected) << row.method << " " << c.target << " as " << who << ": " << r.body;
            if (r.status >= 400) {
                const auto error = body_json(r);
                EXPECT_TRUE(error.contains("code") && error.contains("description")) << r.body;
            }
        }
    }
}

TEST_F(AuthorizationMatrix, RefusedDecisionsChangeNothing)
{
    const std::string id = submission_of_ngo_a();
    for (const std::string who : {"op_a", "op_b", "donor"}) {
        EXPECT_EQ(call("POST", {"/api/v1/submissions/" + id + "/approve"}, who).status, 403);
        EXPECT_EQ(call("POST", {"/api/v1/submissions/" + id + "/reject", R"({"why": "no"})"}, who).status, 403);
    }
    const auto s = body_json(call("GET", {"/api/v1/submissions/" + id}, "ana"));
    EXPECT_EQ(s["status"], "submitted");
    auto store = m_db.store();
    EXPECT_TRUE(store->all_hazard_ids().empty());
}

} // namespace
} // namespace cims::test
