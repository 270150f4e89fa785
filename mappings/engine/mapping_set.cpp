#include "mappings/engine/mapping_set.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/util/crypto.h"
#include "core/util/error.h"
#include "core/util/time.h"

namespace govsync::mapping {

namespace fs = std::filesystem;

bool isValidMappingName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-')) return false;
  return true;
}

namespace {
std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

MappingSet::MappingSet(std::string dir, std::string codesDir, std::string hmacSalt)
    : dir_(std::move(dir)), codesDir_(std::move(codesDir)), hmacSalt_(std::move(hmacSalt)) {}

CompileOptions MappingSet::options() const {
  CompileOptions o;
  o.codesDir = codesDir_;
  o.tables = &tables_;
  o.hmacSalt = hmacSalt_;
  return o;
}

std::string MappingSet::fingerprint(const std::string& file, const CompiledMapping* compiled) const {
  std::string material = sha256Hex(readAll(file));
  if (compiled) {
    for (const auto& [table, version] : compiled->tables) {
      std::error_code ec;
      const auto path = fs::path(codesDir_) / (table + ".csv");
      material += "|" + table + ":" + std::to_string(fs::last_write_time(path, ec).time_since_epoch().count()) + ":" +
                  std::to_string(fs::file_size(path, ec));
    }
  }
  return material;
}

void MappingSet::compileInto(const std::string& name, const std::string& file, Entry& entry) {
  entry.status.name = name;
  entry.status.file = file;
  try {
    auto compiled = compileMappingFile(file, options());
    entry.active = compiled;
    entry.status.version = compiled->version;
    entry.status.label = compiled->label;
    entry.status.kind = std::string(schema::kindName(compiled->kind));
    entry.status.error.clear();
    entry.status.loadedAt = nowMillis();
    entry.fingerprint = fingerprint(file, compiled.get());
  } catch (const MappingCompileError& e) {
    // Keep the running version; remember why the new one was refused.
    entry.status.error = e.what();
    entry.fingerprint = fingerprint(file, entry.active.get());
  }
}

std::vector<MappingStatus> MappingSet::loadAll() {
  std::lock_guard lock(mutex_);
  entries_.clear();
  std::error_code ec;
  if (fs::is_directory(dir_, ec)) {
    for (const auto& f : fs::directory_iterator(dir_, ec)) {
      if (f.path().extension() != ".yaml") continue;
      const std::string name = f.path().stem().string();
      compileInto(name, f.path().string(), entries_[name]);
    }
  }
  std::vector<MappingStatus> out;
  for (const auto& [name, e] : entries_) out.push_back(e.status);
  return out;
}

std::vector<std::string> MappingSet::reloadChanged() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> changed;
  std::error_code ec;
  std::map<std::string, std::string> files;
  if (fs::is_directory(dir_, ec))
    for (const auto& f : fs::directory_iterator(dir_, ec))
      if (f.path().extension() == ".yaml") files[f.path().stem().string()] = f.path().string();
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (!files.count(it->first)) {
      changed.push_back(it->first);
      it = entries_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [name, file] : files) {
    auto& entry = entries_[name];
    if (!entry.fingerprint.empty() && entry.fingerprint == fingerprint(file, entry.active.get())) continue;
    const std::string before = entry.status.version + "|" + entry.status.error;
    compileInto(name, file, entry);
    if (entry.status.version + "|" + entry.status.error != before) changed.push_back(name);
  }
  return changed;
}

std::shared_ptr<const CompiledMapping> MappingSet::get(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  return it == entries_.end() ? nullptr : it->second.active;
}

std::vector<MappingStatus> MappingSet::status() const {
  std::lock_guard lock(mutex_);
  std::vector<MappingStatus> out;
  for (const auto& [name, e] : entries_) out.push_back(e.status);
  return out;
}

std::optional<MappingStatus> MappingSet::status(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second.status;
}

std::shared_ptr<const CompiledMapping> MappingSet::compile(const std::string& name, const std::string& text) const {
  if (!isValidMappingName(name)) throw Error::invalid("mapping name may only use letters, digits, _ and -");
  return compileMappingText(text, (fs::path(dir_) / (name + ".yaml")).string(), options());
}

std::shared_ptr<const CompiledMapping> MappingSet::install(const std::string& name, const std::string& text) {
  auto compiled = compile(name, text);  // throws before anything is written
  const fs::path file = fs::path(dir_) / (name + ".yaml");
  std::error_code ec;
  fs::create_directories(dir_, ec);
  const fs::path tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw Error::unavailable("cannot write " + tmp.string());
  }
  fs::rename(tmp, file, ec);  // atomic: readers see the old or the new file, never half
  if (ec) throw Error::unavailable("cannot replace " + file.string() + ": " + ec.message());
  std::lock_guard lock(mutex_);
  auto& entry = entries_[name];
  entry.active = compiled;
  entry.status = {
      name, file.string(), compiled->version, compiled->label, std::string(schema::kindName(compiled->kind)),
      "",   nowMillis()};
  entry.fingerprint = fingerprint(file.string(), compiled.get());
  return compiled;
}

std::string MappingSet::source(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(name);
  if (it == entries_.end()) return {};
  return readAll(it->second.status.file);
}

}  // namespace govsync::mapping
