// SPDX-License-Identifier: GPL-3.0-or-later
// cims regions DB FILE --code-field F --name-field F: load the admin regions used to disaggregate.
#include "cli/commands.hpp"
#include "cli/user.hpp"

#include "core/ledger_store.hpp"
#include "importers/importer.hpp"

#include <iostream>
#include <memory>

namespace cims::cli {

void add_regions(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("regions", "Load admin regions (replacing those loaded before) and recompute "
                                              "every hazardous area's home region");
    struct Args {
        std::string db, file, code_field, name_field, encoding;
        int level = 1;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("FILE", a->file, "Polygon layer of the regions (any GDAL vector format)")->required();
    cmd->add_option("--code-field", a->code_field, "Field holding the region code")->required();
    cmd->add_option("--name-field", a->name_field, "Field holding the region name")->required();
    cmd->add_option("--level", a->level, "Admin level of the regions")->capture_default_str();
    cmd->add_option("--encoding", a->encoding, "Text encoding of the file's attributes (e.g. CP1252)");
    cmd->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            const std::size_t n =
                importers::import_regions(*store, a->file, a->code_field, a->name_field, a->level, a->encoding, user_name(""));
            std::cout << "loaded " << n << " regions from " << a->file << "\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
