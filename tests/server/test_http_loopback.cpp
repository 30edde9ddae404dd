// SPDX-License-Identifier: GPL-3.0-or-later
// The server on loopback: keep-alive, body limit, 20 concurrent uploads and approvals that lose
// nothing and surface no SQLITE_BUSY, and a graceful stop that finishes what is in flight.
#include "http_client.hpp"
#include "server_fixture.hpp"

#include "server/http_server.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <thread>

extern char** environ;

namespace cims::test {
namespace {

class Loopback : public ::testing::Test {
protected:
    Loopback() : m_keys(add_fixture_users(m_db.path())) {}
    ~Loopback() override { stop(); }

    void start(std::size_t body_limit = 256u << 20, int read_timeout_seconds = 120)
    {
        server::ServerSettings settings;
        settings.database = m_db.path();
        settings.body_limit = body_limit;
        m_router = std::make_unique<server::Router>(settings);
        server::ListenOptions listen;
        listen.port = 0;
        listen.worker_threads = 4;
        listen.handle_signals = false;
        listen.read_timeout_seconds = read_timeout_seconds;
        m_server = std::make_unique<server::HttpServer>(*m_router, listen);
        std::promise<unsigned short> port;
        m_thread = std::thread([this, &port] { m_server->run([&](std::uint16_t p) { port.set_value(p); }); });
        m_port = port.get_future().get();
    }

    void stop()
    {
        if (!m_server) return;
        m_server->stop();
        if (m_thread.joinable()) m_thread.join();
        m_server.reset();
    }

    std::int64_t count(const std::string& sql) const
    {
        schema::Database db(m_db.path(), schema::Database::Mode::open_existing);
        auto st = db.prepare(sql);
        return st.step() ? st.column_int(0) : -1;
    }

    TempDb m_db;
    std::map<std::string, std::string> m_keys;
    std::unique_ptr<server::Router> m_router;
    std::unique_ptr<server::HttpServer> m_server;
    std::thread m_thread;
    unsigned short m_port = 0;
};

TEST_F(Loopback, KeepAliveServesSeveralRequestsOnOneConnection)
{
    start();
    HttpClient client(m_port);
    for (const char* target : {"/", "/conformance", "/collections", "/api/v1/me"}) {
        const auto r = client.request("GET", target, m_keys.at("donor"));
        EXPECT_EQ(r.status, 200) << target << ": " << r.body;
        EXPECT_TRUE(r.keep_alive);
    }
    const auto unauthorised = client.request("GET", "/collections");
    EXPECT_EQ(unauthorised.status, 401);
    EXPECT_EQ(unauthorised.content_type, "application/json");
}

TEST_F(Loopback, HeadAnswersTheHeaderOnlyAndTheConnectionStaysUsable)
{
    start();
    HttpClient client(m_port);
    const auto get = client.request("GET", "/conformance", m_keys.at("donor"));
    ASSERT_EQ(get.status, 200);
    boost::asio::io_context ioc;
    boost::beast::tcp_stream stream(ioc);
    stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), m_port));
    namespace http = boost::beast::http;
    http::request<http::empty_body> head(http::verb::head, "/conformance", 11);
    head.set(http::field::host, "127.0.0.1");
    head.set(http::field::authorization, "Bearer " + m_keys.at("donor"));
    http::write(stream, head);
    boost::beast::flat_buffer buffer;
    http::response_parser<http::empty_body> parser;
    parser.skip(true); // a response to HEAD has no body whatever its Content-Length says
    http::read(stream, buffer, parser);
    EXPECT_EQ(parser.get().result_int(), 200u);
    EXPECT_EQ(parser.get()[http::field::content_length], std::to_string(get.body.size()));
    // The next answer on the same connection is read intact.
    http::request<http::empty_body> next(http::verb::get, "/conformance", 11);
    next.set(http::field::host, "127.0.0.1");
    next.set(http::field::authorization, "Bearer " + m_keys.at("donor"));
    http::write(stream, next);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    EXPECT_EQ(res.result_int(), 200u);
    EXPECT_EQ(res.body(), get.body);
}

TEST_F(Loopback, ABodyOverTheLimitIs413)
{
    start(1024);
    HttpClient client(m_port);
    const auto r = client.request("POST", "/api/v1/submissions?kind=hazards", m_keys.at("op_a"), hazards_geojson(1, 50),
                                  "application/geo+json");
    EXPECT_EQ(r.status, 413) << r.body;
    EXPECT_EQ(nlohmann::json::parse(r.body)["code"], "payload_too_large");
    EXPECT_EQ(count("SELECT count(*) FROM submissions"), 0);
}

TEST_F(Loopback, AClientThatStopsSendingIsDisconnectedAfterTheReadTimeout)
{
    start(256u << 20, 1);
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), m_port});
    boost::asio::write(socket, boost::asio::buffer(std::string("GET /conformance HTTP/1.1\r\nHost: x\r\n")));
    const auto before = std::chrono::steady_clock::now();
    char byte = 0;
    boost::system::error_code ec;
    socket.read_some(boost::asio::buffer(&byte, 1), ec); // blocks until the server gives up
    const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - before).count();
    EXPECT_TRUE(ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset) << ec.message();
    EXPECT_GT(waited, 0.5);
    EXPECT_LT(waited, 5.0);
}

TEST_F(Loopback, TwentyConcurrentUploadsAndApprovalsLoseNothing)
{
    start();
    constexpr int clients = 20, per_file = 5;
    std::vector<std::future<ClientResponse>> uploads;
    for (int i = 0; i < clients; ++i)
        uploads.push_back(std::async(std::launch::async, [&, i] {
            HttpClient client(m_port);
            return client.request("POST", "/api/v1/submissions?kind=hazards", m_keys.at(i % 2 ? "op_a" : "op_b"),
                                  hazards_geojson(i * per_file, per_file), "application/geo+json");
        }));
    std::vector<std::int64_t> ids;
    for (auto& f : uploads) {
        const ClientResponse r = f.get();
        ASSERT_EQ(r.status, 201) << r.body;
        const auto j = nlohmann::json::parse(r.body);
        EXPECT_EQ(j["status"], "submitted") << r.body;
        ids.push_back(j["id"]);
    }
    EXPECT_EQ(count("SELECT count(*) FROM submissions"), clients);

    std::vector<std::future<ClientResponse>> approvals;
    for (std::int64_t id : ids)
        approvals.push_back(std::async(std::launch::async, [&, id] {
            HttpClient client(m_port);
            return client.request("POST", "/api/v1/submissions/" + std::to_string(id) + "/approve",
                                  m_keys.at(id % 2 ? "ana" : "root"));
        }));
    for (auto& f : approvals) {
        const ClientResponse r = f.get();
        EXPECT_EQ(r.status, 200) << r.body;
        EXPECT_EQ(r.body.find("busy"), std::string::npos) << r.body;
    }
    EXPECT_EQ(count("SELECT count(*) FROM hazards"), clients * per_file);
    EXPECT_EQ(count("SELECT count(*) FROM submissions WHERE status = 'approved'"), clients);
    EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'submission_approved'"), clients);
}

TEST_F(Loopback, StopFinishesTheRequestInFlight)
{
    start();
    std::promise<void> sent;
    auto upload = std::async(std::launch::async, [&] {
        HttpClient client(m_port);
        // Large enough that validation is still running when stop() is called.
        const std::string body = hazards_geojson(0, 3000);
        sent.set_value();
        return client.request("POST", "/api/v1/submissions?kind=hazards", m_keys.at("op_a"), body, "application/geo+json");
    });
    sent.get_future().wait();
    // Stop once the server holds the request (its header arrived; it is being read or validated).
    for (int i = 0; i < 2000 && m_server->in_flight() == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(m_server->in_flight(), 1);
    stop();
    const ClientResponse r = upload.get();
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_FALSE(r.keep_alive) << "a stopping server closes the connection after the answer";
    EXPECT_EQ(count("SELECT count(*) FROM submissions"), 1);
    EXPECT_THROW(HttpClient{m_port}, boost::system::system_error) << "the server still accepts connections";
}

/// `cims serve` as its own process: SIGTERM ends it with exit code 0 after it logged its stop.
TEST_F(Loopback, ServeCommandStopsOnSigterm)
{
    const std::string log = m_db.dir().file("serve.log");
    const std::string command = std::string(CIMS_BINARY) + " serve " + m_db.path() + " --listen 127.0.0.1:0 > " + log +
                                " 2>&1";
    const char* argv[] = {"/bin/sh", "-c", nullptr, nullptr};
    const std::string exec = "exec " + command;
    argv[2] = exec.c_str();
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, const_cast<char**>(argv), environ), 0);
    unsigned short port = 0;
    for (int i = 0; i < 200 && port == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            const auto at = line.find("http://127.0.0.1:");
            if (at != std::string::npos) port = static_cast<unsigned short>(std::stoi(line.substr(at + 17)));
        }
    }
    ASSERT_NE(port, 0) << "cims serve did not report its port";
    {
        HttpClient client(port);
        EXPECT_EQ(client.request("GET", "/conformance", m_keys.at("root")).status, 200);
    }
    ::kill(pid, SIGTERM);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    std::ifstream in(log);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find(R"("event":"request")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("status":200)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("event":"stopped")"), std::string::npos) << text;
}

} // namespace
} // namespace cims::test
