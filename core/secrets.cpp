// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/secrets.hpp"

#include <sodium.h>

#include <stdexcept>

namespace cims::core {
namespace {

void ensure_sodium()
{
    // sodium_init() is thread-safe and idempotent; a negative result means no usable entropy source.
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised (no entropy source)");
}

std::string to_hex(const unsigned char* bytes, std::size_t size)
{
    std::string out(size * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes, size);
    out.pop_back();
    return out;
}

} // namespace

std::string hash_password(std::string_view password)
{
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw std::runtime_error("hashing the password ran out of memory");
    return out;
}

bool verify_password(const std::string& hash, std::string_view password)
{
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_secret(std::string_view prefix)
{
    ensure_sodium();
    unsigned char bytes[32];
    randombytes_buf(bytes, sizeof bytes);
    return std::string(prefix) + to_hex(bytes, sizeof bytes);
}

std::string sha256_hex(std::string_view bytes)
{
    ensure_sodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
    return to_hex(digest, sizeof digest);
}

bool equal_in_constant_time(std::string_view a, std::string_view b)
{
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

} // namespace cims::core
