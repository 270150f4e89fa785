// Every configuration key of govsync, declared once. config/govsync.yaml is
// the documented example of these; `govsync config keys` prints this table.
#include "core/config/config.h"

namespace govsync {

KeySpec declareKey(std::string name, ValueKind kind, std::string defaultValue, std::string doc) {
  KeySpec k;
  k.name = std::move(name);
  k.kind = kind;
  k.defaultValue = std::move(defaultValue);
  k.doc = std::move(doc);
  return k;
}

namespace {
KeySpec str(std::string name, std::string def, std::string doc) {
  return {std::move(name), ValueKind::String, std::move(def), std::move(doc), 0, 0, {}, {}, false};
}
KeySpec secret(std::string name, std::string doc) {
  KeySpec k = str(std::move(name), "", std::move(doc));
  k.secret = true;
  return k;
}
KeySpec integer(std::string name, int64_t def, int64_t min, int64_t max, std::string doc) {
  return {std::move(name), ValueKind::Int, std::to_string(def), std::move(doc), min, max, {}, {}, false};
}
KeySpec choice(std::string name, std::string def, std::vector<std::string> choices, std::string doc) {
  return {std::move(name), ValueKind::Enum, std::move(def), std::move(doc), 0, 0, std::move(choices), {}, false};
}
KeySpec section(std::string name, std::string doc, std::vector<KeySpec> children) {
  return {std::move(name), ValueKind::Section, "", std::move(doc), 0, 0, {}, std::move(children), false};
}
KeySpec boolean(std::string name, bool def, std::string doc) {
  return {std::move(name), ValueKind::Bool, def ? "true" : "false", std::move(doc), 0, 0, {}, {}, false};
}
}  // namespace

const KeySpec& configSpec() {
  static const KeySpec root = section(
      "", "govsync configuration",
      {
          str("data_dir", "./data", "Folder for the embedded store and other state."),
          section("store", "The record store.",
                  {
                      choice("backend", "sqlite", {"sqlite", "postgres"}, "sqlite (embedded, one file) or postgres."),
                      integer("pool_size", 8, 1, 256, "Database connections kept open."),
                      integer("feed_cache_mb", 64, 0, 65536,
                              "Memory for feed entries (both served forms) kept by position, so consumers at the "
                              "head of the feed are served without re-reading the database; 0 = none."),
                      section("sqlite", "The embedded SQLite store.",
                              {str("path", "", "Database file; default <data_dir>/govsync.db.")}),
                      section("postgres", "The PostgreSQL store.",
                              {
                                  str("conninfo", "",
                                      "libpq connection string, e.g. \"host=db port=5432 dbname=govsync "
                                      "user=govsync\"."),
                                  secret("password", "Password; use ${ENV_VAR} to take it from the environment."),
                              }),
                  }),
          section(
              "http", "The HTTP gateway.",
              {
                  str("listen", "127.0.0.1", "Address to listen on (loopback until configured otherwise)."),
                  integer("port", 8080, 0, 65535, "TCP port; 0 picks a free one."),
                  section("tls", "HTTPS (TLS 1.2 or later only). Off unless cert_file is set.",
                          {
                              str("cert_file", "", "Server certificate chain (PEM); setting it turns HTTPS on."),
                              str("key_file", "", "The certificate's private key (PEM)."),
                              str("ca_file", "",
                                  "CA certificates (PEM) that client certificates must chain to; with it, a client "
                                  "certificate, when sent, is verified."),
                              boolean("require_client_cert", false,
                                      "Refuse connections without a client certificate from ca_file (mutual TLS)."),
                              {"client_certs",
                               ValueKind::StringList,
                               "",
                               "Client certificates that authenticate by themselves: \"<certificate name>=<client "
                               "key id or name>\" (the name is a DNS subjectAltName or the common name); a request "
                               "with no other credentials over such a certificate acts as that client.",
                               0,
                               0,
                               {},
                               {},
                               false},
                          }),
                  integer("max_body_bytes", 16777216, 1024, 1073741824,
                          "Largest request body; larger ones get 413 (before reading when Content-Length says so)."),
                  integer("threads", 16, 1, 256, "Request threads (each connection in service holds one)."),
                  integer("queue", 64, 1, 10000, "Accepted connections waiting for a thread; more are refused."),
                  integer("timeout_seconds", 10, 1, 3600, "Socket receive/send timeout."),
                  integer("request_timeout_seconds", 30, 1, 3600,
                          "Whole-request deadline for headers and body (slow senders are cut off)."),
                  integer("keep_alive_seconds", 5, 0, 3600,
                          "Idle time a kept-alive connection waits for its next request."),
                  integer("max_keep_alive_requests", 1000, 0, 1000000,
                          "Requests per connection before it is closed (0 = no limit)."),
                  integer("max_waiting_pulls", 8, 0, 256,
                          "Long-polls waiting at once; beyond it a pull answers at once (each wait holds a thread)."),
                  section("rate_limit", "Per-client request rates.",
                          {
                              integer("per_second", 100, 0, 1000000,
                                      "Requests per second per client (token bucket; 0 = no limit)."),
                              integer("burst", 200, 1, 1000000, "Requests a client may make at once."),
                              integer("auth_failures_per_minute", 30, 0, 1000000,
                                      "Failed authentications per remote address per minute before 429 (0 = no "
                                      "limit)."),
                          }),
              }),
          section("auth", "API client authentication.",
                  {
                      secret("master_key",
                             "Key (32 bytes, base64 or 64 hex digits) that encrypts the clients' signing keys in the "
                             "store; use ${ENV_VAR}. Default: <data_dir>/master_key, made at first start (0600)."),
                      integer("signature_window_seconds", 300, 10, 3600,
                              "Signed requests: largest difference between X-Gov-Timestamp and the server clock."),
                  }),
          section(
              "thrift", "The Thrift gateway (binary protocol, framed transport; per-client rate limits as for http).",
              {
                  boolean("enabled", true, "false serves HTTP only."),
                  str("listen", "127.0.0.1", "Address to listen on (loopback until configured otherwise)."),
                  integer("port", 9090, 0, 65535, "TCP port; 0 picks a free one."),
                  section("tls", "TLS (1.2 or later only). Off unless cert_file is set.",
                          {
                              str("cert_file", "", "Server certificate chain (PEM); setting it turns TLS on."),
                              str("key_file", "", "The certificate's private key (PEM)."),
                              str("ca_file", "", "CA certificates (PEM) that client certificates must chain to."),
                              boolean("require_client_cert", false,
                                      "Refuse connections without a client certificate from ca_file (mutual TLS)."),
                              {"allowed_peers",
                               ValueKind::StringList,
                               "",
                               "With require_client_cert: the client certificate names (DNS subjectAltName or common "
                               "name) allowed to connect; empty = any certificate from ca_file.",
                               0,
                               0,
                               {},
                               {},
                               false},
                          }),
                  integer("threads", 16, 1, 256,
                          "Worker threads; each serves one connection at a time, so this is also the concurrent-client "
                          "limit (further connections wait in the accept backlog)."),
                  integer("timeout_seconds", 60, 1, 3600,
                          "Receive/send timeout: an idle or stalled connection is closed after it."),
                  integer("max_frame_bytes", 20971520, 4096, 1073741824,
                          "Largest framed message (a larger frame header closes the connection before anything is "
                          "allocated)."),
                  integer("max_string_bytes", 16777216, 1024, 1073741824,
                          "Largest string or binary field (a pushed body is one)."),
                  integer("max_container_items", 100000, 16, 100000000,
                          "Largest list, set or map (e.g. records in one pushRecords)."),
                  integer("recursion_depth", 16, 4, 64, "Deepest nesting of structs read from a client."),
                  integer("record_cache_mb", 32, 0, 65536,
                          "Memory for feed records kept decoded for Thrift pulls (pages at the head of the feed are "
                          "decoded once for every consumer); 0 = none."),
              }),
          section("mappings", "Mapping files.",
                  {
                      str("dir", "mappings/platforms", "Folder of platform mapping files (*.yaml)."),
                      str("codes_dir", "mappings/codes", "Folder of code-table CSV files."),
                      secret("hmac_salt",
                             "Secret salt of hmac_key (reporter_key, evaluator_key); default: made at first start "
                             "and kept in <data_dir>/hmac_salt. Use ${ENV_VAR}; the same on every govsync that must "
                             "produce matching keys."),
                  }),
          section(
              "sync", "The sync engine.",
              {
                  integer("max_concurrent", 2, 1, 64, "Connectors pulling at the same time (global limit)."),
                  integer("max_backoff_seconds", 300, 1, 86400, "Longest wait between retries while a source is down."),
                  str("plugins_dir", "plugins", "Folder of connector plugins (*.so) loaded at start."),
              }),
          {"connectors",
           ValueKind::SectionList,
           "",
           "The legacy platforms to pull from, one section each.",
           0,
           0,
           {},
           {
               str("name", "", "Unique name of this connector (checkpoints and dead letters are kept under it)."),
               str("type", "", "Connector type: odbc, http, file, or one from a plugin (`govsync connector types`)."),
               str("mapping", "", "The platform mapping its rows go through (mappings/platforms/<mapping>.yaml)."),
               boolean("enabled", true, "false keeps the connector configured but not run."),
               integer("interval_seconds", 60, 1, 86400, "Pause between pulls when the source has no more rows."),
               integer("batch_rows", 5000, 1, 1000000, "Rows per batch: each batch commits with its checkpoint."),
               {"options",
                ValueKind::Opaque,
                "",
                "Type-specific options (see docs/connector-guide.md).",
                0,
                0,
                {},
                {},
                false},
           },
           false},
          section("reviews", "Good/bad reviews (好差评): rectification of bad reviews.",
                  {
                      integer("rectify_working_days", 5, 0, 365,
                              "Working days a bad review's rectification is due after its evaluation (due at the end "
                              "of that working day, Asia/Shanghai)."),
                      str("calendar_file", "config/calendar/cn-holidays.csv",
                          "Public holidays and make-up working days (date,type,name CSV); years it does not list "
                          "count weekends only."),
                      integer("overdue_sweep_seconds", 60, 0, 86400,
                              "How often serve marks open rectifications that passed their due time (a new version "
                              "of each, with rectify_overdue_at, so feed readers learn of it); 0 = never."),
                  }),
          section(
              "log", "Logging.",
              {choice("level", "information", {"error", "warning", "information", "debug"}, "Lowest level written.")}),
      });
  return root;
}

}  // namespace govsync
