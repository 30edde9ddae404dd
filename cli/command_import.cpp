// SPDX-License-Identifier: GPL-3.0-or-later
// cims import DB FILE...: validate operator files and apply them to the ledger, all-or-nothing.
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "importers/importer.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace cims::cli {

void add_import(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("import", "Import hazardous areas or activities from operator files. "
                                             "All-or-nothing: any rejected feature leaves the database unchanged "
                                             "(exit code 3) unless --partial");
    struct Args {
        std::string db, kind, mapping, layer, encoding, org, report;
        std::vector<std::string> files;
        bool partial = false;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("FILE", a->files, "Files to import (shapefile, GeoPackage, GeoJSON, KML, ...)")->required();
    cmd->add_option("--kind", a->kind, "What the files hold (inferred from the fields when absent)")
        ->check(CLI::IsMember({"hazards", "activities"}));
    cmd->add_option("--mapping", a->mapping, "Mapping profile (JSON) adapting the files to the interchange schema");
    cmd->add_option("--layer", a->layer, "Import only this layer");
    cmd->add_option("--encoding", a->encoding, "Text encoding of the attributes, overriding the file's (e.g. CP1252)");
    cmd->add_option("--org", a->org, "Organisation the records come from (when the file has no org field)");
    cmd->add_flag("--partial", a->partial, "Write the valid features even when some are rejected");
    cmd->add_option("--report", a->report, "Write the import report as JSON to this file");
    cmd->callback([&action, a] {
        action = [a] {
            importers::ImportOptions options;
            options.kind = a->kind;
            options.layer = a->layer;
            options.encoding = a->encoding;
            options.organisation = a->org;
            options.partial = a->partial;
            if (!a->mapping.empty()) options.mapping = importers::MappingProfile::load(a->mapping);
            auto store = core::open_spatialite_store(a->db);
            const importers::ImportReport report = importers::import_files(*store, a->files, options);
            if (!a->report.empty()) {
                std::ofstream out(a->report);
                if (!out) throw std::runtime_error("cannot write the report to '" + a->report + "'");
                out << report.to_json().dump(2) << "\n";
            }
            std::cout << report.summary();
            if (!report.rejected.empty() && !report.written) return exit_rejected;
            return exit_ok;
        };
    });
}

} // namespace cims::cli
