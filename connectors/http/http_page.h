// One API response → its records and paging hints. The body is decoded
// from its declared charset (strictly), validated whole (JSON or XML), its
// envelope checked, and each record turned into a row that keeps its bytes;
// a record that cannot be read becomes a RowError of its own.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "connectors/http/http_client.h"
#include "connectors/http/http_options.h"
#include "core/rows/row_readers.h"

namespace govsync::connectors::http {

/// One response's records, kept while batches take them in parts.
struct Page {
  std::string key;  ///< the request it answers
  RowBatch rows;    ///< numbered by position in the page, from 1
  std::vector<RowError> errors;
  size_t items = 0;  ///< records in the page (rows + errors)
  /// Position (1-based) → row index (>= 0) or error index (-1 - i).
  std::vector<int64_t> order;
  std::optional<std::string> nextCursor, nextLink;
};

/// Reads `response` to `request` into `page`. Throws Error naming the
/// request: InvalidInput (retryable) for a body that is not JSON/XML or not
/// valid in its charset; Unavailable for an envelope that is not a success;
/// Config when records_path is not there.
void readPage(const HttpOptions& options, const std::string& connector, const HttpRequest& request,
              const HttpResponse& response, Page& page);

/// The URL of rel="next" in a Link header (RFC 8288), or nullopt.
std::optional<std::string> nextFromLinkHeader(const std::string& header);

}  // namespace govsync::connectors::http
