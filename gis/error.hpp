// SPDX-License-Identifier: GPL-3.0-or-later
// Errors raised by the geometry layer. They carry the library's own message so a user sees what
// GEOS or PROJ said, prefixed with what cims was doing.
#pragma once

#include <stdexcept>
#include <string>

namespace cims::gis {

/// A GEOS operation failed or produced no result.
class GeometryError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A coordinate reference system could not be understood or a transformation failed.
class CrsError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace cims::gis
