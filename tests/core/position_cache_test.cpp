// The position cache behind the feed cache and the Thrift front's decoded
// records: bounded by bytes, keeps the newest positions, never churns on old
// ones, and turned off by a zero budget.
#include <boost/test/unit_test.hpp>

#include <string>

#include "core/store/position_cache.h"

using govsync::store::PositionCache;

BOOST_AUTO_TEST_CASE(keeps_values_by_position) {
  PositionCache<std::string> cache(1000);
  cache.put(1, "one", 10);
  cache.put(2, "two", 10);
  BOOST_TEST(cache.get(1).value() == "one");
  BOOST_TEST(cache.get(2).value() == "two");
  BOOST_TEST(!cache.get(3).has_value());
  BOOST_TEST(cache.entries() == 2u);
  BOOST_TEST(cache.bytes() == 20u);
  cache.put(1, "other", 10);  // a position's value never changes: the first stays
  BOOST_TEST(cache.get(1).value() == "one");
  BOOST_TEST(cache.bytes() == 20u);
}

BOOST_AUTO_TEST_CASE(over_budget_the_lowest_positions_go_first) {
  PositionCache<int> cache(100);
  for (int p = 1; p <= 10; ++p) cache.put(p, p, 20);
  BOOST_TEST(cache.bytes() <= 100u);
  BOOST_TEST(cache.entries() == 5u);
  BOOST_TEST(!cache.get(5).has_value());
  for (int p = 6; p <= 10; ++p) BOOST_TEST(cache.get(p).value() == p);
  // An older position than all kept, while full: not taken (it would be next to go).
  cache.put(2, 2, 20);
  BOOST_TEST(!cache.get(2).has_value());
  BOOST_TEST(cache.get(6).value() == 6);
}

BOOST_AUTO_TEST_CASE(a_huge_value_does_not_empty_the_cache) {
  PositionCache<int> cache(100);
  cache.put(1, 1, 20);
  cache.put(2, 2, 26);  // over a quarter of the budget: not kept
  BOOST_TEST(!cache.get(2).has_value());
  BOOST_TEST(cache.get(1).value() == 1);
}

BOOST_AUTO_TEST_CASE(a_zero_budget_keeps_nothing) {
  PositionCache<int> cache(0);
  BOOST_TEST(!cache.enabled());
  cache.put(1, 1, 1);
  BOOST_TEST(!cache.get(1).has_value());
  BOOST_TEST(cache.entries() == 0u);
}
