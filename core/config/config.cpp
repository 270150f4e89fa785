#include "core/config/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "core/util/error.h"
#include "core/util/text.h"

namespace govsync {

namespace {

std::string kindName(ValueKind k) {
  switch (k) {
    case ValueKind::String: return "a string";
    case ValueKind::Int: return "an integer";
    case ValueKind::Bool: return "true or false";
    case ValueKind::Enum: return "one of the listed values";
    case ValueKind::StringList: return "a list of strings";
    case ValueKind::Section: return "a section (a map of keys)";
    case ValueKind::SectionList: return "a list of sections";
    case ValueKind::Opaque: return "a map";
  }
  return "?";
}

std::string joinChoices(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// Checks a scalar's text against its spec; returns a problem or "".
std::string checkScalar(const KeySpec& spec, const std::string& text) {
  switch (spec.kind) {
    case ValueKind::Int: {
      char* end = nullptr;
      errno = 0;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end != '\0' || errno == ERANGE) return "expected an integer, got '" + text + "'";
      if (spec.min < spec.max && (v < spec.min || v > spec.max))
        return "must be between " + std::to_string(spec.min) + " and " + std::to_string(spec.max) + ", got " + text;
      return {};
    }
    case ValueKind::Bool:
      if (text != "true" && text != "false") return "expected true or false, got '" + text + "'";
      return {};
    case ValueKind::Enum:
      if (std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end())
        return "expected one of " + joinChoices(spec.choices) + ", got '" + text + "'";
      return {};
    default: return {};
  }
}

struct Loader {
  std::string file;
  std::vector<std::string> problems;
  std::map<std::string, std::pair<std::string, YAML::Mark>> scalars;
  std::map<std::string, std::pair<std::vector<std::string>, YAML::Mark>> lists;
  std::map<std::string, YAML::Node> nodes;
  std::map<std::string, size_t> listSizes;

  void problem(const YAML::Mark& m, const std::string& key, const std::string& what) {
    problems.push_back(file + ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) + ": " +
                       (key.empty() ? "" : key + ": ") + what);
  }

  std::string scalarText(const YAML::Node& node, const std::string& path) {
    std::vector<std::string> missing;
    std::string text = expandEnvironment(node.Scalar(), missing);
    for (const auto& name : missing) problem(node.Mark(), path, "environment variable " + name + " is not set");
    return text;
  }

  void walk(const KeySpec& spec, const YAML::Node& node, const std::string& prefix) {
    if (node.IsNull()) return;
    if (!node.IsMap()) {
      problem(node.Mark(), prefix, "expected " + kindName(ValueKind::Section));
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      auto child =
          std::find_if(spec.children.begin(), spec.children.end(), [&](const KeySpec& k) { return k.name == key; });
      if (child == spec.children.end()) {
        std::string hint;
        size_t best = 3;
        for (const auto& k : spec.children)
          if (size_t d = editDistance(key, k.name); d < best) best = d, hint = k.name;
        std::string known;
        for (const auto& k : spec.children) known += (known.empty() ? "" : ", ") + k.name;
        problem(it->first.Mark(), path,
                "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") + "; known here: " + known);
        continue;
      }
      const YAML::Node& value = it->second;
      // An empty value ("port:") has no position of its own: yaml-cpp marks
      // where the next token starts, often the next line. Point at the key.
      const YAML::Mark where = value.IsNull() ? it->first.Mark() : value.Mark();
      switch (child->kind) {
        case ValueKind::Section: walk(*child, value, path); break;
        case ValueKind::SectionList: {
          if (value.IsNull()) break;
          if (!value.IsSequence()) {
            problem(value.Mark(), path, "expected " + kindName(child->kind));
            break;
          }
          listSizes[path] = value.size();
          for (size_t i = 0; i < value.size(); ++i) {
            const std::string item = path + "[" + std::to_string(i) + "]";
            if (!value[i].IsMap())
              problem(value[i].Mark(), item, "expected a section (a map of keys)");
            else
              walk(*child, value[i], item);
          }
          break;
        }
        case ValueKind::Opaque:
          if (!value.IsNull() && !value.IsMap())
            problem(value.Mark(), path, "expected a map");
          else
            nodes[path] = value;
          break;
        case ValueKind::StringList: {
          if (!value.IsSequence()) {
            problem(where, path, "expected " + kindName(child->kind));
            break;
          }
          std::vector<std::string> items;
          for (const auto& item : value) {
            if (!item.IsScalar())
              problem(item.Mark(), path, "expected a string list item");
            else
              items.push_back(scalarText(item, path));
          }
          lists[path] = {items, value.Mark()};
          break;
        }
        default: {
          if (!value.IsScalar()) {
            problem(where, path, value.IsNull() ? "a value is required" : "expected " + kindName(child->kind));
            break;
          }
          std::string text = scalarText(value, path);
          if (auto p = checkScalar(*child, text); !p.empty()) problem(value.Mark(), path, p);
          scalars[path] = {text, value.Mark()};
        }
      }
    }
  }
};

const KeySpec* findSpec(const KeySpec& root, std::string_view path) {
  const KeySpec* spec = &root;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) dot = path.size();
    auto part = path.substr(start, dot - start);
    if (auto bracket = part.find('['); bracket != std::string_view::npos) part = part.substr(0, bracket);
    auto it =
        std::find_if(spec->children.begin(), spec->children.end(), [&](const KeySpec& k) { return k.name == part; });
    if (it == spec->children.end()) return nullptr;
    spec = &*it;
    start = dot + 1;
  }
  return spec;
}

}  // namespace

std::string expandEnvironment(std::string_view text, std::vector<std::string>& missing) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close != std::string_view::npos) {
        const std::string name(text.substr(i + 2, close - i - 2));
        if (const char* v = std::getenv(name.c_str()))
          out += v;
        else
          missing.push_back(name);
        i = close + 1;
        continue;
      }
    }
    out += text[i++];
  }
  return out;
}

Config::Config() : spec_(&configSpec()) {}

Config Config::validateInto(const KeySpec& spec, const YAML::Node& node, const std::string& file,
                            const std::string& prefix, const CrossCheck& crossCheck) {
  Loader loader{file, {}, {}, {}, {}, {}};
  loader.walk(spec, node, prefix);
  Config config;
  config.spec_ = &spec;
  config.prefix_ = prefix.empty() ? "" : prefix + ".";
  config.source_ = file;
  auto strip = [&](const std::string& path) { return path.substr(config.prefix_.size()); };
  for (auto& [path, v] : loader.scalars)
    config.values_[strip(path)] = Value{v.first, {}, v.second.line + 1, v.second.column + 1};
  for (auto& [path, v] : loader.lists)
    config.values_[strip(path)] = Value{{}, v.first, v.second.line + 1, v.second.column + 1};
  for (auto& [path, n] : loader.nodes) config.nodes_[strip(path)] = n;
  for (auto& [path, n] : loader.listSizes) config.listSizes_[strip(path)] = n;
  if (node.IsDefined() && !node.IsNull()) config.marks_[""] = {node.Mark().line + 1, node.Mark().column + 1};
  for (auto& [path, n] : loader.nodes) config.marks_[strip(path)] = {n.Mark().line + 1, n.Mark().column + 1};
  if (crossCheck) crossCheck(config, loader.problems);
  if (!loader.problems.empty()) {
    std::string msg = (prefix.empty() ? "configuration " + file : file + ": " + prefix) + " has " +
                      std::to_string(loader.problems.size()) +
                      (loader.problems.size() == 1 ? " problem:" : " problems:");
    for (const auto& p : loader.problems) msg += "\n  " + p;
    throw Error::config(msg);
  }
  return config;
}

Config Config::load(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw Error::config("configuration file " + file + " does not exist or is not a regular file");
  if (std::filesystem::file_size(file, ec) > 1024 * 1024)
    throw Error::config("configuration file " + file + " is larger than 1 MiB; is it the right file?");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error::config("cannot read configuration file " + file);
  std::stringstream text;
  text << in.rdbuf();

  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    throw Error::config(file + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1) +
                        ": not valid YAML: " + e.msg);
  }
  Config config = validateInto(configSpec(), root, file, "", [](const Config& c, std::vector<std::string>& problems) {
    // Rules that span keys.
    if (c.getString("store.backend") == "postgres" && c.getString("store.postgres.conninfo").empty())
      problems.push_back(c.whereIs("store.backend") +
                         ": store.postgres.conninfo: required when store.backend is postgres");
    std::set<std::string> names;
    for (size_t i = 0; i < c.listSize("connectors"); ++i) {
      const std::string p = "connectors[" + std::to_string(i) + "]";
      for (const char* key : {"name", "type", "mapping"})
        if (!c.isSet(p + "." + key)) problems.push_back(c.whereIs(p) + ": " + p + "." + key + ": required");
      const std::string name = c.getString(p + ".name");
      if (!name.empty() && !names.insert(name).second)
        problems.push_back(c.whereIs(p + ".name") + ": " + p + ".name: a second connector named '" + name + "'");
    }
  });
  return config;
}

Config Config::validate(const KeySpec& spec, const YAML::Node& node, const std::string& file,
                        const std::string& prefix) {
  return validateInto(spec, node, file, prefix, nullptr);
}

const KeySpec& Config::specFor(std::string_view path) const {
  const KeySpec* spec = findSpec(*spec_, path);
  if (!spec || spec->kind == ValueKind::Section || spec->kind == ValueKind::SectionList ||
      spec->kind == ValueKind::Opaque)
    throw Error::internal("undeclared configuration key '" + std::string(path) + "'");
  return *spec;
}

std::string Config::getString(std::string_view path) const {
  const auto& spec = specFor(path);
  auto it = values_.find(path);
  return it != values_.end() ? it->second.text : spec.defaultValue;
}

int64_t Config::getInt(std::string_view path) const { return std::stoll(getString(path)); }

bool Config::getBool(std::string_view path) const { return getString(path) == "true"; }

std::vector<std::string> Config::getList(std::string_view path) const {
  specFor(path);
  auto it = values_.find(path);
  return it != values_.end() ? it->second.list : std::vector<std::string>{};
}

bool Config::isSet(std::string_view path) const { return values_.find(path) != values_.end(); }

void Config::set(std::string_view path, const std::string& value) {
  const auto& spec = specFor(path);
  if (auto p = checkScalar(spec, value); !p.empty())
    throw Error::config("command line: " + std::string(path) + ": " + p);
  values_[std::string(path)] = Value{value, {}, 0, 0};
}

std::string Config::whereIs(std::string_view path) const {
  auto it = values_.find(path);
  if (it != values_.end() && it->second.line != 0)
    return source_ + ":" + std::to_string(it->second.line) + ":" + std::to_string(it->second.column);
  // A section: the first key set under it.
  const std::string prefix = std::string(path) + ".";
  for (auto v = values_.lower_bound(prefix); v != values_.end() && v->first.rfind(prefix, 0) == 0; ++v)
    if (v->second.line) return source_ + ":" + std::to_string(v->second.line) + ":" + std::to_string(v->second.column);
  if (auto m = marks_.find(path); m != marks_.end())
    return source_ + ":" + std::to_string(m->second.first) + ":" + std::to_string(m->second.second);
  return source_;
}

size_t Config::listSize(std::string_view path) const {
  auto it = listSizes_.find(path);
  return it == listSizes_.end() ? 0 : it->second;
}

YAML::Node Config::node(std::string_view path) const {
  auto it = nodes_.find(path);
  return it == nodes_.end() ? YAML::Node() : it->second;
}

std::string Config::sqlitePath() const {
  const std::string path = getString("store.sqlite.path");
  if (!path.empty()) return path;
  return (std::filesystem::path(getString("data_dir")) / "govsync.db").string();
}

}  // namespace govsync
