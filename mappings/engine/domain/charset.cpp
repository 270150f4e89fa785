#include "mappings/engine/domain/charset.h"

#include <iconv.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace govsync::mapping {

namespace {

const iconv_t kNoIconv = reinterpret_cast<iconv_t>(-1);

// Length of the pure-ASCII prefix, 8 bytes at a time: most rows of most columns are ASCII.
size_t asciiPrefix(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t chunk;
    std::memcpy(&chunk, s.data() + i, 8);
    if (chunk & 0x8080808080808080ull) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  return i;
}

// Validates UTF-8 from `pos`. On failure returns false with the offending sequence's start and length (the
// lead byte up to and including the first bad byte) and whether it was cut off by the end of input.
bool validateUtf8(std::string_view s, size_t pos, size_t& badPos, size_t& badLen, bool& truncated) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  while (pos < n) {
    const unsigned char b = p[pos];
    if (b < 0x80) {
      ++pos;
      continue;
    }
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the first continuation byte
    if (b >= 0xC2 && b <= 0xDF) {
      need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      need = 2;
      if (b == 0xE0) lo = 0xA0;  // overlong
      if (b == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      need = 3;
      if (b == 0xF0) lo = 0x90;  // overlong
      if (b == 0xF4) hi = 0x8F;  // > U+10FFFF
    } else {
      badPos = pos;
      badLen = 1;
      truncated = false;
      return false;
    }
    for (size_t k = 1; k <= need; ++k) {
      if (pos + k >= n) {
        badPos = pos;
        badLen = k;
        truncated = true;
        return false;
      }
      const unsigned char c = p[pos + k];
      const bool ok = k == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
      if (!ok) {
        badPos = pos;
        badLen = k + 1;
        truncated = false;
        return false;
      }
    }
    pos += need + 1;
  }
  return true;
}

// "invalid GBK byte sequence 0x81 0x20 at byte 17" / "incomplete UTF-8 byte sequence 0xE4 0xBD at byte 5
// (end of input)".
void describeBadBytes(std::string& error, std::string_view charset, std::string_view in, size_t pos, size_t len,
                      bool truncated) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  error.clear();
  error += truncated ? "incomplete " : "invalid ";
  error += charset;
  error += " byte sequence";
  for (size_t i = pos; i < pos + len && i < in.size(); ++i) {
    const auto b = static_cast<unsigned char>(in[i]);
    error += " 0x";
    error += kHex[b >> 4];
    error += kHex[b & 15];
  }
  error += " at byte ";
  error += std::to_string(pos);
  if (truncated) error += " (end of input)";
}

// How many bytes of a rejected GB sequence to show: the lead byte and its trail (four for a GB18030
// four-byte form, recognised by a digit as second byte), so the message shows what the source sent.
size_t gbSequenceLength(Charset charset, std::string_view in, size_t pos) {
  const auto lead = static_cast<unsigned char>(in[pos]);
  if (lead < 0x81 || lead > 0xFE || pos + 1 >= in.size()) return 1;
  const auto second = static_cast<unsigned char>(in[pos + 1]);
  if (charset == Charset::Gb18030 && second >= 0x30 && second <= 0x39) return 4;
  return 2;
}

const icu::Normalizer2* nfc() {
  // ICU caches the instance; it is immutable and thread-safe.
  static const icu::Normalizer2* instance = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    return U_SUCCESS(status) ? n : nullptr;
  }();
  return instance;
}

// True when valid UTF-8 `in` holds only characters that are NFC as they stand
// and never combine with a neighbour: ASCII, CJK ideographs (incl. Ext-A),
// common CJK punctuation, general punctuation and fullwidth forms — which is
// nearly all legacy Chinese text — so ICU is not consulted for it.
bool isPlainCjk(std::string_view in) {
  const auto* p = reinterpret_cast<const unsigned char*>(in.data());
  const size_t n = in.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    if (i + 2 >= n) return false;
    if (c >= 0xE4 && c <= 0xE9) {  // U+4000–U+9FFF: ideographs, no combining marks
      i += 3;
      continue;
    }
    const unsigned char c1 = p[i + 1], c2 = p[i + 2];
    if (c == 0xE3 && c1 == 0x80 && (c2 <= 0xA9 || c2 >= 0xB0)) {  // U+3000–U+3029, U+3030–U+303F
      i += 3;
      continue;
    }
    if (c == 0xE2 && c1 == 0x80 && c2 >= 0x90 && c2 <= 0xA7) {  // U+2010–U+2027 dashes, quotes, …
      i += 3;
      continue;
    }
    if (c == 0xEF && ((c1 == 0xBC && c2 >= 0x81) || (c1 == 0xBD && c2 <= 0x9E))) {  // U+FF01–U+FF5E fullwidth
      i += 3;
      continue;
    }
    return false;
  }
  return true;
}

// Quick check: already-NFC text (nearly all of it) costs one pass over the UTF-8, with no copy through UTF-16.
// Returns false for "not NFC" and on ICU failure alike; normalizeInto() then reports the failure.
bool isNfc(std::string_view in) {
  if (isPlainCjk(in)) return true;
  const icu::Normalizer2* n = nfc();
  if (n == nullptr || in.size() > static_cast<size_t>(INT32_MAX)) return false;
  UErrorCode status = U_ZERO_ERROR;
  const UBool yes = n->isNormalizedUTF8(icu::StringPiece(in.data(), static_cast<int32_t>(in.size())), status);
  return U_SUCCESS(status) && yes;
}

// Appends the NFC form of valid UTF-8 `in` to `out`.
bool normalizeInto(std::string_view in, std::string& out) {
  const icu::Normalizer2* n = nfc();
  if (n == nullptr || in.size() > static_cast<size_t>(INT32_MAX)) return false;
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(in.size()));
  n->normalizeUTF8(0, icu::StringPiece(in.data(), static_cast<int32_t>(in.size())), sink, nullptr, status);
  return U_SUCCESS(status);
}

const char* iconvName(Charset c) {
  switch (c) {
    case Charset::Gbk: return "GBK";
    case Charset::Gb2312: return "GB2312";
    case Charset::Gb18030: return "GB18030";
    case Charset::Utf8: break;
  }
  return nullptr;
}

bool equalsIgnoreCase(std::string_view a, std::string_view lowerB) {
  if (a.size() != lowerB.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lowerB[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<Charset> charsetFromName(std::string_view name) {
  struct Alias {
    std::string_view name;
    Charset charset;
  };
  static constexpr Alias kAliases[] = {
      {"utf-8", Charset::Utf8},    {"utf8", Charset::Utf8},       {"gbk", Charset::Gbk},
      {"cp936", Charset::Gbk},     {"windows-936", Charset::Gbk}, {"gb2312", Charset::Gb2312},
      {"euc-cn", Charset::Gb2312}, {"gb18030", Charset::Gb18030},
  };
  for (const Alias& a : kAliases) {
    if (equalsIgnoreCase(name, a.name)) return a.charset;
  }
  return std::nullopt;
}

std::string_view charsetName(Charset charset) {
  switch (charset) {
    case Charset::Utf8: return "UTF-8";
    case Charset::Gbk: return "GBK";
    case Charset::Gb2312: return "GB2312";
    case Charset::Gb18030: return "GB18030";
  }
  return "unknown";
}

CharsetDecoder::CharsetDecoder(Charset charset) : charset_(charset), cd_(kNoIconv) {
  if (const char* from = iconvName(charset)) {
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == kNoIconv)
      throw std::runtime_error(std::string("iconv cannot convert from ") + from + " to UTF-8: " + std::strerror(errno));
    cd_ = cd;
  }
}

CharsetDecoder::CharsetDecoder(CharsetDecoder&& other) noexcept
    : charset_(other.charset_), cd_(std::exchange(other.cd_, kNoIconv)), scratch_(std::move(other.scratch_)) {}

CharsetDecoder::~CharsetDecoder() {
  if (cd_ != kNoIconv) iconv_close(static_cast<iconv_t>(cd_));
}

bool CharsetDecoder::decodeView(std::string_view in, std::string& out, std::string_view& view, std::string& error) {
  const size_t ascii = asciiPrefix(in);
  if (ascii == in.size()) {
    view = in;
    return true;
  }
  if (charset_ == Charset::Utf8) {
    size_t badPos = 0, badLen = 0;
    bool truncated = false;
    if (!validateUtf8(in, ascii, badPos, badLen, truncated)) {
      out.clear();
      describeBadBytes(error, charsetName(charset_), in, badPos, badLen, truncated);
      return false;
    }
    if (isNfc(in)) {
      view = in;
      return true;
    }
  }
  if (!decode(in, out, error)) return false;
  view = out;
  return true;
}

bool CharsetDecoder::decode(std::string_view in, std::string& out, std::string& error) {
  out.clear();
  const size_t ascii = asciiPrefix(in);
  if (ascii == in.size()) {  // ASCII is the same in every supported charset and always NFC
    out.append(in);
    return true;
  }
  const std::string_view name = charsetName(charset_);
  if (charset_ == Charset::Utf8) {
    size_t badPos = 0, badLen = 0;
    bool truncated = false;
    if (!validateUtf8(in, ascii, badPos, badLen, truncated)) {
      describeBadBytes(error, name, in, badPos, badLen, truncated);
      return false;
    }
    if (isNfc(in)) {
      out.append(in);
      return true;
    }
    if (!normalizeInto(in, out)) {
      out.clear();
      error = "Unicode normalisation (NFC) failed";
      return false;
    }
    return true;
  }
  if (cd_ == kNoIconv) {
    error = "decoder was moved from";
    return false;
  }

  // Every supported GB sequence becomes at most 3 UTF-8 bytes per input byte (GBK 0x80 → € is the worst).
  // Convert straight into `out`; only text that is not already NFC goes through scratch_.
  out.resize(in.size() * 3 + 4);
  std::memcpy(out.data(), in.data(), ascii);
  auto cd = static_cast<iconv_t>(cd_);
  iconv(cd, nullptr, nullptr, nullptr, nullptr);       // a previous failure may have left shift state behind
  char* inPtr = const_cast<char*>(in.data()) + ascii;  // iconv's API is not const-correct; it does not write
  size_t inLeft = in.size() - ascii;
  char* outPtr = out.data() + ascii;
  size_t outLeft = out.size() - ascii;
  while (inLeft > 0) {
    const size_t r = iconv(cd, &inPtr, &inLeft, &outPtr, &outLeft);
    if (r != static_cast<size_t>(-1)) {
      if (r != 0) {  // irreversible conversions would be substitutions, which we never accept
        out.clear();
        error = "irreversible ";
        error += name;
        error += " conversion";
        return false;
      }
      break;
    }
    const size_t pos = static_cast<size_t>(inPtr - in.data());
    if (errno == E2BIG) {  // cannot happen with the bound above, but never truncate silently
      const size_t used = static_cast<size_t>(outPtr - out.data());
      out.resize(out.size() * 2);
      outPtr = out.data() + used;
      outLeft = out.size() - used;
      continue;
    }
    out.clear();
    if (errno == EINVAL) {
      describeBadBytes(error, name, in, pos, in.size() - pos, true);
    } else {
      describeBadBytes(error, name, in, pos, gbSequenceLength(charset_, in, pos), false);
    }
    return false;
  }
  out.resize(static_cast<size_t>(outPtr - out.data()));
  if (isNfc(out)) return true;
  scratch_.clear();
  if (!normalizeInto(out, scratch_)) {
    out.clear();
    error = "Unicode normalisation (NFC) failed";
    return false;
  }
  out.swap(scratch_);
  return true;
}

bool toNfc(std::string_view utf8, std::string& out) {
  out.clear();
  const size_t ascii = asciiPrefix(utf8);
  if (ascii == utf8.size()) {
    out.append(utf8);
    return true;
  }
  size_t badPos = 0, badLen = 0;
  bool truncated = false;
  if (!validateUtf8(utf8, ascii, badPos, badLen, truncated)) return false;
  if (isNfc(utf8)) {
    out.append(utf8);
    return true;
  }
  if (!normalizeInto(utf8, out)) {
    out.clear();
    return false;
  }
  return true;
}

}  // namespace govsync::mapping
