// API client commands: add (prints the secret once), list, revoke.
#include <iostream>

#include "cli/cli_common.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "gateway/auth/keys.h"
#include "gateway/auth/principal.h"

namespace govsync::cli {

namespace {

store::AuditEntry cliAudit(const std::string& action, const std::string& target, const std::string& detail) {
  store::AuditEntry e;
  e.actor = "cli";
  e.action = action;
  e.target = target;
  e.detail = detail;
  return e;
}

int clientAdd(const std::vector<std::string>& argv) {
  Args args(argv, {"name", "department", "scopes"}, {});
  const auto name = args.get("name"), department = args.get("department"), scopes = args.get("scopes");
  if (!name || !department || !scopes)
    throw Error::invalid("usage: govsync client add --name NAME --department DEPT --scopes SCOPE,...");
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  const auto masterKey = keyAuditLog(*store, config, true);
  const auto made = gateway::makeClient(*name, *department, gateway::splitList(*scopes), masterKey);
  store->addClient(made.client);
  std::string scopeList;
  for (const auto& s : made.client.scopes) scopeList += (scopeList.empty() ? "" : ",") + s;
  store->appendAudit(cliAudit("admin.client.create", made.client.name, "{\"key_id\":\"" + made.client.keyId + "\"}"));
  std::cout << "client " << made.client.name << " (" << made.client.department << ") created\n"
            << "  key id: " << made.client.keyId << "\n"
            << "  scopes: " << scopeList << "\n"
            << "  secret: " << made.secret << "\n"
            << "  token:  " << made.token() << "\n"
            << "The secret is shown this once; the store keeps only a salted hash and an encrypted signing key.\n"
            << "Send it as `Authorization: Bearer " << made.client.keyId << ".<secret>`, or sign requests with it "
            << "(docs/api.md).\n";
  return 0;
}

int clientList(const std::vector<std::string>& argv) {
  Args args(argv, {}, {"all"});
  auto store = openConfiguredStore(loadConfig(args));
  size_t shown = 0;
  for (const auto& c : store->listClients()) {
    if (c.revokedAt && !args.has("all")) continue;
    std::string scopes;
    for (const auto& s : c.scopes) scopes += (scopes.empty() ? "" : ",") + s;
    std::cout << c.keyId << "  " << c.name << "  (" << c.department << ")  " << scopes << "  created "
              << formatRfc3339(c.createdAt) << (c.revokedAt ? "  REVOKED " + formatRfc3339(c.revokedAt) : "")
              << (c.signingKeyEnc.empty() ? "  (bearer only: no signing key)" : "") << "\n";
    ++shown;
  }
  std::cout << shown << " clients\n";
  return 0;
}

int clientRevoke(const std::vector<std::string>& argv) {
  Args args(argv, {}, {});
  if (args.positional().size() != 1) throw Error::invalid("usage: govsync client revoke NAME|KEY_ID");
  const Config config = loadConfig(args);
  auto store = openConfiguredStore(config);
  keyAuditLog(*store, config, false);  // before the change it audits
  const auto& who = args.positional()[0];
  if (!store->revokeClient(who)) throw Error::notFound("no active client with the name or key id '" + who + "'");
  store->appendAudit(cliAudit("admin.client.revoke", who, "{}"));
  std::cout << "client " << who << " revoked: its requests are refused from now on\n";
  return 0;
}

}  // namespace

void addClientCommands(std::vector<Command>& out) {
  out.push_back({"client add", "create an API client and print its secret (shown once)",
                 "--name NAME --department DEPT --scopes push:<platform>,pull:<KIND>|pull:*,pii,review:rectify,admin",
                 clientAdd});
  out.push_back({"client list", "list API clients (active ones unless --all)", "[--all]", clientList});
  out.push_back({"client revoke", "revoke an API client by name or key id", "NAME|KEY_ID", clientRevoke});
}

}  // namespace govsync::cli
