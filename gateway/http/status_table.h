// The one table from govsync error codes to HTTP statuses, and the JSON
// error body every failure gets: {"error":"<code>","message":"...",
// "details":[{"field":...,"message":...}]}. Server-side failures (5xx) get a
// generic message: no stack traces, paths or SQL reach a client.
#pragma once

#include <string>

#include "core/util/error.h"

namespace govsync::gateway {

/// InvalidInput: 422 when the error names fields (the request was readable
/// but its content is wrong), else 400.
int httpStatus(const Error& error);
/// The JSON body for `error` as sent with `status`.
std::string errorBody(const Error& error, int status);
/// A JSON error body for failures outside the service (routing, limits).
std::string errorBody(std::string_view code, std::string_view message);

}  // namespace govsync::gateway
