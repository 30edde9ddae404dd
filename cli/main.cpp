// SPDX-License-Identifier: GPL-3.0-or-later
// cims: the command line. One translation edge: exceptions become messages and exit codes here.
#include "cli/commands.hpp"

#include "core/principal.hpp"
#include "gis/error.hpp"
#include "importers/submissions.hpp"
#include "schema/database.hpp"

#include <iostream>

int main(int argc, char** argv)
{
    CLI::App app{"cims: clearance information management system (land-release ledger, Action 24 figures)"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "cims 0.1.0");
    cims::cli::Action action;
    cims::cli::add_init(app, action);
    cims::cli::add_regions(app, action);
    cims::cli::add_import(app, action);
    cims::cli::add_report(app, action);
    cims::cli::add_export(app, action);
    cims::cli::add_rebuild(app, action);
    cims::cli::add_submissions(app, action);
    cims::cli::add_users(app, action);
    cims::cli::add_audit(app, action);
    cims::cli::add_serve(app, action);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : cims::cli::exit_usage;
    }
    try {
        return action();
    } catch (const cims::importers::SubmissionStateError& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_usage;
    } catch (const cims::core::InvalidRequest& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_usage;
    } catch (const cims::core::Forbidden& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_usage;
    } catch (const cims::core::NotFound& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_usage;
    } catch (const cims::cli::UsageError& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_usage;
    } catch (const cims::schema::StorageError& e) {
        std::cerr << "cims: database error: " << e.what() << "\n";
        return cims::cli::exit_failure;
    } catch (const cims::gis::CrsError& e) {
        std::cerr << "cims: coordinate reference system: " << e.what() << "\n";
        return cims::cli::exit_failure;
    } catch (const std::exception& e) {
        std::cerr << "cims: " << e.what() << "\n";
        return cims::cli::exit_failure;
    }
}
