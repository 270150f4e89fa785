#include "core/record/masking.h"

#include <cstring>

namespace govsync {

namespace {
// Number of bytes of the UTF-8 character starting with lead byte `c` (1 for
// stray continuation bytes so iteration always advances).
size_t utf8Len(unsigned char c) {
  if (c >= 0xF0) return 4;
  if (c >= 0xE0) return 3;
  if (c >= 0xC0) return 2;
  return 1;
}

// `v` into `out` with its first `head` and last `tail` bytes kept and the rest starred.
size_t keepEnds(std::string_view v, size_t head, size_t tail, char* out) {
  const size_t n = v.size();
  if (n == 0) return 0;
  std::memcpy(out, v.data(), head);
  std::memset(out + head, '*', n - head - tail);
  std::memcpy(out + n - tail, v.data() + n - tail, tail);
  return n;
}

size_t maskPhoneInto(std::string_view p, char* out) {
  if (p.size() >= 11) return keepEnds(p, 3, 4, out);
  if (p.size() >= 6) return keepEnds(p, p.size() / 3, p.size() / 3, out);
  return keepEnds(p, 0, 0, out);
}

size_t maskIdNoInto(std::string_view id, char* out) {
  return keepEnds(id, id.size() >= 12 ? 6 : 0, id.size() >= 12 ? 4 : 0, out);
}

size_t maskNameInto(std::string_view name, char* out) {
  if (name.empty()) return 0;
  size_t i = utf8Len(static_cast<unsigned char>(name[0]));
  if (i > name.size()) i = name.size();
  std::memcpy(out, name.data(), i);
  size_t o = i;
  while (i < name.size()) {
    i += utf8Len(static_cast<unsigned char>(name[i]));
    out[o++] = '*';
  }
  return o;
}

}  // namespace

size_t maskAsInto(schema::PiiKind kind, std::string_view value, char* out) {
  switch (kind) {
    case schema::PiiKind::Name: return maskNameInto(value, out);
    case schema::PiiKind::Phone: return maskPhoneInto(value, out);
    case schema::PiiKind::IdNo: return maskIdNoInto(value, out);
    case schema::PiiKind::None: break;
  }
  if (!value.empty()) std::memcpy(out, value.data(), value.size());
  return value.size();
}

namespace {
template <size_t (*Into)(std::string_view, char*)>
std::string masked(std::string_view value) {
  std::string out(value.size(), '\0');
  out.resize(Into(value, out.data()));
  return out;
}
}  // namespace

std::string maskPhone(std::string_view phone) { return masked<maskPhoneInto>(phone); }
std::string maskIdNo(std::string_view id) { return masked<maskIdNoInto>(id); }
std::string maskName(std::string_view name) { return masked<maskNameInto>(name); }

namespace {
std::string replaceAll(std::string_view text, std::string_view what, std::string_view with) {
  std::string out;
  size_t from = 0;
  for (size_t at; (at = text.find(what, from)) != std::string_view::npos; from = at + what.size()) {
    out.append(text.substr(from, at - from));
    out.append(with);
  }
  out.append(text.substr(from));
  return out;
}
}  // namespace

std::string redactValue(std::string_view text, std::string_view value, std::string_view replacement) {
  if (value.size() < 3) return std::string(text);
  std::string out = replaceAll(text, value, replacement);
  // Messages quote a long value cut short, its first bytes then "..." or
  // "…" (a time format quotes 64 bytes, a dead letter keeps 200): the
  // longest such prefix found goes too.
  for (size_t n = value.size() - 1; n >= 16; --n) {
    const auto prefix = value.substr(0, n);
    for (std::string_view ellipsis : {"...", "…"}) {
      const std::string cut = std::string(prefix) + std::string(ellipsis);
      if (out.find(cut) != std::string::npos) return replaceAll(out, cut, replacement);
    }
  }
  return out;
}

std::string redactQuoted(std::string_view text, std::string_view replacement) {
  std::string out;
  size_t from = 0;
  for (size_t open; (open = text.find('\'', from)) != std::string_view::npos;) {
    const size_t close = text.find('\'', open + 1);
    if (close == std::string_view::npos) break;
    out.append(text.substr(from, open + 1 - from));
    out.append(replacement);
    out += '\'';
    from = close + 1;
  }
  out.append(text.substr(from));
  return out;
}

std::string maskAs(schema::PiiKind kind, std::string_view value) {
  std::string out(value.size(), '\0');
  out.resize(maskAsInto(kind, value, out.data()));
  return out;
}

}  // namespace govsync
