// SPDX-License-Identifier: GPL-3.0-or-later
#include "report_headings.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace cims::core {

extern const char* const default_report_headings_json;

ReportHeadings ReportHeadings::load(const std::string& override_path)
{
    ReportHeadings h;
    h.m_json = nlohmann::json::parse(default_report_headings_json);
    h.m_source = "the built-in headings (core/templates/article7_headings.json)";
    if (override_path.empty()) return h;
    std::ifstream in(override_path);
    if (!in) throw std::runtime_error(fmt::format("cannot read the headings file '{}': give an existing JSON file "
                                                  "(a copy of core/templates/article7_headings.json)", override_path));
    nlohmann::json patch;
    try {
        patch = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& e) {
        throw std::runtime_error(fmt::format("the headings file '{}' is not valid JSON ({}): fix it or start again "
                                             "from core/templates/article7_headings.json", override_path, e.what()));
    }
    if (!patch.is_object())
        throw std::runtime_error(fmt::format("the headings file '{}' must hold a JSON object like "
                                             "core/templates/article7_headings.json", override_path));
    h.m_json.merge_patch(patch);
    h.m_source = fmt::format("the headings file '{}' merged over the built-in headings", override_path);
    return h;
}

std::string ReportHeadings::text(const std::string& pointer, const HeadingVars& vars) const
{
    const nlohmann::json::json_pointer p(pointer);
    if (!m_json.contains(p) || !m_json.at(p).is_string())
        throw std::runtime_error(fmt::format("no text at '{}' in {}: add it (see core/templates/article7_headings.json)",
                                             pointer, m_source));
    std::string s = m_json.at(p).get<std::string>();
    for (const auto& [name, value] : vars) {
        const std::string token = "{" + name + "}";
        for (std::size_t at = s.find(token); at != std::string::npos; at = s.find(token, at + value.size()))
            s.replace(at, token.size(), value);
    }
    return s;
}

std::string ReportHeadings::convention(const std::string& convention, const std::string& field,
                                       const HeadingVars& vars) const
{
    return text("/conventions/" + convention + "/" + field, vars);
}

std::string ReportHeadings::table(const std::string& convention, const std::string& key, const HeadingVars& vars) const
{
    return text("/conventions/" + convention + "/tables/" + key, vars);
}

std::string ReportHeadings::column(const std::string& key, const HeadingVars& vars) const
{
    return text("/columns/" + key, vars);
}

std::string ReportHeadings::label(const std::string& key, const HeadingVars& vars) const
{
    return text("/labels/" + key, vars);
}

} // namespace cims::core
