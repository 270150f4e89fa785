// Helpers of the file connector suite: a throwaway drop folder and a
// connector configured on it from YAML, as the configuration would.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "connectors/connector.h"

namespace govsync::test {

/// A temporary folder, removed with everything in it.
class DropFolder {
 public:
  DropFolder() {
    std::string templ = (std::filesystem::temp_directory_path() / "govsync-drop-XXXXXX").string();
    if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
    dir_ = templ;
    connectors::registerFileConnector(registry_);
  }
  ~DropFolder() {
    std::error_code ec;
    std::filesystem::permissions(path("locked.csv"), std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(dir_, ec);
  }
  DropFolder(const DropFolder&) = delete;
  DropFolder& operator=(const DropFolder&) = delete;

  std::string path(const std::string& name) const { return dir_ + "/" + name; }

  /// Writes a file now (mtime = now).
  void write(const std::string& name, const std::string& bytes) const {
    std::ofstream(path(name), std::ios::binary | std::ios::trunc) << bytes;
  }
  /// Writes a file that has been still for an hour; `order` seconds later than
  /// the others, to fix the order files are taken in.
  void writeOld(const std::string& name, const std::string& bytes, int order = 0) const {
    write(name, bytes);
    age(name, 3600 - order);
  }
  /// Sets a file's mtime `seconds` into the past.
  void age(const std::string& name, int seconds) const {
    const auto t = std::chrono::system_clock::now() - std::chrono::seconds(seconds);
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    struct timespec times[2];
    times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(ns / 1000000000);
    times[0].tv_nsec = times[1].tv_nsec = static_cast<long>(ns % 1000000000);
    ::utimensat(AT_FDCWD, path(name).c_str(), times, 0);
  }
  std::string read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  /// A file connector on this folder with extra `yaml` options.
  std::unique_ptr<connectors::Connector> connector(const std::string& yaml, bool withDir = true) const {
    const std::string text = (withDir ? "dir: " + dir_ + "\n" : std::string()) + yaml;
    const auto& type = registry_.get("file");
    connectors::ConnectorContext ctx{
        "drop", Config::validate(type.options, YAML::Load(text), "test.yaml", "connectors[0].options"),
        dir_ + "/.state"};
    return type.create(ctx);
  }

 private:
  std::string dir_;
  connectors::ConnectorRegistry registry_;
};

/// The process's peak resident set (VmHWM) in KiB.
inline long peakRssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

}  // namespace govsync::test
