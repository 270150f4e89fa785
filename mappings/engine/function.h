// Mapping functions: the interface every function implements, the context a
// row is evaluated in, and the named registry the compiler looks functions
// up in. Functions are built once by the compiler (arguments parsed and
// checked, regexes compiled, tables loaded) and then applied per row.
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mappings/engine/value.h"

namespace govsync::mapping {

class CodeTableCache;

/// Per-row evaluation state; one per thread running a mapping.
struct EvalContext {
  Arena arena;
  std::string error;  ///< set by a function that fails
  /// Code-table misses of this run: "table:code" → count.
  std::map<std::string, size_t>* lookupMisses = nullptr;
  /// Problems noted under on_error: warn, for the current row.
  std::vector<std::string> warnings;
  /// The last coordinate conversion, so a row's lon and lat rules convert
  /// the pair once.
  struct CoordMemo {
    bool valid = false;
    int from = 0;
    double lon = 0, lat = 0, outLon = 0, outLat = 0;
  } coordMemo;
};

/// What a function accepts and yields, for compile-time checking.
enum class Accepts : uint8_t {
  Any,   ///< one value of any type
  Text,  ///< one text value (other scalars are converted to text)
  Many,  ///< all the rule's source fields at once (a combiner)
};

class Function {
 public:
  virtual ~Function() = default;
  /// Transforms `v` in place. On failure returns false and sets ctx.error to
  /// a precise message (the offending value is reported by the caller).
  virtual bool apply(Value& v, EvalContext& ctx) const;
  /// For Accepts::Many: combines `inputs` into `out`.
  virtual bool combine(std::span<const Value> inputs, Value& out, EvalContext& ctx) const;
  virtual Accepts accepts() const { return Accepts::Text; }
  /// The type produced, when fixed (used to check against the target field).
  virtual ValueType produces() const { return ValueType::Text; }
  /// Enum-like outputs (code_map targets, constants) the compiler can check
  /// against the target field's enum; empty when not known.
  virtual std::vector<std::string> possibleOutputs() const { return {}; }

  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }

 private:
  std::string name_;
};

/// Collects compile errors with their position in the mapping file.
class CompileContext {
 public:
  CompileContext(std::string file, std::string codesDir, CodeTableCache& tables, std::string hmacSalt = {})
      : file_(std::move(file)), codesDir_(std::move(codesDir)), tables_(tables), hmacSalt_(std::move(hmacSalt)) {}

  void error(const YAML::Node& at, const std::string& what, const std::string& hint = {});
  void errorAt(int line, int column, const std::string& what, const std::string& hint = {});

  struct Problem {
    int line, column;
    std::string message, hint;
  };
  const std::vector<Problem>& problems() const { return problems_; }
  /// Gives problems from index `first` on that have no position (reported at
  /// an absent node, e.g. the arguments of a bare function name) the
  /// position of `at`.
  void placeUnplaced(size_t first, const YAML::Node& at) {
    for (size_t i = first; i < problems_.size(); ++i)
      if (problems_[i].line == 0) {
        problems_[i].line = at.Mark().line + 1;
        problems_[i].column = at.Mark().column + 1;
      }
  }
  const std::string& file() const { return file_; }
  const std::string& codesDir() const { return codesDir_; }
  CodeTableCache& tables() { return tables_; }
  /// The installation's secret salt for hmac_key ("" if none configured).
  const std::string& hmacSalt() const { return hmacSalt_; }
  /// Code tables the mapping uses: name → content version (for the mapping version).
  std::map<std::string, std::string>& usedTables() { return usedTables_; }

 private:
  std::string file_, codesDir_;
  CodeTableCache& tables_;
  std::string hmacSalt_;
  std::vector<Problem> problems_;
  std::map<std::string, std::string> usedTables_;
};

/// Builds a function from its YAML arguments (Null when given without any,
/// as a bare name in a `do:` list). Reports problems to ctx and returns null
/// when the arguments are unusable.
using FunctionFactory = std::function<std::unique_ptr<Function>(const YAML::Node& args, CompileContext& ctx)>;

struct FunctionSpec {
  std::string name;
  std::string signature;  ///< for messages and docs, e.g. "substring: {start: N, length: N}"
  std::string summary;
  FunctionFactory make;
};

/// Name → function. Registration is explicit (registerBuiltinFunctions);
/// a duplicate name is an error; names list in sorted order.
class FunctionRegistry {
 public:
  void add(FunctionSpec spec);
  const FunctionSpec* find(std::string_view name) const;
  std::vector<const FunctionSpec*> list() const;
  /// Closest registered names to `name`, for "did you mean".
  std::string suggest(std::string_view name) const;

 private:
  std::map<std::string, FunctionSpec, std::less<>> specs_;
};

/// The registry with every built-in function.
const FunctionRegistry& builtinFunctions();
void registerBuiltinFunctions(FunctionRegistry& registry);

// Registration groups, one per functions_*.cpp.
void registerTextFunctions(FunctionRegistry& r);
void registerConvertFunctions(FunctionRegistry& r);
void registerCodeFunctions(FunctionRegistry& r);
void registerPrivacyFunctions(FunctionRegistry& r);
void registerGeoFunctions(FunctionRegistry& r);

// --- helpers for function implementations ---

/// Renders a scalar value as text into the arena (Text passes through).
std::string_view asText(const Value& v, EvalContext& ctx);
/// std::from_chars on the whole of `s` (true only when every byte is part of
/// the number), with an exact fast path for plain decimals such as
/// "122.047923": the same double, without the general algorithm.
bool parseDouble(std::string_view s, double& out);
/// `s` without leading/trailing spaces (ASCII, NBSP, U+3000).
std::string_view trimText(std::string_view s);
/// Argument readers: report an error and return false on a bad argument.
bool argString(const YAML::Node& args, const char* key, std::string& out, CompileContext& ctx, bool required = true);
bool argInt(const YAML::Node& args, const char* key, int64_t& out, CompileContext& ctx, bool required = true);
/// Accepts either a scalar argument (`trim`-style shorthand `{fn: X}`) or a
/// map key; used for one-argument functions.
bool argScalarOrKey(const YAML::Node& args, const char* key, std::string& out, CompileContext& ctx);
/// Reports unknown keys in a map of arguments.
void checkArgKeys(const YAML::Node& args, std::initializer_list<const char*> known, const std::string& function,
                  CompileContext& ctx);

}  // namespace govsync::mapping
