#include "mappings/engine/condition.h"

namespace govsync::mapping {

bool Condition::evaluate(const std::vector<Value>& slots) const {
  auto text = [&]() -> std::string_view {
    const Value& v = slots[static_cast<size_t>(slot)];
    return v.type == ValueType::Text ? v.text : std::string_view{};
  };
  switch (op) {
    case Op::Equals: return text() == value;
    case Op::NotEquals: return text() != value;
    case Op::In: return values.count(std::string(text())) > 0;
    case Op::Matches: return regex->match(std::string(text()));
    case Op::Empty: return slots[static_cast<size_t>(slot)].isMissing();
    case Op::NotEmpty: return !slots[static_cast<size_t>(slot)].isMissing();
    case Op::All:
      for (const auto& c : children)
        if (!c->evaluate(slots)) return false;
      return true;
    case Op::Any:
      for (const auto& c : children)
        if (c->evaluate(slots)) return true;
      return false;
    case Op::Not: return !children[0]->evaluate(slots);
  }
  return false;
}

}  // namespace govsync::mapping
