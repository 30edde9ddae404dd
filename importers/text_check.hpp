// SPDX-License-Identifier: GPL-3.0-or-later
// Text checks on imported values: UTF-8 text that was decoded as CP1252 (or Latin-1) and encoded
// to UTF-8 a second time ("GoraÅ¾de" for "Goražde", "NaÃ§Ã£o" for "Nação").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cims::importers {

/// True when `utf8` holds a double-encoded character: a run of characters that, taken back to
/// their CP1252/Latin-1 bytes, forms one well-formed UTF-8 multi-byte character (a lead byte
/// C2–F4 read as "Â".."ô", then continuation bytes 80–BF read as "€".."¿") of a script real text
/// uses (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, the scripts from U+0800 on).
/// Not flagged: a lone "Ã"/"Å"/… before an ordinary letter ("SÃO", "ÅNGE"), sequences that would
/// decode to IPA or combining marks ("CAFÉ»"), one word-final capital before a closing quote
/// ("IRMÃ”"), and text that is not valid UTF-8 in the first place.
bool looks_double_encoded(std::string_view utf8);

/// The text with one level of double encoding undone ("GoraÅ¾de" → "Goražde"): every character
/// taken back to its CP1252/Latin-1 byte, the bytes read as UTF-8. nullopt when a character has no
/// such byte (the text is not simply double-encoded) or the bytes are not UTF-8.
std::optional<std::string> undo_double_encoding(std::string_view utf8);

/// A warning for a field value that looks double-encoded, naming the field, the value, the likely
/// intended text and the fix; nullopt when the value looks fine.
std::optional<std::string> double_encoding_warning(std::string_view field, std::string_view value);

} // namespace cims::importers
