// SPDX-License-Identifier: GPL-3.0-or-later
// cims submissions DB list|show ID|approve ID|reject ID --why TEXT: the approval workflow.
#include "cli/commands.hpp"
#include "cli/user.hpp"

#include "core/ledger_store.hpp"
#include "importers/submissions.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace cims::cli {


void add_submissions(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("submissions", "List, show, approve or reject staged submissions "
                                                  "('cims import --stage' creates them)");
    struct Args {
        std::string db, why, by, organisation;
        std::int64_t id = 0;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->require_subcommand(1);
    auto* list = cmd->add_subcommand("list", "One line per submission, newest first");
    list->add_option("--org", a->organisation, "Only this organisation's submissions");
    auto* show = cmd->add_subcommand("show", "A submission with its validation report, as JSON");
    show->add_option("ID", a->id, "Submission id")->required();
    auto* approve = cmd->add_subcommand("approve", "Import a submission's files into national data (one transaction)");
    approve->add_option("ID", a->id, "Submission id")->required();
    approve->add_option("--by", a->by, "Who approves (default: the login name)");
    auto* reject = cmd->add_subcommand("reject", "Refuse a submission, with the reason the operator will read");
    reject->add_option("ID", a->id, "Submission id")->required();
    reject->add_option("--why", a->why, "The reason, and what the operator should change")->required();
    reject->add_option("--by", a->by, "Who rejects (default: the login name)");

    list->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            const auto all = store->submissions(a->organisation);
            std::cout << fmt::format("{:>5}  {:<9}  {:<10}  {:<24}  {:<20}  {}\n", "id", "status", "kind", "organisation",
                                     "submitted", "files");
            for (const auto& s : all) {
                std::string files;
                for (const auto& f : s.file_names) files += (files.empty() ? "" : ", ") + f;
                std::cout << fmt::format("{:>5}  {:<9}  {:<10}  {:<24}  {:<20}  {}\n", s.id, s.status,
                                         s.kind.empty() ? "(inferred)" : s.kind, s.organisation.substr(0, 24),
                                         s.submitted_at, files);
            }
            return exit_ok;
        };
    });
    show->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            const auto s = store->submission(a->id);
            if (!s) throw UsageError("no submission " + std::to_string(a->id) + ": see 'cims submissions DB list'");
            std::cout << importers::to_json(*s).dump(2) << "\n";
            return exit_ok;
        };
    });
    approve->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            const importers::ImportReport report = importers::approve(*store, core::Principal::command_line(user_name(a->by)), a->id);
            std::cout << report.summary();
            if (!report.written) {
                std::cout << "submission " << a->id << " was not approved: the ledger now rejects part of it; it "
                          << "stays submitted\n";
                return exit_rejected;
            }
            std::cout << "submission " << a->id << " approved and imported\n";
            return exit_ok;
        };
    });
    reject->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            importers::reject(*store, core::Principal::command_line(user_name(a->by)), a->id, a->why);
            std::cout << "submission " << a->id << " rejected\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
