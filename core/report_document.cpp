// SPDX-License-Identifier: GPL-3.0-or-later
#include "report_document.hpp"

#include <cmath>

namespace cims::core {

const char* unit_label(AreaUnit unit)
{
    return unit == AreaUnit::km2 ? "km²" : "m²";
}

const char* unit_key(AreaUnit unit)
{
    return unit == AreaUnit::km2 ? "km2" : "m2";
}

double area_in(double m2, AreaUnit unit)
{
    // m²: to the centimetre, as the Action 24 figures; km²: to the square metre (6 decimals).
    const double r = unit == AreaUnit::km2 ? std::round(m2) / 1e6 : std::round(m2 * 100.0) / 100.0;
    return r == 0 ? 0.0 : r; // no "-0"
}

} // namespace cims::core
