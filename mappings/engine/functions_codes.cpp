// Code functions: code_map (a literal table), lookup (a code-table file),
// check_id (GB 11643), check_credit_code (GB 32100).
#include <cstring>
#include <optional>
#include <unordered_map>

#include "mappings/engine/code_tables.h"
#include "mappings/engine/domain/id_codes.h"
#include "mappings/engine/function.h"

namespace govsync::mapping {

namespace {

class CodeMap : public Function {
 public:
  CodeMap(std::unordered_map<std::string, std::string> table, std::optional<std::string> otherwise, bool keep)
      : table_(std::move(table)), else_(std::move(otherwise)), keepUnknown_(keep) {
    for (const auto& [k, v] : table_) views_.emplace(k, v);
  }
  std::vector<std::string> possibleOutputs() const override {
    std::vector<std::string> out;
    for (const auto& [k, v] : table_) out.push_back(v);
    if (else_) out.push_back(*else_);
    return out;
  }
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isNull()) return true;
    const std::string_view key = asText(v, ctx);
    auto it = views_.find(key);
    if (it != views_.end()) {
      v = Value::ofText(it->second);
      return true;
    }
    if (else_) {
      v = Value::ofText(*else_);
      return true;
    }
    if (keepUnknown_) return true;
    ctx.error = "no code_map entry for this value and no else";
    return false;
  }

 private:
  std::unordered_map<std::string, std::string> table_;
  std::unordered_map<std::string_view, std::string_view> views_;
  std::optional<std::string> else_;
  bool keepUnknown_;
};

enum class OnMiss { Fail, Null, Keep };

class Lookup : public Function {
 public:
  Lookup(std::shared_ptr<const CodeTable> table, const std::unordered_map<std::string_view, std::string_view>& index,
         OnMiss onMiss, std::optional<std::string> otherwise)
      : table_(std::move(table)), index_(index), onMiss_(onMiss), else_(std::move(otherwise)) {}
  bool apply(Value& v, EvalContext& ctx) const override {
    // An empty code is no value, not a miss (CSV cells are "" rather than NULL).
    if (v.isMissing()) {
      v = Value::null();
      return true;
    }
    const std::string_view key = asText(v, ctx);
    auto it = index_.find(key);
    if (it != index_.end()) {
      v = Value::ofText(it->second);
      return true;
    }
    if (ctx.lookupMisses) {
      std::string k = table_->name();
      k.append(":").append(key);
      ++(*ctx.lookupMisses)[k];
    }
    if (else_) {
      v = Value::ofText(*else_);
      return true;
    }
    switch (onMiss_) {
      case OnMiss::Null: v = Value::null(); return true;
      case OnMiss::Keep: return true;
      case OnMiss::Fail: break;
    }
    ctx.error = "code not in table " + table_->name() + " (" + table_->versionLabel() + ")";
    return false;
  }

 private:
  std::shared_ptr<const CodeTable> table_;
  const std::unordered_map<std::string_view, std::string_view>& index_;
  OnMiss onMiss_;
  std::optional<std::string> else_;
};

class CheckId : public Function {
 public:
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) return true;
    std::string_view s = asText(v, ctx);
    // Normalise a lowercase x check digit.
    if (!s.empty() && s.back() == 'x') {
      char* p = ctx.arena.allocate(s.size());
      std::memcpy(p, s.data(), s.size());
      p[s.size() - 1] = 'X';
      s = {p, s.size()};
    }
    const auto result = checkCitizenId(s);
    if (result != IdCheck::Valid) {
      ctx.error = "not a valid GB 11643 citizen ID number: " + std::string(describe(result));
      return false;
    }
    v = Value::ofText(s);
    return true;
  }
};

class CheckCreditCode : public Function {
 public:
  bool apply(Value& v, EvalContext& ctx) const override {
    if (v.isMissing()) return true;
    const std::string_view s = asText(v, ctx);
    const auto result = checkCreditCode(s);
    if (result == CreditCodeCheck::Valid) return true;
    if (result == CreditCodeCheck::BadCheckCharacter) {
      // GB 32100: some legal early codes fail the check — flag, never reject.
      ctx.warnings.push_back("credit code " + std::string(s) + ": " + std::string(describe(result)) +
                             " (kept: some early codes are legal without it)");
      return true;
    }
    ctx.error = "not a GB 32100 unified social credit code: " + std::string(describe(result));
    return false;
  }
};

}  // namespace

void registerCodeFunctions(FunctionRegistry& r) {
  r.add({"code_map", "code_map: {CODE: VALUE, ..., else: VALUE}",
         "translates codes with a literal table; without else an unknown code is an error (else_keep: true keeps it)",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           if (!a.IsMap() || a.size() == 0) {
             ctx.error(a, "code_map needs a table of CODE: VALUE pairs",
                       "e.g. code_map: {\"1\": normal, else: normal}");
             return nullptr;
           }
           std::unordered_map<std::string, std::string> table;
           std::optional<std::string> otherwise;
           bool keep = false;
           for (auto it = a.begin(); it != a.end(); ++it) {
             const std::string key = it->first.Scalar();
             if (!it->second.IsScalar()) {
               ctx.error(it->second, "code_map value for '" + key + "' must be a single value");
               continue;
             }
             if (key == "else")
               otherwise = it->second.Scalar();
             else if (key == "else_keep")
               keep = it->second.Scalar() == "true";
             else if (!table.emplace(key, it->second.Scalar()).second)
               ctx.error(it->first, "code '" + key + "' appears twice in code_map");
           }
           return std::make_unique<CodeMap>(std::move(table), std::move(otherwise), keep);
         }});
  r.add({"lookup",
         "lookup: {table: NAME, key: COLUMN, value: COLUMN, on_miss: fail|null|keep, else: VALUE, version: LABEL}",
         "translates a code through a code-table file codes/NAME.csv; misses are counted per code",
         [](const YAML::Node& a, CompileContext& ctx) -> std::unique_ptr<Function> {
           checkArgKeys(a, {"table", "key", "value", "on_miss", "else", "version"}, "lookup", ctx);
           std::string name, key = "code", value = "name", onMiss = "fail", otherwise, version;
           if (!argString(a, "table", name, ctx)) return nullptr;
           argString(a, "key", key, ctx, false);
           argString(a, "value", value, ctx, false);
           argString(a, "on_miss", onMiss, ctx, false);
           argString(a, "version", version, ctx, false);
           const bool hasElse = a.IsMap() && a["else"];
           if (hasElse) argString(a, "else", otherwise, ctx, false);
           OnMiss mode = OnMiss::Fail;
           if (onMiss == "null")
             mode = OnMiss::Null;
           else if (onMiss == "keep")
             mode = OnMiss::Keep;
           else if (onMiss != "fail")
             ctx.error(a["on_miss"], "on_miss must be fail, null or keep");
           std::shared_ptr<const CodeTable> table;
           try {
             table = ctx.tables().get(ctx.codesDir(), name);
           } catch (const std::exception& e) {
             ctx.error(a["table"], std::string("missing code table: ") + e.what(),
                       "code tables are CSV files in " + ctx.codesDir() + " named <table>.csv");
             return nullptr;
           }
           if (!version.empty() && version != table->versionLabel())
             ctx.error(a["version"], "code table " + name + " is version '" + table->versionLabel() +
                                         "', the mapping pins '" + version + "'");
           const int k = table->columnIndex(key), v = table->columnIndex(value);
           std::string cols;
           for (const auto& c : table->columns()) cols += (cols.empty() ? "" : ", ") + c;
           if (k < 0)
             ctx.error(a["key"] ? a["key"] : a, "code table " + name + " has no column '" + key + "'",
                       "columns: " + cols);
           if (v < 0)
             ctx.error(a["value"] ? a["value"] : a, "code table " + name + " has no column '" + value + "'",
                       "columns: " + cols);
           if (k < 0 || v < 0) return nullptr;
           try {
             const auto& index = table->index(k, v);
             ctx.usedTables()[name] = table->versionLabel() + "#" + table->contentHash();
             return std::make_unique<Lookup>(table, index, mode, hasElse ? std::optional(otherwise) : std::nullopt);
           } catch (const std::exception& e) {
             ctx.error(a["table"], e.what());
             return nullptr;
           }
         }});
  r.add({"check_id", "check_id", "checks a GB 11643 citizen ID number (length, birth date, MOD 11-2 check digit)",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<CheckId>(); }});
  r.add({"check_credit_code", "check_credit_code",
         "checks a GB 32100 unified social credit code; a wrong check character is only flagged (a warning)",
         [](const YAML::Node&, CompileContext&) { return std::make_unique<CheckCreditCode>(); }});
}

}  // namespace govsync::mapping
