#include "gateway/http/status_table.h"

#include "core/util/json_writer.h"

namespace govsync::gateway {

int httpStatus(const Error& e) {
  switch (e.code()) {
    case ErrorCode::InvalidInput: return e.issues().empty() ? 400 : 422;
    case ErrorCode::Unauthenticated: return 401;
    case ErrorCode::Forbidden: return 403;
    case ErrorCode::NotFound: return 404;
    case ErrorCode::Conflict: return 409;
    case ErrorCode::TooLarge: return 413;
    case ErrorCode::RateLimited: return 429;
    case ErrorCode::Unavailable: return 503;
    case ErrorCode::Corrupt: return 500;
    case ErrorCode::Config: return 500;
    case ErrorCode::Internal: return 500;
  }
  return 500;
}

std::string errorBody(std::string_view code, std::string_view message) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key("error");
  w.string(code);
  w.key("message");
  w.string(message);
  w.endObject();
  return out;
}

std::string errorBody(const Error& e, int status) {
  const auto code = errorCodeName(e.code());
  switch (status) {
    case 401: return errorBody(code, "authentication failed");
    case 503: return errorBody(code, "a service the gateway depends on is unavailable; retry later");
    default:
      if (status >= 500) return errorBody(code, "internal error; the server log has the details");
  }
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key("error");
  w.string(code);
  w.key("message");
  w.string(e.what());
  if (!e.issues().empty()) {
    w.key("details");
    w.beginArray();
    for (const auto& i : e.issues()) {
      w.beginObject();
      w.key("field");
      w.string(i.field);
      w.key("message");
      w.string(i.message);
      w.endObject();
    }
    w.endArray();
  }
  w.endObject();
  return out;
}

}  // namespace govsync::gateway
