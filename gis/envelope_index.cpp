// SPDX-License-Identifier: GPL-3.0-or-later
#include "envelope_index.hpp"

#include "geos_context.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

namespace cims::gis {

namespace {
GEOSGeometry* box_geometry(GEOSContextHandle_t h, const Envelope& e)
{
    return GEOSGeom_createRectangle_r(h, e.min_x, e.min_y, e.max_x, e.max_y);
}

void collect(void* item, void* userdata)
{
    static_cast<std::vector<std::size_t>*>(userdata)->push_back(std::size_t(reinterpret_cast<std::uintptr_t>(item)));
}
} // namespace

EnvelopeIndex::EnvelopeIndex() : m_tree(GEOSSTRtree_create_r(GeosContext::current().handle(), 10)) {}

EnvelopeIndex::~EnvelopeIndex()
{
    auto h = GeosContext::current().handle();
    GEOSSTRtree_destroy_r(h, m_tree);
    for (GEOSGeometry* g : m_boxes) GEOSGeom_destroy_r(h, g);
}

void EnvelopeIndex::insert(const Envelope& box, std::size_t id)
{
    if (m_built) throw std::logic_error("EnvelopeIndex: insert after a query (the tree is static once built)");
    auto& c = GeosContext::current();
    c.clear();
    GEOSGeometry* g = box_geometry(c.handle(), box);
    if (!g) c.fail("building an index box");
    m_boxes.push_back(g);
    GEOSSTRtree_insert_r(c.handle(), m_tree, g, reinterpret_cast<void*>(std::uintptr_t(id)));
}

std::vector<std::size_t> EnvelopeIndex::query(const Envelope& box) const
{
    auto& c = GeosContext::current();
    m_built = true;
    std::vector<std::size_t> ids;
    GEOSGeometry* g = box_geometry(c.handle(), box);
    GEOSSTRtree_query_r(c.handle(), m_tree, g, &collect, &ids);
    GEOSGeom_destroy_r(c.handle(), g);
    std::sort(ids.begin(), ids.end());
    return ids;
}

} // namespace cims::gis
