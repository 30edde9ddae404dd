// SPDX-License-Identifier: GPL-3.0-or-later
// The cost of one OGC API items page without the network: the query (FeatureCatalog) and the
// GeoJSON writing, on one thread, so bench_http.sh's wrk figures can be read against it.
// Not a test: `build/bench_ogc_page DB [--bbox minx,miny,maxx,maxy] [--limit N] [--runs N]`.
#include "core/ledger_store.hpp"
#include "server/geojson_writer.hpp"
#include "server/ogc_api.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double micros(Clock::duration d)
{
    return std::chrono::duration<double, std::micro>(d).count();
}

void print(const char* what, std::vector<double>& us)
{
    std::sort(us.begin(), us.end());
    fmt::print("  {:<34} p50 {:8.1f} µs   p99 {:8.1f} µs\n", what, us[us.size() / 2], us[us.size() * 99 / 100]);
}

} // namespace

int main(int argc, char** argv)
{
    using namespace cims;
    if (argc < 2) {
        fmt::print(stderr, "usage: bench_ogc_page DB [--bbox minx,miny,maxx,maxy] [--limit N] [--runs N]\n");
        return 2;
    }
    std::string db = argv[1], bbox = "101.0,11.0,101.095,11.095", limit = "100";
    int runs = 2000;
    for (int i = 2; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--bbox")) bbox = argv[i + 1];
        else if (!std::strcmp(argv[i], "--limit")) limit = argv[i + 1];
        else if (!std::strcmp(argv[i], "--runs")) runs = std::max(10, std::atoi(argv[i + 1]));
        else {
            fmt::print(stderr, "bench_ogc_page: unknown option '{}'\n", argv[i]);
            return 2;
        }
    }
    auto store = core::open_spatialite_store(db);
    server::ServerSettings settings;
    std::mutex mutex;
    server::RequestContext ctx{*store, std::nullopt, "http://127.0.0.1:8080", settings, mutex};
    server::Request request;
    request.method = "GET";
    request.path = "/collections/hazards/items";
    request.query = {{"bbox", bbox}, {"limit", limit}};

    // The query alone, the writing alone, and the whole handler.
    std::vector<double> query_us, write_us, handler_us;
    core::FeatureQuery query;
    std::sscanf(bbox.c_str(), "%lf,%lf,%lf,%lf", &query.bbox.emplace().min_x, &query.bbox->min_y, &query.bbox->max_x,
                &query.bbox->max_y);
    query.limit = std::stoi(limit);
    std::size_t bytes = 0, features = 0;
    for (int i = 0; i < runs; ++i) {
        auto t0 = Clock::now();
        const core::FeaturePage page = store->features().items(core::FeatureCollection::hazards, query);
        auto t1 = Clock::now();
        std::string out;
        out.reserve(page.features.size() * 2048);
        server::GeoJsonWriter writer(out);
        for (const auto& f : page.features) writer.feature(f);
        auto t2 = Clock::now();
        const auto response = server::handle_ogc(request, ctx);
        auto t3 = Clock::now();
        query_us.push_back(micros(t1 - t0));
        write_us.push_back(micros(t2 - t1));
        handler_us.push_back(micros(t3 - t2));
        bytes = response->body.size();
        features = page.features.size();
    }
    fmt::print("cims OGC API items page without the network: {} features, {} bytes, {} runs\n", features, bytes, runs);
    print("query (FeatureCatalog::items)", query_us);
    print("GeoJSON writing", write_us);
    print("handle_ogc (parse, query, write)", handler_us);
    return 0;
}
