// SPDX-License-Identifier: GPL-3.0-or-later
// cims import DB FILE...: validate operator files and apply them to the ledger, all-or-nothing.
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "cli/user.hpp"
#include "importers/importer.hpp"
#include "importers/submissions.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace cims::cli {

void add_import(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("import", "Import hazardous areas, activities or risk education from operator files. "
                                             "All-or-nothing: any rejected feature leaves the database unchanged "
                                             "(exit code 3) unless --partial");
    struct Args {
        std::string db, kind, mapping, layer, encoding, org, report, by;
        std::vector<std::string> files;
        bool partial = false, stage = false;
        gis::ArchiveLimits archive;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("FILE", a->files, "Files to import (shapefile, GeoPackage, GeoJSON, KML, ...)")->required();
    cmd->add_option("--kind", a->kind, "What the files hold (inferred from the fields when absent)")
        ->check(CLI::IsMember({"hazards", "activities", "education"}));
    cmd->add_option("--mapping", a->mapping, "Mapping profile (JSON) adapting the files to the interchange schema");
    cmd->add_option("--layer", a->layer, "Import only this layer");
    cmd->add_option("--encoding", a->encoding, "Text encoding of the attributes, overriding the file's (e.g. CP1252)");
    cmd->add_option("--org", a->org, "Organisation the records come from (when the file has no org field)");
    cmd->add_flag("--partial", a->partial, "Write the valid features even when some are rejected");
    cmd->add_option("--report", a->report, "Write the import report as JSON to this file");
    cmd->add_flag("--stage", a->stage, "Validate and store as a submission for approval, without touching national data "
                                       "(see 'cims submissions')");
    cmd->add_option("--by", a->by, "Who imports or submits (default: the login name)");
    cmd->add_option("--max-zip-entries", a->archive.max_entries, "Refuse a zip archive with more entries")
        ->capture_default_str();
    cmd->add_option("--max-zip-bytes", a->archive.max_uncompressed_bytes,
                    "Refuse a zip archive that unpacks to more bytes")
        ->capture_default_str();
    cmd->callback([&action, a] {
        action = [a] {
            auto store = core::open_spatialite_store(a->db);
            auto write_report = [&](const nlohmann::json& j) {
                if (a->report.empty()) return;
                std::ofstream out(a->report);
                if (!out) throw std::runtime_error("cannot write the report to '" + a->report + "'");
                out << j.dump(2) << "\n";
            };
            if (a->stage) {
                importers::SubmissionRequest request{a->files, a->kind, a->layer, a->encoding, "", a->org, a->partial};
                request.archive = a->archive;
                if (!a->mapping.empty()) request.mapping_json = read_text_file(a->mapping);
                const core::SubmissionRecord s = importers::stage(*store, core::Principal::command_line(user_name(a->by)), request);
                const auto report = nlohmann::json::parse(s.report_json);
                write_report(report);
                std::cout << "submission " << s.id << ": " << s.status << " (" << report["accepted"] << " accepted, "
                          << report["rejected"].size() << " rejected)\n";
                std::size_t shown = 0;
                for (const auto& r : report["rejected"])
                    if (++shown <= 25)
                        std::cout << "  rejected " << r["file"].get<std::string>() << " [" << r["layer"].get<std::string>()
                              << "] feature " << r["fid"] << ": " << r["field"].get<std::string>() << " — "
                              << r["reason"].get<std::string>() << ". Fix: " << r["fix"].get<std::string>() << "\n";
                return s.status == "submitted" ? exit_ok : exit_rejected;
            }
            importers::ImportOptions options;
            options.kind = a->kind;
            options.layer = a->layer;
            options.encoding = a->encoding;
            options.organisation = a->org;
            options.partial = a->partial;
            options.archive = a->archive;
            options.imported_by = user_name(a->by);
            if (!a->mapping.empty()) options.mapping = importers::MappingProfile::load(a->mapping);
            const importers::ImportReport report = importers::import_files(*store, a->files, options);
            write_report(report.to_json());
            std::cout << report.summary();
            if (!report.rejected.empty() && !report.written) return exit_rejected;
            return exit_ok;
        };
    });
}

} // namespace cims::cli
