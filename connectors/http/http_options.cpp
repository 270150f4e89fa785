#include "connectors/http/http_options.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "connectors/file/json_scan.h"
#include "core/util/error.h"

namespace govsync::connectors::http {

namespace {

KeySpec key(std::string name, ValueKind kind, std::string defaultValue, std::string doc) {
  return declareKey(std::move(name), kind, std::move(defaultValue), std::move(doc));
}
KeySpec str(std::string name, std::string def, std::string doc) {
  return key(std::move(name), ValueKind::String, std::move(def), std::move(doc));
}
KeySpec secret(std::string name, std::string doc) {
  KeySpec k = str(std::move(name), "", std::move(doc));
  k.secret = true;
  return k;
}
KeySpec integer(std::string name, int64_t def, int64_t min, int64_t max, std::string doc) {
  KeySpec k = key(std::move(name), ValueKind::Int, std::to_string(def), std::move(doc));
  k.min = min;
  k.max = max;
  return k;
}
KeySpec choice(std::string name, std::string def, std::vector<std::string> choices, std::string doc) {
  KeySpec k = key(std::move(name), ValueKind::Enum, std::move(def), std::move(doc));
  k.choices = std::move(choices);
  return k;
}
KeySpec boolean(std::string name, bool def, std::string doc) {
  return key(std::move(name), ValueKind::Bool, def ? "true" : "false", std::move(doc));
}
KeySpec list(std::string name, std::string doc) {
  return key(std::move(name), ValueKind::StringList, "", std::move(doc));
}

const std::vector<std::string> kSignable = {"method", "path",        "query",  "timestamp",
                                            "nonce",  "body_sha256", "key_id", "host"};

bool isToken(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("!#$%&'*+-.^_`|~").find(c) == std::string::npos)
      return false;
  return true;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

}  // namespace

KeySpec httpOptionKeys() {
  KeySpec s;
  s.kind = ValueKind::Section;
  s.children = {
      str("url", "", "The API's address: http(s)://host[:port]/path[?fixed=query] (required)."),
      choice("method", "GET", {"GET", "POST"}, "GET or POST."),
      choice("format", "json", {"json", "xml"}, "The body's format."),
      str("records_path", "",
          "Where the records are: JSON dotted path (data.list; empty = the body is the array); XML element path "
          "(Response/Records/Record)."),
      str("encoding", "auto",
          "The body's charset: auto (Content-Type charset, XML declaration, else UTF-8), utf-8, gbk, gb2312, "
          "gb18030."),
      choice("params_in", "auto", {"auto", "query", "body"},
             "Where paging and since parameters go: auto = the query for GET, the body for POST."),
      choice("body_format", "json", {"json", "form"}, "POST body: a JSON object or form fields."),
      str("body", "", "POST: fixed content of the body (a JSON object, or a=1&b=2 for form)."),
      str("success_path", "", "Envelope check: the field saying success (code, or Response/Code for XML)."),
      list("success_values", "Values of success_path that mean success (e.g. [0, \"0000\"])."),
      str("message_path", "", "The envelope's error message field, quoted when success_path fails."),
      choice("pagination", "none", {"none", "page", "offset", "cursor", "next_link"}, "How pages are requested."),
      str("page_param", "page", "page: the page number parameter."),
      str("size_param", "page_size", "page, cursor: the page size parameter (empty: not sent)."),
      integer("page_size", 100, 1, 100000, "Records asked per page."),
      integer("first_page", 1, 0, 1000000, "page: the number of the first page."),
      str("offset_param", "offset", "offset: the offset parameter."),
      str("limit_param", "limit", "offset: the limit parameter."),
      str("cursor_param", "cursor", "cursor: the parameter carrying the cursor."),
      str("next_cursor_path", "", "cursor: where the response gives the next cursor (required for cursor)."),
      str("next_link_path", "", "next_link: where the body gives the next page's URL (empty: the Link header)."),
      boolean("stop_on_short_page", true,
              "page, offset: a page with fewer than page_size records is the last (false: only an empty page)."),
      str("since_param", "", "Incremental: the parameter asking for records updated since a time."),
      str("since_field", "", "Incremental: the record field carrying its update time; its maximum is checkpointed."),
      choice("since_format", "auto", {"auto", "iso", "compact", "epoch_s", "epoch_ms"},
             "How since_field values are written (auto: detected per value)."),
      str("since_initial", "", "Incremental: the since value of the very first run (empty: no parameter)."),
      integer("since_overlap_seconds", 60, 0, 7 * 86400,
              "Incremental: ask again for this much before the checkpoint, for records committed late at the source "
              "(re-read records whose bytes did not change are recognised and not delivered again)."),
      integer("since_overlap_max_rows", 20000, 100, 10000000,
              "Incremental: at most this many records of the overlap window are remembered in the checkpoint."),
      list("headers", "Extra request headers, each \"Name: value\"."),
      choice("auth", "none", {"none", "basic", "bearer", "api_key", "hmac"}, "How requests are authenticated."),
      str("username", "", "basic: the user name."),
      secret("password", "basic: the password (use ${ENV})."),
      secret("token", "bearer: the token (use ${ENV})."),
      str("api_key_header", "X-API-Key", "api_key: the header carrying the key."),
      secret("api_key", "api_key: the key (use ${ENV})."),
      str("hmac_key_id", "", "hmac: the key id sent in hmac_key_id_header."),
      secret("hmac_secret", "hmac: the shared secret (use ${ENV})."),
      str("hmac_key_id_header", "X-Key-Id", "hmac: header of the key id."),
      str("hmac_timestamp_header", "X-Timestamp", "hmac: header of the timestamp."),
      str("hmac_nonce_header", "X-Nonce", "hmac: header of the nonce (random, per request)."),
      str("hmac_signature_header", "X-Signature", "hmac: header of the signature."),
      list("hmac_signed_fields",
           "hmac: what is signed, in order, joined by \\n: method, path, query, timestamp, nonce, body_sha256, "
           "key_id, host (default the first six)."),
      choice("hmac_digest", "sha256", {"sha256", "sha1"}, "hmac: HMAC-SHA256 or HMAC-SHA1."),
      choice("hmac_encoding", "hex", {"hex", "base64"}, "hmac: the signature's encoding (hex is lowercase)."),
      choice("hmac_timestamp_unit", "s", {"s", "ms"}, "hmac: the timestamp in Unix seconds or milliseconds."),
      str("ca_file", "", "HTTPS: PEM file of the CA(s) to trust instead of the system's (a private CA)."),
      boolean("verify_certificate", true,
              "HTTPS: verify the server's certificate and name. Always true: use ca_file for a private CA."),
      str("client_cert_file", "", "HTTPS: client certificate (PEM) when the API wants mutual TLS."),
      str("client_key_file", "", "HTTPS: the client certificate's private key (PEM)."),
      integer("connect_timeout_seconds", 10, 1, 600, "Time to connect (and finish the TLS handshake)."),
      integer("timeout_seconds", 60, 1, 3600, "Time for one whole response, headers and body."),
      integer("max_retries", 3, 0, 20, "Retries after a 5xx, 408, 429, timeout or dropped connection."),
      integer("retry_backoff_ms", 1000, 1, 600000,
              "First retry's backoff cap; doubles per retry, full jitter (a random wait up to the cap)."),
      integer("retry_max_backoff_seconds", 60, 1, 3600, "Largest backoff cap."),
      integer("max_retry_after_seconds", 300, 0, 86400,
              "A Retry-After longer than this ends the fetch (retryable) instead of waiting in it."),
      integer("max_pages_per_fetch", 10, 1, 100000, "Requests per fetch at most (then the batch commits)."),
      integer("max_response_mb", 64, 1, 1024, "A larger response body is refused."),
  };
  return s;
}

HttpOptions readHttpOptions(const Config& o, const std::string& connector) {
  HttpOptions h;
  std::vector<std::string> problems;
  auto problem = [&](const std::string& k, const std::string& what) {
    problems.push_back(o.whereIs(k) + ": " + k + ": " + what);
  };
  auto requireSet = [&](const char* k, const std::string& when) {
    if (o.getString(k).empty()) problem(k, "required " + when);
  };

  h.url = o.getString("url");
  if (h.url.empty()) {
    problem("url", "required: the API's address");
  } else {
    try {
      Poco::URI uri(h.url);
      if (uri.getScheme() != "http" && uri.getScheme() != "https")
        problem("url", "must start with http:// or https://");
      else if (uri.getHost().empty())
        problem("url", "has no host");
      if (!uri.getUserInfo().empty())
        problem("url", "must not carry credentials: use auth: basic with username and password (${ENV})");
      if (!uri.getFragment().empty()) problem("url", "must not have a #fragment");
      if (uri.getScheme() == "http" && !o.getString("ca_file").empty())
        problem("ca_file", "is for https, but url is http://");
    } catch (const Poco::Exception& e) {
      problem("url", "is not a URL: " + e.message());
    }
  }
  h.method = o.getString("method");
  h.format = o.getString("format") == "xml" ? BodyFormat::Xml : BodyFormat::Json;
  h.recordsPath = o.getString("records_path");
  if (h.format == BodyFormat::Xml && h.recordsPath.empty())
    problem("records_path", "required for xml: the element path of the records, e.g. Response/Records/Record");
  h.encoding = lower(o.getString("encoding"));
  if (h.encoding != "auto" && h.encoding != "utf-8" && h.encoding != "utf8" && h.encoding != "gbk" &&
      h.encoding != "gb2312" && h.encoding != "gb18030" && h.encoding != "cp936")
    problem("encoding", "must be auto, utf-8, gbk, gb2312 or gb18030");

  const std::string paramsIn = o.getString("params_in");
  h.paramsInBody = paramsIn == "body" || (paramsIn == "auto" && h.method == "POST");
  if (h.paramsInBody && h.method != "POST") problem("params_in", "body needs method: POST");
  h.formBody = o.getString("body_format") == "form";
  h.body = o.getString("body");
  if (!h.body.empty() && h.method != "POST") problem("body", "is only sent with method: POST");
  if (!h.body.empty() && !h.formBody) {
    std::string error;
    if (!validateJson(h.body, error) || !jsonIsObject(h.body)) problem("body", "must be a JSON object");
  }

  h.successPath = o.getString("success_path");
  h.successValues = o.getList("success_values");
  h.messagePath = o.getString("message_path");
  if (!h.successPath.empty() && h.successValues.empty())
    problem("success_values", "required with success_path: the values meaning success");

  const std::string paging = o.getString("pagination");
  h.paging = paging == "page"        ? Paging::Page
             : paging == "offset"    ? Paging::Offset
             : paging == "cursor"    ? Paging::Cursor
             : paging == "next_link" ? Paging::NextLink
                                     : Paging::None;
  h.pageParam = o.getString("page_param");
  h.sizeParam = o.getString("size_param");
  h.offsetParam = o.getString("offset_param");
  h.limitParam = o.getString("limit_param");
  h.cursorParam = o.getString("cursor_param");
  h.nextCursorPath = o.getString("next_cursor_path");
  h.nextLinkPath = o.getString("next_link_path");
  h.pageSize = o.getInt("page_size");
  h.firstPage = o.getInt("first_page");
  h.stopOnShortPage = o.getBool("stop_on_short_page");
  if (h.paging == Paging::Page) requireSet("page_param", "for page pagination");
  if (h.paging == Paging::Offset) {
    requireSet("offset_param", "for offset pagination");
    requireSet("limit_param", "for offset pagination");
  }
  if (h.paging == Paging::Cursor) {
    requireSet("cursor_param", "for cursor pagination");
    requireSet("next_cursor_path", "for cursor pagination: where the response gives the next cursor");
  }

  h.sinceParam = o.getString("since_param");
  h.sinceField = o.getString("since_field");
  h.sinceFormat = o.getString("since_format");
  h.sinceInitial = o.getString("since_initial");
  h.sinceOverlapSeconds = o.getInt("since_overlap_seconds");
  h.sinceOverlapMaxRows = o.getInt("since_overlap_max_rows");
  if (!h.sinceParam.empty() && h.sinceField.empty())
    problem("since_field", "required with since_param: the record field whose maximum becomes the next since");
  if (h.sinceParam.empty() && !h.sinceField.empty())
    problem("since_param", "required with since_field: the parameter asking for newer records");

  for (const auto& line : o.getList("headers")) {
    const auto colon = line.find(':');
    const std::string name = colon == std::string::npos ? "" : line.substr(0, colon);
    std::string value = colon == std::string::npos ? "" : line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    const std::string l = lower(name);
    if (!isToken(name) || value.find_first_of("\r\n") != std::string::npos)
      problem("headers", "each item must be \"Name: value\" (got '" + line.substr(0, 60) + "')");
    else if (l == "host" || l == "content-length" || l == "transfer-encoding" || l == "connection")
      problem("headers", name + " is set by the connector");
    else
      h.headers.emplace_back(name, value);
  }

  const std::string auth = o.getString("auth");
  h.auth = auth == "basic"     ? AuthKind::Basic
           : auth == "bearer"  ? AuthKind::Bearer
           : auth == "api_key" ? AuthKind::ApiKey
           : auth == "hmac"    ? AuthKind::Hmac
                               : AuthKind::None;
  h.username = o.getString("username");
  h.password = o.getString("password");
  h.token = o.getString("token");
  h.apiKeyHeader = o.getString("api_key_header");
  h.apiKey = o.getString("api_key");
  h.hmacKeyId = o.getString("hmac_key_id");
  h.hmacSecret = o.getString("hmac_secret");
  h.hmacKeyIdHeader = o.getString("hmac_key_id_header");
  h.hmacTimestampHeader = o.getString("hmac_timestamp_header");
  h.hmacNonceHeader = o.getString("hmac_nonce_header");
  h.hmacSignatureHeader = o.getString("hmac_signature_header");
  h.hmacSignedFields = o.getList("hmac_signed_fields");
  if (h.hmacSignedFields.empty()) h.hmacSignedFields = {"method", "path", "query", "timestamp", "nonce", "body_sha256"};
  h.hmacSha1 = o.getString("hmac_digest") == "sha1";
  h.hmacBase64 = o.getString("hmac_encoding") == "base64";
  h.hmacMillis = o.getString("hmac_timestamp_unit") == "ms";
  switch (h.auth) {
    case AuthKind::Basic: requireSet("username", "for auth: basic"); break;
    case AuthKind::Bearer: requireSet("token", "for auth: bearer"); break;
    case AuthKind::ApiKey:
      requireSet("api_key", "for auth: api_key");
      if (!isToken(h.apiKeyHeader)) problem("api_key_header", "must be a header name");
      break;
    case AuthKind::Hmac: {
      requireSet("hmac_key_id", "for auth: hmac");
      requireSet("hmac_secret", "for auth: hmac");
      std::set<std::string> seen;
      for (const auto& f : h.hmacSignedFields) {
        if (std::find(kSignable.begin(), kSignable.end(), f) == kSignable.end())
          problem("hmac_signed_fields",
                  "unknown field '" + f + "' (method, path, query, timestamp, nonce, body_sha256, key_id, host)");
        else if (!seen.insert(f).second)
          problem("hmac_signed_fields", "'" + f + "' is listed twice");
      }
      for (const char* k :
           {"hmac_key_id_header", "hmac_timestamp_header", "hmac_nonce_header", "hmac_signature_header"})
        if (!isToken(o.getString(k))) problem(k, "must be a header name");
      break;
    }
    case AuthKind::None: break;
  }
  if (h.auth != AuthKind::None)
    for (const auto& [name, value] : h.headers)
      if (lower(name) == "authorization" || (h.auth == AuthKind::ApiKey && lower(name) == lower(h.apiKeyHeader)))
        problem("headers", name + " is set by auth: " + auth);

  if (!o.getBool("verify_certificate"))
    problem("verify_certificate",
            "false is not supported: an unverified HTTPS source can be impersonated. Put the source's CA "
            "certificate in ca_file instead");
  h.caFile = o.getString("ca_file");
  h.clientCertFile = o.getString("client_cert_file");
  h.clientKeyFile = o.getString("client_key_file");
  for (const char* k : {"ca_file", "client_cert_file", "client_key_file"}) {
    const std::string f = o.getString(k);
    if (!f.empty() && ::access(f.c_str(), R_OK) != 0) problem(k, "cannot read '" + f + "'");
  }
  if (h.clientCertFile.empty() != h.clientKeyFile.empty())
    problem(h.clientCertFile.empty() ? "client_cert_file" : "client_key_file",
            "client_cert_file and client_key_file go together");

  h.connectTimeoutSeconds = o.getInt("connect_timeout_seconds");
  h.timeoutSeconds = o.getInt("timeout_seconds");
  h.maxRetries = o.getInt("max_retries");
  h.retryBackoffMs = o.getInt("retry_backoff_ms");
  h.retryMaxBackoffSeconds = o.getInt("retry_max_backoff_seconds");
  h.maxRetryAfterSeconds = o.getInt("max_retry_after_seconds");
  h.maxPagesPerFetch = o.getInt("max_pages_per_fetch");
  h.maxResponseBytes = o.getInt("max_response_mb") << 20;

  if (!problems.empty()) {
    std::string msg = "http connector " + connector + ": " + std::to_string(problems.size()) +
                      (problems.size() == 1 ? " problem:" : " problems:");
    for (const auto& p : problems) msg += "\n  " + p;
    throw Error::config(msg);
  }
  return h;
}

}  // namespace govsync::connectors::http
