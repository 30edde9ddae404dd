// SPDX-License-Identifier: GPL-3.0-or-later
// cims report action24|article7|forecast DB --year Y: the Action 24 annual figures (design.md §3,
// §5), the Article 7 annex tables (Form F, Form G) and the completion forecast (Action 19).
#include "cli/commands.hpp"

#include "core/annual_figures.hpp"
#include "core/article7_report.hpp"
#include "core/completion_forecast.hpp"
#include "core/ledger_store.hpp"
#include "core/report_formats.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace cims::cli {

namespace {

/// Options shared by article7 and forecast.
struct DocumentArgs {
    std::string db, contamination = "CMR", format = "json", out, unit = "m2", headings;
    int year = 0;
};

void add_document_options(CLI::App* cmd, DocumentArgs& a)
{
    cmd->add_option("DB", a.db, "cims database")->required();
    cmd->add_option("--year", a.year, "Report year (default: the latest year in the ledger)");
    cmd->add_option("--contamination", a.contamination,
                    "CMR (Convention on Cluster Munitions) or AP (Anti-Personnel Mine Ban Convention)")
        ->check(CLI::IsMember({"CMR", "AP"}))
        ->capture_default_str();
    cmd->add_option("--format", a.format, "json, csv (one section per table), xlsx (needs --out) or html")
        ->check(CLI::IsMember({"json", "csv", "xlsx", "html"}))
        ->capture_default_str();
    cmd->add_option("--out", a.out, "Write to this file instead of standard output");
    cmd->add_option("--unit", a.unit, "Unit of areas")->check(CLI::IsMember({"m2", "km2"}))->capture_default_str();
    cmd->add_option("--headings", a.headings,
                    "JSON file with the wording of titles and headings, merged over the built-in "
                    "core/templates/article7_headings.json")
        ->check(CLI::ExistingFile);
}

int report_year(core::LedgerStore& store, int year)
{
    if (year == 0) {
        const auto latest = store.latest_year();
        if (!latest) throw UsageError("the ledger is empty: import data first, or give --year");
        year = *latest;
    }
    if (year < 1960 || year > 2999) throw UsageError("--year " + std::to_string(year) + " is out of range (1960–2999)");
    return year;
}

void write_text(const std::string& out, const std::string& text)
{
    if (out.empty()) {
        std::cout << text;
        return;
    }
    std::ofstream file(out, std::ios::binary);
    if (!file) throw std::runtime_error("cannot write '" + out + "': check the folder exists and is writable");
    file << text;
    if (!file.flush()) throw std::runtime_error("cannot write '" + out + "' (disk full?)");
}

/// Writes the document in the chosen format; returns the exit code (1 when a check failed).
int write_document(const core::ReportDocument& doc, const DocumentArgs& a)
{
    if (a.format == "xlsx") core::write_xlsx(doc, a.out);
    else if (a.format == "json") write_text(a.out, core::to_json(doc).dump(2) + "\n");
    else if (a.format == "csv") write_text(a.out, core::to_csv(doc));
    else write_text(a.out, core::to_html(doc));
    if (!doc.checks_ok) {
        std::cerr << "cims: the reconciliation FAILED: the ledger is inconsistent; run 'cims rebuild' and report this "
                     "as a bug\n";
        return exit_failure;
    }
    return exit_ok;
}

core::AreaUnit area_unit(const std::string& unit)
{
    return unit == "km2" ? core::AreaUnit::km2 : core::AreaUnit::m2;
}

void check_xlsx_out(const DocumentArgs& a)
{
    if (a.format == "xlsx" && a.out.empty()) throw UsageError("--format xlsx writes a file: give --out FILE.xlsx");
}

void add_article7(CLI::App* report, Action& action)
{
    auto* cmd = report->add_subcommand(
        "article7", "Article 7 annex tables: Form F (F-1 remaining, F-2 land release, F-3 changes to the baseline, F-R "
                    "reconciliation) and Form G (risk education), per region and nationally");
    auto a = std::make_shared<DocumentArgs>();
    add_document_options(cmd, *a);
    cmd->callback([&action, a] {
        action = [a] {
            check_xlsx_out(*a);
            const auto headings = core::ReportHeadings::load(a->headings);
            auto store = core::open_spatialite_store(a->db);
            const int year = report_year(*store, a->year);
            const bool html = a->format == "html";
            const auto report =
                core::build_article7_report(*store, year, core::contamination_bit(a->contamination), html);
            return write_document(core::to_document(report, headings, area_unit(a->unit), html), *a);
        };
    });
}

void add_forecast(CLI::App* report, Action& action)
{
    auto* cmd = report->add_subcommand("forecast", "Completion forecast (Action 19): release rate over the last N "
                                                   "years, projected completion year against the deadline");
    auto a = std::make_shared<DocumentArgs>();
    add_document_options(cmd, *a);
    auto years = std::make_shared<int>(3);
    auto deadline = std::make_shared<std::string>();
    cmd->add_option("--years", *years, "Years the release rate is averaged over")
        ->check(CLI::Range(1, 50))
        ->capture_default_str();
    cmd->add_option("--deadline", *deadline,
                    std::string("Completion deadline YYYY-MM-DD (Article 4 CCM, Article 5 APMBC); stored in the database "
                                "as the setting '") + core::article4_deadline_setting + "' and used by later forecasts");
    cmd->callback([&action, a, years, deadline] {
        action = [a, years, deadline] {
            check_xlsx_out(*a);
            std::optional<core::Date> date;
            if (!deadline->empty()) {
                date = core::parse_iso_date(*deadline);
                if (!date)
                    throw UsageError("--deadline '" + *deadline + "' is not a date: write it YYYY-MM-DD, e.g. 2026-08-01");
            }
            const auto headings = core::ReportHeadings::load(a->headings);
            auto store = core::open_spatialite_store(a->db);
            if (date) {
                store->begin();
                store->set_setting(core::article4_deadline_setting, date->iso);
                store->commit();
            } else if (const auto stored = store->setting(core::article4_deadline_setting)) {
                date = core::parse_iso_date(*stored);
                if (!date)
                    throw std::runtime_error("the stored setting '" + std::string(core::article4_deadline_setting) +
                                             "' is '" + *stored + "', not a date: set it again with --deadline YYYY-MM-DD");
            }
            const int year = report_year(*store, a->year);
            const auto forecast =
                core::build_completion_forecast(*store, year, *years, core::contamination_bit(a->contamination), date);
            return write_document(core::to_document(forecast, headings, area_unit(a->unit), a->format == "html"), *a);
        };
    });
}

} // namespace

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
    add_article7(report, action);
    add_forecast(report, action);
}

} // namespace cims::cli
