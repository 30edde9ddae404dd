// SPDX-License-Identifier: GPL-3.0-or-later
// Submissions: stage an operator's files with their validation report; an analyst approves (the
// files are imported in the approval's transaction) or rejects them.
#pragma once

#include "core/ledger_store.hpp"
#include "gis/vector_source.hpp"
#include "importers/import_report.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace cims::importers {

struct SubmissionRequest {
    std::vector<std::string> files; // paths; a shapefile's sidecar files are taken along
    std::string kind;               // hazards | activities | "" (inferred)
    std::string layer;
    std::string encoding;
    std::string mapping_json;       // the mapping profile's text, or empty
    std::string organisation;
    std::string submitted_by;
    bool partial = false;
    gis::ArchiveLimits archive;     // checked on every zip archive sent
};

/// The submission's state does not allow what was asked (approving a rejected one...).
class SubmissionStateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Validates the files against the ledger without writing national data (a dry-run import) and
/// stores them with the report: status "submitted" when nothing was rejected (or partial mode
/// left something to import), else "rejected". \returns the stored submission.
core::SubmissionRecord stage(core::LedgerStore& store, const SubmissionRequest& request);

/// Imports a submitted submission's files in one transaction that also records the approval and
/// who gave it. When the ledger now rejects something (all-or-nothing), nothing is written, the
/// submission stays submitted and the report is returned with written == false.
/// \throws SubmissionStateError when the submission is unknown or not waiting for a decision.
ImportReport approve(core::LedgerStore& store, std::int64_t id, const std::string& by);

/// Records an analyst's rejection with the reason. \throws SubmissionStateError as approve().
void reject(core::LedgerStore& store, std::int64_t id, const std::string& by, const std::string& why);

} // namespace cims::importers
