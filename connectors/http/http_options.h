// The http connector's options: declared once (keys, defaults, docs — the
// README's table follows this list), then read and cross-checked into a
// struct. Every problem is reported at once with file:line:column; secrets
// (password, token, api_key, hmac_secret) are never printed.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/config/config.h"

namespace govsync::connectors::http {

enum class BodyFormat { Json, Xml };
enum class Paging { None, Page, Offset, Cursor, NextLink };
enum class AuthKind { None, Basic, Bearer, ApiKey, Hmac };

struct HttpOptions {
  std::string url;     ///< http(s)://host[:port]/path[?static=query]
  std::string method;  ///< GET or POST
  BodyFormat format = BodyFormat::Json;
  std::string recordsPath;  ///< JSON: dotted ("data.list", "" = the body); XML: Root/Child/Record
  std::string encoding;     ///< "auto" or a charset name forcing the body's decoding

  // POST
  bool paramsInBody = false;  ///< paging/since parameters go into the body, not the query
  bool formBody = false;      ///< application/x-www-form-urlencoded instead of JSON
  std::string body;           ///< the JSON object (or form fields) sent besides the parameters

  // Envelope check: legacy APIs answer 200 with {"code": 500, "msg": "系统繁忙"}.
  std::string successPath;
  std::vector<std::string> successValues;
  std::string messagePath;

  Paging paging = Paging::None;
  std::string pageParam, sizeParam, offsetParam, limitParam, cursorParam, nextCursorPath, nextLinkPath;
  int64_t pageSize = 100, firstPage = 1;
  bool stopOnShortPage = true;

  std::string sinceParam, sinceField, sinceFormat, sinceInitial;
  int64_t sinceOverlapSeconds = 0;
  int64_t sinceOverlapMaxRows = 20000;  ///< records of the overlap window remembered at most

  std::vector<std::pair<std::string, std::string>> headers;

  AuthKind auth = AuthKind::None;
  std::string username, password, token, apiKeyHeader, apiKey;
  std::string hmacKeyId, hmacSecret, hmacKeyIdHeader, hmacTimestampHeader, hmacNonceHeader, hmacSignatureHeader;
  std::vector<std::string> hmacSignedFields;
  bool hmacSha1 = false, hmacBase64 = false, hmacMillis = false;

  std::string caFile, clientCertFile, clientKeyFile;

  int64_t connectTimeoutSeconds = 10, timeoutSeconds = 60;
  int64_t maxRetries = 3, retryBackoffMs = 1000, retryMaxBackoffSeconds = 60, maxRetryAfterSeconds = 300;
  int64_t maxPagesPerFetch = 10;
  int64_t maxResponseBytes = 64 << 20;
};

/// The keys of `options:` for type http.
KeySpec httpOptionKeys();

/// Reads and cross-checks validated options; throws Error(Config) listing
/// every problem, each with its file:line:column.
HttpOptions readHttpOptions(const Config& options, const std::string& connector);

}  // namespace govsync::connectors::http
