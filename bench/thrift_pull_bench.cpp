// Thrift feed pull throughput: N connections (one thread each) pull pages of
// `limit` records with the generated C++ client for `seconds`, always the
// same first page (as wrk does over HTTP), and print records/s as JSON.
//   thrift_pull_bench PORT TOKEN [LIMIT=1000] [SECONDS=10] [CONNECTIONS=8]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <thrift/protocol/TBinaryProtocol.h>
#include <thrift/transport/TBufferTransports.h>
#include <thrift/transport/TSocket.h>

#include "ExchangeGateway.h"

namespace api = govsync::schema;
namespace att = apache::thrift::transport;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: thrift_pull_bench PORT TOKEN [LIMIT] [SECONDS] [CONNECTIONS]\n");
    return 2;
  }
  const int port = std::stoi(argv[1]);
  const std::string token = argv[2];
  const int limit = argc > 3 ? std::stoi(argv[3]) : 1000;
  const int seconds = argc > 4 ? std::stoi(argv[4]) : 10;
  const int connections = argc > 5 ? std::stoi(argv[5]) : 8;

  std::atomic<uint64_t> records{0}, calls{0}, failures{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < connections; ++i)
    threads.emplace_back([&] {
      try {
        auto socket = std::make_shared<att::TSocket>("127.0.0.1", port);
        auto transport = std::make_shared<att::TFramedTransport>(socket);
        api::ExchangeGatewayClient client(std::make_shared<apache::thrift::protocol::TBinaryProtocol>(transport));
        transport->open();
        api::Credential credential;
        credential.__set_token(token);
        api::PullRequest request;
        request.__set_limit(limit);
        api::FeedPage page;
        while (!stop) {
          client.pull(page, credential, request);
          records += page.records.size();
          ++calls;
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "thrift_pull_bench: %s\n", e.what());
        ++failures;
      }
    });
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"records_per_second\": %.0f, \"calls_per_second\": %.1f, \"connections\": %d, \"failures\": %llu}\n",
              static_cast<double>(records.load()) / elapsed, static_cast<double>(calls.load()) / elapsed, connections,
              static_cast<unsigned long long>(failures.load()));
  return failures.load() ? 1 : 0;
}
