// The rectification state machine of bad reviews.
#include "core/reviews/rectification.h"

#include "core/util/error.h"

namespace govsync::reviews {

using S = schema::RectifyState;

std::string_view rectifyStateName(RectifyState state) {
  auto it = schema::_RectifyState_VALUES_TO_NAMES.find(static_cast<int>(state));
  return it == schema::_RectifyState_VALUES_TO_NAMES.end() ? std::string_view("?") : std::string_view(it->second);
}

std::optional<RectifyState> rectifyStateFromName(std::string_view name) {
  for (const auto& [value, text] : schema::_RectifyState_VALUES_TO_NAMES) {
    const std::string_view candidate(text);
    if (candidate.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < name.size() && same; ++i)
      same = std::toupper(static_cast<unsigned char>(name[i])) == candidate[i];
    if (same) return static_cast<RectifyState>(value);
  }
  return std::nullopt;
}

const std::vector<RectifyState>& allowedNextStates(RectifyState from) {
  static const std::vector<RectifyState> none;
  static const std::vector<RectifyState> fromNone{S::VERIFYING};
  static const std::vector<RectifyState> fromVerifying{S::RECTIFYING, S::APPEALED};
  static const std::vector<RectifyState> fromRectifying{S::FED_BACK, S::APPEALED};
  static const std::vector<RectifyState> fromFedBack{S::REVISITED};
  static const std::vector<RectifyState> fromAppealed{S::RECTIFYING, S::REJECTED_MALICIOUS};
  switch (from) {
    case S::NONE: return fromNone;
    case S::VERIFYING: return fromVerifying;
    case S::RECTIFYING: return fromRectifying;
    case S::FED_BACK: return fromFedBack;
    case S::APPEALED: return fromAppealed;
    case S::REVISITED:
    case S::REJECTED_MALICIOUS: return none;
  }
  return none;
}

bool isClosedState(RectifyState state) {
  return state == S::FED_BACK || state == S::REVISITED || state == S::REJECTED_MALICIOUS;
}

bool isOpenPastDue(RectifyState state, int64_t dueAtMs, int64_t nowMs) {
  const bool open = state == S::VERIFYING || state == S::RECTIFYING || state == S::APPEALED;
  return open && dueAtMs != 0 && dueAtMs < nowMs;
}

void checkTransition(RectifyState from, RectifyState to, std::string_view actor, std::string_view reason) {
  const auto& allowed = allowedNextStates(from);
  bool ok = false;
  for (auto s : allowed) ok = ok || s == to;
  if (!ok) {
    std::string names;
    for (auto s : allowed) names += std::string(names.empty() ? "" : ", ") + std::string(rectifyStateName(s));
    throw Error::invalidFields("a rectification in state " + std::string(rectifyStateName(from)) + " cannot move to " +
                                   std::string(rectifyStateName(to)) + ": " +
                                   (allowed.empty() ? std::string("it is final") : "allowed next states are " + names),
                               {{"state", names.empty() ? "none (final state)" : "allowed: " + names}});
  }
  if (actor.empty()) throw Error::invalidFields("a rectification step needs an actor", {{"actor", "required"}});
  if (to == S::REJECTED_MALICIOUS && reason.empty())
    throw Error::invalidFields("rejecting a review as malicious needs a reason", {{"reason", "required"}});
}

RectificationFields rectificationOf(const schema::ReviewRecord& r) {
  RectificationFields f;
  if (r.__isset.rectify_state) f.state = r.rectify_state;
  if (r.__isset.rectify_due_at) f.dueAt = r.rectify_due_at;
  if (r.__isset.rectified_at) f.rectifiedAt = r.rectified_at;
  if (r.__isset.revisited_at) f.revisitedAt = r.revisited_at;
  if (r.__isset.rectify_note) f.note = r.rectify_note;
  if (r.__isset.rectify_overdue_at) f.overdueAt = r.rectify_overdue_at;
  return f;
}

void setRectification(schema::ReviewRecord& r, const RectificationFields& f) {
  r.rectify_state = f.state;
  r.__isset.rectify_state = f.state != S::NONE;
  r.rectify_due_at = f.dueAt;
  r.__isset.rectify_due_at = f.dueAt != 0;
  r.rectified_at = f.rectifiedAt;
  r.__isset.rectified_at = f.rectifiedAt != 0;
  r.revisited_at = f.revisitedAt;
  r.__isset.revisited_at = f.revisitedAt != 0;
  r.rectify_note = f.note;
  r.__isset.rectify_note = !f.note.empty();
  r.rectify_overdue_at = f.overdueAt;
  r.__isset.rectify_overdue_at = f.overdueAt != 0;
}

RectificationFields afterStep(const RectificationFields& before, RectifyState to, int64_t atMs,
                              const std::string& note) {
  RectificationFields f = before;
  f.state = to;
  if (to == S::FED_BACK) f.rectifiedAt = atMs;
  if (to == S::REVISITED) f.revisitedAt = atMs;
  f.note = note;
  return f;
}

}  // namespace govsync::reviews
