#include "core/rows/row_readers.h"

namespace govsync {

namespace {

// Reads one record (possibly spanning lines inside quotes) starting at pos.
// Fields go to `fields` (unquoted, "" → "); returns false on a malformed
// quote, with pos moved past the record either way.
bool readRecord(std::string_view s, size_t& pos, const DelimitedOptions& o, std::vector<std::string>& fields,
                std::string& error) {
  fields.clear();
  std::string field;
  bool ok = true;
  while (true) {
    field.clear();
    if (pos < s.size() && s[pos] == o.quote) {
      ++pos;
      bool closed = false;
      while (pos < s.size()) {
        const size_t q = s.find(o.quote, pos);
        if (q == std::string_view::npos) {
          field.append(s.substr(pos));
          pos = s.size();
          break;
        }
        field.append(s.substr(pos, q - pos));
        pos = q + 1;
        if (pos < s.size() && s[pos] == o.quote) {
          field += o.quote;
          ++pos;
          continue;
        }
        closed = true;
        break;
      }
      if (!closed) {
        error = "unterminated quoted field";
        ok = false;
      } else if (pos < s.size() && s[pos] != o.delimiter && s[pos] != '\n' && s[pos] != '\r') {
        error = "unexpected character after a closing quote";
        ok = false;
        while (pos < s.size() && s[pos] != o.delimiter && s[pos] != '\n') field += s[pos++];
      }
    } else {
      size_t end = pos;
      while (end < s.size() && s[end] != o.delimiter && s[end] != '\n' && s[end] != '\r') ++end;
      field.append(s.substr(pos, end - pos));
      pos = end;
    }
    fields.push_back(std::move(field));
    if (pos < s.size() && s[pos] == o.delimiter) {
      ++pos;
      continue;
    }
    if (pos < s.size() && s[pos] == '\r') ++pos;
    if (pos < s.size() && s[pos] == '\n') ++pos;
    return ok;
  }
}

}  // namespace

std::vector<RowError> readDelimitedRows(std::string_view text, const DelimitedOptions& o, RowBatch& batch) {
  std::vector<RowError> errors;
  batch.setRawFormat("csv");
  size_t pos = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  std::vector<std::string> fields;
  std::string error;
  std::vector<uint32_t> columns;
  if (o.header) {
    while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) ++pos;
    if (pos >= text.size()) return errors;
    if (!readRecord(text, pos, o, fields, error)) {
      errors.push_back({0, std::string(text.substr(0, std::min<size_t>(pos, 4096))), "header: " + error});
      return errors;
    }
    for (auto& name : fields) {
      // Header names are trimmed: legacy exports pad them.
      size_t b = name.find_first_not_of(" \t"), e = name.find_last_not_of(" \t");
      columns.push_back(batch.columnIndex(b == std::string::npos ? "" : name.substr(b, e - b + 1)));
    }
  } else {
    for (const auto& name : o.columns) columns.push_back(batch.columnIndex(name));
  }
  size_t rowNo = 0;
  while (pos < text.size()) {
    const size_t start = pos;
    const bool ok = readRecord(text, pos, o, fields, error);
    std::string_view raw = text.substr(start, pos - start);
    while (!raw.empty() && (raw.back() == '\n' || raw.back() == '\r')) raw.remove_suffix(1);
    if (raw.empty()) continue;  // blank line
    ++rowNo;
    if (!ok) {
      errors.push_back({rowNo, std::string(raw), error});
      continue;
    }
    if (fields.size() != columns.size()) {
      errors.push_back(
          {rowNo, std::string(raw),
           "row has " + std::to_string(fields.size()) + " fields, the header has " + std::to_string(columns.size())});
      continue;
    }
    batch.beginRow(static_cast<uint32_t>(rowNo));
    for (size_t i = 0; i < fields.size(); ++i) batch.addCell(columns[i], fields[i]);
    batch.setRaw(raw);
    batch.endRow();
  }
  return errors;
}

}  // namespace govsync
