#include "cli/cli_common.h"

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/util/crypto.h"
#include "core/util/error.h"

namespace govsync::cli {

Args::Args(const std::vector<std::string>& argv, const std::set<std::string>& valueOptions,
           const std::set<std::string>& flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), value;
      const bool inlineValue = name.find('=') != std::string::npos;
      if (inlineValue) {
        value = name.substr(name.find('=') + 1);
        name = name.substr(0, name.find('='));
      }
      if (flags.count(name) && !inlineValue) {
        flags_.insert(name);
      } else if (valueOptions.count(name) || kCommonOptions.count(name)) {
        if (!inlineValue) {
          if (i + 1 >= argv.size()) throw Error::invalid("option --" + name + " needs a value");
          value = argv[++i];
        }
        values_[name] = value;
      } else {
        std::string known;
        for (const auto& o : valueOptions) known += " --" + o;
        for (const auto& o : kCommonOptions) known += " --" + o;
        for (const auto& f : flags) known += " --" + f;
        throw Error::invalid("unknown option --" + name + " (known:" + known + ")");
      }
    } else {
      positional_.push_back(a);
    }
  }
}

std::optional<std::string> Args::get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

std::string Args::getOr(const std::string& name, const std::string& fallback) const {
  return get(name).value_or(fallback);
}

Config loadConfig(const Args& args) {
  Config config = args.get("config") ? Config::load(*args.get("config")) : Config();
  if (auto dir = args.get("data-dir")) config.set("data_dir", *dir);
  return config;
}

store::StoreOptions storeOptions(const Config& config) {
  store::StoreOptions o;
  o.backend = config.getString("store.backend");
  o.sqlitePath = config.sqlitePath();
  o.postgresConninfo = config.getString("store.postgres.conninfo");
  o.postgresPassword = config.getString("store.postgres.password");
  o.poolSize = static_cast<size_t>(config.getInt("store.pool_size"));
  o.feedCacheBytes = static_cast<size_t>(config.getInt("store.feed_cache_mb")) << 20;
  return o;
}

std::unique_ptr<store::Store> openConfiguredStore(const Config& config) {
  auto store = store::openStore(storeOptions(config));
  // Every command that may store reviews times their rectifications alike.
  store->setReviewPolicy(store::reviewPolicyFromConfig(config));
  return store;
}

namespace {

// Writes `text` to `path` (mode 0600) through a temporary file and a rename.
void writeOwnerOnly(const std::filesystem::path& path, const std::string& text) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  const auto tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) throw Error::unavailable("cannot write " + tmp);
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error::unavailable("cannot create " + path.string() + ": " + ec.message());
}

std::string anchorMac(const std::string& auditKey, int64_t keyedFrom) {
  return hmacSha256Hex(auditKey, "govsync audit anchor v1\n" + std::to_string(keyedFrom));
}

}  // namespace

std::string auditAnchorProblem(store::Store& store, const Config& config, const std::string& auditKey, bool write) {
  const auto path = std::filesystem::path(config.getString("data_dir")) / "audit_anchor";
  const int64_t keyedFrom = store.auditKeyedFrom();
  std::ifstream in(path);
  if (!in) {
    // The first command to open the log writes the anchor (before its first
    // keyed entry, if it has none yet: where it will start is known).
    if (write && keyedFrom > 0)
      writeOwnerOnly(path, std::to_string(keyedFrom) + " " + anchorMac(auditKey, keyedFrom) + "\n");
    return "";
  }
  int64_t anchored = 0;
  std::string mac;
  if (!(in >> anchored >> mac) || !constantTimeEquals(mac, anchorMac(auditKey, anchored)))
    return path.string() +
           " was not written with this master key (or was changed): restore it, or the master key, "
           "from the backup";
  if (anchored != keyedFrom)
    return "the audit log was keyed from entry " + std::to_string(anchored) + " (" + path.string() +
           "), but the database now says " +
           (keyedFrom ? "entry " + std::to_string(keyedFrom) : std::string("nothing valid")) +
           ": its key columns were changed outside govsync, as when a rewritten log is passed off as one never keyed";
  return "";
}

gateway::MasterKey keyAuditLog(store::Store& store, const Config& config, bool create) {
  auto masterKey = gateway::MasterKey::load(config.getString("auth.master_key"), config.getString("data_dir"), create);
  const std::string auditKey = masterKey.derive(store::kAuditKeyPurpose);
  store.setAuditKey(auditKey);
  // Before the command acts: a log it could not extend stops it here.
  store.checkAuditAppendable();
  if (auto problem = auditAnchorProblem(store, config, auditKey, true); !problem.empty())
    throw Error::corrupt(problem + "; run `govsync audit verify`");
  return masterKey;
}

std::string hmacSalt(const Config& config, bool create) {
  if (auto s = config.getString("mappings.hmac_salt"); !s.empty()) return s;
  if (const char* env = std::getenv("GOVSYNC_HMAC_SALT")) return env;
  const auto path = std::filesystem::path(config.getString("data_dir")) / "hmac_salt";
  std::ifstream in(path);
  std::string salt;
  if (in && std::getline(in, salt) && salt.size() >= 16) return salt;
  if (!create) return {};
  salt = base64UrlEncode(randomBytes(32));
  writeOwnerOnly(path, salt + "\n");
  return salt;
}

}  // namespace govsync::cli
