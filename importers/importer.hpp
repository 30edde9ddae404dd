// SPDX-License-Identifier: GPL-3.0-or-later
// Importer: the canonical path from an operator's file to the ledger, all-or-nothing by default.
#pragma once

#include "core/ledger_store.hpp"
#include "importers/import_report.hpp"
#include "importers/mapping_profile.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cims::importers {

struct ImportOptions {
    std::string kind;                     // hazards | activities | education | "" (from the mapping, else inferred)
    std::optional<MappingProfile> mapping;
    std::string layer;                    // "" : every layer whose fields fit a kind
    std::string encoding;                 // overrides the file's declared encoding
    gis::ArchiveLimits archive;           // checked on every zip archive before it is read
    std::string organisation;             // default organisation of the records
    std::string imported_by = "cli";
    bool partial = false;                 // write the valid features even when some are rejected
    /// Names to report and record for files read from elsewhere (path → name as sent).
    std::map<std::string, std::string> file_names;
    bool dry_run = false;                 // validate against the ledger, then roll back (staging)
    /// Called inside the import's transaction just before it commits (an approval records itself
    /// there, so the import and its approval are one transaction).
    std::function<void(const ImportReport&)> before_commit;
};

/// Reads every file, validates every feature and applies them to the ledger in one transaction,
/// streaming features in batches (memory does not grow with the file).
/// All-or-nothing unless options.partial: any rejection leaves the database as it was.
/// A file whose content was imported before (same SHA-256, layer and kind) changes nothing.
/// \throws std::runtime_error for a file that cannot be read at all.
ImportReport import_files(core::LedgerStore& store, const std::vector<std::string>& files,
                          const ImportOptions& options);

/// Loads admin regions from a polygon layer, replacing those loaded before, and rebuilds the
/// derived state (home regions depend on them). \returns the number of regions.
/// Audited as regions_loaded by `by`.
std::size_t import_regions(core::LedgerStore& store, const std::string& file, const std::string& code_field,
                           const std::string& name_field, int level, const std::string& encoding, const std::string& by = "cli");

/// SHA-256 of a file and its sidecar files (a shapefile's .dbf, .shx, .prj, .cpg), hex.
std::string content_hash(const std::string& path);

} // namespace cims::importers
