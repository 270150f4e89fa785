#include "mappings/engine/domain/id_codes.h"

#include <array>
#include <cstdint>

namespace govsync::mapping {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

bool allDigits(std::string_view s) {
  for (char c : s) {
    if (!isDigit(c)) return false;
  }
  return true;
}

unsigned digitsValue(std::string_view s) {
  unsigned v = 0;
  for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');
  return v;
}

bool validDate(unsigned y, unsigned m, unsigned d) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= (m == 2 && leap ? 29u : kDays[m - 1]);
}

// GB 11643 issues IDs to people born from the 19th century on; a year outside this is a typo, not a person.
constexpr unsigned kMinBirthYear = 1800;
constexpr unsigned kMaxBirthYear = 2099;

// ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 and the value → character map (GB 11643 §6.3).
constexpr int kIdWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kIdCheckChars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

// GB 32100 alphabet (value = index): digits and upper-case letters without I, O, S, V, Z.
constexpr std::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kCreditWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// Byte → alphabet value, -1 outside; a table because this runs per row.
constexpr std::array<int8_t, 256> makeCreditValues() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (size_t i = 0; i < kCreditAlphabet.size(); ++i) t[static_cast<unsigned char>(kCreditAlphabet[i])] = int8_t(i);
  return t;
}
constexpr std::array<int8_t, 256> kCreditValues = makeCreditValues();

}  // namespace

char citizenIdCheckDigit(std::string_view first17) {
  if (first17.size() != 17 || !allDigits(first17)) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdCheckChars[sum % 11];
}

IdCheck checkCitizenId(std::string_view id) {
  if (id.size() == 15) {
    if (!allDigits(id)) return IdCheck::BadCharacters;
    if (!validDate(1900 + digitsValue(id.substr(6, 2)), digitsValue(id.substr(8, 2)), digitsValue(id.substr(10, 2))))
      return IdCheck::BadBirthDate;
    return IdCheck::Valid;
  }
  if (id.size() != 18) return IdCheck::BadLength;
  const char last = id[17];
  if (!allDigits(id.substr(0, 17)) || !(isDigit(last) || last == 'X' || last == 'x')) return IdCheck::BadCharacters;
  const unsigned year = digitsValue(id.substr(6, 4));
  if (year < kMinBirthYear || year > kMaxBirthYear ||
      !validDate(year, digitsValue(id.substr(10, 2)), digitsValue(id.substr(12, 2))))
    return IdCheck::BadBirthDate;
  const char want = citizenIdCheckDigit(id.substr(0, 17));
  return (last == want || (last == 'x' && want == 'X')) ? IdCheck::Valid : IdCheck::BadCheckDigit;
}

std::string_view describe(IdCheck result) {
  switch (result) {
    case IdCheck::Valid: return "valid";
    case IdCheck::BadLength: return "wrong length (a citizen ID has 18 characters, or 15 digits in the 1989 form)";
    case IdCheck::BadCharacters: return "bad characters (digits only, the 18th may be X)";
    case IdCheck::BadBirthDate: return "invalid birth date";
    case IdCheck::BadCheckDigit: return "wrong check digit";
  }
  return "unknown";
}

char creditCodeCheckCharacter(std::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const int v = kCreditValues[static_cast<unsigned char>(first17[i])];
    if (v < 0) return '\0';
    sum += v * kCreditWeights[i];
  }
  const int check = 31 - sum % 31;
  return kCreditAlphabet[check == 31 ? 0 : check];
}

CreditCodeCheck checkCreditCode(std::string_view code) {
  if (code.size() != 18) return CreditCodeCheck::BadLength;
  for (size_t i = 0; i < 18; ++i) {
    const char c = code[i];
    const bool ok = (i >= 2 && i < 8) ? isDigit(c) : kCreditValues[static_cast<unsigned char>(c)] >= 0;
    if (!ok) return CreditCodeCheck::BadCharacters;
  }
  return creditCodeCheckCharacter(code.substr(0, 17)) == code[17] ? CreditCodeCheck::Valid
                                                                  : CreditCodeCheck::BadCheckCharacter;
}

std::string_view describe(CreditCodeCheck result) {
  switch (result) {
    case CreditCodeCheck::Valid: return "valid";
    case CreditCodeCheck::BadLength: return "wrong length (a unified social credit code has 18 characters)";
    case CreditCodeCheck::BadCharacters:
      return "bad characters (0-9 and upper-case A-Y without I O S V Z; characters 3-8 are digits)";
    case CreditCodeCheck::BadCheckCharacter: return "wrong check character";
  }
  return "unknown";
}

}  // namespace govsync::mapping
