// SPDX-License-Identifier: GPL-3.0-or-later
// cims report action24 DB --year Y: the Action 24 annual figures (design.md §3, §5).
#include "cli/commands.hpp"

#include "core/annual_figures.hpp"
#include "core/ledger_store.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace cims::cli {

void add_report(CLI::App& app, Action& action)
{
    auto* report = app.add_subcommand("report", "Produce the annual figures");
    report->require_subcommand(1);
    auto* cmd = report->add_subcommand("action24", "Action 24 figures: remaining SHA/CHA at 31 December, land "
                                                   "released by method, changes and the balance check");
    struct Args {
        std::string db, contamination = "CMR", format = "json", out;
        int year = 0;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("--year", a->year, "Report year (default: the latest year in the ledger)");
    cmd->add_option("--contamination", a->contamination, "Contamination type the figures are for")
        ->check(CLI::IsMember({"CMR", "AP", "AV", "ERW", "IED", "UNKNOWN"}))
        ->capture_default_str();
    cmd->add_option("--format", a->format, "json (design.md §5), csv, or table for a terminal")
        ->check(CLI::IsMember({"json", "csv", "table"}))
        ->capture_default_str();
    cmd->add_option("--out", a->out, "Write to this file instead of standard output");
    cmd->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            int year = a->year;
            if (year == 0) {
                const auto latest = store->latest_year();
                if (!latest) throw UsageError("the ledger is empty: import data first, or give --year");
                year = *latest;
            }
            if (year < 1960 || year > 2999) throw UsageError("--year " + std::to_string(year) + " is out of range");
            const auto figures = core::compute_annual_figures(*store, year, core::contamination_bit(a->contamination));
            std::string text;
            if (a->format == "json")
                text = core::to_json(figures).dump(2) + "\n";
            else if (a->format == "csv")
                text = core::to_csv(figures);
            else
                text = core::to_table(figures);
            if (a->out.empty()) {
                std::cout << text;
            } else {
                std::ofstream out(a->out);
                if (!out) throw std::runtime_error("cannot write '" + a->out + "'");
                out << text;
            }
            if (!figures.national.balance_ok)
                std::cerr << "cims: the balance check FAILED (max error " << figures.national.balance_max_error_m2
                          << " m²): the ledger is inconsistent; run 'cims rebuild' and report this as a bug\n";
            return figures.national.balance_ok ? exit_ok : exit_failure;
        };
    });
}

} // namespace cims::cli
