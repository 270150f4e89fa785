// The one Boost.Test main shared by every suite.
#define BOOST_TEST_MODULE govsync
#include <boost/test/unit_test.hpp>
