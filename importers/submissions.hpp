// SPDX-License-Identifier: GPL-3.0-or-later
// Submissions: stage an operator's files with their validation report; an analyst approves (the
// files are imported in the approval's transaction) or rejects them.
#pragma once

#include "core/ledger_store.hpp"
#include "core/principal.hpp"
#include "gis/vector_source.hpp"
#include "importers/import_report.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>
#include <vector>

namespace cims::importers {

struct SubmissionRequest {
    std::vector<std::string> files; // paths; a shapefile's sidecar files are taken along
    std::string kind;               // hazards | activities | education | "" (inferred)
    std::string layer;
    std::string encoding;
    std::string mapping_json;       // the mapping profile's text, or empty
    std::string organisation;       // an operator's own organisation is always used; authority: any, "" = own
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
/// left something to import), else "rejected". Operators submit for their own organisation only;
/// viewers cannot submit. Audited as submission_staged. \returns the stored submission.
/// \throws core::Forbidden for a viewer.
core::SubmissionRecord stage(core::LedgerStore& store, const core::Principal& who, const SubmissionRequest& request);

/// The submissions `who` may see, newest first: an operator or viewer sees its organisation's only.
std::vector<core::SubmissionRecord> visible_submissions(core::LedgerStore& store, const core::Principal& who);

/// One submission. \throws core::NotFound when it does not exist or belongs to an organisation
/// `who` may not see (the two answers are the same, so ids of others do not leak).
core::SubmissionRecord visible_submission(core::LedgerStore& store, const core::Principal& who, std::int64_t id);

/// Imports a submitted submission's files in one transaction that also records the approval, who
/// gave it, and its audit entry. When the ledger now rejects something (all-or-nothing), nothing
/// is written, the submission stays submitted and the report is returned with written == false.
/// \throws core::Forbidden unless analyst or admin; core::NotFound as visible_submission();
/// SubmissionStateError when the submission is not waiting for a decision.
ImportReport approve(core::LedgerStore& store, const core::Principal& who, std::int64_t id);

/// Records an analyst's rejection with the reason, audited. \throws as approve().
void reject(core::LedgerStore& store, const core::Principal& who, std::int64_t id, const std::string& why);

/// A submission as the command line and the HTTP API show it, with its validation report.
nlohmann::json to_json(const core::SubmissionRecord& s);

} // namespace cims::importers
