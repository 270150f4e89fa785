// govsync's configuration: one YAML file, every key declared once (with its
// type, default and doc) in config_keys.cpp, validated as a whole at load.
// Any problem — an unknown key, a wrong type, a missing value, an unset
// environment variable — refuses the start with every problem listed, each
// naming the file, line, column and key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace govsync {

enum class ValueKind {
  String,
  Int,
  Bool,
  Enum,
  StringList,
  Section,      ///< a map of declared keys (children)
  SectionList,  ///< a list of sections, each of the `children` keys ("connectors")
  Opaque,       ///< a map validated later by its owner (a connector type's options)
};

/// The declaration of one key (or a section of keys).
struct KeySpec {
  std::string name;
  ValueKind kind = ValueKind::String;
  std::string defaultValue;  ///< textual; "" = no default
  std::string doc;
  int64_t min = 0, max = 0;          ///< Int: inclusive range (when min < max)
  std::vector<std::string> choices;  ///< Enum
  std::vector<KeySpec> children;     ///< Section
  bool secret = false;               ///< never printed; may come from ${ENV}
};

/// The root section: every key govsync knows.
const KeySpec& configSpec();

/// A key declaration (for option tables: config_keys.cpp, connector types).
KeySpec declareKey(std::string name, ValueKind kind, std::string defaultValue, std::string doc);

class Config {
 public:
  /// Embedded defaults only (no file).
  Config();
  /// Loads and validates `file`. Throws Error(Config) listing every problem.
  static Config load(const std::string& file);
  /// Validates one YAML map against `spec` (e.g. a connector type's options);
  /// `prefix` is the map's path for messages ("connectors[0].options").
  /// Throws Error(Config) listing every problem with file:line:column.
  static Config validate(const KeySpec& spec, const YAML::Node& node, const std::string& file,
                         const std::string& prefix);

  /// Where the configuration came from ("(defaults)" when no file).
  const std::string& source() const { return source_; }

  /// Typed access by dotted path ("store.sqlite.path"); the declared default
  /// applies when the file does not set the key. Throws Error(Internal) for
  /// undeclared paths — a bug, not a user error.
  std::string getString(std::string_view path) const;
  int64_t getInt(std::string_view path) const;
  bool getBool(std::string_view path) const;
  std::vector<std::string> getList(std::string_view path) const;
  /// Whether the file set `path` explicitly.
  bool isSet(std::string_view path) const;
  /// Items of a SectionList ("connectors"); paths of items are "connectors[0].name".
  size_t listSize(std::string_view path) const;
  /// The YAML map of an Opaque key (null node when not set).
  YAML::Node node(std::string_view path) const;
  /// Overrides a value (command-line options); validated like the file.
  void set(std::string_view path, const std::string& value);

  /// "file:line:col" of a key set in the file, or the source when not set.
  std::string whereIs(std::string_view path) const;

  /// The sqlite path after applying data_dir when it is relative-defaulted.
  std::string sqlitePath() const;

 private:
  struct Value {
    std::string text;
    std::vector<std::string> list;
    int line = 0, column = 0;
  };
  using CrossCheck = std::function<void(const Config&, std::vector<std::string>&)>;
  static Config validateInto(const KeySpec& spec, const YAML::Node& node, const std::string& file,
                             const std::string& prefix, const CrossCheck& crossCheck);
  const KeySpec& specFor(std::string_view path) const;
  const KeySpec* spec_ = nullptr;
  std::string prefix_;
  std::map<std::string, std::pair<int, int>, std::less<>> marks_;  ///< root of the keys (configSpec() by default)
  std::string source_ = "(defaults)";
  std::map<std::string, Value, std::less<>> values_;
  std::map<std::string, YAML::Node, std::less<>> nodes_;
  std::map<std::string, size_t, std::less<>> listSizes_;
};

/// Expands ${NAME} references from the environment; an unset NAME is added
/// to `missing`.
std::string expandEnvironment(std::string_view text, std::vector<std::string>& missing);

}  // namespace govsync
