#include "gateway/thrift/exception_table.h"

#include <thrift/TApplicationException.h>

#include "schema/exchange_types.h"

namespace govsync::gateway {

namespace {
enum class Target { Auth, Forbidden, Invalid, NotFound, Unavailable, Internal };

Target targetOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::Unauthenticated: return Target::Auth;
    case ErrorCode::Forbidden: return Target::Forbidden;
    case ErrorCode::InvalidInput:
    case ErrorCode::TooLarge:
    case ErrorCode::Conflict: return Target::Invalid;
    case ErrorCode::NotFound: return Target::NotFound;
    case ErrorCode::RateLimited:
    case ErrorCode::Unavailable: return Target::Unavailable;
    case ErrorCode::Corrupt:
    case ErrorCode::Config:
    case ErrorCode::Internal: return Target::Internal;
  }
  return Target::Internal;
}
}  // namespace

bool isServerSide(const Error& e) { return targetOf(e.code()) == Target::Internal; }

const char* thriftExceptionName(const Error& e) {
  switch (targetOf(e.code())) {
    case Target::Auth: return "AuthError";
    case Target::Forbidden: return "Forbidden";
    case Target::Invalid: return "InvalidInput";
    case Target::NotFound: return "NotFound";
    case Target::Unavailable: return "Unavailable";
    case Target::Internal: return "TApplicationException";
  }
  return "TApplicationException";
}

void throwThriftException(const Error& e, int64_t retryAfterSeconds) {
  switch (targetOf(e.code())) {
    case Target::Auth: {
      // The reason is for the audit log only, as on HTTP.
      schema::AuthError x;
      x.message = "authentication failed";
      throw x;
    }
    case Target::Forbidden: {
      schema::Forbidden x;
      x.message = e.what();
      throw x;
    }
    case Target::Invalid: {
      schema::InvalidInput x;
      x.code = std::string(errorCodeName(e.code()));
      x.message = e.what();
      for (const auto& issue : e.issues()) {
        schema::FieldError f;
        f.field = issue.field;
        f.message = issue.message;
        x.details.push_back(std::move(f));
      }
      throw x;
    }
    case Target::NotFound: {
      schema::NotFound x;
      x.message = e.what();
      throw x;
    }
    case Target::Unavailable: {
      schema::Unavailable x;
      x.message = e.code() == ErrorCode::RateLimited ? std::string(e.what())
                                                     : "a service the gateway depends on is unavailable; retry later";
      x.retry_after_seconds = static_cast<int32_t>(retryAfterSeconds);
      throw x;
    }
    case Target::Internal: break;
  }
  throw apache::thrift::TApplicationException(apache::thrift::TApplicationException::INTERNAL_ERROR,
                                              "internal error; the server log has the details");
}

}  // namespace govsync::gateway
