#include "core/util/error.h"

namespace govsync {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidInput: return "invalid_input";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::Conflict: return "conflict";
    case ErrorCode::Unauthenticated: return "unauthenticated";
    case ErrorCode::Forbidden: return "forbidden";
    case ErrorCode::TooLarge: return "too_large";
    case ErrorCode::RateLimited: return "rate_limited";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Corrupt: return "corrupt";
    case ErrorCode::Config: return "config";
    case ErrorCode::Internal: return "internal";
  }
  return "internal";
}

}  // namespace govsync
