// SPDX-License-Identifier: GPL-3.0-or-later
// A database with one user per role (two operators of different organisations), their API keys,
// and a Router to call handlers without a socket.
#pragma once

#include "core/accounts.hpp"
#include "server/router.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <string>

namespace cims::test {

struct Users {
    std::map<std::string, std::string> keys; // user name → API key
};

/// Users of the fixture: name, organisation, role.
inline const std::vector<std::tuple<std::string, std::string, core::Role>>& fixture_users()
{
    static const std::vector<std::tuple<std::string, std::string, core::Role>> users{
        {"root", "Authority", core::Role::admin},      {"ana", "Authority", core::Role::analyst},
        {"op_a", "NGO A", core::Role::operator_},      {"op_b", "NGO B", core::Role::operator_},
        {"donor", "Donor Group", core::Role::viewer},
    };
    return users;
}

/// Creates the fixture's users in the database at `path`; returns their API keys.
inline std::map<std::string, std::string> add_fixture_users(const std::string& path)
{
    auto store = core::open_spatialite_store(path);
    core::Accounts accounts(*store);
    const core::Principal cli = core::Principal::command_line("setup");
    std::map<std::string, std::string> keys;
    for (const auto& [name, org, role] : fixture_users()) {
        accounts.add_user(cli, name, org, role, "password-of-" + name, true);
        keys[name] = accounts.issue_api_key(cli, name);
    }
    return keys;
}

/// A GeoJSON hazard layer of `n` squares starting at hazard id `first`, valid in the demo area.
inline std::string hazards_geojson(int first, int n, const std::string& prefix = "T")
{
    nlohmann::json features = nlohmann::json::array();
    for (int i = first; i < first + n; ++i) {
        const double x = 30.0 + (i % 100) * 0.01, y = 10.0 + (i / 100) * 0.01;
        features.push_back({{"type", "Feature"},
                            {"properties",
                             {{"hazard_id", prefix + std::to_string(i)}, {"status", "SHA"}, {"contam", "CMR"},
                              {"recorded", "2021-03-01"}}},
                            {"geometry",
                             {{"type", "Polygon"},
                              {"coordinates",
                               {{{x, y}, {x + 0.005, y}, {x + 0.005, y + 0.005}, {x, y + 0.005}, {x, y}}}}}}});
    }
    return nlohmann::json{{"type", "FeatureCollection"}, {"features", features}}.dump();
}

inline server::Request make_request(const std::string& method, const std::string& target, const std::string& key = "",
                                    const std::string& body = "", const std::string& content_type = "")
{
    server::Request r;
    r.method = method;
    EXPECT_TRUE(server::parse_target(target, r.path, r.query)) << target;
    r.headers["host"] = "cims.test";
    if (!key.empty()) r.headers["authorization"] = "Bearer " + key;
    if (!content_type.empty()) r.headers["content-type"] = content_type;
    r.body = body;
    return r;
}

inline nlohmann::json body_json(const server::Response& r)
{
    return nlohmann::json::parse(r.body, nullptr, false);
}

} // namespace cims::test
