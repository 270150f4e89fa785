// Hashes, HMAC, randomness and constant-time comparison over OpenSSL 3.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace govsync {

std::array<uint8_t, 32> sha256(std::string_view data);
/// Lowercase hex SHA-256.
std::string sha256Hex(std::string_view data);
std::array<uint8_t, 32> hmacSha256(std::string_view key, std::string_view data);
std::string hmacSha256Hex(std::string_view key, std::string_view data);
/// A key for one purpose, derived from a master key so that the master key
/// itself is never used for two things: HMAC-SHA256(master, purpose), 32
/// raw bytes. `purpose` names the use and its version ("govsync audit chain v1").
std::string deriveKey(std::string_view masterKey, std::string_view purpose);
std::string toHex(const uint8_t* data, size_t n);
/// `n` cryptographically random bytes.
std::string randomBytes(size_t n);
/// Compares in time that depends only on the lengths (CRYPTO_memcmp).
bool constantTimeEquals(std::string_view a, std::string_view b);
std::string base64Encode(std::string_view data);
/// RFC 4648 §5 alphabet, no padding.
std::string base64UrlEncode(std::string_view data);
/// Accepts both alphabets, padding optional; returns false on bad input.
bool base64Decode(std::string_view text, std::string& out);
/// RFC 4122 name-based UUID, version 5 (SHA-1), lowercase canonical text.
std::string uuidV5(const std::array<uint8_t, 16>& ns, std::string_view name);
/// uuidV5 into `out` (replaced; its storage reused), for per-row callers.
void uuidV5Into(const std::array<uint8_t, 16>& ns, std::string_view name, std::string& out);

}  // namespace govsync
