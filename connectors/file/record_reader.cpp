#include "connectors/file/record_reader.h"

#include <cerrno>
#include <cstring>

#include "connectors/file/json_scan.h"

namespace govsync::connectors {

namespace {
constexpr size_t kNeedMore = std::string::npos;
bool isWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

RecordReader::RecordReader(const std::string& path, const Options& options) : path_(path), options_(options) {
  in_.open(path, std::ios::binary);
  if (!in_) throw FileFormatError("cannot open " + path + ": " + std::strerror(errno));
}

void RecordReader::seek(uint64_t offset) {
  in_.clear();
  in_.seekg(static_cast<std::streamoff>(offset));
  if (!in_) throw FileFormatError("cannot seek to byte " + std::to_string(offset) + " of " + path_);
  buf_.clear();
  pos_ = 0;
  bufStart_ = offset;
  eof_ = false;
  arrayDone_ = false;
  afterComma_ = false;
  if (offset != 0) return;
  // The start of the file: a UTF-8 BOM, and a JSON array's opening bracket.
  while (buf_.size() < 3 && fill()) {
  }
  if (buf_.compare(0, 3, "\xEF\xBB\xBF") == 0) pos_ = 3;
  if (options_.format != FileFormat::JsonArray) return;
  skipWs();
  if (pos_ >= buf_.size()) {
    arrayDone_ = true;  // an empty file: no records
    return;
  }
  if (buf_[pos_] != '[') formatError("expected a JSON array ('[') at byte " + std::to_string(bufStart_ + pos_ + 1));
  ++pos_;
}

bool RecordReader::fill() {
  if (eof_) return false;
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    bufStart_ += pos_;
    pos_ = 0;
  }
  const size_t old = buf_.size();
  buf_.resize(old + options_.blockBytes);
  in_.read(buf_.data() + old, static_cast<std::streamsize>(options_.blockBytes));
  const auto got = static_cast<size_t>(in_.gcount());
  buf_.resize(old + got);
  if (in_.bad()) throw FileFormatError("read error in " + path_ + " at byte " + std::to_string(bufStart_ + old));
  if (got == 0) eof_ = true;
  return got > 0;
}

void RecordReader::skipWs() {
  while (true) {
    while (pos_ < buf_.size() && isWs(buf_[pos_])) ++pos_;
    if (pos_ < buf_.size() || !fill()) return;
  }
}

void RecordReader::formatError(const std::string& what) const { throw FileFormatError(what); }

// Mirrors readRecord in core/rows/delimited_rows.cpp: a quote opens a quoted
// field only at a field's start; "" inside one is a quote; after the closing
// quote stray bytes run to the next delimiter or line feed.
size_t RecordReader::scanCsv(size_t pos) const {
  const std::string_view s = buf_;
  const size_t n = s.size();
  const char d = options_.delimiter, q = options_.quote;
  while (true) {
    if (pos < n && s[pos] == q) {
      ++pos;
      while (true) {
        const size_t k = s.find(q, pos);
        if (k == std::string_view::npos) return eof_ ? n : kNeedMore;  // unterminated: the reader takes the rest
        pos = k + 1;
        if (pos == n && !eof_) return kNeedMore;  // "" split across blocks?
        if (pos < n && s[pos] == q) {
          ++pos;
          continue;
        }
        break;
      }
      if (pos < n && s[pos] != d && s[pos] != '\n' && s[pos] != '\r')
        while (pos < n && s[pos] != d && s[pos] != '\n') ++pos;
    } else {
      while (pos < n && s[pos] != d && s[pos] != '\n' && s[pos] != '\r') ++pos;
    }
    if (pos >= n) return eof_ ? n : kNeedMore;
    if (s[pos] == d) {
      ++pos;
      continue;
    }
    if (s[pos] == '\r') {
      ++pos;
      if (pos >= n && !eof_) return kNeedMore;
    }
    if (pos < n && s[pos] == '\n') ++pos;
    return pos;
  }
}

bool RecordReader::next(std::string& out, bool& blank) {
  blank = false;
  if (options_.format == FileFormat::JsonArray) return nextJsonItem(out);
  while (true) {
    if (pos_ >= buf_.size() && !fill()) return false;
    size_t end;
    if (options_.format == FileFormat::Csv) {
      end = scanCsv(pos_);
    } else {
      const size_t nl = buf_.find('\n', pos_);
      end = nl != std::string::npos ? nl + 1 : (eof_ ? buf_.size() : kNeedMore);
    }
    if (end == kNeedMore) {
      if (buf_.size() - pos_ > options_.maxRecordBytes)
        formatError("a record at byte " + std::to_string(offset() + 1) + " is longer than " +
                    std::to_string(options_.maxRecordBytes >> 20) + " MiB (wrong format or an unterminated quote?)");
      fill();
      continue;
    }
    std::string_view rec(buf_.data() + pos_, end - pos_);
    pos_ = end;
    std::string_view content = rec;
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.remove_suffix(1);
    if (options_.format == FileFormat::Csv) {
      blank = content.empty();
    } else {
      blank = true;
      for (char c : content) blank = blank && isWs(c);
    }
    if (blank) return true;
    out.append(rec);
    if (rec.back() != '\n' && rec.back() != '\r') out += '\n';
    return true;
  }
}

bool RecordReader::atEnd() {
  if (options_.format == FileFormat::JsonArray) {
    if (arrayDone_) return true;
    skipWs();
    if (pos_ < buf_.size() && buf_[pos_] == ']') {
      std::string none;
      return !nextJsonItem(none);
    }
    return false;
  }
  // Blank lines are no rows: skip them so the last batch knows it is last.
  const bool csv = options_.format == FileFormat::Csv;
  while (true) {
    if (pos_ >= buf_.size() && !fill()) return true;
    const size_t nl = buf_.find('\n', pos_);
    if (nl == std::string::npos && !eof_) {
      if (buf_.size() - pos_ > options_.maxRecordBytes) return false;
      fill();
      continue;
    }
    const size_t end = nl == std::string::npos ? buf_.size() : nl + 1;
    for (size_t i = pos_; i < end; ++i)
      if (buf_[i] != '\n' && buf_[i] != '\r' && (csv || !isWs(buf_[i]))) return false;
    pos_ = end;
  }
}

bool RecordReader::nextJsonItem(std::string& out) {
  if (arrayDone_) return false;
  skipWs();
  if (pos_ >= buf_.size())
    formatError("the JSON array is not closed: the file ends at byte " + std::to_string(offset()) + " (truncated?)");
  if (buf_[pos_] == ']') {
    // The end: only whitespace may follow.
    if (afterComma_)
      formatError("a ',' before the ']' that closes the JSON array at byte " + std::to_string(offset() + 1));
    ++pos_;
    skipWs();
    if (pos_ < buf_.size()) formatError("unexpected text after the JSON array at byte " + std::to_string(offset() + 1));
    arrayDone_ = true;
    return false;
  }
  std::string error;
  while (true) {
    size_t end = pos_;
    const JsonScan r = scanJsonValue(buf_, end, error, options_.gbMultibyte, 64, static_cast<size_t>(bufStart_));
    if (r == JsonScan::Invalid) formatError("item " + std::to_string(items_ + 1) + " of the JSON array: " + error);
    if (r == JsonScan::Ok) {
      // The separator must be in the buffer too, to know the item is complete.
      size_t sep = end;
      while (sep < buf_.size() && isWs(buf_[sep])) ++sep;
      if (sep < buf_.size()) {
        if (buf_[sep] != ',' && buf_[sep] != ']')
          formatError("expected ',' or ']' after item " + std::to_string(items_ + 1) + " of the JSON array at byte " +
                      std::to_string(bufStart_ + sep + 1));
        out.append(buf_, pos_, end - pos_);
        ++items_;
        afterComma_ = buf_[sep] == ',';
        pos_ = afterComma_ ? sep + 1 : sep;
        return true;
      }
    }
    if (eof_)
      formatError("the JSON array is not closed: the file ends inside item " + std::to_string(items_ + 1) +
                  " (truncated?)");
    if (buf_.size() - pos_ > options_.maxRecordBytes)
      formatError("item " + std::to_string(items_ + 1) + " of the JSON array at byte " + std::to_string(offset() + 1) +
                  " is longer than " + std::to_string(options_.maxRecordBytes >> 20) + " MiB");
    fill();
  }
}

}  // namespace govsync::connectors
