// SPDX-License-Identifier: GPL-3.0-or-later
// AnnualFigures: the Action 24 figures of design.md §3 for a year and a contamination type.
#pragma once

#include "core/domain.hpp"
#include "core/ledger_store.hpp"

#include <nlohmann/json_fwd.hpp>

#include <map>
#include <string>
#include <vector>

namespace cims::core {

struct ByStatus {
    double SHA = 0, CHA = 0;
    double& operator[](Status s) { return s == Status::SHA ? SHA : CHA; }
    double operator[](Status s) const { return s == Status::SHA ? SHA : CHA; }
};

/// The figures of one region or of the nation.
struct Figures {
    std::int64_t remaining_count_sha = 0, remaining_count_cha = 0;
    /// Hazardous areas recorded or derived during the year and open at that moment (newly identified).
    std::int64_t added_count_sha = 0, added_count_cha = 0;
    ByStatus remaining_m2, added_m2, moved_in_m2, moved_out_m2, corrections_m2;
    double cancelled_m2 = 0, reduced_m2 = 0, cleared_m2 = 0;
    std::int64_t closed_count = 0;
    ItemsDestroyed items;
    bool balance_ok = true;
    double balance_max_error_m2 = 0;
};

struct RegionFigures {
    std::string code;
    std::string name;
    Figures figures;
};

struct AnnualFigures {
    int year = 0;
    ContamMask contamination = 1;
    Figures national;
    std::vector<RegionFigures> regions; // by code
};

/// Allowed gap between measured remaining area and the flows, per stratum (design.md §3).
inline constexpr double balance_tolerance_m2 = 1.0;

/// Sums the stored effects: remaining at 31 December of `year`, flows during it, and the balance
/// remaining(Y) = remaining(Y−1) + added + moved in − moved out + corrections − released, checked
/// per stratum (region × status).
AnnualFigures compute_annual_figures(LedgerStore& store, int year, ContamMask contamination);

/// The same from totals already read (store.totals(last, mask) with last ≥ `year`), so that a
/// report over many years reads the totals once. `items` are the items destroyed in `year` (empty
/// when the caller does not need them); `names` maps region codes to names.
AnnualFigures compute_annual_figures(const std::vector<StratumTotal>& totals, const std::vector<RegionItems>& items,
                                     const std::map<std::string, std::string>& names, int year,
                                     ContamMask contamination);

/// The JSON of design.md §5 ("report": "action24").
nlohmann::json to_json(const AnnualFigures& figures);
/// One row per region plus a national row, with a header.
std::string to_csv(const AnnualFigures& figures);
/// A fixed-width table for a terminal.
std::string to_table(const AnnualFigures& figures);

} // namespace cims::core
