// SPDX-License-Identifier: GPL-3.0-or-later
#include "text_check.hpp"

#include <cstdint>
#include <vector>

namespace cims::importers {

namespace {

/// Code points of well-formed UTF-8; nullopt when `s` is not well-formed.
std::optional<std::vector<char32_t>> decode(std::string_view s)
{
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            out.push_back(c);
            ++i;
            continue;
        }
        std::size_t n;
        char32_t cp;
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return std::nullopt;
        }
        if (i + n >= s.size()) return std::nullopt; // cut short
        for (std::size_t k = 1; k <= n; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (b & 0x3F);
        }
        const char32_t min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += n + 1;
    }
    return out;
}


/// CP1252's characters for bytes 0x80–0x9F (0 where CP1252 defines none: those bytes come back as
/// the Latin-1 control characters U+0081, U+008D, U+008F, U+0090, U+009D).
constexpr char32_t cp1252_high[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

/// The byte a character came from when bytes were decoded as CP1252 (or Latin-1); -1 for none.
int byte_of(char32_t cp)
{
    if (cp < 0x100) return int(cp); // ASCII, Latin-1, and C1 controls from Latin-1 decoding
    for (int i = 0; i < 32; ++i)
        if (cp1252_high[i] == cp) return 0x80 + i;
    return -1;
}

/// Scripts and symbols whose UTF-8 bytes, mis-decoded, are what double-encoded text shows. Left out
/// on purpose: C1 controls, IPA/spacing modifiers/combining marks (U+0250–U+036F: "É" + "»" would
/// decode there), Syriac/Thaana/NKo (U+0700–U+074F, U+0780–U+07FF: "Ü"/"Þ"/"ß" + a symbol),
/// surrogates and private use.
bool plausible(char32_t cp)
{
    if (cp < 0x800)
        return (cp >= 0xA0 && cp <= 0x24F) || (cp >= 0x370 && cp <= 0x6FF) || (cp >= 0x750 && cp <= 0x77F);
    if (cp < 0x10000) return !(cp >= 0xD800 && cp <= 0xF8FF);
    return cp <= 0x10FFFF;
}

bool is_closing_punctuation(char32_t cp)
{
    return cp == 0x2019 || cp == 0x201D || cp == 0x00BB || cp == 0x203A; // ’ ” » ›
}

bool is_letter_like(char32_t cp)
{
    // ASCII letters and digits, and anything outside ASCII that is not punctuation we know.
    if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9');
    return !(cp == 0xA0 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xAB || cp == 0xBB);
}

} // namespace

bool looks_double_encoded(std::string_view utf8)
{
    // Every lead character "Â".."ô" (U+00C2–U+00F4) is encoded C3 xx: without a C3 byte, nothing to
    // find (the common case, checked at memchr speed on every imported value).
    if (utf8.find('\xC3') == std::string_view::npos) return false;
    const auto cps = decode(utf8);
    if (!cps) return false;
    const std::vector<char32_t>& t = *cps;
    int weak = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        const int lead = byte_of(t[i]);
        if (lead < 0xC2 || lead > 0xF4) continue;
        const std::size_t n = lead <= 0xDF ? 1 : lead <= 0xEF ? 2 : 3;
        if (i + n >= t.size()) continue;
        int lo = 0x80, hi = 0xBF; // second-byte range of well-formed UTF-8
        if (lead == 0xE0) lo = 0xA0;
        if (lead == 0xED) hi = 0x9F;
        if (lead == 0xF0) lo = 0x90;
        if (lead == 0xF4) hi = 0x8F;
        char32_t cp = char32_t(lead) & (n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07);
        bool ok = true;
        for (std::size_t k = 1; k <= n && ok; ++k) {
            const int b = byte_of(t[i + k]);
            ok = b >= 0x80 && b <= 0xBF && (k != 1 || (b >= lo && b <= hi));
            cp = (cp << 6) | char32_t(b & 0x3F);
        }
        if (!ok || !plausible(cp)) continue;
        // "IRMÃ”": a word-final capital before a closing quote is real text more often than not.
        const bool word_end = i + n + 1 >= t.size() || !is_letter_like(t[i + n + 1]);
        if (n == 1 && is_closing_punctuation(t[i + 1]) && word_end) {
            if (++weak >= 2) return true;
            continue;
        }
        return true;
    }
    return false;
}

std::optional<std::string> undo_double_encoding(std::string_view utf8)
{
    const auto cps = decode(utf8);
    if (!cps) return std::nullopt;
    std::string bytes;
    bytes.reserve(utf8.size());
    for (char32_t cp : *cps) {
        const int b = byte_of(cp);
        if (b < 0) return std::nullopt;
        bytes += char(b);
    }
    if (bytes == utf8 || !decode(bytes)) return std::nullopt;
    return bytes;
}

std::optional<std::string> double_encoding_warning(std::string_view field, std::string_view value)
{
    if (!looks_double_encoded(value)) return std::nullopt;
    std::string message = "field '" + std::string(field) + "' looks double-encoded (UTF-8 read as CP1252 and "
                                                           "encoded again): '" + std::string(value) + "'";
    if (const auto fixed = undo_double_encoding(value)) message += ", probably '" + *fixed + "'";
    message += ". If the file is a shapefile whose .cpg or language id declares the wrong encoding, import it with "
               "--encoding UTF-8; otherwise correct the text at its source";
    return message;
}

} // namespace cims::importers
