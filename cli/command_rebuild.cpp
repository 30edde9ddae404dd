// SPDX-License-Identifier: GPL-3.0-or-later
// cims rebuild DB: recompute every derived table from the ledger's events.
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "core/ledger_writer.hpp"

#include <chrono>
#include <iostream>
#include <memory>

namespace cims::cli {

void add_rebuild(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("rebuild", "Rebuild every derived state (remaining areas, credits, figures) "
                                              "from the ledger");
    auto db = std::make_shared<std::string>();
    cmd->add_option("DB", *db, "cims database")->required();
    cmd->callback([&action, db] {
        action = [db] {
            auto store = core::open_spatialite_store(*db);
            const auto start = std::chrono::steady_clock::now();
            store->begin();
            std::size_t n = 0;
            try {
                n = core::LedgerWriter(*store).rebuild();
                store->commit();
            } catch (...) {
                store->rollback();
                throw;
            }
            const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            std::cout << "rebuilt " << n << " hazardous areas in " << s << " s\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
