// Strict decoding of legacy Chinese charsets (GBK, GB2312, GB18030; e.g. JT/T 808 strings, ZHS16GBK Oracle
// clients) to UTF-8 in NFC, the schema's text form. Strict because a silently substituted or dropped byte
// corrupts names and addresses for good: any invalid or truncated sequence is an error naming the offset and
// the bytes, never U+FFFD, //IGNORE or //TRANSLIT.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace govsync::mapping {

/// A source text encoding.
enum class Charset { Utf8, Gbk, Gb2312, Gb18030 };

/// Case-insensitive: utf-8 utf8 → Utf8; gbk cp936 windows-936 → Gbk; gb2312 euc-cn → Gb2312; gb18030.
std::optional<Charset> charsetFromName(std::string_view name);

/// The canonical name: "UTF-8", "GBK", "GB2312" or "GB18030".
std::string_view charsetName(Charset charset);

/// Decodes one charset to UTF-8 NFC; construct once per mapping and column, reuse per row.
class CharsetDecoder {
 public:
  /// Opens the glibc iconv converter; throws std::runtime_error if the C library lacks it.
  explicit CharsetDecoder(Charset charset);
  ~CharsetDecoder();
  CharsetDecoder(const CharsetDecoder&) = delete;
  CharsetDecoder& operator=(const CharsetDecoder&) = delete;
  /// Moves the converter; the source is left unusable.
  CharsetDecoder(CharsetDecoder&& other) noexcept;
  CharsetDecoder& operator=(CharsetDecoder&&) = delete;

  /// Decodes `in` into `out` (replaced) as UTF-8 NFC. On an invalid or incomplete sequence returns false, clears
  /// `out` and sets `error`, e.g. "invalid GBK byte sequence 0x81 0x20 at byte 17". Pure ASCII is copied as is.
  /// Not thread-safe (the iconv state), allocation-free once `out` has grown; never throws.
  bool decode(std::string_view in, std::string& out, std::string& error);
  /// decode() without the copy when there is nothing to change: `view` is `in` itself when it is ASCII or,
  /// for a UTF-8 decoder, valid UTF-8 already in NFC (`out` is then left as it was); otherwise it is `out`,
  /// which holds the decoded text as decode() would leave it.
  bool decodeView(std::string_view in, std::string& out, std::string_view& view, std::string& error);

  /// The charset this decoder reads.
  Charset charset() const { return charset_; }

 private:
  Charset charset_;
  void* cd_;             // iconv_t, kept opaque so callers don't include <iconv.h>
  std::string scratch_;  // reused NFC output buffer
};

/// Normalises valid UTF-8 to NFC into `out` (replaced); false (out cleared) if `utf8` is not valid UTF-8
/// (overlong forms, surrogates, > U+10FFFF and truncation are invalid). Thread-safe.
bool toNfc(std::string_view utf8, std::string& out);

}  // namespace govsync::mapping
