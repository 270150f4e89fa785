// The rectification loop of a bad review (差评整改), as a state machine:
//
//   NONE → VERIFYING (待核实) → RECTIFYING (整改中) → FED_BACK (已反馈) → REVISITED (已回访)
//   VERIFYING | RECTIFYING → APPEALED (申诉复核)
//   APPEALED → REJECTED_MALICIOUS (appeal upheld: the review is mistaken or
//              malicious and no longer counts as a valid review)
//   APPEALED → RECTIFYING (appeal refused: back to rectifying, same deadline —
//              an appeal does not stop the clock, so appealing cannot be used
//              to escape an overdue count)
//
// REVISITED and REJECTED_MALICIOUS are final. A bad review (level ≤ 2) enters
// VERIFYING by itself when it is stored; every later step is made by a person
// (Store::updateRectification) and kept with who, when and a note.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "schema/record_schema.h"

namespace govsync::reviews {

using RectifyState = schema::RectifyState::type;

/// "VERIFYING", … (the schema's names).
std::string_view rectifyStateName(RectifyState state);
/// Inverse of rectifyStateName (case-insensitive); nullopt for other text.
std::optional<RectifyState> rectifyStateFromName(std::string_view name);

/// The states `from` may move to, in the order of the loop.
const std::vector<RectifyState>& allowedNextStates(RectifyState from);

/// Whether the state closes the rectification (no deadline can be missed
/// any more): FED_BACK, REVISITED, REJECTED_MALICIOUS.
bool isClosedState(RectifyState state);

/// Open and past its deadline at `nowMs`: VERIFYING, RECTIFYING or APPEALED
/// (an appeal does not stop the clock) with a due time (≠ 0) before now.
bool isOpenPastDue(RectifyState state, int64_t dueAtMs, int64_t nowMs);

/// Checks one step. Throws InvalidInput when `to` is not allowed after
/// `from` (the message names the allowed next states), when `actor` is empty,
/// or when a REJECTED_MALICIOUS step has no reason.
void checkTransition(RectifyState from, RectifyState to, std::string_view actor, std::string_view reason);

/// The rectification fields a ReviewRecord carries; 0 = not set.
struct RectificationFields {
  RectifyState state = schema::RectifyState::NONE;
  int64_t dueAt = 0;
  int64_t rectifiedAt = 0;  ///< when it entered FED_BACK (the rectification was done and reported)
  int64_t revisitedAt = 0;  ///< when it entered REVISITED
  std::string note;         ///< the latest step's note
  int64_t overdueAt = 0;    ///< when it was found open past its due time (kept once set)

  bool operator==(const RectificationFields&) const = default;
};

/// The fields as the review carries them (unset state = NONE).
RectificationFields rectificationOf(const schema::ReviewRecord& review);
/// Writes the fields into the review (a zero / empty field is unset).
void setRectification(schema::ReviewRecord& review, const RectificationFields& fields);

/// The fields after a checked step to `to` at `atMs`: rectified_at when
/// entering FED_BACK, revisited_at when entering REVISITED; the note
/// replaces the previous one. Does not check the step (checkTransition does).
RectificationFields afterStep(const RectificationFields& before, RectifyState to, int64_t atMs,
                              const std::string& note);

}  // namespace govsync::reviews
