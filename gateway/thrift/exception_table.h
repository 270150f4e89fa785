// The one table from govsync error codes to the Thrift API's exceptions
// (schema/exchange.thrift) — the Thrift twin of http/status_table.h.
// Server-side failures become a TApplicationException with a generic
// message: no stack traces, paths or SQL reach a client.
#pragma once

#include "core/util/error.h"

namespace govsync::gateway {

/// Throws the exception `error` maps to. Never returns.
[[noreturn]] void throwThriftException(const Error& error, int64_t retryAfterSeconds = 0);
/// The exception's name (for logs and metrics), e.g. "InvalidInput".
const char* thriftExceptionName(const Error& error);
/// Whether `error` is the server's fault (logged; the client gets a generic
/// TApplicationException).
bool isServerSide(const Error& error);

}  // namespace govsync::gateway
