// SPDX-License-Identifier: GPL-3.0-or-later
// The demo database of scripts/demo.sh (data-samples/), built by the `cims` binary, and a `cims
// serve` process on a free loopback port for the tests that use a real HTTP client.
#pragma once

#include "test_support.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace cims::test {

/// Runs `cims ARGS`, output appended to `log`; true on exit code 0.
inline bool run_cims(const std::string& args, const std::string& log)
{
    const std::string cmd = std::string(CIMS_BINARY) + " " + args + " >>" + log + " 2>&1";
    return std::system(cmd.c_str()) == 0;
}

/// Builds the samples database at `db` as scripts/demo.sh does (log beside it).
inline void build_samples_db(const std::string& db)
{
    const std::string log = db + ".log";
    const std::string samples = CIMS_SAMPLES_DIR;
    for (const std::string& args :
         {"init " + db + " --country VLL",
          "regions " + db + " " + samples + "/regions.geojson --code-field code --name-field name",
          "import " + db + " " + samples + "/hazards_2020_2022.gpkg",
          "import " + db + " " + samples + "/hazards_2023_2024.geojson",
          "import " + db + " " + samples + "/activities.geojson",
          "import " + db + " " + samples + "/operator_clearance_utm.shp --mapping " + samples +
              "/operator_clearance_utm.mapping.json"})
        ASSERT_TRUE(run_cims(args, log)) << "cims " << args << " failed; see " << log;
}

/// WKT of a GeoJSON Polygon or MultiPolygon, to measure its area as the ledger does.
inline std::string polygon_wkt(const nlohmann::json& g)
{
    auto ring = [](const nlohmann::json& r) {
        std::string s = "(";
        for (std::size_t i = 0; i < r.size(); ++i)
            s += fmt::format("{}{} {}", i ? ", " : "", r[i][0].get<double>(), r[i][1].get<double>());
        return s + ")";
    };
    auto polygon = [&](const nlohmann::json& p) {
        std::string s = "(";
        for (std::size_t i = 0; i < p.size(); ++i) s += (i ? ", " : "") + ring(p[i]);
        return s + ")";
    };
    if (g["type"] == "Polygon") return "POLYGON " + polygon(g["coordinates"]);
    std::string s = "MULTIPOLYGON (";
    for (std::size_t i = 0; i < g["coordinates"].size(); ++i) s += (i ? ", " : "") + polygon(g["coordinates"][i]);
    return s + ")";
}

/// `cims serve DB --listen 127.0.0.1:0 [extra]`; stopped with SIGTERM when destroyed.
class ServeProcess {
public:
    /// Its standard output and error (the request log among them) go to `DB.serve.log`.
    ServeProcess(const std::string& db, const std::string& extra) : m_log(db + ".serve.log")
    {
        m_pid = fork();
        if (m_pid == 0) {
            const std::string cmd = "exec " + std::string(CIMS_BINARY) + " serve " + db + " --listen 127.0.0.1:0 " + extra +
                                    " >" + m_log + " 2>&1";
            execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        // The first line names the address: "cims: serving DB on http://127.0.0.1:PORT ...".
        for (int i = 0; i < 200 && m_url.empty(); ++i) {
            usleep(50000);
            const std::string text = log();
            const auto at = text.find("http://");
            const auto end = text.find_first_of(" \n", at);
            if (at != std::string::npos && end != std::string::npos) m_url = text.substr(at, end - at);
        }
    }
    ~ServeProcess()
    {
        if (m_pid > 0) {
            kill(m_pid, SIGTERM);
            int status = 0;
            waitpid(m_pid, &status, 0);
        }
    }
    /// What the server has written so far.
    std::string log() const
    {
        std::ifstream in(m_log);
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    /// "http://127.0.0.1:PORT", empty when the server did not start.
    const std::string& url() const { return m_url; }

private:
    std::string m_log;
    pid_t m_pid = -1;
    std::string m_url;
};

} // namespace cims::test
