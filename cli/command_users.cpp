// SPDX-License-Identifier: GPL-3.0-or-later
// cims users add|api-key: bootstraps the first admin and issues API keys for machine clients.
// The password is read from standard input (one line), never from the command line.
#include "cli/commands.hpp"
#include "cli/user.hpp"

#include "core/accounts.hpp"
#include "core/ledger_store.hpp"

#include <iostream>
#include <memory>
#include <string>

namespace cims::cli {

void add_users(CLI::App& app, Action& action)
{
    struct Args {
        std::string db, org, role, name;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("users", "Add users (password on standard input) and issue API keys");
    cmd->require_subcommand(1);
    auto* add = cmd->add_subcommand("add", "Add a user; the first user of a database is its bootstrap admin");
    add->add_option("DB", a->db, "cims database")->required();
    add->add_option("--org", a->org, "Organisation (created when new)")->required();
    add->add_option("--role", a->role, "admin | analyst | operator | viewer")
        ->required()
        ->check(CLI::IsMember({"admin", "analyst", "operator", "viewer"}));
    add->add_option("--name", a->name, "User name (used to log in)")->required();
    auto* key = cmd->add_subcommand("api-key", "Print a new API key for a user (shown once; store it safely)");
    key->add_option("DB", a->db, "cims database")->required();
    key->add_option("--name", a->name, "User name")->required();

    add->callback([&action, a] {
        action = [a] {
            std::string password;
            if (!std::getline(std::cin, password) || password.empty())
                throw UsageError("give the password on standard input, e.g. 'cims users add ... < password.txt'");
            if (!password.empty() && password.back() == '\r') password.pop_back();
            auto store = core::open_spatialite_store(a->db);
            core::Accounts accounts(*store);
            const auto user = accounts.add_user(core::Principal::command_line(user_name("")), a->name, a->org,
                                                *core::parse_role(a->role), password, true);
            std::cout << "user '" << user.name << "' (" << a->role << ", " << user.organisation << ") added\n";
            return exit_ok;
        };
    });
    key->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            core::Accounts accounts(*store);
            std::cout << accounts.issue_api_key(core::Principal::command_line(user_name("")), a->name) << "\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
