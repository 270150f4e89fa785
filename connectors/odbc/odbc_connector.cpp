// The odbc connector's connection handling, error translation, counting,
// describe and registration. The three fetch modes are in odbc_fetch.cpp.
#include "connectors/odbc/odbc_connector.h"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "connectors/odbc/odbc_scan.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::connectors::odbc {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool anyMessageHas(const OdbcFailure& f, std::initializer_list<const char*> needles) {
  for (const auto& d : f.diagnostics()) {
    const std::string m = lower(d.message);
    for (const char* n : needles)
      if (m.find(n) != std::string::npos) return true;
  }
  return false;
}

bool anyStateStarts(const OdbcFailure& f, std::initializer_list<const char*> prefixes) {
  for (const auto& d : f.diagnostics())
    for (const char* p : prefixes)
      if (d.state.rfind(p, 0) == 0) return true;
  return false;
}

bool credentialsRejected(const OdbcFailure& f) {
  return anyStateStarts(f, {"28"}) ||
         anyMessageHas(f, {"password authentication failed", "access denied for user", "login failed",
                           "authentication failed", "invalid password", "invalid username/password"});
}

bool timedOut(const OdbcFailure& f) {
  return anyStateStarts(f, {"HYT00", "HYT01", "57014"}) ||
         anyMessageHas(f, {"statement timeout", "timed out", "timeout expired", "query execution was interrupted"});
}

bool connectionLost(const OdbcFailure& f) {
  static const int mysqlClientErrors[] = {2002, 2003, 2005, 2006, 2013, 2055};
  for (const auto& d : f.diagnostics())
    for (int e : mysqlClientErrors)
      if (d.native == e) return true;
  return anyStateStarts(f, {"08", "57P01", "57P02", "57P03", "40001", "40P01"}) ||
         anyMessageHas(
             f, {"could not connect", "connection refused", "server closed the connection", "terminating connection",
                 "lost connection", "server has gone away", "no connection to", "communication link", "could not send",
                 "connection is dead", "connection reset", "broken pipe", "can't connect"});
}

}  // namespace

OdbcConnector::OdbcConnector(const ConnectorContext& context, OdbcOptions options)
    : name_(context.name), options_(std::move(options)), stateDir_(context.stateDir) {}

OdbcConnector::~OdbcConnector() = default;

std::string OdbcConnector::sourceName() const {
  return "odbc connector '" + name_ + "' (" + printableConnection(options_.connection) + ")";
}

std::string OdbcConnector::scrub(std::string text) const {
  const std::string& secret = options_.password;
  if (secret.size() < 3) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
    text.replace(at, secret.size(), "***");
  return text;
}

void OdbcConnector::raise(const OdbcFailure& f, const char* doing) {
  if (cancelled_) throw Error::unavailable(sourceName() + ": " + doing + " was cancelled (shutting down)");
  const std::string details = scrub(f.details());
  if (credentialsRejected(f))
    throw Error::config(sourceName() + ": the source rejected the credentials while " + doing + ": " + details +
                        " — check the user in `connection` and the `password` option");
  if (timedOut(f))
    throw Error::unavailable(sourceName() + ": " + doing + " timed out after " +
                             std::to_string(options_.statementTimeoutSeconds) +
                             " s (statement_timeout_seconds): " + details);
  const bool connecting = f.step() == "connecting";
  if (connecting && anyStateStarts(f, {"IM"}))
    throw Error::config(sourceName() + ": cannot load the ODBC driver or data source while " + doing + ": " + details +
                        " — check the DSN/Driver in `connection` (odbc.ini / odbcinst.ini)");
  if (connecting && anyMessageHas(f, {"does not exist", "unknown database"}))
    throw Error::config(sourceName() + ": the source has no such database: " + details +
                        " — check the database in `connection`");
  if (connecting || connectionLost(f)) {
    throw Error::unavailable(sourceName() + ": the source is unreachable (" + (connecting ? "connecting" : doing) +
                             "): " + details);
  }
  throw Error::config(sourceName() + ": " + doing + " failed (" + f.step() + "): " + details +
                      " — check the query/table and columns in the options");
}

void OdbcConnector::connect() {
  if (connection_) return;
  if (!env_) env_ = std::make_unique<Environment>();
  auto connectionString = [&] {
    std::string s = options_.connection;
    while (!s.empty() && (s.back() == ';' || std::isspace(static_cast<unsigned char>(s.back())))) s.pop_back();
    s += extraConnection_;
    if (!options_.password.empty()) s += ";PWD=" + connectionValue(options_.password);
    return s;
  };
  const int timeout = static_cast<int>(options_.statementTimeoutSeconds);
  connection_ = std::make_unique<Connection>(*env_, connectionString(), timeout);
  if (!driverChecked_) {
    driverChecked_ = true;
    // psqlODBC reads a whole result into client memory unless it uses a
    // cursor (declare/fetch): turn that on unless the user chose.
    const std::string driver = lower(connection_->infoString(SQL_DRIVER_NAME));
    if (driver.find("psqlodbc") != std::string::npos && !hasConnectionKey(options_.connection, "UseDeclareFetch")) {
      extraConnection_ = ";UseDeclareFetch=1;Fetch=" + std::to_string(options_.rowArraySize);
      connection_.reset();
      connection_ = std::make_unique<Connection>(*env_, connectionString(), timeout);
    }
  }
  const std::string dbms = connection_->infoString(SQL_DBMS_NAME);
  dialect_ = dialectFor(dbms);
  limit_ = options_.limitSyntax == "auto" ? dialect_.limit : parseLimitSyntax(options_.limitSyntax);
  quote_ = connection_->infoString(SQL_IDENTIFIER_QUOTE_CHAR);
  if (quote_.empty() || quote_ == " ") quote_ = "\"";
  std::lock_guard lock(infoMutex_);
  ++stats_.connects;
  dbms_ = dbms + " " + connection_->infoString(SQL_DBMS_VER);
  driver_ = connection_->infoString(SQL_DRIVER_NAME) + " " + connection_->infoString(SQL_DRIVER_VER);
  database_ = connection_->infoString(SQL_DATABASE_NAME);
  dataSource_ = connection_->infoString(SQL_DATA_SOURCE_NAME);
}

template <typename Fn>
auto OdbcConnector::withConnection(const char* doing, Fn&& body) {
  cancelled_ = false;
  {
    std::lock_guard lock(infoMutex_);
    statements_.clear();
  }
  struct MergeStats {
    OdbcConnector& c;
    ~MergeStats() {
      std::lock_guard lock(c.infoMutex_);
      static_cast<ReaderStats&>(c.stats_) = c.readerStats_;
    }
  } merge{*this};
  for (int attempt = 0;; ++attempt) {
    try {
      connect();
      return body();
    } catch (const TruncatedColumn& t) {
      // A bound column was longer than the driver said: read it as long and
      // run the pass again (nothing was delivered yet).
      if (longColumns_.count(t.column) || attempt > 64)
        throw Error::internal(sourceName() + ": column " + t.column + " keeps coming back truncated");
      longColumns_.insert(t.column);
    } catch (const OdbcFailure& f) {
      if (connection_ && f.step() != "connecting" && !credentialsRejected(f) && !timedOut(f) && !connectionLost(f) &&
          !cancelled_) {
        if (auto problem = columnProblem(); !problem.empty()) throw Error::config(sourceName() + ": " + problem);
      }
      connection_.reset();  // whatever went wrong, the next call starts on a new connection
      raise(f, doing);
    }
  }
}

std::string OdbcConnector::column(const std::string& name) const { return quoteIdentifier(name, quote_); }

std::string OdbcConnector::sourceSql() const {
  if (!options_.query.empty()) return trimQuery(options_.query);
  std::string columns;
  for (const auto& c : options_.columns) columns += (columns.empty() ? "" : ", ") + column(c);
  return "SELECT " + (columns.empty() ? std::string("*") : columns) + " FROM " +
         quoteIdentifier(options_.table, quote_, true);
}

Param OdbcConnector::keyParam(const std::string& text) const {
  if (options_.keyType == "integer" && !text.empty() && text.size() < 19) {
    size_t i = text[0] == '-' ? 1 : 0;
    bool digits = i < text.size();
    for (; i < text.size(); ++i) digits = digits && std::isdigit(static_cast<unsigned char>(text[i]));
    if (digits) return Param::ofInteger(std::stoll(text));
  }
  return Param::ofText(text);  // a string key, or a NUMERIC beyond BIGINT
}

size_t OdbcConnector::limitFor(size_t rows) const { return limit_ == LimitSyntax::None ? 0 : rows; }

void OdbcConnector::openScan(Scan& scan, const std::string& sql, const std::vector<Param>& params) {
  {
    std::lock_guard lock(infoMutex_);
    statements_.push_back(sql);
  }
  ReaderSettings settings;
  settings.rowArraySize = static_cast<size_t>(options_.rowArraySize);
  settings.timeoutSeconds = static_cast<int>(options_.statementTimeoutSeconds);
  settings.wideText = options_.wideText;
  scan.reader = std::make_unique<ResultReader>(*connection_, settings, readerStats_, longColumns_);
  {
    std::lock_guard lock(cancelMutex_);
    active_ = scan.reader->statement();
    scan.activeSlot = &active_;
    scan.activeMutex = &cancelMutex_;
  }
  if (cancelled_) throw Error::unavailable(sourceName() + ": cancelled (shutting down)");
  scan.reader->execute(sql, params);
  scan.wide = options_.wideText;
  scan.keyIndex = scan.reader->findColumn(options_.keyColumn);
  if (scan.keyIndex < 0)
    throw Error::config(sourceName() + ": " + missingColumn(*scan.reader, "key_column", options_.keyColumn));
  if (options_.mode == Mode::TimestampKey) {
    scan.tsIndex = scan.reader->findColumn(options_.timestampColumn);
    if (scan.tsIndex < 0)
      throw Error::config(sourceName() + ": " +
                          missingColumn(*scan.reader, "timestamp_column", options_.timestampColumn));
  }
}

std::string OdbcConnector::columnProblem() {
  // The generated WHERE/ORDER BY name the configured columns: when the
  // source's query does not return one, say that rather than the driver's
  // "no such column".
  try {
    ReaderSettings settings;
    settings.rowArraySize = 1;
    settings.timeoutSeconds = static_cast<int>(options_.statementTimeoutSeconds);
    ResultReader reader(*connection_, settings, readerStats_, longColumns_);
    reader.execute(wrapSelect(sourceSql(), "1 = 0", "", 0, LimitSyntax::None), {});
    if (reader.findColumn(options_.keyColumn) < 0) return missingColumn(reader, "key_column", options_.keyColumn);
    if (options_.mode == Mode::TimestampKey && reader.findColumn(options_.timestampColumn) < 0)
      return missingColumn(reader, "timestamp_column", options_.timestampColumn);
  } catch (const std::exception&) {
  } catch (const TruncatedColumn&) {
  }
  return {};
}

std::string OdbcConnector::scalar(const std::string& sql, const std::vector<Param>& params) {
  {
    std::lock_guard lock(infoMutex_);
    statements_.push_back(sql);
  }
  ReaderSettings settings;
  settings.rowArraySize = 1;
  settings.timeoutSeconds = static_cast<int>(options_.statementTimeoutSeconds);
  settings.wideText = options_.wideText;
  ResultReader reader(*connection_, settings, readerStats_, longColumns_);
  reader.execute(sql, params);
  if (!reader.next() || reader.isNull(0)) throw Error::config(sourceName() + ": " + sql + " returned no value");
  std::string value(reader.cell(0));
  reader.close();
  return value;
}

std::optional<int64_t> OdbcConnector::countRows(const std::string& day) {
  if (options_.countQuery.empty()) return std::nullopt;
  long long y = 0;
  unsigned m = 0, d = 0;
  if (day.size() != 10 || std::sscanf(day.c_str(), "%4lld-%2u-%2u", &y, &m, &d) != 3)
    throw Error::invalid("countRows: '" + day + "' is not a YYYY-MM-DD day");
  const int64_t days = daysFromCivil(y, m, d);
  auto dayText = [](int64_t dn) {
    int64_t yy;
    unsigned mm, dd;
    civilFromDays(dn, yy, mm, dd);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u 00:00:00", static_cast<long long>(yy), mm, dd);
    return std::string(buf);
  };
  return withConnection("counting the day's rows", [&] {
    const std::string value =
        scalar(options_.countQuery, {Param::ofText(dayText(days)), Param::ofText(dayText(days + 1))});
    try {
      size_t used = 0;
      const int64_t n = std::stoll(value, &used);
      if (used == value.size() || value.find_first_not_of("0123456789.-", used) == std::string::npos) return n;
    } catch (const std::exception&) {
    }
    throw Error::config(sourceName() + ": count_query returned '" + value + "', not a number");
  });
}

FetchResult OdbcConnector::fetch(const std::string& checkpointText, size_t maxRows) {
  maxRows = std::max<size_t>(1, maxRows);
  return withConnection("fetching rows", [&] {
    Checkpoint cp = readCheckpoint(checkpointText);
    FetchResult out;
    out.rows.setRawFormat("odbc-json");
    out.rows.setUtf8(options_.wideText);
    out.deletedRows.setRawFormat("odbc-json");
    out.deletedRows.setUtf8(options_.wideText);
    auto pending = std::make_shared<Pending>();
    switch (options_.mode) {
      case Mode::Key: fetchKey(cp, maxRows, out); break;
      case Mode::TimestampKey: fetchTimestampKey(cp, maxRows, out); break;
      case Mode::Snapshot: fetchSnapshot(cp, maxRows, out, *pending); break;
    }
    out.checkpoint = encodeCheckpoint(cp);
    if (options_.mode == Mode::Snapshot) {
      out.token = std::to_string(pending->seq);
      pending_.clear();  // an earlier batch that was never committed is void
      pending_[out.token] = pending;
    }
    return out;
  });
}

void OdbcConnector::cancel() {
  cancelled_ = true;
  std::lock_guard lock(cancelMutex_);
  if (active_) active_->cancel();
}

std::string OdbcConnector::describe() const {
  std::string out = "odbc " + printableConnection(options_.connection);
  {
    std::lock_guard lock(infoMutex_);
    if (!dbms_.empty()) {
      out += " — " + dbms_ + " via " + driver_;
      if (!dataSource_.empty()) out += ", DSN " + dataSource_;
      if (!database_.empty()) out += ", database " + database_;
    }
  }
  out += options_.table.empty() ? ", query" : ", table " + options_.table;
  out += ", mode " + std::string(modeName(options_.mode));
  return scrub(out);
}

OdbcStats OdbcConnector::stats() const {
  std::lock_guard lock(infoMutex_);
  return stats_;
}

std::vector<std::string> OdbcConnector::lastStatements() const {
  std::lock_guard lock(infoMutex_);
  return statements_;
}

}  // namespace govsync::connectors::odbc

namespace govsync::connectors {

void registerOdbcConnector(ConnectorRegistry& registry) {
  registry.add({"odbc", "tables and queries of any ODBC source (unixODBC): key, timestamp_key or snapshot mode",
                odbc::odbcOptionsSpec(), [](const ConnectorContext& context) -> std::unique_ptr<Connector> {
                  return std::make_unique<odbc::OdbcConnector>(context, odbc::readOdbcOptions(context.options));
                }});
}

}  // namespace govsync::connectors
