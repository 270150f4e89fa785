#include "core/store/feed_cursor.h"

#include "core/util/crypto.h"
#include "core/util/error.h"

namespace govsync::store {

namespace {
constexpr char kVersion = 1;
}

std::string encodeCursor(int64_t position) {
  std::string raw(9, '\0');
  raw[0] = kVersion;
  for (int i = 0; i < 8; ++i) raw[static_cast<size_t>(8 - i)] = static_cast<char>((position >> (8 * i)) & 0xFF);
  return base64UrlEncode(raw);
}

int64_t decodeCursor(std::string_view cursor) {
  if (cursor.empty()) return 0;
  std::string raw;
  if (cursor.size() > 16 || !base64Decode(cursor, raw) || raw.size() != 9 || raw[0] != kVersion)
    throw Error::invalid("'" + std::string(cursor.substr(0, 32)) + "' is not a feed cursor issued by govsync");
  int64_t position = 0;
  for (size_t i = 1; i < 9; ++i) position = (position << 8) | static_cast<uint8_t>(raw[i]);
  if (position < 0) throw Error::invalid("feed cursor out of range");
  return position;
}

}  // namespace govsync::store
