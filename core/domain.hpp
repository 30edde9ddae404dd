// SPDX-License-Identifier: GPL-3.0-or-later
// The vocabulary of design.md §1 as C++ types: status, contamination, method, release kind, dates.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cims::core {

/// SHA: suspected from indirect evidence; CHA: confirmed by direct evidence.
enum class Status { SHA, CHA };

/// NTS → cancelled, TS → reduced, CLEARANCE → cleared; EOD is a spot task and releases no area.
enum class Method { NTS, TS, CLEARANCE, EOD };

enum class ReleaseKind { cancelled, reduced, cleared };

std::string_view to_string(Status s);
std::string_view to_string(Method m);
std::string_view to_string(ReleaseKind k);
std::optional<Status> parse_status(std::string_view text);
std::optional<Method> parse_method(std::string_view text);
/// The fixed release kind of a method; none for EOD.
std::optional<ReleaseKind> release_kind_of(Method m);

/// Two records of a hazardous area describe the same polygon when every vertex agrees within this
/// many degrees (about 1 cm): a file re-exported through another CRS or format is not a correction.
inline constexpr double same_geometry_tolerance_deg = 1e-7;

/// A set of contamination types as a bit mask (stored as such, so a report filters with `&`).
using ContamMask = std::uint32_t;
inline constexpr std::array<std::string_view, 6> contamination_types = {"CMR", "AP", "AV", "ERW", "IED", "UNKNOWN"};
/// Bit of one type ("CMR" → 1, "AP" → 2 …); 0 when unknown.
ContamMask contamination_bit(std::string_view type);
/// Parses "CMR, AP" (separated by commas, semicolons, bars or blanks; case-insensitive).
/// \returns nullopt and the offending token when a type is unknown.
std::optional<ContamMask> parse_contamination(std::string_view text, std::string* bad_token = nullptr);
/// "CMR,AP" in the order of contamination_types.
std::string format_contamination(ContamMask mask);

/// A calendar date as ISO 8601 text, "YYYY-MM-DD": compares correctly as text.
struct Date {
    std::string iso;
    int year() const { return std::stoi(iso.substr(0, 4)); }
    auto operator<=>(const Date&) const = default;
};
/// Accepts YYYY-MM-DD or YYYY/MM/DD (optionally followed by a time, which is dropped) and checks
/// the calendar.
std::optional<Date> parse_iso_date(std::string_view text);
/// Parses with a strptime-style format ("%d/%m/%Y"), then checks the calendar.
std::optional<Date> parse_date(std::string_view text, const std::string& format);

/// Items destroyed by category, in the order of the report (submunitions first).
struct ItemsDestroyed {
    std::int64_t submunitions = 0, ap_mines = 0, av_mines = 0, other_erw = 0;
};

/// People consulted or reached by an activity; `disabled` counts persons with disabilities among them.
struct PeopleCounts {
    std::int64_t women = 0, men = 0, girls = 0, boys = 0, disabled = 0;
};

} // namespace cims::core
