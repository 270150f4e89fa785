// Helpers of the 好差评 core tests (reviews_test.cpp,
// reviews_rectification_test.cpp): local times, the shipped calendar,
// reviews to store, and expected errors.
#pragma once

#include <atomic>
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <thread>
#include "core/config/config.h"
#include "core/record/record_rules.h"
#include "core/reviews/rectification.h"
#include "core/reviews/working_days.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "core/util/time.h"
#include "tests/core/store_test_support.h"

namespace govsync::reviews_test {

namespace bdata = boost::unit_test::data;
using govsync::Error;
using govsync::ErrorCode;
using govsync::schema::Record;
using govsync::schema::RecordKind;
using namespace govsync::reviews;
using namespace govsync::store;
using namespace govsync::testing;

// An Asia/Shanghai wall-clock time as an instant.
inline int64_t local(int y, unsigned m, unsigned d, int hh = 0, int mm = 0) {
  return govsync::daysFromCivil(y, m, d) * govsync::kMillisPerDay + (hh * 60 + mm) * 60000LL - kShanghaiOffsetMs;
}
// The end of a local day (23:59:59.999).
inline int64_t endOf(int y, unsigned m, unsigned d) { return local(y, m, d + 1) - 1; }

inline std::shared_ptr<const WorkingCalendar> shippedCalendar() {
  const char* dir = std::getenv("GOVSYNC_SOURCE_DIR");
  const std::string root = dir ? dir : ".";
  return std::make_shared<const WorkingCalendar>(WorkingCalendar::loadFile(root + "/config/calendar/cn-holidays.csv"));
}

template <typename Fn>
inline std::string errorOf(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST(govsync::errorCodeName(e.code()) == govsync::errorCodeName(code), e.what());
    return e.what();
  }
  BOOST_FAIL("expected Error(" << govsync::errorCodeName(code) << "), nothing was thrown");
  return "";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline const auto kBackends = bdata::make(allBackends());

struct ReviewSpec {
  std::string id;
  int level;
  std::string department, window, item;
  std::optional<govsync::schema::ReviewChannel::type> channel;
  int64_t evaluatedAt;
  std::string caseNo = "";
  int evalSeq = 1;
};

inline Record review(const ReviewSpec& s) {
  Record r = reviewRecord("hcp", s.id, s.level);
  r.envelope.__set_department(s.department);
  r.review.__set_window_id(s.window);
  r.review.__set_item_code(s.item);
  if (s.channel) r.review.__set_channel(*s.channel);
  r.review.evaluated_at = s.evaluatedAt;
  if (!s.caseNo.empty()) r.review.__set_case_no(s.caseNo);
  r.review.__set_eval_seq(s.evalSeq);
  return r;
}

inline std::string idOf(const std::string& sourceId) {
  return govsync::computeRecordId("hcp", RecordKind::REVIEW, sourceId);
}

inline CommitResult commitAll(Store& store, std::vector<Record> records) {
  CommitBatch batch;
  batch.records = std::move(records);
  return store.commit(batch);
}

inline void usePolicy(Store& store) { store.setReviewPolicy({shippedCalendar(), 5}); }

}  // namespace govsync::reviews_test
