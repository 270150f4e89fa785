// Shared by the parts of the store contract suite (store_records_test.cpp,
// store_feed_test.cpp, store_admin_test.cpp, store_audit_test.cpp): every test
// case is a data test case over both backends (kBackends), with helpers to
// expect an Error, commit records, count rows, compute a record's id and build
// dead letters.
#pragma once

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/unit_test.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/record/record_rules.h"
#include "core/store/store.h"
#include "core/util/error.h"
#include "tests/core/store_test_support.h"

namespace govsync::testing::store_contract {

template <typename Fn>
Error expectError(ErrorCode code, Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    BOOST_TEST(errorCodeName(e.code()) == errorCodeName(code), e.what());
    return e;
  } catch (const std::exception& e) {
    BOOST_FAIL("expected Error(" << errorCodeName(code) << "), got another exception: " << e.what());
  }
  BOOST_FAIL("expected Error(" << errorCodeName(code) << "), nothing was thrown");
  throw std::logic_error("unreachable");
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline store::CommitResult commitRecords(store::Store& store, std::vector<schema::Record> records) {
  store::CommitBatch batch;
  batch.records = std::move(records);
  return store.commit(batch);
}

inline size_t countRows(const TestStore& s, const std::string& table) {
  return static_cast<size_t>(std::stoll(s.sql("SELECT count(*) FROM " + table).at(0).at(0)));
}

inline std::string recordIdOf(const schema::Record& r) {
  return govsync::computeRecordId(r.envelope.source_system, r.envelope.kind, r.envelope.source_id);
}

inline store::DeadLetter deadLetter(const std::string& source, const std::string& stage, const std::string& error,
                                    const std::string& raw) {
  store::DeadLetter d;
  d.source = source;
  d.platform = source;
  d.stage = stage;
  d.error = error;
  d.raw = raw;
  d.rawFormat = "json";
  return d;
}

/// Both backends: every data test case of the suite runs on each.
inline const auto kBackends = boost::unit_test::data::make(allBackends());

}  // namespace govsync::testing::store_contract
