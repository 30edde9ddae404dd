// SPDX-License-Identifier: GPL-3.0-or-later
// cims export DB --at DATE --format gpkg|geojson|shp --out F: the remaining hazardous areas as of a
// date, the land released up to it and the regions, as GIS layers (importers/geodata_export.hpp).
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "importers/geodata_export.hpp"

#include <iostream>
#include <memory>

namespace cims::cli {

void add_export(CLI::App& app, Action& action)
{
    auto* cmd = app.add_subcommand("export", "Export the remaining hazardous areas as of a date, the released parts "
                                             "by year and method, and the regions as GIS layers");
    struct Args {
        std::string db, at, format, out;
    };
    auto a = std::make_shared<Args>();
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("--at", a->at, "The date of the state to export (YYYY-MM-DD), e.g. 2024-12-31")->required();
    cmd->add_option("--format", a->format, "gpkg: one GeoPackage file; geojson or shp: a folder with one file per layer")
        ->required()
        ->check(CLI::IsMember({"gpkg", "geojson", "shp"}));
    cmd->add_option("--out", a->out, "The GeoPackage file; for geojson and shp a folder, or a .zip archive (never overwritten)")
        ->required();
    cmd->callback([&action, a] {
        action = [a] {
            const auto at = core::parse_iso_date(a->at);
            if (!at) throw UsageError("--at '" + a->at + "' is not a date: write it YYYY-MM-DD, e.g. 2024-12-31");
            const gis::VectorFormat format = a->format == "gpkg"      ? gis::VectorFormat::geopackage
                                             : a->format == "geojson" ? gis::VectorFormat::geojson
                                                                      : gis::VectorFormat::shapefile;
            auto store = core::open_spatialite_store(a->db);
            const importers::ExportSummary s = importers::export_geodata(*store, *at, format, a->out);
            std::cout << "exported as of " << at->iso << ": " << s.remaining_areas << " remaining hazardous areas ("
                      << importers::remaining_layer << "), " << s.released_parts << " released parts ("
                      << importers::released_layer << "), " << s.regions << " regions (" << importers::regions_layer
                      << ")\n";
            for (const auto& f : s.files) std::cout << "  " << f << "\n";
            return exit_ok;
        };
    });
}

} // namespace cims::cli
