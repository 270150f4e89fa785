#include "core/record/masking.h"

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
}  // namespace

std::string maskPhone(std::string_view p) {
  if (p.size() >= 11) {
    return std::string(p.substr(0, 3)) + std::string(p.size() - 7, '*') + std::string(p.substr(p.size() - 4));
  }
  if (p.size() >= 6) {
    const size_t keep = p.size() / 3;
    return std::string(p.substr(0, keep)) + std::string(p.size() - 2 * keep, '*') +
           std::string(p.substr(p.size() - keep));
  }
  return std::string(p.size(), '*');
}

std::string maskIdNo(std::string_view id) {
  if (id.size() >= 12)
    return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') + std::string(id.substr(id.size() - 4));
  return std::string(id.size(), '*');
}

std::string maskName(std::string_view name) {
  if (name.empty()) return {};
  std::string out;
  size_t i = utf8Len(static_cast<unsigned char>(name[0]));
  if (i > name.size()) i = name.size();
  out.append(name.substr(0, i));
  while (i < name.size()) {
    i += utf8Len(static_cast<unsigned char>(name[i]));
    out += '*';
  }
  return out;
}

std::string maskAs(schema::PiiKind kind, std::string_view value) {
  switch (kind) {
    case schema::PiiKind::Name: return maskName(value);
    case schema::PiiKind::Phone: return maskPhone(value);
    case schema::PiiKind::IdNo: return maskIdNo(value);
    case schema::PiiKind::None: break;
  }
  return std::string(value);
}

}  // namespace govsync
