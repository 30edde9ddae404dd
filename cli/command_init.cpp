// SPDX-License-Identifier: GPL-3.0-or-later
// cims init DB [--country ISO3]: create a database, or bring an existing one to this schema.
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "schema/database.hpp"
#include "schema/migrator.hpp"

#include <cctype>
#include <iostream>
#include <memory>

namespace cims::cli {

void add_init(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("init", "Create a cims database (SpatiaLite file), or migrate an older one");
    auto db = std::make_shared<std::string>();
    auto country = std::make_shared<std::string>();
    cmd->add_option("DB", *db, "Database file to create")->required();
    cmd->add_option("--country", *country, "ISO 3166-1 alpha-3 code of the country (e.g. LAO)");
    cmd->callback([&action, db, country] {
        action = [db, country] {
            if (!country->empty()) {
                bool ok = country->size() == 3;
                for (char c : *country) ok = ok && std::isalpha(static_cast<unsigned char>(c));
                if (!ok) throw UsageError("--country '" + *country + "' is not a three-letter ISO 3166-1 code (e.g. LAO)");
            }
            int applied = 0;
            {
                schema::Database database(*db, schema::Database::Mode::create);
                applied = schema::migrate(database);
            }
            if (!country->empty()) {
                std::string code = *country;
                for (char& c : code) c = char(std::toupper(static_cast<unsigned char>(c)));
                core::open_spatialite_store(*db)->set_setting("country", code);
            }
            if (applied)
                std::cout << "created " << *db << " at schema version " << schema::head_version() << "\n";
            else
                std::cout << *db << " is already at schema version " << schema::head_version() << "\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
