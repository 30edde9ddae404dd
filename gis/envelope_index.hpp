// SPDX-License-Identifier: GPL-3.0-or-later
// EnvelopeIndex: an in-memory R-tree (GEOS STRtree) from bounding boxes to caller ids.
#pragma once

#include "gis/geometry.hpp"

#include <cstddef>
#include <vector>

struct GEOSSTRtree_t;

namespace cims::gis {

/// Insert every box first, then query; the tree is built on the first query (STRtree is static).
/// Contract: used on the thread that created it.
class EnvelopeIndex {
public:
    EnvelopeIndex();
    ~EnvelopeIndex();
    EnvelopeIndex(const EnvelopeIndex&) = delete;
    EnvelopeIndex& operator=(const EnvelopeIndex&) = delete;

    /// \throws std::logic_error after the first query (the tree is built then).
    void insert(const Envelope& box, std::size_t id);
    /// Ids whose box intersects `box`, in ascending order.
    std::vector<std::size_t> query(const Envelope& box) const;

private:
    GEOSSTRtree_t* m_tree;
    std::vector<GEOSGeom_t*> m_boxes;
    mutable bool m_built = false; // the tree keeps pointers to the inserted boxes: owned here
};

} // namespace cims::gis
