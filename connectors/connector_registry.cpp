#include <dlfcn.h>

#include <algorithm>
#include <filesystem>

#include "connectors/connector.h"
#include "core/util/error.h"

namespace govsync::connectors {

void ConnectorRegistry::add(ConnectorType type) {
  if (type.name.empty()) throw Error::config("a connector type needs a name");
  if (types_.count(type.name)) throw Error::config("connector type '" + type.name + "' is registered twice");
  const std::string name = type.name;
  types_.emplace(name, std::move(type));
}

const ConnectorType* ConnectorRegistry::find(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : &it->second;
}

const ConnectorType& ConnectorRegistry::get(const std::string& name) const {
  if (const auto* t = find(name)) return *t;
  std::string known;
  for (const auto& [n, t] : types_) known += (known.empty() ? "" : ", ") + n;
  throw Error::config("unknown connector type '" + name + "'; known types: " + known);
}

std::vector<std::string> ConnectorRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, t] : types_) out.push_back(n);
  return out;
}

std::vector<std::string> ConnectorRegistry::loadPlugins(const std::string& dir) {
  std::vector<std::string> loaded;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return loaded;
  std::vector<std::filesystem::path> files;
  for (const auto& f : std::filesystem::directory_iterator(dir, ec))
    if (f.path().extension() == ".so") files.push_back(f.path());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) throw Error::config("cannot load connector plugin " + path.string() + ": " + dlerror());
    auto abi = reinterpret_cast<int (*)()>(dlsym(handle, "govsync_connector_abi"));
    auto reg = reinterpret_cast<void (*)(ConnectorRegistry&)>(dlsym(handle, "govsync_register_connectors"));
    if (!abi || !reg) {
      dlclose(handle);
      throw Error::config("connector plugin " + path.string() +
                          " does not export govsync_connector_abi and govsync_register_connectors");
    }
    if (abi() != kConnectorAbi) {
      const int got = abi();
      dlclose(handle);
      throw Error::config("connector plugin " + path.string() + " was built for connector ABI " + std::to_string(got) +
                          ", this govsync has " + std::to_string(kConnectorAbi) + ": rebuild it");
    }
    reg(*this);  // a duplicate type name throws here, naming the type
    handles_.push_back(handle);
    loaded.push_back(path.string());
  }
  return loaded;
}

void registerBuiltinConnectors(ConnectorRegistry& registry) {
  registerOdbcConnector(registry);
  registerHttpConnector(registry);
  registerFileConnector(registry);
}

}  // namespace govsync::connectors
