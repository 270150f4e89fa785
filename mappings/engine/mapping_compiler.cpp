#include "mappings/engine/mapping_compiler.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

#include "core/record/record_rules.h"
#include "core/util/crypto.h"
#include "core/util/text.h"

namespace govsync::mapping {

std::string CompileProblem::toString() const {
  std::string s = file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
  if (!hint.empty()) s += " (hint: " + hint + ")";
  return s;
}

namespace {
std::string joinProblems(const std::vector<CompileProblem>& problems) {
  std::string s = std::to_string(problems.size()) + (problems.size() == 1 ? " problem" : " problems");
  for (const auto& p : problems) s += "\n  " + p.toString();
  return s;
}
}  // namespace

MappingCompileError::MappingCompileError(std::vector<CompileProblem> problems)
    : std::runtime_error(joinProblems(problems)), problems_(std::move(problems)) {}

namespace {

constexpr size_t kMaxFileBytes = 1024 * 1024;
constexpr size_t kMaxNodes = 100000;
constexpr int kMaxFlowDepth = 64;
// Block nesting is limited too: a mapping never needs it, and nodes below the
// limit would escape the node count (an alias bomb hidden deep down).
constexpr int kMaxDepth = 64;

// Fields govsync sets itself; a mapping may not compute them.
const std::set<std::string, std::less<>> kReserved = {"record_id",   "kind",    "source_system",  "version",
                                                      "ingested_at", "mapping", "payload_sha256", "deleted"};

// yaml-cpp recurses per nesting level and follows aliases without limit; a
// hostile file must fail here with a message, not crash the server.
std::string prescan(const std::string& text) {
  if (text.size() > kMaxFileBytes) return "mapping file is larger than 1 MiB";
  int depth = 0, maxDepth = 0;
  char quote = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (c == '\\' && quote == '"')
        ++i;
      else if (c == '\n')
        quote = 0;  // plain YAML: quotes don't span lines here
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || (c == '\'' && (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1]))))) {
      quote = c;
    } else if (c == '[' || c == '{') {
      maxDepth = std::max(maxDepth, ++depth);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  if (maxDepth > kMaxFlowDepth) return "mapping nests deeper than " + std::to_string(kMaxFlowDepth) + " levels";
  return {};
}

// The budget left after counting `n` (aliases counted as often as they are
// reached); 0 when the budget runs out or the nesting is deeper than kMaxDepth.
size_t countNodes(const YAML::Node& n, size_t budget, int depth = 0) {
  if (budget == 0 || depth > kMaxDepth) return 0;
  size_t left = budget - 1;
  if (n.IsSequence()) {
    for (const auto& c : n) {
      left = countNodes(c, left, depth + 1);
      if (left == 0) return 0;
    }
  } else if (n.IsMap()) {
    for (auto it = n.begin(); it != n.end(); ++it) {
      left = countNodes(it->second, left, depth + 1);
      if (left == 0) return 0;
    }
  }
  return left;
}

class Compiler {
 public:
  Compiler(CompileContext& ctx, CompiledMapping& m) : ctx_(ctx), m_(m) {}

  void compile(const YAML::Node& root) {
    if (!root.IsMap()) {
      // An empty file (or only comments) has no node to point at: say 1:1.
      if (root.Mark().is_null())
        ctx_.errorAt(1, 1, "a mapping file must be a YAML map", "start with `mapping: <name>` and `kind: CASE`");
      else
        ctx_.error(root, "a mapping file must be a YAML map", "start with `mapping: <name>` and `kind: CASE`");
      return;
    }
    static const std::set<std::string> known = {"mapping",  "version", "description", "kind",  "source_system",
                                                "encoding", "columns", "skip_when",   "fields"};
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (!known.count(key))
        ctx_.error(it->first, "unknown top-level key '" + key + "'",
                   "known keys: mapping, version, description, kind, source_system, encoding, columns, skip_when, "
                   "fields");
    }
    compileHeader(root);
    if (root["columns"]) compileColumns(root["columns"]);
    if (root["skip_when"]) compileSkip(root["skip_when"]);
    if (!root["fields"] || !root["fields"].IsMap()) {
      ctx_.error(root["fields"] ? root["fields"] : root, "the mapping needs a `fields:` map of unified field → rule");
      return;
    }
    compileFields(root["fields"]);
  }

 private:
  void compileHeader(const YAML::Node& root) {
    const std::string expected = std::filesystem::path(ctx_.file()).stem().string();
    if (!root["mapping"] || !root["mapping"].IsScalar()) {
      ctx_.error(root, "missing `mapping: <name>`", "the name must be the file name without .yaml: " + expected);
    } else {
      m_.name = root["mapping"].Scalar();
      if (m_.name != expected)
        ctx_.error(root["mapping"], "mapping name '" + m_.name + "' differs from the file name '" + expected + "'",
                   "rename the file or the mapping so they agree");
    }
    if (root["version"]) m_.label = scalar(root["version"], "version");
    if (root["description"]) m_.description = scalar(root["description"], "description");
    if (!root["kind"]) {
      ctx_.error(root, "missing `kind:`", "one of CASE, REVIEW, OBSERVATION");
    } else {
      const auto k = schema::kindFromName(scalar(root["kind"], "kind"));
      if (!k)
        ctx_.error(root["kind"], "unknown kind '" + root["kind"].Scalar() + "'", "one of CASE, REVIEW, OBSERVATION");
      else
        m_.kind = *k;
      kindOk_ = k.has_value();
    }
    m_.sourceSystem = root["source_system"] ? scalar(root["source_system"], "source_system") : m_.name;
    if (root["encoding"]) {
      const std::string e = scalar(root["encoding"], "encoding");
      if (auto c = charsetFromName(e))
        defaultEncoding_ = *c;
      else
        ctx_.error(root["encoding"], "unknown encoding '" + e + "'", "one of utf-8, gbk, gb2312, gb18030");
    }
  }

  void compileColumns(const YAML::Node& columns) {
    if (!columns.IsMap()) {
      ctx_.error(columns, "`columns:` must map source column → {encoding: ...}");
      return;
    }
    for (auto it = columns.begin(); it != columns.end(); ++it) {
      const std::string name = it->first.Scalar();
      const YAML::Node spec = it->second;
      if (!spec.IsMap() || !spec["encoding"]) {
        ctx_.error(spec, "column " + name + " needs {encoding: ...}");
        continue;
      }
      const std::string e = spec["encoding"].Scalar();
      if (auto c = charsetFromName(e))
        columnEncodings_[name] = *c;
      else
        ctx_.error(spec["encoding"], "unknown encoding '" + e + "'", "one of utf-8, gbk, gb2312, gb18030");
    }
  }

  void compileSkip(const YAML::Node& skip) {
    if (skip.IsSequence()) {
      for (const auto& c : skip)
        if (auto cond = compileCondition(c)) m_.skipWhen.push_back(std::move(cond));
    } else if (auto cond = compileCondition(skip)) {
      m_.skipWhen.push_back(std::move(cond));
    }
  }

  std::string scalar(const YAML::Node& n, const std::string& what) {
    if (!n.IsScalar()) {
      ctx_.error(n, what + " must be a single value");
      return {};
    }
    return n.Scalar();
  }

  int slotFor(const std::string& column) {
    auto it = slots_.find(column);
    if (it != slots_.end()) return it->second;
    const int slot = static_cast<int>(m_.sources.size());
    m_.sources.push_back({column, Charset::Utf8});
    slots_.emplace(column, slot);
    return slot;
  }

  std::unique_ptr<Condition> compileCondition(const YAML::Node& n) {
    if (!n.IsMap()) {
      ctx_.error(n, "a condition must be a map such as {field: ZT, equals: 测试}",
                 "or {all: [...]}, {any: [...]}, {not: {...}}");
      return nullptr;
    }
    auto c = std::make_unique<Condition>();
    if (n["all"] || n["any"]) {
      const YAML::Node list = n["all"] ? n["all"] : n["any"];
      c->op = n["all"] ? Condition::Op::All : Condition::Op::Any;
      if (!list.IsSequence()) {
        ctx_.error(list, "all/any take a list of conditions");
        return nullptr;
      }
      for (const auto& child : list)
        if (auto cc = compileCondition(child)) c->children.push_back(std::move(cc));
      return c;
    }
    if (n["not"]) {
      c->op = Condition::Op::Not;
      auto child = compileCondition(n["not"]);
      if (!child) return nullptr;
      c->children.push_back(std::move(child));
      return c;
    }
    if (!n["field"] || !n["field"].IsScalar()) {
      ctx_.error(n, "a condition needs `field:` (a source column)", "e.g. {field: ZT, equals: 已撤销}");
      return nullptr;
    }
    c->slot = slotFor(n["field"].Scalar());
    int ops = 0;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      const YAML::Node v = it->second;
      if (key == "field") continue;
      ++ops;
      if (key == "equals" || key == "not_equals") {
        c->op = key == "equals" ? Condition::Op::Equals : Condition::Op::NotEquals;
        c->value = scalar(v, key);
      } else if (key == "in") {
        c->op = Condition::Op::In;
        if (!v.IsSequence())
          ctx_.error(v, "`in:` takes a list of values");
        else
          for (const auto& item : v) c->values.insert(scalar(item, "in value"));
      } else if (key == "matches") {
        c->op = Condition::Op::Matches;
        try {
          c->regex =
              std::make_unique<Poco::RegularExpression>(scalar(v, "matches"), Poco::RegularExpression::RE_UTF8, true);
        } catch (const Poco::Exception& e) {
          ctx_.error(v, "invalid regular expression: " + e.message());
          return nullptr;
        }
      } else if (key == "empty") {
        c->op = scalar(v, "empty") == "false" ? Condition::Op::NotEmpty : Condition::Op::Empty;
      } else {
        ctx_.error(it->first, "unknown condition '" + key + "'", "one of equals, not_equals, in, matches, empty");
        return nullptr;
      }
    }
    if (ops != 1) {
      ctx_.error(n, "a condition needs exactly one test besides `field:`", "equals, not_equals, in, matches or empty");
      return nullptr;
    }
    return c;
  }

  void compileFields(const YAML::Node& fields) {
    std::set<std::string> seen;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
      const std::string target = it->first.Scalar();
      if (!seen.insert(target).second) ctx_.error(it->first, "field " + target + " has two rules");
      if (!kindOk_) continue;
      Rule rule;
      rule.targetName = target;
      rule.line = it->first.Mark().line + 1;
      std::string base = target, key;
      if (auto dot = target.find('.'); dot != std::string::npos) {
        base = target.substr(0, dot);
        key = target.substr(dot + 1);
      }
      const auto* f = schema::findField(m_.kind, base);
      if (!f) {
        ctx_.error(it->first, "unknown target field '" + base + "' for kind " + std::string(schema::kindName(m_.kind)),
                   suggestField(base));
        continue;
      }
      if (kReserved.count(base)) {
        ctx_.error(it->first, "field " + base + " is set by govsync, not by a mapping",
                   base == "source_system" ? "use the top-level `source_system:` key" : "remove this rule");
        continue;
      }
      if (f->type == schema::FieldType::StringMap && key.empty()) {
        ctx_.error(it->first, base + " is a map: name the entry, e.g. " + base + ".terminal_id");
        continue;
      }
      if (f->type != schema::FieldType::StringMap && !key.empty()) {
        ctx_.error(it->first, base + " is not a map field; '" + target + "' is not a field");
        continue;
      }
      rule.target = f;
      rule.mapKey = key;
      rule.required = f->required;
      if (compileRule(it->second, rule, true)) {
        checkOutputs(rule, it->second);
        m_.rules.push_back(std::move(rule));
        covered_.insert(base);
      }
    }
    if (!kindOk_) return;
    // Every field the schema requires needs a rule.
    std::vector<const schema::FieldInfo*> required;
    for (const auto& f : schema::envelopeFields())
      if (f.required && !kReserved.count(std::string(f.name))) required.push_back(&f);
    for (const auto& f : schema::bodyFields(m_.kind))
      if (f.required) required.push_back(&f);
    for (const auto* f : required)
      if (!covered_.count(std::string(f->name)))
        ctx_.error(fields, "required unified field " + std::string(f->name) + " has no rule",
                   "add `" + std::string(f->name) + ": <source column>` under fields");
  }

  std::string suggestField(const std::string& name) {
    std::string best;
    size_t bestScore = 4;
    auto consider = [&](std::string_view candidate) {
      if (const size_t d = editDistance(name, candidate); d < bestScore) bestScore = d, best = candidate;
    };
    for (const auto& f : schema::envelopeFields()) consider(f.name);
    for (const auto& f : schema::bodyFields(m_.kind)) consider(f.name);
    if (!best.empty()) return "did you mean '" + best + "'? `govsync mapping fields` lists them";
    return "`govsync mapping fields " + std::string(schema::kindName(m_.kind)) + "` lists the fields";
  }

  // Fills `rule` from its YAML; `top` rules carry required/on_error.
  bool compileRule(const YAML::Node& n, Rule& rule, bool top) {
    if (n.IsScalar()) {  // shorthand: the source column
      rule.inputs.push_back(slotFor(n.Scalar()));
      return true;
    }
    if (!n.IsMap()) {
      ctx_.error(n, "a rule is a source column name or a map with from/value/do",
                 "e.g. received_at: {from: SLSJ, do: [{parse_time: YYYYMMDDhhmmss}]}");
      return false;
    }
    static const std::set<std::string> known = {"from",     "value", "do",   "default", "required",
                                                "on_error", "when",  "then", "else"};
    bool ok = true;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (!known.count(key)) {
        ctx_.error(it->first, "unknown rule key '" + key + "'",
                   "rule keys: from, value, do, default, required, on_error, when, then, else");
        ok = false;
      }
    }
    if (n["required"]) {
      const std::string r = scalar(n["required"], "required");
      if (r != "true" && r != "false")
        ctx_.error(n["required"], "required must be true or false");
      else if (!top)
        ctx_.error(n["required"], "required belongs on the field's rule, not inside then/else");
      else if (r == "false" && rule.target && rule.target->required)
        ctx_.error(n["required"], "field " + rule.targetName + " is required by the schema");
      else
        rule.required = r == "true";
    }
    if (n["on_error"] && !top) {
      ctx_.error(n["on_error"], "on_error belongs on the field's rule, not inside then/else",
                 "it applies to whichever branch runs");
    } else if (n["on_error"]) {
      // A bare `null` is YAML's null node, not text: it means on_error null.
      const std::string e = n["on_error"].IsNull() ? "null" : scalar(n["on_error"], "on_error");
      if (e == "fail")
        rule.onError = OnError::Fail;
      else if (e == "warn")
        rule.onError = OnError::Warn;
      else if (e == "null")
        rule.onError = OnError::Null;
      else
        ctx_.error(
            n["on_error"], "on_error must be fail, warn or null",
            "fail: dead-letter the row; warn: keep the record and note the problem; null: leave the field empty");
    }
    if (n["default"]) rule.defaultValue = scalar(n["default"], "default");
    if (n["when"]) {
      if (n["from"] || n["value"] || n["do"]) {
        ctx_.error(n["when"], "a when-rule computes its value in then/else, not beside them");
        return false;
      }
      rule.when = compileCondition(n["when"]);
      if (!n["then"]) {
        ctx_.error(n["when"], "when needs a then", "then: {value: urgent} or then: SOURCE_COLUMN");
        return false;
      }
      rule.then = std::make_unique<Rule>();
      rule.then->target = rule.target;
      rule.then->targetName = rule.targetName;
      ok = compileRule(n["then"], *rule.then, false) && ok;
      if (n["else"]) {
        rule.otherwise = std::make_unique<Rule>();
        rule.otherwise->target = rule.target;
        rule.otherwise->targetName = rule.targetName;
        ok = compileRule(n["else"], *rule.otherwise, false) && ok;
      }
      return ok && rule.when != nullptr;
    }
    if (n["then"] || n["else"]) ctx_.error(n, "then/else need a `when:` condition");
    if (n["from"] && n["value"])
      ctx_.error(n["value"], "a rule takes either from (source columns) or value (a constant)");
    if (n["from"]) {
      const YAML::Node from = n["from"];
      if (from.IsScalar())
        rule.inputs.push_back(slotFor(from.Scalar()));
      else if (from.IsSequence() && from.size() > 0)
        for (const auto& c : from) rule.inputs.push_back(slotFor(scalar(c, "from")));
      else
        ctx_.error(from, "from takes a source column or a list of them");
    } else if (n["value"]) {
      rule.constant = scalar(n["value"], "value");
    } else if (!n["default"]) {
      ctx_.error(n, "the rule has no from, value or when", "add from: <source column> or value: <constant>");
      return false;
    }
    if (n["do"]) {
      const YAML::Node chain = n["do"];
      if (!chain.IsSequence()) {
        ctx_.error(chain, "do takes a list of functions", "e.g. do: [trim, {parse_time: YYYYMMDDhhmmss}]");
        return false;
      }
      for (size_t i = 0; i < chain.size(); ++i) {
        auto fn = compileFunction(chain[i]);
        if (!fn) {
          ok = false;
          continue;
        }
        // A combiner later in the chain combines the items of a list (e.g. after split).
        rule.pipeline.push_back(std::move(fn));
      }
    }
    if (ok && rule.inputs.size() > 1 && (rule.pipeline.empty() || rule.pipeline[0]->accepts() != Accepts::Many))
      ctx_.error(n["from"],
                 "this rule reads " + std::to_string(rule.inputs.size()) +
                     " source fields: start `do` with a function that combines them",
                 "concat, coalesce, bd09_to_wgs84, gcj02_to_wgs84 or wgs84");
    return ok;
  }

  std::unique_ptr<Function> compileFunction(const YAML::Node& item) {
    std::string name;
    YAML::Node args;
    if (item.IsScalar()) {
      name = item.Scalar();
    } else if (item.IsMap() && item.size() == 1) {
      name = item.begin()->first.Scalar();
      args = item.begin()->second;
    } else {
      ctx_.error(item, "a function is a name or a one-key map {name: arguments}",
                 "e.g. trim, or {substring: {start: 0, length: 6}}");
      return nullptr;
    }
    const auto* spec = builtinFunctions().find(name);
    if (!spec) {
      const std::string suggestion = builtinFunctions().suggest(name);
      ctx_.error(item.IsMap() ? item.begin()->first : item, "unknown function '" + name + "'",
                 suggestion.empty() ? "`govsync mapping functions` lists them" : "did you mean '" + suggestion + "'?");
      return nullptr;
    }
    const size_t before = ctx_.problems().size();
    YAML::Node at = item.IsMap() ? item.begin()->second : item;
    auto fn = spec->make(args.IsDefined() ? args : YAML::Node(), ctx_);
    // A bare name has no argument node, so its problems have no position yet.
    ctx_.placeUnplaced(before, item);
    if (!fn && ctx_.problems().size() == before)
      ctx_.error(at, "wrong arguments for " + name, "usage: " + spec->signature);
    if (fn) fn->setName(name);
    return fn;
  }

  // Constants and code_map outputs can be checked against an enum now.
  void checkOutputs(const Rule& rule, const YAML::Node& at) {
    if (!rule.target || rule.target->type != schema::FieldType::Enum) return;
    std::vector<std::string> outputs;
    if (rule.when) {
      for (const Rule* branch : {rule.then.get(), rule.otherwise.get()}) {
        if (!branch) continue;
        if (branch->constant && branch->pipeline.empty()) outputs.push_back(*branch->constant);
        if (!branch->pipeline.empty())
          for (auto& o : branch->pipeline.back()->possibleOutputs()) outputs.push_back(o);
        if (branch->defaultValue) outputs.push_back(*branch->defaultValue);
      }
    } else if (!rule.pipeline.empty()) {
      outputs = rule.pipeline.back()->possibleOutputs();
    } else if (rule.constant) {
      outputs.push_back(*rule.constant);
    }
    if (rule.defaultValue) outputs.push_back(*rule.defaultValue);
    for (const auto& o : outputs) {
      if (!rule.target->enumInfo->valueOf(o)) {
        std::string names;
        for (const auto& m : rule.target->enumInfo->members) names += (names.empty() ? "" : ", ") + std::string(m.name);
        ctx_.error(at,
                   "'" + o + "' is not a value of " + std::string(rule.target->enumInfo->name) + " for field " +
                       rule.targetName,
                   "one of " + names);
      }
    }
  }

 public:
  void finish() {
    for (auto& s : m_.sources) {
      auto it = columnEncodings_.find(s.name);
      s.encoding = it != columnEncodings_.end() ? it->second : defaultEncoding_;
    }
  }

 private:
  CompileContext& ctx_;
  CompiledMapping& m_;
  bool kindOk_ = false;
  Charset defaultEncoding_ = Charset::Utf8;
  std::unordered_map<std::string, Charset> columnEncodings_;
  std::unordered_map<std::string, int> slots_;
  std::set<std::string> covered_;
};

}  // namespace

std::shared_ptr<const CompiledMapping> compileMappingText(const std::string& text, const std::string& path,
                                                          const CompileOptions& options) {
  CodeTableCache localTables;
  CompileContext ctx(path, options.codesDir, options.tables ? *options.tables : localTables, options.hmacSalt);
  auto fail = [&]() -> MappingCompileError {
    std::vector<CompileProblem> problems;
    for (const auto& p : ctx.problems()) problems.push_back({path, p.line, p.column, p.message, p.hint});
    return MappingCompileError(std::move(problems));
  };
  if (!isValidUtf8(text)) {
    ctx.errorAt(1, 1, "mapping file is not valid UTF-8",
                "save it as UTF-8 (declare the source's charset with encoding:)");
    throw fail();
  }
  if (auto problem = prescan(text); !problem.empty()) {
    ctx.errorAt(1, 1, problem);
    throw fail();
  }
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    ctx.errorAt(e.mark.line + 1, e.mark.column + 1, "not valid YAML: " + e.msg);
    throw fail();
  }
  if (countNodes(root, kMaxNodes) == 0) {
    ctx.errorAt(1, 1,
                "mapping is too large (over 100,000 YAML nodes, aliases that expand to that, or nesting deeper than " +
                    std::to_string(kMaxDepth) + " levels)",
                "do not use YAML anchors and aliases in mappings");
    throw fail();
  }
  auto mapping = std::make_shared<CompiledMapping>();
  mapping->file = path;
  Compiler compiler(ctx, *mapping);
  try {
    compiler.compile(root);
  } catch (const YAML::Exception& e) {
    ctx.errorAt(e.mark.line + 1, e.mark.column + 1, "unexpected YAML structure: " + e.msg);
  }
  if (!ctx.problems().empty()) throw fail();
  compiler.finish();
  // Version: the file's bytes and every code table it uses.
  std::string material = text;
  for (const auto& [name, version] : ctx.usedTables()) material += "\n#table " + name + "=" + version;
  mapping->version = sha256Hex(material).substr(0, 12);
  mapping->tables = ctx.usedTables();
  mapping->tag = mapping->name + "@" + mapping->version;
  return mapping;
}

std::shared_ptr<const CompiledMapping> compileMappingFile(const std::string& path, const CompileOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MappingCompileError({{path, 0, 0, "cannot read the mapping file", ""}});
  std::error_code ec;
  if (std::filesystem::file_size(path, ec) > kMaxFileBytes)
    throw MappingCompileError({{path, 1, 1, "mapping file is larger than 1 MiB", ""}});
  std::stringstream buf;
  buf << in.rdbuf();
  return compileMappingText(buf.str(), path, options);
}

}  // namespace govsync::mapping
