// govsync: the city's data-sync middleware. One program, many subcommands;
// this file only dispatches. Every subcommand is registered explicitly.
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli_common.h"
#include "core/util/error.h"

using govsync::cli::Command;

namespace {

std::vector<Command> allCommands() {
  std::vector<Command> commands;
  govsync::cli::addServeCommands(commands);
  govsync::cli::addStoreCommands(commands);
  govsync::cli::addMappingCommands(commands);
  govsync::cli::addSyncCommands(commands);
  govsync::cli::addClientCommands(commands);
  govsync::cli::addReviewCommands(commands);
  govsync::cli::addConfigCommands(commands);
  return commands;
}

void printHelp(const std::vector<Command>& commands) {
  std::cout << "govsync — data-sync middleware and integration gateway of the Panjin big-data centre\n\n"
               "usage: govsync <command> [options]\n\ncommands:\n";
  size_t width = 0;
  for (const auto& c : commands) width = std::max(width, c.name.size());
  for (const auto& c : commands)
    std::cout << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << "\n";
  std::cout << "\noptions for every command:\n"
               "  --config FILE    configuration file (default: embedded defaults)\n"
               "  --data-dir DIR   folder for the embedded store (default ./data)\n"
               "\n`govsync <command> --help` shows a command's options.\n";
}

}  // namespace

int main(int argc, char** argv) {
  const auto commands = allCommands();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printHelp(commands);
    return args.empty() ? 2 : 0;
  }
  // Longest match: "feed read" before "feed".
  const Command* match = nullptr;
  size_t matchedWords = 0;
  for (const auto& c : commands) {
    std::vector<std::string> words;
    for (size_t s = 0, e; s <= c.name.size(); s = e + 1) {
      e = c.name.find(' ', s);
      if (e == std::string::npos) e = c.name.size();
      words.push_back(c.name.substr(s, e - s));
    }
    if (words.size() > args.size() || words.size() <= matchedWords) continue;
    if (std::equal(words.begin(), words.end(), args.begin())) {
      match = &c;
      matchedWords = words.size();
    }
  }
  if (!match) {
    std::cerr << "govsync: unknown command '" << args[0] << "'. Run `govsync --help` for the list.\n";
    return 2;
  }
  std::vector<std::string> rest(args.begin() + static_cast<long>(matchedWords), args.end());
  if (!rest.empty() && (rest[0] == "--help" || rest[0] == "-h")) {
    std::cout << "usage: govsync " << match->name << " " << match->usage << "\n\n" << match->summary << "\n";
    return 0;
  }
  try {
    return match->run(rest);
  } catch (const govsync::Error& e) {
    std::cerr << "govsync " << match->name << ": " << e.what() << "\n";
    for (const auto& issue : e.issues()) std::cerr << "  " << issue.field << ": " << issue.message << "\n";
    return e.code() == govsync::ErrorCode::InvalidInput || e.code() == govsync::ErrorCode::Config ? 2 : 1;
  } catch (const std::exception& e) {
    std::cerr << "govsync " << match->name << ": unexpected error: " << e.what() << "\n";
    return 1;
  }
}
