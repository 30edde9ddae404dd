// SPDX-License-Identifier: GPL-3.0-or-later
// The `cims` subcommands: each file registers one on the CLI11 app and runs it.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <stdexcept>

namespace cims::cli {

/// Exit codes of design.md §5.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;
inline constexpr int exit_rejected = 3;

/// A subcommand's action; returns the exit code.
using Action = std::function<int()>;

/// Thrown for a usage error found after parsing (exit 2).
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

void add_init(CLI::App& app, Action& action);
void add_regions(CLI::App& app, Action& action);
void add_import(CLI::App& app, Action& action);
void add_report(CLI::App& app, Action& action);
void add_export(CLI::App& app, Action& action);
void add_rebuild(CLI::App& app, Action& action);
void add_submissions(CLI::App& app, Action& action);
void add_users(CLI::App& app, Action& action);
void add_audit(CLI::App& app, Action& action);
void add_serve(CLI::App& app, Action& action);

} // namespace cims::cli
