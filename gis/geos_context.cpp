// SPDX-License-Identifier: GPL-3.0-or-later
#include "geos_context.hpp"

#include "error.hpp"

namespace cims::gis {

GeosContext& GeosContext::current()
{
    thread_local GeosContext context;
    return context;
}

GeosContext::GeosContext() : m_handle(GEOS_init_r())
{
    GEOSContext_setErrorMessageHandler_r(m_handle, &GeosContext::on_message, this);
}

GeosContext::~GeosContext()
{
    GEOS_finish_r(m_handle);
}

void GeosContext::on_message(const char* message, void* userdata)
{
    auto* self = static_cast<GeosContext*>(userdata);
    try {
        self->m_message = message ? message : "";
    } catch (...) { // allocation failure: keep the previous text rather than throw into GEOS
    }
}

void GeosContext::fail(const char* what) const
{
    throw GeometryError(std::string(what) + ": " +
                        (m_message.empty() ? std::string("GEOS gave no reason") : m_message));
}

} // namespace cims::gis
