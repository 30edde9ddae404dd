// SPDX-License-Identifier: GPL-3.0-or-later
// LedgerWriter: turns validated records into ledger events and keeps the derived state current.
#pragma once

#include "core/ledger_store.hpp"
#include "core/records.hpp"

#include <cstddef>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace cims::core {

/// A record the ledger refuses, with the field and value at fault and how to fix it.
struct LedgerProblem {
    enum class Source { hazard, activity } source;
    std::size_t index; // position in the records given to append() or apply()
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

/// Appends records to the ledger in batches, then brings the derived state up to date once.
/// Contract: runs inside the caller's transaction, which the caller commits only when it accepts
/// the outcome (all-or-nothing: roll back when there were problems).
class LedgerWriter {
public:
    explicit LedgerWriter(LedgerStore& store);
    ~LedgerWriter();

    /// Checks one batch of records against the ledger and appends their events; records with
    /// problems are skipped and listed. A derived area whose parent is not known yet is held back
    /// (its index goes to `deferred`) when `deferred` is given: its parent may come in a later batch.
    ApplyResult append(std::vector<HazardRecord>& hazards, std::vector<ActivityRecord>& activities,
                       std::int64_t import_id, std::vector<std::size_t>* deferred = nullptr);

    /// Replays the areas the appended records touched (and only those). \returns their number.
    std::size_t finish();
    /// Areas and activities appended and not yet replayed.
    std::size_t pending() const noexcept { return m_touched.size() + m_touched_activities.size(); }

    /// append() then finish(): one batch.
    ApplyResult apply(std::vector<HazardRecord>& hazards, std::vector<ActivityRecord>& activities,
                      std::int64_t import_id);

    /// The admin regions, loaded once.
    const RegionIndex& regions();

    /// Replays every hazardous area from the ledger and recomputes every derived table.
    /// \returns the number of areas replayed.
    std::size_t rebuild();

    /// Replays the given areas plus those whose figures depend on them (children, ancestors).
    std::size_t replay_touched(const std::set<std::string>& touched, const std::set<std::string>& activities);

private:

    LedgerStore& m_store;
    std::unique_ptr<RegionIndex> m_regions; // loaded on first use
    std::set<std::string> m_touched;        // areas whose facts changed since the last finish()
    std::set<std::string> m_touched_activities;
};

} // namespace cims::core
