// Unit tests of the mapping engine's domain functions, part three: strict decoding of legacy charsets
// (GBK, GB2312, GB18030) and UTF-8, charset names and NFC normalisation. Vectors come from
// /work/shared/reference/domain-standards.md and are noted where they were computed here.
// GCC 12 reports a false -Wrestrict inside Boost.Test's naming of data test cases (std::string operator+
// after inlining, GCC bug 105651); nothing of ours is involved.
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
#pragma GCC diagnostic ignored "-Wrestrict"
#endif

#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mappings/engine/domain/charset.h"

namespace bdata = boost::unit_test::data;
using namespace govsync::mapping;

BOOST_AUTO_TEST_SUITE(mapping_domain)

// --- charsets ------------------------------------------------------------------------------------------

BOOST_AUTO_TEST_SUITE(charset)

struct DecodeRow {
  Charset charset;
  std::string in;
  bool ok;
  std::string expected;  // UTF-8 output or the exact error
};
std::ostream& operator<<(std::ostream& os, const DecodeRow& r) {
  os << charsetName(r.charset);
  for (unsigned char c : r.in) os << ' ' << std::hex << unsigned(c) << std::dec;
  return os;
}

const DecodeRow kDecode[] = {
    {Charset::Gbk, "\xC5\xCC\xBD\xF5", true, "盘锦"},
    {Charset::Gb2312, "\xC5\xCC\xBD\xF5", true, "盘锦"},
    {Charset::Gb18030, "\xC5\xCC\xBD\xF5", true, "盘锦"},
    {Charset::Gbk, "\xC5\xCC\xBD\xF5\xCA\xD0 211100", true, "盘锦市 211100"},
    {Charset::Gbk, "\x80", true, "€"},
    {Charset::Gb2312, "\x80", false, "invalid GB2312 byte sequence 0x80 at byte 0"},
    {Charset::Gbk, "\x81\x40", true, "丂"},  // GBK-only
    {Charset::Gb2312, "\x81\x40", false, "invalid GB2312 byte sequence 0x81 0x40 at byte 0"},
    {Charset::Gb18030, "\x95\x32\x82\x36", true, "\xF0\xA0\x80\x80"},  // U+20000, CJK Ext-B
    {Charset::Gbk, "\x95\x32\x82\x36", false, "invalid GBK byte sequence 0x95 0x32 at byte 0"},
    {Charset::Gb18030, "\x82\x33\xC6\x39", true, "䘵"},  // U+4635, CJK Ext-A
    {Charset::Gbk, "Panjin 2022 \xC5\xCC\xBD\xF5 \x81\x20ok", false, "invalid GBK byte sequence 0x81 0x20 at byte 17"},
    {Charset::Gbk, "\xC5\xCC\xBD", false, "incomplete GBK byte sequence 0xBD at byte 2 (end of input)"},
    {Charset::Gb18030, "ab\x81\x30", false, "incomplete GB18030 byte sequence 0x81 0x30 at byte 2 (end of input)"},
    {Charset::Gb18030, "\x81\x30\x81\x20", false, "invalid GB18030 byte sequence 0x81 0x30 0x81 0x20 at byte 0"},
    {Charset::Gbk, "\xFF", false, "invalid GBK byte sequence 0xFF at byte 0"},
    // GBK 0xFD9C is the compatibility ideograph U+F92C; NFC maps it to the unified 郎 U+90CE.
    {Charset::Gbk, "\xFD\x9C", true, "\xE9\x83\x8E"},
    {Charset::Gbk, "plain ascii, no iconv", true, "plain ascii, no iconv"},
    {Charset::Gb18030, "", true, ""},
    {Charset::Utf8, "盘锦", true, "盘锦"},
    {Charset::Utf8, "e\xCC\x81", true, "\xC3\xA9"},  // e + U+0301 → é
    {Charset::Utf8, "Caf\xC3\xA9", true, "Caf\xC3\xA9"},
    {Charset::Utf8, "\xC0\xAF", false, "invalid UTF-8 byte sequence 0xC0 at byte 0"},               // overlong '/'
    {Charset::Utf8, "a\xE0\x80\xAF", false, "invalid UTF-8 byte sequence 0xE0 0x80 at byte 1"},     // overlong
    {Charset::Utf8, "\xED\xA0\x80", false, "invalid UTF-8 byte sequence 0xED 0xA0 at byte 0"},      // surrogate
    {Charset::Utf8, "\xF4\x90\x80\x80", false, "invalid UTF-8 byte sequence 0xF4 0x90 at byte 0"},  // > U+10FFFF
    {Charset::Utf8, "\xF5\x80", false, "invalid UTF-8 byte sequence 0xF5 at byte 0"},
    {Charset::Utf8, "ok\xE7\x9B", false, "incomplete UTF-8 byte sequence 0xE7 0x9B at byte 2 (end of input)"},
    {Charset::Utf8, "\xE7\x9B\x98\x80", false, "invalid UTF-8 byte sequence 0x80 at byte 3"},
    {Charset::Utf8, "\xE7\x9Bx", false, "invalid UTF-8 byte sequence 0xE7 0x9B 0x78 at byte 0"},
};

BOOST_DATA_TEST_CASE(decodes_strictly, bdata::make(kDecode), row) {
  CharsetDecoder decoder(row.charset);
  std::string out = "stale", error;
  const bool ok = decoder.decode(row.in, out, error);
  BOOST_TEST(ok == row.ok);
  if (row.ok) {
    BOOST_TEST(out == row.expected);
    BOOST_TEST(error.empty());
  } else {
    BOOST_TEST(error == row.expected);
    BOOST_TEST(out.empty());
  }
}

BOOST_AUTO_TEST_CASE(a_decoder_recovers_after_an_error) {
  CharsetDecoder decoder(Charset::Gb18030);
  std::string out, error;
  BOOST_TEST(!decoder.decode("\xC5\xCC\x81", out, error));
  BOOST_TEST(decoder.decode("\xC5\xCC\xBD\xF5", out, error));
  BOOST_TEST(out == "盘锦");
  CharsetDecoder moved(std::move(decoder));
  BOOST_TEST((moved.charset() == Charset::Gb18030));
  BOOST_TEST(moved.decode("\x95\x32\x82\x36", out, error));
  BOOST_TEST(out == "\xF0\xA0\x80\x80");
}

BOOST_AUTO_TEST_CASE(long_mixed_text) {
  // 5,000 repetitions of "盘锦€ab" in GBK: exercises the 3x output bound (€ is 1 byte in, 3 out).
  std::string in, want;
  for (int i = 0; i < 5000; ++i) {
    in +=
        "\xC5\xCC\xBD\xF5\x80"
        "ab";
    want += "盘锦€ab";
  }
  CharsetDecoder decoder(Charset::Gbk);
  std::string out, error;
  BOOST_TEST_REQUIRE(decoder.decode(in, out, error), error);
  BOOST_TEST(out == want);
  in += "\x81";
  BOOST_TEST(!decoder.decode(in, out, error));
  BOOST_TEST(error == "incomplete GBK byte sequence 0x81 at byte 35000 (end of input)");
}

struct NameRow {
  const char* name;
  std::optional<Charset> expected;
};
std::ostream& operator<<(std::ostream& os, const NameRow& r) { return os << "'" << r.name << "'"; }

const NameRow kNames[] = {
    {"utf-8", Charset::Utf8},
    {"UTF8", Charset::Utf8},
    {"GBK", Charset::Gbk},
    {"cp936", Charset::Gbk},
    {"Windows-936", Charset::Gbk},
    {"gb2312", Charset::Gb2312},
    {"EUC-CN", Charset::Gb2312},
    {"gb18030", Charset::Gb18030},
    {"GB18030", Charset::Gb18030},
    {"latin1", std::nullopt},
    {"", std::nullopt},
    {"gbk ", std::nullopt},
    {"utf-16", std::nullopt},
};

BOOST_DATA_TEST_CASE(charset_names, bdata::make(kNames), row) {
  BOOST_TEST((charsetFromName(row.name) == row.expected));
}

BOOST_AUTO_TEST_CASE(canonical_names) {
  BOOST_TEST(charsetName(Charset::Utf8) == "UTF-8");
  BOOST_TEST(charsetName(Charset::Gbk) == "GBK");
  BOOST_TEST(charsetName(Charset::Gb2312) == "GB2312");
  BOOST_TEST(charsetName(Charset::Gb18030) == "GB18030");
  for (Charset c : {Charset::Utf8, Charset::Gbk, Charset::Gb2312, Charset::Gb18030})
    BOOST_TEST((charsetFromName(charsetName(c)) == c));
}

BOOST_AUTO_TEST_CASE(to_nfc) {
  std::string out = "stale";
  BOOST_TEST(toNfc("e\xCC\x81", out));
  BOOST_TEST(out == "\xC3\xA9");
  BOOST_TEST(toNfc("A\xCC\x8A", out));  // A + ring above → Å U+00C5
  BOOST_TEST(out == "\xC3\x85");
  BOOST_TEST(toNfc("盘锦市", out));
  BOOST_TEST(out == "盘锦市");
  BOOST_TEST(toNfc("ascii", out));
  BOOST_TEST(out == "ascii");
  BOOST_TEST(!toNfc("\xC5\xCC", out));  // GBK bytes are not UTF-8
  BOOST_TEST(out.empty());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE_END()
