// SPDX-License-Identifier: GPL-3.0-or-later
// ReportHeadings: the wording of report titles, table titles, column headings and labels, read from
// core/templates/article7_headings.json (built in) and optionally overridden by a user's file, so
// the official wording can change without code changes.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>

namespace cims::core {

/// Values for the {placeholders} of the headings ("year" → "2024").
using HeadingVars = std::map<std::string, std::string>;

class ReportHeadings {
public:
    /// The built-in headings merged with `override_path` (a JSON merge patch: a partial copy of the
    /// template) when it is not empty.
    /// \throws std::runtime_error naming the file when it cannot be read or is not JSON.
    static ReportHeadings load(const std::string& override_path = {});

    /// "conventions/<convention>/<field>", e.g. ("CCM", "title").
    std::string convention(const std::string& convention, const std::string& field, const HeadingVars& vars) const;
    /// Title of table `key` ("F-1") for the convention.
    std::string table(const std::string& convention, const std::string& key, const HeadingVars& vars) const;
    std::string column(const std::string& key, const HeadingVars& vars) const;
    std::string label(const std::string& key, const HeadingVars& vars = {}) const;

private:
    /// The text at `pointer` with placeholders replaced.
    /// \throws std::runtime_error naming the missing entry and the template file.
    std::string text(const std::string& pointer, const HeadingVars& vars) const;

    nlohmann::json m_json;
    std::string m_source;
};

} // namespace cims::core
