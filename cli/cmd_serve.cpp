// `govsync serve`: runs the long-lived process on the configured store until
// SIGINT or SIGTERM.
#include <signal.h>

#include <iostream>

#include "cli/cli_common.h"

namespace govsync::cli {

namespace {

int waitForTermination() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  int sig = 0;
  sigwait(&set, &sig);
  return sig;
}

int serve(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  std::cout << "govsync serving\n"
            << "  configuration: " << config.source() << "\n"
            << "  store:         " << store->backend() << " " << store->target() << " (schema v"
            << store->schemaVersion() << ", feed head " << store->headPosition() << ")\n"
            << "Press Ctrl-C to stop." << std::endl;
  const int sig = waitForTermination();
  std::cout << "govsync: stopping on " << (sig == SIGINT ? "SIGINT" : "SIGTERM") << std::endl;
  return 0;
}

}  // namespace

void addServeCommands(std::vector<Command>& out) {
  out.push_back({"serve", "run the gateway and the sync engine on the configured store",
                 "[--config FILE] [--data-dir DIR]", serve});
}

}  // namespace govsync::cli
