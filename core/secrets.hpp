// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets through libsodium: Argon2id password hashes, random tokens, SHA-256 digests.
#pragma once

#include <string>
#include <string_view>

namespace cims::core {

/// Argon2id (libsodium's interactive limits) in the PHC string format "$argon2id$...".
std::string hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

/// A new random secret: `prefix` + 64 hex digits (256 bits).
std::string random_secret(std::string_view prefix);

/// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

/// Compares two strings in time independent of where they differ.
bool equal_in_constant_time(std::string_view a, std::string_view b);

} // namespace cims::core
