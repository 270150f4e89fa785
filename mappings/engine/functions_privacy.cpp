// Personal-data functions: mask_phone, mask_id, mask_name, hmac_key.
#include <cstdlib>

#include "core/record/masking.h"
#include "core/util/crypto.h"
#include "mappings/engine/function.h"

namespace govsync::mapping {

namespace {

class Mask : public Function {
 public:
  explicit Mask(schema::PiiKind kind) : kind_(kind) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) return true;
    // Masked straight into the arena: a mask is never longer than its value.
    const std::string_view text = asText(v, ctx);
    char* out = ctx.arena.allocate(text.size());
    v = Value::ofText({out, maskAsInto(kind_, text, out)});
    return true;
  }

 private:
  schema::PiiKind kind_;
};

// A keyed hash for joining records on a person without revealing them: the
// same ID number or phone always gives the same key under the same salt.
class HmacKey : public Function {
 public:
  explicit HmacKey(std::string salt) : salt_(std::move(salt)) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) return true;
    std::string_view s = trimText(asText(v, ctx));
    // Normalise: upper-case the ID check letter so x and X give one key.
    char* norm = ctx.arena.allocate(s.size());
    for (size_t i = 0; i < s.size(); ++i) norm[i] = (s[i] >= 'a' && s[i] <= 'z') ? static_cast<char>(s[i] - 32) : s[i];
    v = Value::ofText(ctx.arena.copy(hmacSha256Hex(salt_, {norm, s.size()})));
    return true;
  }

 private:
  std::string salt_;
};

}  // namespace

void registerPrivacyFunctions(FunctionRegistry& r) {
  r.add({"mask_phone", "mask_phone", "13812341234 → 138****1234",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<Mask>(schema::PiiKind::Phone); }});
  r.add({"mask_id", "mask_id", "ID number → first 6 + 8 stars + last 4",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<Mask>(schema::PiiKind::IdNo); }});
  r.add({"mask_name", "mask_name", "张三 → 张*",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<Mask>(schema::PiiKind::Name); }});
  r.add({"hmac_key", "hmac_key | hmac_key: {salt_env: VARIABLE}",
         "salted HMAC-SHA256 (hex) of the value, for joining without revealing; the salt is the installation's "
         "(mappings.hmac_salt, made at first start if unset) or an environment variable — never in the mapping",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           // The salt: a named environment variable, else the installation's
           // (mappings.hmac_salt, or <data_dir>/hmac_salt made at first start),
           // else GOVSYNC_HMAC_SALT.
           std::string var;
           if (a.IsScalar())
             var = a.Scalar();
           else if (a.IsMap()) {
             checkArgKeys(a, {"salt_env"}, "hmac_key", ctx);
             argString(a, "salt_env", var, ctx, false);
           }
           std::string salt;
           if (!var.empty()) {
             if (const char* v = std::getenv(var.c_str())) salt = v;
           } else if (!ctx.hmacSalt().empty()) {
             salt = ctx.hmacSalt();
           } else if (const char* v = std::getenv("GOVSYNC_HMAC_SALT")) {
             salt = v;
           }
           if (salt.size() < 16) {
             const std::string where =
                 var.empty() ? "mappings.hmac_salt (or GOVSYNC_HMAC_SALT)" : "environment variable " + var;
             ctx.error(a, "hmac_key needs a secret salt of at least 16 characters in " + where,
                       "the same salt on every govsync that must produce matching keys; never in the mapping file");
             return nullptr;
           }
           return std::make_unique<HmacKey>(salt);
         }});
}

}  // namespace govsync::mapping
