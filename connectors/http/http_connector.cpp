// Placeholder until the http connector lands: registers the type so
// configuration naming it fails with a clear message.
#include "connectors/connector.h"
#include "core/util/error.h"

namespace govsync::connectors {

void registerHttpConnector(ConnectorRegistry& registry) {
  KeySpec options;
  options.kind = ValueKind::Section;
  registry.add({"http", "(not yet available)", options, [](const ConnectorContext&) -> std::unique_ptr<Connector> {
                  throw Error::config("the http connector is not available in this build");
                }});
}

}  // namespace govsync::connectors
