// SPDX-License-Identifier: GPL-3.0-or-later
// A minimal synchronous HTTP/1.1 client for the loopback tests (one keep-alive connection).
#pragma once

#include <utility> // before Asio: its awaitable.hpp uses std::exchange without including it

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <string>

namespace cims::test {

struct ClientResponse {
    int status = 0;
    std::string body;
    std::string content_type;
    bool keep_alive = false;
};

class HttpClient {
public:
    explicit HttpClient(unsigned short port) : m_stream(m_ioc)
    {
        m_stream.connect(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
    }

    ClientResponse request(const std::string& method, const std::string& target, const std::string& key = "",
                           const std::string& body = "", const std::string& content_type = "")
    {
        namespace http = boost::beast::http;
        http::request<http::string_body> req(http::string_to_verb(method), target, 11);
        req.set(http::field::host, "127.0.0.1");
        if (!key.empty()) req.set(http::field::authorization, "Bearer " + key);
        if (!content_type.empty()) req.set(http::field::content_type, content_type);
        req.body() = body;
        req.keep_alive(true);
        req.prepare_payload();
        http::write(m_stream, req);
        boost::beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(1u << 30);
        http::read(m_stream, buffer, parser);
        const auto& res = parser.get();
        return ClientResponse{int(res.result_int()), res.body(), std::string(res[http::field::content_type]), res.keep_alive()};
    }

private:
    boost::asio::io_context m_ioc;
    boost::beast::tcp_stream m_stream;
};

} // namespace cims::test
