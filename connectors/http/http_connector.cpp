// The http connector: pulls records from a legacy HTTP API, page by page,
// and optionally incrementally by an "updated since" time — see
// connectors/http/README.md for the options and the behaviour.
//
// A sync *run* walks the pages from the first to the last; its state (page,
// offset, cursor or next link, records taken from the current page, the
// largest update time seen) is the checkpoint, committed with each batch. A
// restart resumes the run where the last committed batch ended. When a run
// ends, the largest update time becomes the next run's `since`.
//
// Incremental runs ask from `since − overlap`, so they re-read what the last
// run delivered in that range. The checkpoint keeps an overlap window
// (connectors/sync/overlap_window.h, shared with the odbc connector): the
// content hash of each record delivered there, with its update time. A
// re-read record with the same bytes is not delivered again (no new work, no
// second dead letter); a changed one is.
#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <atomic>
#include <optional>

#include "connectors/connector.h"
#include "connectors/file/json_scan.h"
#include "connectors/http/http_auth.h"
#include "connectors/http/http_client.h"
#include "connectors/http/http_options.h"
#include "connectors/http/http_page.h"
#include "connectors/http/since_value.h"
#include "connectors/sync/overlap_window.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"

namespace govsync::connectors {

namespace {

using namespace http;

struct HttpCheckpoint {
  std::string since;  ///< the run's since value, as the source wrote it
  std::string max;    ///< the largest since_field value seen in this run
  bool run = false;   ///< a run is in progress
  int64_t page = 0, offset = 0;
  std::string cursor, next;
  uint64_t skip = 0;  ///< records of the current page already delivered
  uint64_t base = 0;  ///< records of this run before the current page (row numbers)
  /// Incremental: records delivered in the overlap window, by content hash,
  /// with their since_field value ("" until the run ends for one without).
  OverlapWindow window;
};

std::string writeCheckpoint(const HttpCheckpoint& cp) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  auto str = [&](const char* k, const std::string& v) {
    if (v.empty()) return;
    w.key(k);
    w.string(v);
  };
  str("since", cp.since);
  str("max", cp.max);
  w.key("run");
  w.boolean(cp.run);
  if (cp.run) {
    w.key("page");
    w.integer(cp.page);
    w.key("offset");
    w.integer(cp.offset);
    w.key("skip");
    w.integer(static_cast<int64_t>(cp.skip));
    w.key("base");
    w.integer(static_cast<int64_t>(cp.base));
    str("next", cp.next);
  }
  str("cursor", cp.cursor);
  if (!cp.window.empty()) {
    w.key("window");
    cp.window.write(w);
  }
  w.endObject();
  return out;
}

HttpCheckpoint readCheckpoint(const std::string& text, const std::string& connector) {
  HttpCheckpoint cp;
  if (text.empty()) return cp;
  std::string error;
  if (!validateJson(text, error) || !jsonIsObject(text))
    throw Error::corrupt("http connector " + connector + ": checkpoint is not a JSON object (" + error + "): " + text);
  auto str = [&](const char* k) {
    auto v = findJsonPath(text, k);
    auto s = v ? jsonScalar(*v) : std::nullopt;
    return s ? *s : std::string();
  };
  auto num = [&](const char* k) -> int64_t {
    const std::string s = str(k);
    return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10);
  };
  cp.since = str("since");
  cp.max = str("max");
  cp.run = str("run") == "true";
  cp.page = num("page");
  cp.offset = num("offset");
  cp.skip = static_cast<uint64_t>(num("skip"));
  cp.base = static_cast<uint64_t>(num("base"));
  cp.next = str("next");
  cp.cursor = str("cursor");
  if (const auto window = findJsonPath(text, "window"); window && !cp.window.read(*window, error))
    throw Error::corrupt("http connector " + connector + ": checkpoint window: " + error + ": " + text);
  return cp;
}

std::string encodePath(const std::string& decoded) {
  std::string out;
  size_t start = 0;
  while (true) {
    const size_t slash = decoded.find('/', start);
    out += percentEncode(decoded.substr(start, slash == std::string::npos ? slash : slash - start));
    if (slash == std::string::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out.empty() ? "/" : out;
}

class HttpConnector : public Connector {
 public:
  explicit HttpConnector(const ConnectorContext& ctx)
      : name_(ctx.name),
        options_(readHttpOptions(ctx.options, ctx.name)),
        client_(options_, name_),
        base_(options_.url) {
    sinceFormat_ = sinceFormatFromName(options_.sinceFormat).value_or(SinceFormat::Auto);
  }

  FetchResult fetch(const std::string& checkpoint, size_t maxRows) override {
    if (maxRows == 0) maxRows = 1;
    HttpCheckpoint cp = readCheckpoint(checkpoint, name_);
    FetchResult result;
    result.rows.setUtf8(true);
    result.rows.setRawFormat(options_.format == BodyFormat::Xml ? "xml" : "json");
    if (!cp.run) startRun(cp);
    std::optional<SinceValue> maxSeen;
    if (!cp.max.empty()) maxSeen = parseSinceValue(cp.max, sinceFormat_);
    size_t taken = 0;
    int64_t pages = 0;
    bool finished = false;
    while (true) {
      if (cancelled_) {
        if (taken == 0) throw Error::unavailable("http connector " + name_ + ": cancelled");
        result.more = true;
        break;
      }
      const HttpRequest request = buildRequest(cp);
      const Page* loaded = nullptr;
      try {
        loaded = &loadPage(request, cp.skip > 0);
      } catch (const Error&) {
        // Pages already read in this fetch commit; the next fetch meets the
        // error again (and reports it) from there.
        if (pages == 0) throw;
        result.more = true;
        break;
      }
      const Page& page = *loaded;
      ++pages;
      const size_t room = maxRows - taken;
      const size_t take = std::min<size_t>(page.items - std::min<size_t>(cp.skip, page.items), room);
      for (size_t i = 0; i < take; ++i) {
        const size_t position = cp.skip + i + 1;
        const auto number = static_cast<uint32_t>(cp.base + position);
        const int64_t ref = page.order[position - 1];
        if (ref < 0) {
          RowError e = page.errors[static_cast<size_t>(-1 - ref)];
          if (reread(cp, e.raw, "")) continue;
          e.rowNumber = number;
          e.message =
              "record " + std::to_string(position) + " of " + request.method + " " + request.url() + ": " + e.message;
          result.errors.push_back(std::move(e));
          continue;
        }
        std::string rowSince, problem;
        const bool timed = trackSince(page.rows, static_cast<size_t>(ref), maxSeen, rowSince, problem);
        if (reread(cp, page.rows.raw(page.rows.row(static_cast<size_t>(ref))), rowSince)) continue;
        if (!timed) {
          result.errors.push_back(
              {number, std::string(page.rows.raw(page.rows.row(static_cast<size_t>(ref)))),
               "record " + std::to_string(position) + " of " + request.method + " " + request.url() + ": " + problem});
          continue;
        }
        copyRow(page.rows, static_cast<size_t>(ref), result.rows, number);
      }
      cp.skip += take;
      taken += take;
      if (cp.skip < page.items) {
        result.more = true;  // the batch is full inside this page
        break;
      }
      cp.skip = 0;
      if (advance(cp, page, request)) {
        cp.max = maxSeen ? maxSeen->text : "";
        finishRun(cp, maxSeen);
        maxSeen.reset();
        finished = true;
        result.more = false;
        break;
      }
      if (taken >= maxRows || pages >= options_.maxPagesPerFetch) {
        result.more = true;
        break;
      }
    }
    if (maxSeen) cp.max = maxSeen->text;
    pruneWindow(cp, maxSeen, finished);
    result.checkpoint = writeCheckpoint(cp);
    return result;
  }

  void cancel() override {
    cancelled_ = true;
    client_.cancel();
  }

  std::string describe() const override {
    static const char* pagingNames[] = {"no pagination", "page pagination", "offset pagination", "cursor pagination",
                                        "next-link pagination"};
    static const char* authNames[] = {"no auth", "basic auth", "bearer auth", "api-key auth", "hmac auth"};
    std::string d = "http " + options_.method + " " + base_.getScheme() + "://" + base_.getAuthority() +
                    base_.getPath() + " (" + (options_.format == BodyFormat::Xml ? "xml" : "json") + ", " +
                    pagingNames[static_cast<int>(options_.paging)] + ", " + authNames[static_cast<int>(options_.auth)];
    if (!options_.sinceParam.empty()) d += ", since " + options_.sinceParam + " from " + options_.sinceField;
    return d + ")";
  }

 private:
  void startRun(HttpCheckpoint& cp) const {
    cp.run = true;
    cp.page = options_.firstPage;
    cp.offset = 0;
    cp.next.clear();
    cp.skip = 0;
    cp.base = 0;
    cp.max.clear();
  }

  void finishRun(HttpCheckpoint& cp, const std::optional<SinceValue>& maxSeen) const {
    if (maxSeen) {
      const auto since = cp.since.empty() ? std::nullopt : parseSinceValue(cp.since, sinceFormat_);
      if (!since || compareSince(*maxSeen, *since) > 0) cp.since = maxSeen->text;
    }
    cp.run = false;
    cp.max.clear();
    cp.next.clear();
    cp.skip = cp.base = 0;
  }

  // Reads the row's since_field into maxSeen (and its text into `text`);
  // false (with why) when the value is there but is not a time.
  bool trackSince(const RowBatch& rows, size_t index, std::optional<SinceValue>& maxSeen, std::string& text,
                  std::string& why) const {
    if (options_.sinceField.empty()) return true;
    const auto& row = rows.row(index);
    const auto* cells = rows.cells(row);
    for (uint32_t i = 0; i < row.cellCount; ++i) {
      if (rows.columns()[cells[i].column] != options_.sinceField) continue;
      if (cells[i].flags != 0) return true;  // null or a list: no time to track
      const auto value = rows.bytes(cells[i]);
      if (value.empty()) return true;
      auto v = parseSinceValue(value, sinceFormat_);
      if (!v) {
        why = "since_field " + options_.sinceField + " is '" + std::string(value.substr(0, 60)) +
              "', not a time in since_format " + options_.sinceFormat;
        return false;
      }
      text = v->text;
      if (!maxSeen || compareSince(*v, *maxSeen) > 0) maxSeen = std::move(v);
      return true;
    }
    return true;
  }

  // Incremental runs: true when this record's bytes were delivered inside the
  // overlap window before (a re-read: not delivered again). Either way it is
  // remembered, at its since value — "" for a record without one, stamped
  // with the run's since when the run ends, so it is forgotten only once the
  // source has moved on by more than the overlap without sending it again.
  bool reread(HttpCheckpoint& cp, std::string_view raw, const std::string& since) const {
    if (options_.sinceParam.empty()) return false;
    const std::string hash = contentHash(raw);
    const bool again = cp.window.contains(hash);
    cp.window.remember(since, hash);
    return again;
  }

  // Orders two window stamps by time; "" (not known yet) after any time.
  int compareStamps(const std::string& a, const std::string& b) const {
    const auto va = a.empty() ? std::nullopt : parseSinceValue(a, sinceFormat_);
    const auto vb = b.empty() ? std::nullopt : parseSinceValue(b, sinceFormat_);
    if (!va || !vb) return static_cast<int>(!va) - static_cast<int>(!vb);
    return compareSince(*va, *vb);
  }

  // Forgets window records no request can return again: before the run's
  // since minus the overlap (the run's largest time while a first run goes
  // on); bounded by since_overlap_max_rows.
  void pruneWindow(HttpCheckpoint& cp, const std::optional<SinceValue>& maxSeen, bool finished) const {
    if (cp.window.empty()) return;
    const auto compare = [this](const std::string& a, const std::string& b) { return compareStamps(a, b); };
    if (finished && !cp.since.empty()) cp.window.restamp("", cp.since);
    std::optional<SinceValue> basis;
    if (!cp.since.empty())
      basis = parseSinceValue(cp.since, sinceFormat_);
    else
      basis = maxSeen;
    const auto maxRows = static_cast<size_t>(options_.sinceOverlapMaxRows);
    if (basis)
      cp.window.prune(sinceMinus(*basis, options_.sinceOverlapSeconds), maxRows, compare);
    else
      cp.window.limit(maxRows, compare);
  }

  // The since parameter's value for a request: the run's since (or
  // since_initial) moved back by the overlap, in the source's own format.
  std::string sinceForRequest(const HttpCheckpoint& cp) const {
    const std::string& since = cp.since.empty() ? options_.sinceInitial : cp.since;
    if (since.empty()) return "";
    if (auto v = parseSinceValue(since, sinceFormat_)) return sinceMinus(*v, options_.sinceOverlapSeconds);
    return since;
  }

  HttpRequest buildRequest(const HttpCheckpoint& cp) const {
    const bool followLink = options_.paging == Paging::NextLink && !cp.next.empty();
    const Poco::URI uri = followLink ? Poco::URI(cp.next) : base_;
    HttpRequest r;
    r.method = options_.method;
    r.scheme = uri.getScheme();
    r.host = uri.getHost();
    r.port = uri.getPort();
    r.path = encodePath(uri.getPath());
    std::vector<std::pair<std::string, std::string>> fixed = uri.getQueryParameters(), extra;
    std::vector<bool> numeric;
    auto add = [&](const std::string& k, const std::string& v, bool isNumber) {
      if (k.empty()) return;
      extra.emplace_back(k, v);
      numeric.push_back(isNumber);
    };
    if (!followLink) {
      if (!options_.sinceParam.empty())
        if (const std::string since = sinceForRequest(cp); !since.empty()) add(options_.sinceParam, since, false);
      const std::string size = std::to_string(options_.pageSize);
      switch (options_.paging) {
        case Paging::Page:
          add(options_.pageParam, std::to_string(cp.page), true);
          add(options_.sizeParam, size, true);
          break;
        case Paging::Offset:
          add(options_.offsetParam, std::to_string(cp.offset), true);
          add(options_.limitParam, size, true);
          break;
        case Paging::Cursor:
          if (!cp.cursor.empty()) add(options_.cursorParam, cp.cursor, false);
          add(options_.sizeParam, size, true);
          break;
        case Paging::NextLink:
        case Paging::None: break;
      }
    }
    if (options_.paramsInBody) {
      r.query = canonicalQuery(fixed);
      if (options_.formBody) {
        r.contentType = "application/x-www-form-urlencoded";
        r.body = options_.body;
        for (const auto& [k, v] : extra)
          r.body += (r.body.empty() ? "" : "&") + percentEncode(k) + "=" + percentEncode(v);
      } else {
        r.contentType = "application/json; charset=utf-8";
        std::string fields;
        for (size_t i = 0; i < extra.size(); ++i) {
          if (!fields.empty()) fields += ',';
          appendJsonString(fields, extra[i].first);
          fields += ':';
          if (numeric[i])
            fields += extra[i].second;
          else
            appendJsonString(fields, extra[i].second);
        }
        std::string body = options_.body.empty() ? "{}" : options_.body;
        const size_t close = body.rfind('}');
        const bool hasMembers = body.find_first_not_of(" \t\r\n", body.find('{') + 1) != close;
        r.body = body.substr(0, close) + (hasMembers && !fields.empty() ? "," : "") + fields + body.substr(close);
      }
    } else {
      fixed.insert(fixed.end(), extra.begin(), extra.end());
      r.query = canonicalQuery(fixed);
      r.body = options_.body;
      r.contentType = options_.formBody ? "application/x-www-form-urlencoded" : "application/json; charset=utf-8";
    }
    return r;
  }

  // The page a request asks for. A batch that ended inside a page takes the
  // rest from the kept copy; anything else asks the API again (the same URL
  // in a new run may have new records).
  const Page& loadPage(const HttpRequest& request, bool resumingInside) {
    const std::string key = request.method + " " + request.url() + "\n" + request.body;
    if (resumingInside && page_ && page_->key == key) return *page_;
    page_.reset();
    const HttpResponse response = client_.send(request);
    auto page = std::make_unique<Page>();
    page->key = key;
    readPage(options_, name_, request, response, *page);
    page_ = std::move(page);
    return *page_;
  }

  std::string where(const HttpRequest& r) const { return "http connector " + name_ + ": " + r.method + " " + r.url(); }

  // Moves the run past a fully delivered page; true when the run is over.
  bool advance(HttpCheckpoint& cp, const Page& page, const HttpRequest& request) const {
    const auto n = static_cast<int64_t>(page.items);
    cp.base += page.items;
    const bool lastByCount = n == 0 || (options_.stopOnShortPage && n < options_.pageSize);
    switch (options_.paging) {
      case Paging::None: return true;
      case Paging::Page:
        if (lastByCount) return true;
        ++cp.page;
        return false;
      case Paging::Offset:
        if (lastByCount) return true;
        cp.offset += n;
        return false;
      case Paging::Cursor: {
        if (!page.nextCursor || page.nextCursor->empty()) {
          cp.cursor.clear();  // the end: the next run starts from the beginning (and since)
          return true;
        }
        // No records, or the same cursor again: caught up; the next run goes on from this cursor.
        const bool caughtUp = n == 0 || *page.nextCursor == cp.cursor;
        cp.cursor = *page.nextCursor;
        return caughtUp;
      }
      case Paging::NextLink: {
        if (!page.nextLink || page.nextLink->empty()) return true;
        Poco::URI next(Poco::URI(request.url()), *page.nextLink);
        if (next.getScheme() != base_.getScheme() || next.getHost() != base_.getHost() ||
            next.getPort() != base_.getPort())
          throw Error::config(where(request) + ": the next link '" + next.toString() +
                              "' points to another address; it is not followed (credentials would go there)");
        const std::string target = next.toString();
        if (target == request.url() || target == cp.next) return true;
        cp.next = target;
        return false;
      }
    }
    return true;
  }

  std::string name_;
  HttpOptions options_;
  HttpClient client_;
  Poco::URI base_;
  SinceFormat sinceFormat_ = SinceFormat::Auto;
  std::unique_ptr<Page> page_;  ///< the last response, for a batch that ends inside it
  std::atomic<bool> cancelled_{false};
};

}  // namespace

void registerHttpConnector(ConnectorRegistry& registry) {
  registry.add({"http",
                "Legacy HTTP API (JSON or XML): pagination, incremental since, basic/bearer/api-key/HMAC auth, "
                "verified HTTPS",
                httpOptionKeys(), [](const ConnectorContext& ctx) -> std::unique_ptr<Connector> {
                  return std::make_unique<HttpConnector>(ctx);
                }});
}

}  // namespace govsync::connectors
