// SPDX-License-Identifier: GPL-3.0-or-later
// c_deleter: a unique_ptr deleter calling a C library's free function (internal to gis/).
#pragma once

namespace cims::gis {

/// `std::unique_ptr<PJ, c_deleter<proj_destroy>>`: frees with Fn, never with a null pointer.
template <auto Fn> struct c_deleter {
    template <class T> void operator()(T* p) const noexcept
    {
        if (p) Fn(p);
    }
};

} // namespace cims::gis
