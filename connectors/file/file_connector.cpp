// The file connector: a drop folder that legacy platforms export CSV, NDJSON
// or JSON files into. Each file is read exactly once, in batches, and moved
// to done/ (or failed/ with a reason) — see connectors/file/README.md.
//
// Exactly once: the checkpoint names the file (with its inode, size and
// mtime) and the byte offset and row number after the batch, and commits
// with the batch's records. A crash before the commit re-reads the same rows
// from the previous checkpoint; a crash after it but before the move to
// done/ is finished by the next fetch, which finds the checkpoint saying
// "done" and the same file still there.
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "connectors/connector.h"
#include "connectors/file/json_scan.h"
#include "connectors/file/record_reader.h"
#include "core/util/error.h"
#include "core/util/json_writer.h"
#include "core/util/time.h"
#include "mappings/engine/domain/charset.h"

namespace govsync::connectors {

namespace {

namespace fs = std::filesystem;

KeySpec key(std::string name, ValueKind kind, std::string defaultValue, std::string doc) {
  return declareKey(std::move(name), kind, std::move(defaultValue), std::move(doc));
}

KeySpec fileOptionKeys() {
  KeySpec s;
  s.kind = ValueKind::Section;
  KeySpec format = key("format", ValueKind::Enum, "csv", "csv, ndjson (one object a line) or json (an array).");
  format.choices = {"csv", "ndjson", "json"};
  KeySpec stable =
      key("stable_seconds", ValueKind::Int, "5", "A file is taken once unchanged (size, mtime) this long.");
  stable.min = 0;
  stable.max = 86400;
  s.children = {
      key("dir", ValueKind::String, "", "The drop folder (required)."),
      key("pattern", ValueKind::String, "*.csv", "Glob of the file names to take (fnmatch)."),
      format,
      key("delimiter", ValueKind::String, ",", "CSV field delimiter: one character; \\t or tab for a tab."),
      key("quote", ValueKind::String, "\"", "CSV quote character; none for no quoting."),
      key("header", ValueKind::Bool, "true", "CSV: the first record names the columns."),
      key("columns", ValueKind::StringList, "", "CSV without a header: the column names in order."),
      key("encoding", ValueKind::String, "utf-8",
          "Declared charset: utf-8, gbk, gb2312 or gb18030. CSV bytes go to the mapping raw (it decodes "
          "per column); JSON files are decoded to UTF-8 before parsing."),
      stable,
      key("done_marker", ValueKind::Bool, "false",
          "Take only files with a companion <file>.done (then stable_seconds is not used)."),
      key("done_dir", ValueKind::String, "", "Where finished files move (default <dir>/done)."),
      key("failed_dir", ValueKind::String, "",
          "Where unreadable files move, with <file>.error (default <dir>/failed)."),
  };
  return s;
}

// Bytes per batch besides the row limit: bounds memory for wide rows.
constexpr size_t kMaxBatchBytes = 64 << 20;

// What identifies a dropped file across restarts. The device number is left
// out: it is not stable across reboots on every file system.
struct FileId {
  uint64_t size = 0;
  int64_t mtimeNs = 0;
  uint64_t inode = 0;
  bool sameFile(const FileId& o) const { return inode == o.inode; }
  bool unchanged(const FileId& o) const { return sameFile(o) && size == o.size && mtimeNs == o.mtimeNs; }
};

bool statFile(const std::string& path, FileId& id) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  id.size = static_cast<uint64_t>(st.st_size);
  id.mtimeNs = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  id.inode = static_cast<uint64_t>(st.st_ino);
  return true;
}

struct FileCheckpoint {
  std::string file;
  uint64_t offset = 0;  ///< byte offset of the next record (0 = the file's start)
  uint64_t row = 0;     ///< rows (records) read before that offset
  FileId id;
  bool done = false;  ///< every record of the file is in this checkpoint's batch or before
};

std::string writeCheckpoint(const FileCheckpoint& cp) {
  std::string out;
  JsonWriter w(out);
  w.beginObject();
  w.key("file");
  w.string(cp.file);
  w.key("offset");
  w.integer(static_cast<int64_t>(cp.offset));
  w.key("row");
  w.integer(static_cast<int64_t>(cp.row));
  w.key("size");
  w.integer(static_cast<int64_t>(cp.id.size));
  w.key("mtime_ns");
  w.integer(cp.id.mtimeNs);
  w.key("inode");
  w.integer(static_cast<int64_t>(cp.id.inode));
  w.key("done");
  w.boolean(cp.done);
  w.endObject();
  return out;
}

std::optional<FileCheckpoint> readCheckpoint(const std::string& text, const std::string& connector) {
  if (text.empty()) return std::nullopt;
  std::string error;
  if (!validateJson(text, error) || !jsonIsObject(text))
    throw Error::corrupt("file connector " + connector + ": checkpoint is not a JSON object (" + error + "): " + text);
  auto str = [&](const char* k) -> std::string {
    auto v = findJsonPath(text, k);
    auto s = v ? jsonScalar(*v) : std::nullopt;
    return s ? *s : "";
  };
  auto num = [&](const char* k) -> uint64_t {
    const std::string s = str(k);
    return s.empty() ? 0 : std::strtoull(s.c_str(), nullptr, 10);
  };
  FileCheckpoint cp;
  cp.file = str("file");
  if (cp.file.empty()) return std::nullopt;
  cp.offset = num("offset");
  cp.row = num("row");
  cp.id.size = num("size");
  cp.id.mtimeNs = static_cast<int64_t>(num("mtime_ns"));
  cp.id.inode = num("inode");
  cp.done = str("done") == "true";
  return cp;
}

std::string hexByte(unsigned char c) {
  static const char* hex = "0123456789ABCDEF";
  return std::string("0x") + hex[c >> 4] + hex[c & 15];
}

class FileConnector : public Connector {
 public:
  explicit FileConnector(const ConnectorContext& ctx) : name_(ctx.name) {
    const Config& o = ctx.options;
    std::vector<std::string> problems;
    auto problem = [&](const char* k, const std::string& what) {
      problems.push_back(o.whereIs(k) + ": " + k + ": " + what);
    };
    dir_ = o.getString("dir");
    if (dir_.empty()) problem("dir", "required: the drop folder");
    pattern_ = o.getString("pattern");
    if (pattern_.empty()) problem("pattern", "must not be empty");
    const std::string format = o.getString("format");
    reader_.format = format == "csv"      ? FileFormat::Csv
                     : format == "ndjson" ? FileFormat::Ndjson
                                          : FileFormat::JsonArray;
    auto oneChar = [&](const char* k, char& out) {
      std::string v = o.getString(k);
      if (v == "\\t" || v == "tab") v = "\t";
      if (std::string(k) == "quote" && v == "none") v = std::string(1, '\0');
      if (v.size() != 1 || static_cast<unsigned char>(v[0]) >= 0x80 || v[0] == '\n' || v[0] == '\r')
        problem(k, "must be one ASCII character other than a line break, not '" + v + "'");
      else
        out = v[0];
    };
    oneChar("delimiter", reader_.delimiter);
    oneChar("quote", reader_.quote);
    if (reader_.delimiter == reader_.quote) problem("quote", "must differ from the delimiter");
    header_ = o.getBool("header");
    columns_ = o.getList("columns");
    if (reader_.format == FileFormat::Csv && !header_ && columns_.empty())
      problem("columns", "required when header is false: the names of the CSV columns in order");
    encodingName_ = o.getString("encoding");
    if (auto cs = mapping::charsetFromName(encodingName_)) {
      charset_ = *cs;
    } else {
      problem("encoding", "unknown charset '" + encodingName_ + "' (utf-8, gbk, gb2312, gb18030)");
    }
    const bool gb = charset_ != mapping::Charset::Utf8;
    reader_.gbMultibyte = gb;
    // GBK trail bytes are 0x40-0xFE: a delimiter in 0x40-0x7E ('|', '@', '^', '~') could be the second half of
    // a Chinese character, and splitting raw bytes on it would cut characters apart.
    if (gb && reader_.format == FileFormat::Csv) {
      for (auto [k, c] : {std::pair<const char*, char>{"delimiter", reader_.delimiter}, {"quote", reader_.quote}})
        if (c >= 0x40 && c <= 0x7E)
          problem(k, std::string("'") + c + "' can be the second byte of a " + encodingName_ +
                         " character; use , ; or tab (or convert the export to UTF-8)");
    }
    stableSeconds_ = o.getInt("stable_seconds");
    doneMarker_ = o.getBool("done_marker");
    doneDir_ = o.getString("done_dir");
    failedDir_ = o.getString("failed_dir");
    if (doneDir_.empty()) doneDir_ = (fs::path(dir_) / "done").string();
    if (failedDir_.empty()) failedDir_ = (fs::path(dir_) / "failed").string();
    if (problems.empty()) {
      std::error_code ec;
      if (!fs::is_directory(dir_, ec)) problem("dir", "'" + dir_ + "' is not a folder");
    }
    if (problems.empty()) {
      for (auto [k, d] : {std::pair<const char*, std::string*>{"done_dir", &doneDir_}, {"failed_dir", &failedDir_}}) {
        std::error_code ec;
        fs::create_directories(*d, ec);
        struct stat a, b;
        if (ec) {
          problem(k, "cannot create '" + *d + "': " + ec.message());
        } else if (::stat(dir_.c_str(), &a) == 0 && ::stat(d->c_str(), &b) == 0 && a.st_dev != b.st_dev) {
          // rename(2) is atomic only within one file system.
          problem(k, "'" + *d + "' must be on the same file system as dir, so files move atomically");
        }
      }
    }
    if (!problems.empty()) {
      std::string msg = "file connector " + name_ + ": " + std::to_string(problems.size()) +
                        (problems.size() == 1 ? " problem:" : " problems:");
      for (const auto& p : problems) msg += "\n  " + p;
      throw Error::config(msg);
    }
  }

  FetchResult fetch(const std::string& checkpoint, size_t maxRows) override {
    if (maxRows == 0) maxRows = 1;
    FetchResult result;
    result.checkpoint = checkpoint;
    if (std::error_code ec; !fs::is_directory(dir_, ec))
      throw Error::unavailable("file connector " + name_ + ": drop folder " + dir_ + " is not there");
    if (auto cp = readCheckpoint(checkpoint, name_)) {
      const std::string path = pathOf(cp->file);
      FileId now;
      if (statFile(path, now) && now.unchanged(cp->id)) {
        if (cp->done) {
          moveToDone(cp->file);  // the last batch committed, the move did not happen (crash)
        } else if (readFrom(cp->file, now, cp->offset, cp->row, maxRows, result)) {
          return result;
        }
      } else if (statFile(path, now) && now.sameFile(cp->id) && !cp->done) {
        fail(cp->file, "the file changed while it was being read (size " + std::to_string(cp->id.size) + " → " +
                           std::to_string(now.size) + " bytes); rows 1-" + std::to_string(cp->row) +
                           " were delivered before. Drop a complete file under a new name.");
      }
    }
    for (const auto& [name, id] : eligibleFiles()) {
      if (cancelled_) break;
      if (readFrom(name, id, 0, 0, maxRows, result)) return result;
    }
    return result;
  }

  void committed(const FetchResult& result) override {
    if (result.token.empty()) return;
    // A failure here is not lost: the next fetch sees the "done" checkpoint
    // with the file still in place and moves it (or reports why it cannot).
    try {
      const auto cp = readCheckpoint(result.token, name_);
      FileId now;
      if (cp && cp->done && statFile(pathOf(cp->file), now) && now.unchanged(cp->id)) moveToDone(cp->file);
    } catch (const std::exception&) {
    }
  }

  void cancel() override { cancelled_ = true; }

  std::string describe() const override {
    return "file " + (fs::path(dir_) / pattern_).string() + " (" +
           (reader_.format == FileFormat::Csv      ? "csv"
            : reader_.format == FileFormat::Ndjson ? "ndjson"
                                                   : "json") +
           ", " + std::string(mapping::charsetName(charset_)) + (doneMarker_ ? ", .done markers" : "") + ")";
  }

 private:
  std::string pathOf(const std::string& name) const { return (fs::path(dir_) / name).string(); }

  // Files ready to read, oldest first.
  std::vector<std::pair<std::string, FileId>> eligibleFiles() const {
    std::vector<std::pair<std::string, FileId>> out;
    std::error_code ec;
    const int64_t now = nowMillis();
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.') continue;  // hidden: editors' and uploaders' temporary files
      if (::fnmatch(pattern_.c_str(), name.c_str(), FNM_PERIOD) != 0) continue;
      if (doneMarker_ && name.size() > 5 && name.compare(name.size() - 5, 5, ".done") == 0) continue;
      FileId id;
      if (!statFile(pathOf(name), id)) continue;  // a folder (done/, failed/) or gone
      if (doneMarker_) {
        FileId marker;
        if (!statFile(pathOf(name + ".done"), marker)) continue;
      } else if (stableSeconds_ > 0 && now - id.mtimeNs / 1000000 < stableSeconds_ * 1000) {
        continue;  // still being written, perhaps
      }
      out.emplace_back(name, id);
    }
    if (ec) throw Error::unavailable("file connector " + name_ + ": cannot list " + dir_ + ": " + ec.message());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.second.mtimeNs != b.second.mtimeNs ? a.second.mtimeNs < b.second.mtimeNs : a.first < b.first;
    });
    return out;
  }

  // Reads the next batch of `name` from `offset` into `result`. Returns false
  // when the file gave no batch to commit: it was empty (moved to done) or
  // unreadable (moved to failed) — the caller goes on with the next file.
  bool readFrom(const std::string& name, const FileId& id, uint64_t offset, uint64_t row, size_t maxRows,
                FetchResult& result) {
    FetchResult batch;
    try {
      if (offset == 0 && reader_.format != FileFormat::Csv) checkJsonFile(name);
      if (cancelled_) return false;
      const bool done = readBatch(name, offset, row, maxRows, batch);
      if (cancelled_ && batch.rows.empty() && batch.errors.empty()) return false;
      const FileCheckpoint cp{name, nextOffset_, nextRow_, id, done};
      if (batch.rows.empty() && batch.errors.empty() && done) {
        moveToDone(name);  // nothing to commit: no need to wait for committed()
        return false;
      }
      batch.checkpoint = writeCheckpoint(cp);
      if (done) batch.token = batch.checkpoint;
      const auto others = eligibleFiles();
      batch.more = !done || std::any_of(others.begin(), others.end(), [&](const auto& f) { return f.first != name; });
    } catch (const FileFormatError& e) {
      fail(name, e.what());
      return false;
    }
    result = std::move(batch);
    return true;
  }

  // JSON files are checked whole before their first row is handed out: a
  // file that is not valid in its declared charset, or whose array is
  // broken, fails as a whole instead of half-way through.
  void checkJsonFile(const std::string& name) {
    RecordReader reader(pathOf(name), reader_);
    reader.seek(0);
    std::optional<mapping::CharsetDecoder> decoder;
    if (charset_ != mapping::Charset::Utf8) decoder.emplace(charset_);
    std::string record, decoded, error;
    bool blank;
    uint64_t n = 0, start = reader.offset();
    while (reader.next(record, blank)) {
      if (cancelled_) return;
      if (!blank) {
        ++n;
        if (decoder) {
          if (!decoder->decode(record, decoded, error))
            throw FileFormatError("record " + std::to_string(n) + " (byte " + std::to_string(start + 1) +
                                  ") is not valid " + std::string(mapping::charsetName(charset_)) + ": " + error);
        } else if (size_t bad; !isValidUtf8(record, &bad)) {
          throw FileFormatError(
              "record " + std::to_string(n) + " is not valid UTF-8: byte " + std::to_string(start + bad + 1) + " (" +
              hexByte(static_cast<unsigned char>(record[bad])) + "); set encoding if the file is GBK or GB18030");
        }
      }
      record.clear();
      start = reader.offset();
    }
  }

  // One batch of up to maxRows records from `offset`; sets nextOffset_ and
  // nextRow_; returns whether the file is finished.
  bool readBatch(const std::string& name, uint64_t offset, uint64_t row, size_t maxRows, FetchResult& out) {
    RecordReader reader(pathOf(name), reader_);
    std::string chunk;
    bool blank = false;
    if (reader_.format == FileFormat::Csv && header_) {
      // The header is the first non-blank record; every batch parses it again.
      reader.seek(0);
      bool any;
      do {
        any = reader.next(chunk, blank);
      } while (any && blank);
      if (!any) {
        nextOffset_ = reader.offset();
        nextRow_ = 0;
        return true;  // an empty file
      }
      if (offset != 0) reader.seek(offset);
    } else {
      reader.seek(offset);
    }
    std::vector<std::pair<size_t, size_t>> items;  // JSON array items in chunk
    size_t n = 0;
    while (n < maxRows && chunk.size() < kMaxBatchBytes && !cancelled_) {
      const size_t before = chunk.size();
      if (!reader.next(chunk, blank)) break;
      if (blank) continue;
      if (reader_.format == FileFormat::JsonArray) items.emplace_back(before, chunk.size() - before);
      ++n;
    }
    const bool done = reader.atEnd();
    nextOffset_ = reader.offset();
    nextRow_ = row + n;
    RowBatch& batch = out.rows;
    const auto firstRow = static_cast<uint32_t>(row);
    if (reader_.format == FileFormat::Csv) {
      batch.setRawFormat("csv");
      if (n == 0) return done;
      DelimitedOptions o;
      o.delimiter = reader_.delimiter;
      o.quote = reader_.quote;
      o.header = header_;
      o.columns = columns_;
      auto errors = readDelimitedRows(chunk, o, batch);
      renumberRows(batch, 0, firstRow);
      for (auto& e : errors) {
        if (e.rowNumber == 0) throw FileFormatError("cannot read the CSV " + e.message);
        e.rowNumber += firstRow;
        out.errors.push_back(std::move(e));
      }
      return done;
    }
    batch.setUtf8(true);
    batch.setRawFormat("json");
    if (n == 0) return done;
    std::string decoded;
    std::string_view text = chunk;
    std::optional<mapping::CharsetDecoder> decoder;
    if (charset_ != mapping::Charset::Utf8) decoder.emplace(charset_);
    if (reader_.format == FileFormat::Ndjson) {
      if (decoder) {
        std::string error;
        if (!decoder->decode(chunk, decoded, error))
          throw FileFormatError("not valid " + std::string(mapping::charsetName(charset_)) + ": " + error);
        text = decoded;
      }
      // readJsonRows takes text starting with '[' for an array: a first line
      // that is not an object is reported here, the rest read as NDJSON.
      uint32_t base = firstRow;
      const size_t first = text.find_first_not_of(" \t\r\n");
      if (first != std::string_view::npos && text[first] != '{') {
        size_t eol = text.find('\n', first);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(first, eol - first);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.errors.push_back({base + 1, std::string(line), "malformed JSON: expected a JSON object at byte 1"});
        ++base;
        text = text.substr(std::min(eol + 1, text.size()));
      }
      auto errors = readJsonRows(text, batch);
      renumberRows(batch, 0, base);
      for (auto& e : errors) {
        e.rowNumber += base;
        out.errors.push_back(std::move(e));
      }
      return done;
    }
    std::vector<std::string> decodedItems;
    std::vector<std::string_view> views;
    for (const auto& [at, len] : items) {
      std::string_view item(chunk.data() + at, len);
      if (decoder) {
        std::string error;
        decodedItems.emplace_back();
        if (!decoder->decode(item, decodedItems.back(), error))
          throw FileFormatError("not valid " + std::string(mapping::charsetName(charset_)) + ": " + error);
      } else {
        views.push_back(item);
      }
    }
    if (decoder)
      for (const auto& d : decodedItems) views.emplace_back(d);
    readJsonItems(views, firstRow + 1, batch, out.errors);
    return done;
  }

  // A target path in `dir` for `name` that does not exist yet.
  static std::string freeName(const std::string& dir, const std::string& name) {
    fs::path target = fs::path(dir) / name;
    std::error_code ec;
    const fs::path p(name);
    for (int i = 1; fs::exists(target, ec); ++i)
      target = fs::path(dir) / (p.stem().string() + "." + std::to_string(i) + p.extension().string());
    return target.string();
  }

  void move(const std::string& name, const std::string& dir) {
    const std::string target = freeName(dir, name);
    if (::rename(pathOf(name).c_str(), target.c_str()) != 0)
      throw Error::unavailable("file connector " + name_ + ": cannot move " + pathOf(name) + " to " + target + ": " +
                               std::strerror(errno));
    lastMoved_ = target;
    if (doneMarker_) {
      const std::string marker = pathOf(name + ".done");
      if (::access(marker.c_str(), F_OK) == 0 && ::rename(marker.c_str(), (target + ".done").c_str()) != 0)
        throw Error::unavailable("file connector " + name_ + ": cannot move " + marker + ": " + std::strerror(errno));
    }
  }

  void moveToDone(const std::string& name) { move(name, doneDir_); }

  void fail(const std::string& name, const std::string& reason) {
    move(name, failedDir_);
    const std::string errorFile = lastMoved_ + ".error";
    std::ofstream out(errorFile, std::ios::binary | std::ios::trunc);
    out << "file: " << name << "\nconnector: " << name_ << "\nat: " << formatRfc3339(nowMillis())
        << "\nreason: " << reason << "\n";
    if (!out)
      throw Error::unavailable("file connector " + name_ + ": cannot write " + errorFile + ": " + std::strerror(errno));
  }

  std::string name_;
  std::string dir_, pattern_, doneDir_, failedDir_, encodingName_;
  RecordReader::Options reader_;
  bool header_ = true;
  std::vector<std::string> columns_;
  mapping::Charset charset_ = mapping::Charset::Utf8;
  int64_t stableSeconds_ = 5;
  bool doneMarker_ = false;
  std::atomic<bool> cancelled_{false};
  uint64_t nextOffset_ = 0, nextRow_ = 0;
  std::string lastMoved_;
};

}  // namespace

void registerFileConnector(ConnectorRegistry& registry) {
  registry.add(
      {"file", "Drop folder: CSV, NDJSON or JSON files, each read once and moved to done/ or failed/", fileOptionKeys(),
       [](const ConnectorContext& ctx) -> std::unique_ptr<Connector> { return std::make_unique<FileConnector>(ctx); }});
}

}  // namespace govsync::connectors
