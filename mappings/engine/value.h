// The values a mapping computes with, per row. Text is a string_view into
// the row's bytes or into the row Arena, so a pipeline of trims, substrings
// and lookups allocates nothing; the Arena is reset between rows.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace govsync::mapping {

enum class ValueType : uint8_t { Null, Text, Int, Float, Bool, Instant, List };

std::string_view valueTypeName(ValueType t);

struct Value {
  ValueType type = ValueType::Null;
  std::string_view text;                   ///< Text
  int64_t integer = 0;                     ///< Int, Instant (ms), Bool (0/1)
  double real = 0;                         ///< Float
  std::span<const std::string_view> list;  ///< List

  static Value null() { return {}; }
  static Value ofText(std::string_view s) {
    Value v;
    v.type = ValueType::Text;
    v.text = s;
    return v;
  }
  static Value ofInt(int64_t i) {
    Value v;
    v.type = ValueType::Int;
    v.integer = i;
    return v;
  }
  static Value ofFloat(double d) {
    Value v;
    v.type = ValueType::Float;
    v.real = d;
    return v;
  }
  static Value ofBool(bool b) {
    Value v;
    v.type = ValueType::Bool;
    v.integer = b;
    return v;
  }
  static Value ofInstant(int64_t ms) {
    Value v;
    v.type = ValueType::Instant;
    v.integer = ms;
    return v;
  }
  static Value ofList(std::span<const std::string_view> items) {
    Value v;
    v.type = ValueType::List;
    v.list = items;
    return v;
  }
  bool isNull() const { return type == ValueType::Null; }
  /// Null, or text that is empty: "no value" for defaults and required checks.
  bool isMissing() const { return type == ValueType::Null || (type == ValueType::Text && text.empty()); }
};

/// A bump allocator for one row's intermediate strings. Blocks are never
/// moved, so views into them stay valid until reset().
class Arena {
 public:
  char* allocate(size_t n);
  std::string_view copy(std::string_view s) {
    char* p = allocate(s.size());
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    return {p, s.size()};
  }
  template <typename T>
  T* allocateArray(size_t n) {
    static_assert(std::is_trivially_destructible_v<T>);
    void* p = allocate(n * sizeof(T) + alignof(T));
    auto addr = reinterpret_cast<uintptr_t>(p);
    addr = (addr + alignof(T) - 1) & ~(uintptr_t(alignof(T)) - 1);
    return new (reinterpret_cast<void*>(addr)) T[n];
  }
  void reset();

 private:
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t block_ = 0, used_ = 0;
};

}  // namespace govsync::mapping
