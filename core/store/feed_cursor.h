// The opaque cursor consumers hold: a feed position, encoded so clients
// don't build or compare positions themselves (and so the encoding can grow
// later without breaking them). "" means "from the beginning".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace govsync::store {

std::string encodeCursor(int64_t position);
/// Throws Error(InvalidInput) for text that is not a cursor we issued.
int64_t decodeCursor(std::string_view cursor);

}  // namespace govsync::store
