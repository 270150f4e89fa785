// The one error type of govsync. A code says what kind of failure it is (the
// gateway maps codes to HTTP statuses and Thrift exceptions in one table
// each); `retryable` says whether trying again later may succeed — a source
// that is down is retried with backoff, a bad row is dead-lettered.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace govsync {

enum class ErrorCode {
  InvalidInput,     ///< the caller sent something wrong; not retryable
  NotFound,         ///< no such thing (or the caller may not know of it)
  Conflict,         ///< a state conflict, e.g. an invalid transition
  Unauthenticated,  ///< no or bad credential
  Forbidden,        ///< credential fine, scope missing
  TooLarge,         ///< a body or value over a configured cap
  RateLimited,      ///< over a per-client rate
  Unavailable,      ///< a dependency (store, source) is down; retryable
  Corrupt,          ///< stored data failed its integrity check
  Config,           ///< a configuration problem; refuse to start
  Internal,         ///< a bug
};

std::string_view errorCodeName(ErrorCode code);

/// One problem with one named field of an input (for InvalidInput).
struct FieldIssue {
  std::string field;
  std::string message;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, bool retryable = false)
      : std::runtime_error(std::move(message)), code_(code), retryable_(retryable) {}

  ErrorCode code() const { return code_; }
  bool retryable() const { return retryable_; }

  static Error invalid(std::string m) { return {ErrorCode::InvalidInput, std::move(m)}; }
  static Error notFound(std::string m) { return {ErrorCode::NotFound, std::move(m)}; }
  static Error conflict(std::string m) { return {ErrorCode::Conflict, std::move(m)}; }
  static Error unavailable(std::string m) { return {ErrorCode::Unavailable, std::move(m), true}; }
  static Error corrupt(std::string m) { return {ErrorCode::Corrupt, std::move(m)}; }
  static Error config(std::string m) { return {ErrorCode::Config, std::move(m)}; }
  static Error internal(std::string m) { return {ErrorCode::Internal, std::move(m)}; }
  /// InvalidInput with per-field details.
  static Error invalidFields(std::string m, std::vector<FieldIssue> issues) {
    Error e{ErrorCode::InvalidInput, std::move(m)};
    e.issues_ = std::move(issues);
    return e;
  }

  const std::vector<FieldIssue>& issues() const { return issues_; }

 private:
  ErrorCode code_;
  bool retryable_;
  std::vector<FieldIssue> issues_;
};

}  // namespace govsync
