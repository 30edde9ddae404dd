// SPDX-License-Identifier: GPL-3.0-or-later
// HttpServer: the Boost.Beast transport. I/O threads read and write HTTP/1.1 with keep-alive,
// body limits and timeouts; every request is answered on a worker pool (database and geometry
// work never blocks an I/O thread). SIGINT/SIGTERM stop accepting, let in-flight requests finish
// and their answers be written, then return from run().
#pragma once

#include "server/router.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace cims::server {

struct ListenOptions {
    std::string address = "127.0.0.1";
    std::uint16_t port = 8080;       // 0: any free port (see on_listening)
    int io_threads = 2;
    int worker_threads = 4;
    int read_timeout_seconds = 120;  // a whole request, body included
    bool handle_signals = true;      // SIGINT/SIGTERM stop the server
};

class HttpServer {
public:
    HttpServer(Router& router, ListenOptions options);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Binds, calls `on_listening(port)` and serves until stop() or a signal.
    /// \throws std::runtime_error naming the address when it cannot listen.
    void run(const std::function<void(std::uint16_t)>& on_listening = {});
    /// Asks run() to finish gracefully; safe from any thread.
    void stop();
    /// Requests whose header has arrived and whose answer is not yet written.
    int in_flight() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace cims::server
