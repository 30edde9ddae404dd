// SPDX-License-Identifier: GPL-3.0-or-later
// LedgerWriter: turns validated records into ledger events and keeps the derived state current.
#pragma once

#include "core/ledger_store.hpp"
#include "core/records.hpp"

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace cims::core {

/// A record the ledger refuses, with the field and value at fault and how to fix it.
struct LedgerProblem {
    enum class Source { hazard, activity } source;
    std::size_t index; // position in the records given to apply()
    std::string field;
    std::string value;
    std::string reason;
    std::string fix;
};

struct ApplyResult {
    std::vector<LedgerProblem> problems;
    std::size_t hazards_added = 0, status_changes = 0, corrections = 0, unchanged = 0;
    std::size_t activities_added = 0, releases = 0;
    std::size_t areas_replayed = 0;
};

class LedgerWriter {
public:
    explicit LedgerWriter(LedgerStore& store) : m_store(store) {}

    /// Checks the records against the ledger and appends their events; then replays only the
    /// hazardous areas they touch. Records with problems are skipped and listed.
    /// Contract: runs inside the caller's transaction, which the caller commits only when it
    /// accepts the outcome (all-or-nothing: roll back when problems is not empty).
    ApplyResult apply(std::vector<HazardRecord>& hazards, std::vector<ActivityRecord>& activities,
                      std::int64_t import_id);

    /// Replays every hazardous area from the ledger and recomputes every derived table.
    /// \returns the number of areas replayed.
    std::size_t rebuild();

    /// Replays the given areas plus those whose figures depend on them (children, ancestors).
    std::size_t replay_touched(const std::set<std::string>& touched, const std::set<std::string>& activities);

private:
    LedgerStore& m_store;
};

} // namespace cims::core
