// SPDX-License-Identifier: GPL-3.0-or-later
// cims serve DB [--listen 127.0.0.1:8080]: the HTTP interface (OGC API – Features and /api/v1).
#include "cli/commands.hpp"

#include "core/ledger_store.hpp"
#include "server/http_server.hpp"

#include <iostream>
#include <memory>
#include <thread>

namespace cims::cli {

void add_serve(CLI::App& app, Action& action)
{
    struct Args {
        std::string db, listen = "127.0.0.1:8080", cors, public_url;
        bool public_read = false;
        int workers = 0, io_threads = 2;
        std::size_t body_limit_mb = 256;
    };
    auto a = std::make_shared<Args>();
    auto* cmd = app.add_subcommand("serve", "Serve OGC API – Features and the REST interface over HTTP");
    cmd->add_option("DB", a->db, "cims database")->required();
    cmd->add_option("--listen", a->listen, "ADDRESS:PORT to listen on (port 0: any free port)")->capture_default_str();
    cmd->add_flag("--public-read", a->public_read, "Let anyone read the OGC API endpoints without logging in");
    cmd->add_option("--cors-origin", a->cors, "Value of Access-Control-Allow-Origin (e.g. https://map.example.org or *)");
    cmd->add_option("--public-url", a->public_url, "Base of the absolute links (behind a proxy), e.g. https://cims.example.org");
    cmd->add_option("--workers", a->workers, "Worker threads for database work (default: 2 per core, at least 4)");
    cmd->add_option("--io-threads", a->io_threads, "Threads reading and writing sockets")->capture_default_str();
    cmd->add_option("--body-limit-mb", a->body_limit_mb, "Largest accepted request body, MiB")->capture_default_str();
    cmd->callback([&action, a] {
        action = [a] {
            const auto colon = a->listen.rfind(':');
            if (colon == std::string::npos)
                throw UsageError("--listen '" + a->listen + "' needs ADDRESS:PORT, e.g. 127.0.0.1:8080");
            server::ListenOptions listen;
            listen.address = a->listen.substr(0, colon);
            if (listen.address.size() > 2 && listen.address.front() == '[') listen.address = listen.address.substr(1, listen.address.size() - 2);
            try {
                const int port = std::stoi(a->listen.substr(colon + 1));
                if (port < 0 || port > 65535) throw std::out_of_range("port");
                listen.port = std::uint16_t(port);
            } catch (const std::exception&) {
                throw UsageError("--listen '" + a->listen + "': the port must be a number from 0 to 65535");
            }
            listen.io_threads = std::max(1, a->io_threads);
            listen.worker_threads = a->workers > 0 ? a->workers : int(std::max(4u, 2 * std::thread::hardware_concurrency()));
            (void)core::open_spatialite_store(a->db); // fails now, with the file named, if it is not a cims database
            server::ServerSettings settings;
            settings.database = a->db;
            settings.public_read = a->public_read;
            settings.cors_origin = a->cors;
            settings.public_url = a->public_url;
            settings.body_limit = a->body_limit_mb << 20;
            server::Router router(settings);
            server::HttpServer http(router, listen);
            http.run([&](std::uint16_t port) {
                std::cout << "cims: serving " << a->db << " on http://" << listen.address << ":" << port
                          << (a->public_read ? " (OGC API readable without login)" : "") << std::endl;
            });
            return exit_ok;
        };
    });
}

} // namespace cims::cli
