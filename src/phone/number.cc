#include "phone/number.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <optional>
#include <string>

#include "phone/regions.h"

namespace secinfo::phone {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// Longer input is refused before libphonenumber sees it: no real number with any formatting
// comes close, and it bounds the work done for a hostile request.
constexpr size_t kMaxInputBytes = 100;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsBlank(char c) { return c == ' ' || c == '\t'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsBlank(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsBlank(s.back())) s.remove_suffix(1);
  return s;
}

bool HasDigit(std::string_view s) {
  for (char c : s) {
    if (IsDigit(c)) return true;
  }
  return false;
}

// The ASCII counterpart of a non-ASCII punctuation mark libphonenumber reads as a separator or
// a sign (its VALID_PUNCTUATION and PLUS_CHARS), or 0 when there is none.
char FoldPunctuation(UChar32 c) {
  switch (c) {
    case 0xFF0B:  // full-width plus
      return '+';
    case 0xFF08:  // full-width parentheses and brackets
    case 0xFF3B:
    case '[':
      return '(';
    case 0xFF09:
    case 0xFF3D:
    case ']':
      return ')';
    case 0xFF0E:  // full-width full stop
      return '.';
    case 0xFF0F:  // full-width solidus, division slash
    case 0x2215:
      return '/';
    case 0x2212:  // minus sign
    case 0x30FC:  // katakana long sound mark, used as a dash in Japanese numbers
    case 0x2053:  // swung dash, tildes: Japanese and Chinese separators
    case 0x223C:
    case 0xFF5E:
    case '~':
      return '-';
    default:
      return 0;
  }
}

// Rewrites numbers as people type or paste them in any script: decimal digits of every script
// (Arabic-Indic, Persian, Devanagari, full-width...) become ASCII digits, Unicode spaces become a
// space, dashes a '-', invisible formatting marks (the bidi marks that come with Arabic text, soft
// hyphens, zero-width spaces) disappear, and the other separators libphonenumber accepts become
// their ASCII forms. Anything else is kept as it is, to be refused later as an invalid character.
std::string FoldToAscii(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  const auto length = static_cast<int32_t>(in.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(in.data(), i, length, c);
    if (c >= 0 && c < 0x80 && c != '~' && c != '[' && c != ']') {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (c >= 0) {
      const int8_t type = u_charType(c);
      if (type == U_DECIMAL_DIGIT_NUMBER) {
        out.push_back(static_cast<char>('0' + u_charDigitValue(c)));
        continue;
      }
      if (type == U_SPACE_SEPARATOR) {
        out.push_back(' ');
        continue;
      }
      if (type == U_DASH_PUNCTUATION) {
        out.push_back('-');
        continue;
      }
      if (type == U_FORMAT_CHAR) continue;
      if (char ascii = FoldPunctuation(c); ascii != 0) {
        out.push_back(ascii);
        continue;
      }
    }
    out.append(in.substr(static_cast<size_t>(start), static_cast<size_t>(i - start)));
  }
  return out;
}

struct Split {
  std::string_view number;
  std::string_view extension;  // empty when there is none
};

// Splits a trailing extension introduced by a keyword or symbol ("ext. 123", "x123", ";ext=123",
// "#123", "poste 123"). REQUIRES: `s` is trimmed.
Split SplitKeywordExtension(std::string_view s) {
  size_t digits = s.size();
  while (digits > 0 && IsDigit(s[digits - 1])) --digits;
  if (digits == s.size()) return {s, {}};
  size_t k = digits;
  while (k > 0 && (IsBlank(s[k - 1]) || s[k - 1] == '.' || s[k - 1] == ':' || s[k - 1] == '=')) {
    --k;
  }
  // Longest first, so that "extension" is not read as "...sion".
  static constexpr std::string_view kMarkers[] = {"extension", "poste", "extn", "ext", "x", "#"};
  for (std::string_view marker : kMarkers) {
    if (k < marker.size()) continue;
    const size_t start = k - marker.size();
    bool match = true;
    for (size_t i = 0; i < marker.size(); ++i) {
      if (Lower(s[start + i]) != marker[i]) match = false;
    }
    // A word marker must start a word: "box 12" is not "x 12".
    if (!match || (start > 0 && IsAsciiLetter(s[start - 1]) && IsAsciiLetter(marker[0]))) {
      continue;
    }
    std::string_view number = s.substr(0, start);
    while (!number.empty() &&
           (IsBlank(number.back()) || number.back() == ',' || number.back() == ';')) {
      number.remove_suffix(1);
    }
    if (!HasDigit(number)) return {s, {}};
    return {number, s.substr(digits)};
  }
  return {s, {}};
}

// Splits a final "-123" group. Returns nullopt when there is none.
std::optional<Split> SplitDashExtension(std::string_view s) {
  const size_t dash = s.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  const std::string_view tail = Trim(s.substr(dash + 1));
  const std::string_view head = Trim(s.substr(0, dash));
  if (tail.empty() || !HasDigit(head)) return std::nullopt;
  for (char c : tail) {
    if (!IsDigit(c)) return std::nullopt;
  }
  return Split{head, tail};
}

// Digits, the usual separators, and '+' only in front.
bool HasOnlyNumberCharacters(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c) || IsBlank(c) || c == '-' || c == '.' || c == '(' || c == ')' || c == '/') {
      continue;
    }
    if (c == '+' && i == 0) continue;
    return false;
  }
  return true;
}

NumberType ToNumberType(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::MOBILE:
      return NumberType::kMobile;
    case PhoneNumberUtil::FIXED_LINE:
      return NumberType::kFixedLine;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return NumberType::kFixedLineOrMobile;
    case PhoneNumberUtil::VOIP:
      return NumberType::kVoip;
    case PhoneNumberUtil::TOLL_FREE:
      return NumberType::kTollFree;
    case PhoneNumberUtil::PREMIUM_RATE:
      return NumberType::kPremiumRate;
    case PhoneNumberUtil::SHARED_COST:
      return NumberType::kSharedCost;
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return NumberType::kPersonalNumber;
    case PhoneNumberUtil::PAGER:
      return NumberType::kPager;
    case PhoneNumberUtil::UAN:
      return NumberType::kUan;
    case PhoneNumberUtil::VOICEMAIL:
      return NumberType::kVoicemail;
    default:
      return NumberType::kOther;
  }
}

// Parses `text` (no extension, only number characters) and checks it is a valid number.
std::variant<PhoneNumber, ParseError> ParseValid(std::string_view text, const std::string& region) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  switch (util.ParseAndKeepRawInput(std::string(text), region, &number)) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return ParseError::kInvalidCountryCode;
    case PhoneNumberUtil::TOO_LONG_NSN:
      return ParseError::kTooLong;
    case PhoneNumberUtil::NOT_A_NUMBER:  // fewer than 2 digits ("+33", "1"): letters are gone
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
    default:
      return ParseError::kTooShort;
  }
  switch (util.IsPossibleNumberWithReason(number)) {
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return ParseError::kInvalidCountryCode;
    case PhoneNumberUtil::TOO_LONG:
      return ParseError::kTooLong;
    case PhoneNumberUtil::INVALID_LENGTH:  // between two valid lengths: no such number
      return ParseError::kNotValidForRegion;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:  // lacks the area code
    case PhoneNumberUtil::TOO_SHORT:
    default:
      return ParseError::kTooShort;
  }
  // A number given without its country must belong to the chosen region ("0692 12 34 56" is a
  // Réunion mobile, not a French one: the user picked the wrong region).
  const bool country_implied = number.country_code_source() == PhoneNumber::FROM_DEFAULT_COUNTRY;
  const bool valid =
      country_implied ? util.IsValidNumberForRegion(number, region) : util.IsValidNumber(number);
  if (!valid) return ParseError::kNotValidForRegion;
  // The typed text has served (country_code_source above). Kept, it would be what libphonenumber
  // formats a number whose national part is all zeros as ("+800 0000 0000" typed "00800...").
  number.clear_raw_input();
  // ITU-T E.164 §6.1: at most 15 digits, country code included. libphonenumber's metadata is wider
  // for some plans (Germany's accepts 17), and no network routes such a number.
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  if (e164.size() > 1 + 15) return ParseError::kTooLong;
  return number;
}

ParsedNumber Describe(PhoneNumber number, std::string_view extension) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  ParsedNumber out;
  if (number.has_extension()) {  // a form libphonenumber knows and we did not split off
    if (extension.empty()) extension = number.extension();
    number.clear_extension();
  }
  util.Format(number, PhoneNumberUtil::E164, &out.e164);
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &out.international);
  util.GetRegionCodeForNumber(number, &out.region);
  out.calling_code = number.country_code();
  out.type = ToNumberType(util.GetNumberType(number));
  out.extension_removed = !extension.empty();
  out.removed_extension = std::string(extension);
  return out;
}

}  // namespace

ParseOutcome Parse(std::string_view input, std::string_view region) {
  // Digits of other scripts take up to 4 bytes each: the limit applies once they are folded.
  if (input.size() > 4 * kMaxInputBytes) return ParseOutcome::Failure(ParseError::kTooLong);
  const std::string folded = FoldToAscii(input);
  if (folded.size() > kMaxInputBytes) return ParseOutcome::Failure(ParseError::kTooLong);
  const std::string_view text = Trim(folded);
  if (text.empty()) return ParseOutcome::Failure(ParseError::kEmpty);

  const Split split = SplitKeywordExtension(text);
  if (!HasOnlyNumberCharacters(split.number)) {
    return ParseOutcome::Failure(ParseError::kInvalidCharacters);
  }
  const bool has_plus = split.number.front() == '+';
  if (!has_plus && !IsSupportedRegion(region)) {
    return ParseOutcome::Failure(ParseError::kUnknownRegion);
  }
  // "ZZ" is libphonenumber's "unknown region": with a '+', the number carries its own.
  const std::string parse_region = has_plus ? "ZZ" : std::string(region);

  auto whole = ParseValid(split.number, parse_region);
  if (auto* number = std::get_if<PhoneNumber>(&whole)) {
    return ParseOutcome::Success(Describe(std::move(*number), split.extension));
  }
  // libphonenumber joins "-12345" to the number; read it as an extension only when the digits
  // before it make a valid number on their own.
  if (split.extension.empty()) {
    if (const std::optional<Split> dash = SplitDashExtension(split.number)) {
      auto head = ParseValid(dash->number, parse_region);
      if (auto* number = std::get_if<PhoneNumber>(&head)) {
        return ParseOutcome::Success(Describe(std::move(*number), dash->extension));
      }
    }
  }
  return ParseOutcome::Failure(std::get<ParseError>(whole));
}

std::string FormatInternational(std::string_view e164) {
  if (e164.empty() || e164.front() != '+' || e164.size() > kMaxInputBytes) {
    return std::string(e164);
  }
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  if (util.Parse(std::string(e164), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::string(e164);
  }
  std::string out;
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &out);
  return out;
}

const char* NumberTypeName(NumberType type) {
  switch (type) {
    case NumberType::kMobile:
      return "mobile";
    case NumberType::kFixedLine:
      return "fixed_line";
    case NumberType::kFixedLineOrMobile:
      return "fixed_line_or_mobile";
    case NumberType::kVoip:
      return "voip";
    case NumberType::kTollFree:
      return "toll_free";
    case NumberType::kPremiumRate:
      return "premium_rate";
    case NumberType::kSharedCost:
      return "shared_cost";
    case NumberType::kPersonalNumber:
      return "personal_number";
    case NumberType::kPager:
      return "pager";
    case NumberType::kUan:
      return "uan";
    case NumberType::kVoicemail:
      return "voicemail";
    case NumberType::kOther:
      break;
  }
  return "other";
}

std::optional<NumberType> ParseNumberType(std::string_view name) {
  for (NumberType t : {NumberType::kMobile, NumberType::kFixedLine, NumberType::kFixedLineOrMobile,
                       NumberType::kVoip, NumberType::kTollFree, NumberType::kPremiumRate,
                       NumberType::kSharedCost, NumberType::kPersonalNumber, NumberType::kPager,
                       NumberType::kUan, NumberType::kVoicemail, NumberType::kOther}) {
    if (name == NumberTypeName(t)) return t;
  }
  return std::nullopt;
}

const char* ParseErrorName(ParseError error) {
  switch (error) {
    case ParseError::kEmpty:
      return "empty";
    case ParseError::kInvalidCharacters:
      return "invalid_characters";
    case ParseError::kTooShort:
      return "too_short";
    case ParseError::kTooLong:
      return "too_long";
    case ParseError::kInvalidCountryCode:
      return "invalid_country_code";
    case ParseError::kUnknownRegion:
      return "unknown_region";
    case ParseError::kNotValidForRegion:
      break;
  }
  return "not_valid_for_region";
}

bool CanReceiveSms(NumberType type) {
  return type == NumberType::kMobile || type == NumberType::kFixedLineOrMobile;
}

}  // namespace secinfo::phone
