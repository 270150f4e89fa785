// `govsync config check|keys`: validate a configuration file; list every key.
#include <iostream>

#include "cli/cli_common.h"

namespace govsync::cli {

namespace {

void printKeys(const KeySpec& spec, const std::string& prefix, const Config* config) {
  for (const auto& k : spec.children) {
    const std::string path = prefix.empty() ? k.name : prefix + "." + k.name;
    if (k.kind == ValueKind::Section) {
      printKeys(k, path, config);
      continue;
    }
    if (k.kind == ValueKind::SectionList) {
      if (!config) {
        std::cout << "  " << path << "[]: " << k.doc << "\n";
        printKeys(k, path + "[]", nullptr);
      } else {
        for (size_t i = 0; i < config->listSize(path); ++i) printKeys(k, path + "[" + std::to_string(i) + "]", config);
      }
      continue;
    }
    if (k.kind == ValueKind::Opaque) {
      std::cout << "  " << path << (config ? " = (map, validated by its owner)" : "\n      " + k.doc) << "\n";
      continue;
    }
    std::cout << "  " << path;
    if (config) {
      std::cout << " = " << (k.secret && !config->getString(path).empty() ? "(secret)" : config->getString(path));
      if (config->isSet(path)) std::cout << "   [" << config->whereIs(path) << "]";
    } else {
      if (!k.defaultValue.empty()) std::cout << "  (default " << k.defaultValue << ")";
      if (!k.choices.empty()) {
        std::cout << "  {";
        for (size_t i = 0; i < k.choices.size(); ++i) std::cout << (i ? "|" : "") << k.choices[i];
        std::cout << "}";
      }
      std::cout << "\n      " << k.doc;
    }
    std::cout << "\n";
  }
}

int check(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  const Config config = loadConfig(args);
  std::cout << "configuration " << config.source() << " is valid; effective values:\n";
  printKeys(configSpec(), "", &config);
  return 0;
}

int keys(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  std::cout << "configuration keys:\n";
  printKeys(configSpec(), "", nullptr);
  return 0;
}

}  // namespace

void addConfigCommands(std::vector<Command>& out) {
  out.push_back(
      {"config check", "validate a configuration file and print the effective values", "[--config FILE]", check});
  out.push_back({"config keys", "list every configuration key with its default and meaning", "", keys});
}

}  // namespace govsync::cli
