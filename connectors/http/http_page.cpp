#include "connectors/http/http_page.h"

#include <algorithm>
#include <memory>

#include "connectors/file/json_scan.h"
#include "connectors/http/xml_records.h"
#include "core/util/error.h"
#include "mappings/engine/domain/charset.h"

namespace govsync::connectors::http {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string snippet(std::string_view body, size_t n = 120) {
  std::string out;
  for (size_t i = 0; i < body.size() && out.size() < n; ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    out += (c < 0x20 || c >= 0x7F) ? '.' : static_cast<char>(c);
  }
  return out + (body.size() > n ? "…" : "");
}

// The charset a response declares: Content-Type's charset, else an XML
// declaration's encoding; "" if none.
std::string declaredCharset(const HttpResponse& response, bool xml) {
  const std::string ct = lower(response.header("Content-Type"));
  if (const auto at = ct.find("charset="); at != std::string::npos) {
    std::string v = ct.substr(at + 8);
    v = v.substr(0, v.find_first_of("; "));
    v.erase(std::remove(v.begin(), v.end(), '"'), v.end());
    return v;
  }
  if (xml && response.body.compare(0, 5, "<?xml") == 0) {
    const std::string decl = lower(response.body.substr(0, response.body.find("?>")));
    if (const auto at = decl.find("encoding="); at != std::string::npos && at + 10 < decl.size()) {
      const char q = decl[at + 9];
      const size_t end = decl.find(q, at + 10);
      if (end != std::string::npos) return decl.substr(at + 10, end - at - 10);
    }
  }
  return "";
}

class PageReader {
 public:
  PageReader(const HttpOptions& options, const std::string& connector) : options_(options), connector_(connector) {}

  std::string where(const HttpRequest& r) const {
    return "http connector " + connector_ + ": " + r.method + " " + r.url();
  }

  Error badBody(const HttpRequest& r, const std::string& what, std::string_view body) const {
    return Error{
        ErrorCode::InvalidInput,
        where(r) + ": " + what + ". The body (" + std::to_string(body.size()) + " bytes) starts: " + snippet(body),
        true};
  }

  // The body as UTF-8: decoded from GBK/GB2312/GB18030 when declared so.
  std::string decodeBody(const HttpRequest& r, const HttpResponse& response) const {
    std::string charset = options_.encoding;
    if (charset == "auto") charset = declaredCharset(response, options_.format == BodyFormat::Xml);
    const auto cs = mapping::charsetFromName(charset);
    if (!cs || *cs == mapping::Charset::Utf8) return response.body;
    mapping::CharsetDecoder decoder(*cs);
    std::string out, error;
    if (!decoder.decode(response.body, out, error))
      throw badBody(r, "the body is not valid " + std::string(mapping::charsetName(*cs)) + ": " + error, response.body);
    return out;
  }

  void checkEnvelope(const HttpRequest& r, const std::optional<std::string>& code,
                     const std::optional<std::string>& message) const {
    if (options_.successPath.empty()) return;
    const auto& ok = options_.successValues;
    if (code && std::find(ok.begin(), ok.end(), *code) != ok.end()) return;
    throw Error::unavailable(where(r) + ": the API answered " + options_.successPath + " = " +
                             (code ? "'" + *code + "'" : std::string("(missing)")) +
                             (message ? " (" + *message + ")" : "") + ", not a success value");
  }

  void read(const HttpRequest& r, const HttpResponse& response, Page& page) const {
    const std::string linkHeader = response.header("Link");
    // "No content" said explicitly: no records (an empty body without a
    // length could be a cut connection, and is read — and refused — below).
    if (response.status == 204 || (response.body.empty() && response.header("Content-Length") == "0")) {
      page.nextLink = nextFromLinkHeader(linkHeader);
      return;
    }
    const std::string text = decodeBody(r, response);
    if (options_.format == BodyFormat::Xml) {
      std::unique_ptr<XmlBody> xml;
      try {
        xml = std::make_unique<XmlBody>(text);
      } catch (const XmlError& e) {
        throw badBody(r, std::string("the response is not usable XML: ") + e.what(), text);
      }
      if (!options_.successPath.empty())
        checkEnvelope(r, xml->value(options_.successPath),
                      options_.messagePath.empty() ? std::nullopt : xml->value(options_.messagePath));
      page.items = xml->records(options_.recordsPath, page.rows);
      if (page.items == 0 && !xml->value(options_.recordsPath.substr(0, options_.recordsPath.find('/'))))
        throw Error::config(where(r) + ": records_path '" + options_.recordsPath +
                            "' does not match the document's root element");
      if (!options_.nextCursorPath.empty()) page.nextCursor = xml->value(options_.nextCursorPath);
      page.nextLink =
          options_.nextLinkPath.empty() ? nextFromLinkHeader(linkHeader) : xml->value(options_.nextLinkPath);
      return;
    }
    if (std::string error; !validateJson(text, error)) {
      if (error.rfind("unexpected end of input", 0) == 0) error += " (the body ends early: truncated?)";
      throw badBody(r, "the response is not valid JSON: " + error, text);
    }
    auto scalarAt = [&](const std::string& path) -> std::optional<std::string> {
      if (path.empty()) return std::nullopt;
      const auto v = findJsonPath(text, path);
      return v ? jsonScalar(*v) : std::nullopt;
    };
    checkEnvelope(r, scalarAt(options_.successPath), scalarAt(options_.messagePath));
    const auto records =
        options_.recordsPath.empty() ? std::optional<std::string_view>(text) : findJsonPath(text, options_.recordsPath);
    if (!records) {
      std::string keys;
      if (jsonIsObject(text)) {
        // Name what is there, to fix records_path from the message alone.
        for (const auto& k : topLevelKeys(text)) keys += (keys.empty() ? "" : ", ") + k;
      }
      throw Error::config(where(r) + ": records_path '" + options_.recordsPath + "' is not in the response" +
                          (keys.empty() ? "" : " (its top-level keys: " + keys + ")"));
    }
    std::vector<std::string_view> items;
    if (jsonIsArray(*records))
      items = jsonArrayItems(*records);
    else if (jsonIsObject(*records))
      items.push_back(*records);
    else if (!jsonIsNull(*records))
      throw Error::config(where(r) + ": records_path '" + options_.recordsPath + "' is not an array of records but " +
                          snippet(*records, 40));
    readJsonItems(items, 1, page.rows, page.errors);
    page.items = items.size();
    if (!options_.nextCursorPath.empty()) page.nextCursor = scalarAt(options_.nextCursorPath);
    page.nextLink = options_.nextLinkPath.empty() ? nextFromLinkHeader(linkHeader) : scalarAt(options_.nextLinkPath);
  }

  static std::vector<std::string> topLevelKeys(std::string_view object) {
    std::vector<std::string> keys;
    size_t p = object.find('{') + 1;
    while (true) {
      while (p < object.size() && std::isspace(static_cast<unsigned char>(object[p]))) ++p;
      if (p >= object.size() || object[p] != '"') break;
      size_t end = p;
      std::string error;
      scanJsonValue(object, end, error);
      keys.push_back(jsonScalar(object.substr(p, end - p)).value_or(""));
      p = end;
      while (p < object.size() && (std::isspace(static_cast<unsigned char>(object[p])) || object[p] == ':')) ++p;
      scanJsonValue(object, p, error);
      while (p < object.size() && std::isspace(static_cast<unsigned char>(object[p]))) ++p;
      if (p < object.size() && object[p] == ',') ++p;
    }
    return keys;
  }

 private:
  const HttpOptions& options_;
  const std::string& connector_;
};

}  // namespace

std::optional<std::string> nextFromLinkHeader(const std::string& header) {
  size_t p = 0;
  while ((p = header.find('<', p)) != std::string::npos) {
    const size_t close = header.find('>', p);
    if (close == std::string::npos) break;
    const std::string url = header.substr(p + 1, close - p - 1);
    size_t end = header.find('<', close);
    const std::string params = lower(header.substr(close + 1, end == std::string::npos ? end : end - close - 1));
    const size_t rel = params.find("rel=");
    if (rel != std::string::npos) {
      std::string value = params.substr(rel + 4);
      value = value.substr(0, value.find(';'));
      value.erase(std::remove(value.begin(), value.end(), '"'), value.end());
      size_t w = 0;
      while (w < value.size()) {
        const size_t sp = value.find_first_of(" ,", w);
        if (value.substr(w, sp == std::string::npos ? sp : sp - w) == "next") return url;
        if (sp == std::string::npos) break;
        w = sp + 1;
      }
    }
    p = close + 1;
  }
  return std::nullopt;
}

void readPage(const HttpOptions& options, const std::string& connector, const HttpRequest& request,
              const HttpResponse& response, Page& page) {
  PageReader(options, connector).read(request, response, page);
  // Positions in the page: rows and unreadable records by their number.
  page.order.assign(page.items, 0);
  for (size_t i = 0; i < page.rows.size(); ++i) page.order[page.rows.row(i).number - 1] = static_cast<int64_t>(i);
  for (size_t i = 0; i < page.errors.size(); ++i)
    page.order[page.errors[i].rowNumber - 1] = -1 - static_cast<int64_t>(i);
}

}  // namespace govsync::connectors::http
