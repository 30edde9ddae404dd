// SPDX-License-Identifier: GPL-3.0-or-later
// GeosContext: the GEOS reentrant context of the current thread (internal to gis/).
#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <string>

namespace cims::gis {

/// One GEOS context per thread. GEOS reports errors through a callback; the callback only copies
/// the message into this object (it must never throw through C frames), and `fail()` throws it
/// after the call has returned.
class GeosContext {
public:
    /// The calling thread's context, created on first use.
    static GeosContext& current();

    GEOSContextHandle_t handle() const noexcept { return m_handle; }

    /// Clears the last message; call before an operation whose failure is reported.
    void clear() noexcept { m_message.clear(); }

    /// \throws GeometryError "<what>: <GEOS message>".
    [[noreturn]] void fail(const char* what) const;

    ~GeosContext();
    GeosContext(const GeosContext&) = delete;
    GeosContext& operator=(const GeosContext&) = delete;

private:
    GeosContext();
    static void on_message(const char* message, void* userdata);

    GEOSContextHandle_t m_handle;
    std::string m_message;
};

} // namespace cims::gis
