// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/http_server.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace cims::server {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

/// The request log: one JSON object per line on standard error (standard output stays for the
/// command's own messages).
spdlog::logger& request_log()
{
    static const std::shared_ptr<spdlog::logger> logger = [] {
        auto l = spdlog::get("cims-http");
        return l ? l : spdlog::stderr_logger_mt("cims-http");
    }();
    return *logger;
}

Request to_request(const http::request<http::string_body>& in, const std::string& remote, bool& target_ok)
{
    Request out;
    out.method = std::string(in.method_string());
    target_ok = parse_target(std::string(in.target()), out.path, out.query);
    for (const auto& field : in) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        out.headers[name] = std::string(field.value());
    }
    out.body = in.body();
    out.remote = remote;
    return out;
}

struct Shared {
    Router& router;
    asio::thread_pool& workers;
    std::atomic<int> in_flight{0};
    std::atomic<bool> stopping{false};
    ListenOptions options;
};

/// One connection: reads a request with a fresh parser, answers it on the worker pool, writes
/// the answer, and reads the next while the client keeps the connection alive. A request counts
/// as in flight from its header on, so a graceful stop also waits for a body still arriving.
class Session : public std::enable_shared_from_this<Session> {
public:
    Session(tcp::socket&& socket, Shared& shared) : m_stream(std::move(socket)), m_shared(shared)
    {
        beast::error_code ec;
        const auto endpoint = m_stream.socket().remote_endpoint(ec);
        if (!ec) m_remote = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
    }

    void start() { asio::dispatch(m_stream.get_executor(), [self = shared_from_this()] { self->read(); }); }

private:
    static bool is_disconnect(beast::error_code ec)
    {
        return ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::connection_reset ||
               ec == asio::error::operation_aborted || ec == asio::error::bad_descriptor || ec == asio::error::eof;
    }

    void read()
    {
        if (m_shared.stopping) return close();
        m_parser.emplace();
        m_parser->body_limit(m_shared.router.settings().body_limit);
        // The deadline covers the whole request, header and body (a client that stops sending is
        // dropped); it is lifted while the request is handled and set again for the answer.
        m_stream.expires_after(std::chrono::seconds(m_shared.options.read_timeout_seconds));
        http::async_read_header(m_stream, m_buffer, *m_parser,
                                [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
    }

    void on_header(beast::error_code ec)
    {
        if (ec == http::error::body_limit) { // a Content-Length over the limit is refused before the body
            ++m_shared.in_flight;
            return on_read(ec);
        }
        if (ec) {
            if (!is_disconnect(ec))
                request_log().warn(R"({{"event":"read_error","remote":"{}","error":"{}"}})", m_remote, ec.message());
            return close();
        }
        ++m_shared.in_flight;
        m_started = std::chrono::steady_clock::now();
        if (beast::iequals(m_parser->get()[http::field::expect], "100-continue")) {
            auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
            http::async_write(m_stream, *go_on, [self = shared_from_this(), go_on](beast::error_code e, std::size_t) {
                if (e) {
                    --self->m_shared.in_flight;
                    return self->close();
                }
                self->read_body();
            });
            return;
        }
        read_body();
    }

    void read_body()
    {
        http::async_read(m_stream, m_buffer, *m_parser,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec)
    {
        if (ec == http::error::body_limit) {
            return write(simple(413, "payload_too_large",
                                "the request body is larger than the server's limit of " +
                                    std::to_string(m_shared.router.settings().body_limit >> 20) + " MiB"),
                         false, false, std::string(m_parser->get().method_string()) + " " +
                                           std::string(m_parser->get().target()) + " (body over the limit)",
                         "");
        }
        if (ec) {
            --m_shared.in_flight;
            if (!is_disconnect(ec))
                request_log().warn(R"({{"event":"read_error","remote":"{}","error":"{}"}})", m_remote, ec.message());
            return close();
        }
        m_stream.expires_never();
        auto request = std::make_shared<http::request<http::string_body>>(m_parser->release());
        asio::post(m_shared.workers, [self = shared_from_this(), request] {
            bool target_ok = true;
            Request req = to_request(*request, self->m_remote, target_ok);
            std::string internal, user;
            Response res = target_ok ? self->m_shared.router.handle(req, internal, user)
                                     : simple(400, "invalid_parameter", "the request target has a malformed percent escape");
            const bool keep_alive = request->keep_alive() && !self->m_shared.stopping;
            const bool head = request->method() == http::verb::head;
            auto out = std::make_shared<Response>(std::move(res));
            asio::post(self->m_stream.get_executor(),
                       [self, out, keep_alive, head, internal, user, what = req.method + " " + std::string(request->target())] {
                           self->write(std::move(*out), keep_alive, head, what,
                                       internal.empty() ? user : user + "\x1f" + internal);
                       });
        });
    }

    static Response simple(int status, const std::string& code, const std::string& description)
    {
        Response r;
        r.status = status;
        r.body = nlohmann::json{{"code", code}, {"description", description}}.dump();
        return r;
    }

    /// Writes the answer (to a HEAD request: its header only, with the length the body would have).
    void write(Response res, bool keep_alive, bool head, const std::string& what, const std::string& user_and_error)
    {
        auto message = std::make_shared<http::response<http::string_body>>(http::status(res.status), 11);
        message->set(http::field::server, "cims/0.1");
        if (!res.content_type.empty()) message->set(http::field::content_type, res.content_type);
        for (const auto& [name, value] : res.headers) message->insert(name, value);
        const std::size_t bytes = res.body.size();
        message->keep_alive(keep_alive);
        if (head) {
            message->content_length(bytes);
        } else {
            message->body() = std::move(res.body);
            message->prepare_payload();
        }

        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_started).count();
        const auto sep = user_and_error.find('\x1f');
        const std::string user = user_and_error.substr(0, sep);
        nlohmann::json line{{"event", "request"}, {"remote", m_remote}, {"request", what},
                            {"status", res.status},  {"bytes", bytes},
                            {"ms", std::round(ms * 1000) / 1000}, {"user", user}};
        if (sep != std::string::npos) {
            line["error"] = user_and_error.substr(sep + 1);
            request_log().error(line.dump());
        } else {
            request_log().info(line.dump());
        }
        m_stream.expires_after(std::chrono::seconds(m_shared.options.read_timeout_seconds));
        http::async_write(m_stream, *message, [self = shared_from_this(), message](beast::error_code ec, std::size_t) {
            --self->m_shared.in_flight;
            if (ec || !message->keep_alive()) return self->close();
            self->read();
        });
    }

    void close()
    {
        beast::error_code ec;
        m_stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    beast::tcp_stream m_stream;
    beast::flat_buffer m_buffer;
    std::optional<http::request_parser<http::string_body>> m_parser;
    Shared& m_shared;
    std::string m_remote;
    std::chrono::steady_clock::time_point m_started = std::chrono::steady_clock::now();
};

} // namespace

struct HttpServer::Impl {
    Router& router;
    ListenOptions options;
    asio::io_context ioc;
    asio::thread_pool workers;
    Shared shared;
    tcp::acceptor acceptor{ioc};
    asio::signal_set signals{ioc};
    asio::steady_timer drain{ioc};

    Impl(Router& r, ListenOptions o)
        : router(r), options(std::move(o)), ioc(std::max(1, options.io_threads)), workers(std::max(1, options.worker_threads)),
          shared{r, workers, {}, {}, options}
    {
    }

    void accept()
    {
        acceptor.async_accept(asio::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
            if (ec) {
                if (shared.stopping || ec == asio::error::operation_aborted) return;
                request_log().warn(R"({{"event":"accept_error","error":"{}"}})", ec.message());
            } else {
                std::make_shared<Session>(std::move(socket), shared)->start();
            }
            accept();
        });
    }

    /// Stops accepting, then waits until every request being handled has been answered.
    void begin_stop()
    {
        if (shared.stopping.exchange(true)) return;
        request_log().info(R"({{"event":"stopping","in_flight":{}}})", shared.in_flight.load());
        beast::error_code ec;
        acceptor.close(ec);
        signals.cancel(ec);
        wait_for_drain();
    }

    void wait_for_drain()
    {
        if (shared.in_flight == 0) {
            ioc.stop();
            return;
        }
        drain.expires_after(std::chrono::milliseconds(20));
        drain.async_wait([this](beast::error_code) { wait_for_drain(); });
    }
};

HttpServer::HttpServer(Router& router, ListenOptions options) : m_impl(std::make_unique<Impl>(router, std::move(options))) {}

HttpServer::~HttpServer()
{
    m_impl->workers.join();
}

void HttpServer::run(const std::function<void(std::uint16_t)>& on_listening)
{
    Impl& s = *m_impl;
    beast::error_code ec;
    const auto address = asio::ip::make_address(s.options.address, ec);
    if (ec) throw std::runtime_error("'" + s.options.address + "' is not an IP address: give --listen ADDRESS:PORT");
    const tcp::endpoint endpoint(address, s.options.port);
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::runtime_error("cannot listen on " + s.options.address + ":" + std::to_string(s.options.port) + ": " +
                                 ec.message());
    if (s.options.handle_signals) {
        s.signals.add(SIGINT);
        s.signals.add(SIGTERM);
        s.signals.async_wait([&s](beast::error_code e, int) {
            if (!e) s.begin_stop();
        });
    }
    s.accept();
    if (on_listening) on_listening(s.acceptor.local_endpoint().port());
    std::vector<std::thread> threads;
    for (int i = 1; i < s.options.io_threads; ++i) threads.emplace_back([&s] { s.ioc.run(); });
    s.ioc.run();
    for (auto& t : threads) t.join();
    s.workers.join();
    request_log().info(R"({"event":"stopped"})");
}

int HttpServer::in_flight() const
{
    return m_impl->shared.in_flight.load();
}

void HttpServer::stop()
{
    asio::post(m_impl->ioc, [impl = m_impl.get()] { impl->begin_stop(); });
}

} // namespace cims::server
