// Check-digit validation of Chinese identifiers: the citizen ID number (GB 11643, ISO 7064 MOD 11-2) and the
// unified social credit code of organisations (GB 32100). Mappings flag failures rather than drop rows:
// legal early credit codes fail their check, and a typo in an ID must not lose a work order.
#pragma once

#include <string_view>

namespace govsync::mapping {

/// Outcome of checking a citizen ID number.
enum class IdCheck { Valid, BadLength, BadCharacters, BadBirthDate, BadCheckDigit };

/// Checks a GB 11643 citizen ID: 18 chars (17 digits + digit or X/x, birth date YYYYMMDD at 7-14, MOD 11-2
/// check) or the legacy 15-digit form (birth date YYMMDD read as 19YY, no check digit). No trimming.
IdCheck checkCitizenId(std::string_view id);

/// The 18th character GB 11643 requires for 17 leading digits ('0'-'9' or 'X'); '\0' if not 17 digits.
char citizenIdCheckDigit(std::string_view first17);

/// A short English description of an IdCheck, e.g. "wrong check digit".
std::string_view describe(IdCheck result);

/// Outcome of checking a unified social credit code.
enum class CreditCodeCheck { Valid, BadLength, BadCharacters, BadCheckCharacter };

/// Checks a GB 32100 code: 18 chars of 0-9 A-H J-N P Q R T U W X Y (upper case only), characters 3-8 digits
/// (the division code), and the MOD 31 check character. Some legal early codes fail the check: flag them,
/// don't reject them.
CreditCodeCheck checkCreditCode(std::string_view code);

/// The check character for the first 17 characters of a credit code; '\0' if a character is outside the
/// alphabet or the length is not 17.
char creditCodeCheckCharacter(std::string_view first17);

/// A short English description of a CreditCodeCheck, e.g. "wrong check character".
std::string_view describe(CreditCodeCheck result);

}  // namespace govsync::mapping
