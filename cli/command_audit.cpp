// SPDX-License-Identifier: GPL-3.0-or-later
// cims audit verify: recomputes the audit trail's hash chain; any edited, inserted or deleted entry
// before the last one fails the check (exit 1).
#include "cli/commands.hpp"

#include "core/audit_trail.hpp"
#include "core/ledger_store.hpp"

#include <iostream>
#include <memory>
#include <string>

namespace cims::cli {

void add_audit(CLI::App& app, Action& action)
{
    auto db = std::make_shared<std::string>();
    auto* cmd = app.add_subcommand("audit", "Check the audit trail");
    cmd->require_subcommand(1);
    auto* verify = cmd->add_subcommand("verify", "Recompute the hash chain of every audit entry");
    verify->add_option("DB", *db, "cims database")->required();
    verify->callback([&action, db] {
        action = [db] {
            auto store = core::open_spatialite_store(*db);
            const core::AuditVerification v = core::verify_audit(store->accounts());
            if (!v.ok) {
                std::cout << "audit trail BROKEN at entry " << v.first_bad_entry << ": " << v.problem << "\n";
                return exit_failure;
            }
            std::cout << "audit trail intact: " << v.entries << " entries, hash chain verified\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
