// Reads the records of a dropped file one at a time from a byte offset, a
// block at a time: memory stays bounded by the block size plus the longest
// record, whatever the file's size. Record boundaries follow the row readers
// exactly (core/rows/row_readers.h): a CSV record ends at a line break
// outside quotes, an NDJSON record is a line, a JSON array's records are its
// items. The offset after each record is what a checkpoint stores, so a
// restarted sync resumes inside the file.
#pragma once

#include <cstdint>
#include <fstream>
#include <stdexcept>
#include <string>

namespace govsync::connectors {

enum class FileFormat { Csv, Ndjson, JsonArray };

/// The file cannot be read as its declared format (→ the file fails).
struct FileFormatError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class RecordReader {
 public:
  struct Options {
    FileFormat format = FileFormat::Csv;
    char delimiter = ',';
    char quote = '"';
    /// GBK/GB18030 text: a JSON string's trail bytes may look like ASCII.
    bool gbMultibyte = false;
    size_t blockBytes = 1 << 20;
    size_t maxRecordBytes = 16 << 20;
  };

  /// Opens `path`; throws FileFormatError naming the system error.
  RecordReader(const std::string& path, const Options& options);

  /// Positions at `offset`: 0 (the file's start: a UTF-8 BOM is skipped and,
  /// for a JSON array, the '[') or an offset() returned after a record.
  void seek(uint64_t offset);

  /// Appends the next record to `out` — CSV/NDJSON with a line break, a JSON
  /// array item without its separator — and returns true; false after the
  /// last one. `blank`: a CSV/NDJSON blank line (consumed, not a row).
  /// Throws FileFormatError for broken structure or an overlong record.
  bool next(std::string& out, bool& blank);

  /// True when no record follows (trailing blank lines are consumed).
  bool atEnd();

  /// The byte offset just past the last record returned (and, for a JSON
  /// array, past its ',' — or the file's end after the last item).
  uint64_t offset() const { return bufStart_ + pos_; }

 private:
  bool fill();  // one more block; false at end of file
  size_t scanCsv(size_t from) const;
  bool nextJsonItem(std::string& out);
  void skipWs();
  [[noreturn]] void formatError(const std::string& what) const;

  std::string path_;
  Options options_;
  std::ifstream in_;
  std::string buf_;
  size_t pos_ = 0;           // next unread byte in buf_
  uint64_t bufStart_ = 0;    // file offset of buf_[0]
  bool eof_ = false;         // no more bytes to read into buf_
  bool arrayDone_ = false;   // JSON array: ']' seen
  bool afterComma_ = false;  // JSON array: the last item was followed by ','
  uint64_t items_ = 0;       // JSON array items returned (for messages)
};

}  // namespace govsync::connectors
