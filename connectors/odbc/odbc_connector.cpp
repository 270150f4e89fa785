// Placeholder until the odbc connector lands: registers the type so
// configuration naming it fails with a clear message.
#include "connectors/connector.h"
#include "core/util/error.h"

namespace govsync::connectors {

void registerOdbcConnector(ConnectorRegistry& registry) {
  KeySpec options;
  options.kind = ValueKind::Section;
  registry.add({"odbc", "(not yet available)", options, [](const ConnectorContext&) -> std::unique_ptr<Connector> {
                  throw Error::config("the odbc connector is not available in this build");
                }});
}

}  // namespace govsync::connectors
