#include "gateway/auth/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include <openssl/evp.h>

#include "core/util/crypto.h"
#include "core/util/error.h"
#include "gateway/auth/principal.h"

namespace govsync::gateway {

namespace {

constexpr char kBlobVersion = 1;
constexpr size_t kIvSize = 12, kTagSize = 16, kKeySize = 32;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string readKeyFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) return {};
  // Not "missing": a key file this user cannot read must not become a new (or an empty) key.
  if (fd < 0) throw Error::config("cannot read the master key file " + path + ": " + std::strerror(errno));
  std::string bytes(kKeySize + 1, '\0');
  const ssize_t n = ::read(fd, bytes.data(), bytes.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(kKeySize))
    throw Error::config("the master key file " + path + " must hold exactly 32 bytes");
  bytes.resize(kKeySize);
  return bytes;
}

std::string createKeyFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  const std::string key = randomBytes(kKeySize);
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) throw Error::config("cannot create the master key file " + tmp + ": " + std::strerror(errno));
  const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
  ::close(fd);
  // link() fails if another process created the key first: then use theirs.
  if (!written || (::link(tmp.c_str(), path.c_str()) != 0 && errno != EEXIST)) {
    ::unlink(tmp.c_str());
    throw Error::config("cannot create the master key file " + path + ": " + std::strerror(errno));
  }
  ::unlink(tmp.c_str());
  return readKeyFile(path);
}

}  // namespace

MasterKey MasterKey::load(const std::string& configured, const std::string& dataDir, bool create) {
  if (!configured.empty()) {
    std::string bytes;
    const bool hex =
        configured.size() == 64 && configured.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
    if (hex) {
      for (size_t i = 0; i < 64; i += 2) bytes += static_cast<char>(std::stoi(configured.substr(i, 2), nullptr, 16));
    } else if (!base64Decode(configured, bytes) || bytes.size() != kKeySize) {
      throw Error::config("auth.master_key must be 32 bytes written as base64 or as 64 hex digits");
    }
    return MasterKey(bytes);
  }
  const std::string path = (std::filesystem::path(dataDir) / "master_key").string();
  std::string key = readKeyFile(path);
  if (key.empty()) {
    if (!create)
      throw Error::config("no master key: set auth.master_key or start `govsync serve` once to create " + path);
    key = createKeyFile(path);
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0)
    throw Error::config("the master key file " + path + " is readable by others: chmod 600 it");
  return MasterKey(key);
}

MasterKey MasterKey::fromBytes(std::string bytes) {
  if (bytes.size() != kKeySize) throw Error::config("a master key is 32 bytes");
  return MasterKey(std::move(bytes));
}

std::string MasterKey::derive(std::string_view purpose) const { return deriveKey(key_, purpose); }

std::string MasterKey::encrypt(std::string_view plaintext, std::string_view aad) const {
  const std::string iv = randomBytes(kIvSize);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  std::string out(1 + kIvSize + plaintext.size() + kTagSize, '\0');
  out[0] = kBlobVersion;
  std::memcpy(out.data() + 1, iv.data(), kIvSize);
  auto* ct = reinterpret_cast<unsigned char*>(out.data() + 1 + kIvSize);
  int len = 0, total = 0;
  const bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvSize), nullptr) == 1 &&
                  EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                                     reinterpret_cast<const unsigned char*>(iv.data())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                                    static_cast<int>(aad.size())) == 1 &&
                  EVP_EncryptUpdate(ctx.get(), ct, &len, reinterpret_cast<const unsigned char*>(plaintext.data()),
                                    static_cast<int>(plaintext.size())) == 1 &&
                  (total = len, EVP_EncryptFinal_ex(ctx.get(), ct + total, &len) == 1) &&
                  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize),
                                      out.data() + 1 + kIvSize + plaintext.size()) == 1;
  if (!ok) throw Error::internal("AES-256-GCM encryption failed");
  return out;
}

std::optional<std::string> MasterKey::decrypt(std::string_view blob, std::string_view aad) const {
  if (blob.size() < 1 + kIvSize + kTagSize || blob[0] != kBlobVersion) return std::nullopt;
  const size_t n = blob.size() - 1 - kIvSize - kTagSize;
  std::string out(n, '\0');
  std::string tag(blob.substr(1 + kIvSize + n));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto* pt = reinterpret_cast<unsigned char*>(out.data());
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(kIvSize), nullptr) == 1 &&
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, reinterpret_cast<const unsigned char*>(key_.data()),
                         reinterpret_cast<const unsigned char*>(blob.data() + 1)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(aad.data()),
                        static_cast<int>(aad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), pt, &len, reinterpret_cast<const unsigned char*>(blob.data() + 1 + kIvSize),
                        static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagSize), tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), pt + len, &len) == 1;
  if (!ok) return std::nullopt;
  return out;
}

NewClient makeClient(const std::string& name, const std::string& department, const std::vector<std::string>& scopes,
                     const MasterKey& masterKey) {
  std::vector<FieldIssue> issues;
  auto checkText = [&](const char* field, const std::string& v) {
    if (v.empty())
      issues.push_back({field, "required"});
    else if (v.size() > 200)
      issues.push_back({field, "at most 200 bytes"});
    else if (v.find_first_of(std::string("\0\r\n", 3)) != std::string::npos)
      issues.push_back({field, "no control characters"});
  };
  checkText("name", name);
  checkText("department", department);
  std::vector<std::string> normalised;
  try {
    normalised = normalizeScopes(scopes);
  } catch (const Error& e) {
    for (const auto& i : e.issues()) issues.push_back({"scopes", i.field + ": " + i.message});
  }
  if (normalised.empty() && issues.empty()) issues.push_back({"scopes", "at least one scope"});
  if (!issues.empty()) throw Error::invalidFields("the client cannot be created", std::move(issues));

  NewClient c;
  const std::string id = randomBytes(8);
  c.client.keyId = "gk_" + toHex(reinterpret_cast<const uint8_t*>(id.data()), id.size());
  c.client.name = name;
  c.client.department = department;
  c.client.scopes = std::move(normalised);
  c.secret = base64UrlEncode(randomBytes(32));
  const std::string salt = randomBytes(16);
  c.client.secretSalt = toHex(reinterpret_cast<const uint8_t*>(salt.data()), salt.size());
  c.client.secretHash = sha256Hex(c.client.secretSalt + c.secret);
  c.client.signingKeyEnc = masterKey.encrypt(c.secret, c.client.keyId);
  return c;
}

bool secretMatches(const store::ApiClient& client, std::string_view secret) {
  const std::string computed = sha256Hex(client.secretSalt + std::string(secret));
  return constantTimeEquals(computed, client.secretHash);
}

}  // namespace govsync::gateway
