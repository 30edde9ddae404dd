// SPDX-License-Identifier: GPL-3.0-or-later
// ApiError: an answer other than success, with the JSON body of design.md §6
// {code, description, field}. error_response() is the one translation edge from exceptions to
// HTTP statuses; what is not a known client error is logged and answered as 500 without details.
#pragma once

#include "server/http_message.hpp"

#include <stdexcept>
#include <string>

namespace cims::server {

class ApiError : public std::runtime_error {
public:
    ApiError(int status, std::string code, const std::string& description, std::string field = "")
        : std::runtime_error(description), m_status(status), m_code(std::move(code)), m_field(std::move(field))
    {
    }
    int status() const noexcept { return m_status; }
    const std::string& code() const noexcept { return m_code; }
    const std::string& field() const noexcept { return m_field; }

private:
    int m_status;
    std::string m_code;
    std::string m_field;
};

/// A 400 for a bad parameter or body field.
inline ApiError bad_request(const std::string& field, const std::string& description)
{
    return ApiError(400, "invalid_parameter", description, field);
}

Response error_body(int status, const std::string& code, const std::string& description, const std::string& field);

/// Maps the exception being handled (call inside a catch block) to a response. `log_internal`
/// receives the text of unexpected errors, which the client never sees.
Response error_response(const std::exception_ptr& error, std::string& log_internal);

} // namespace cims::server
