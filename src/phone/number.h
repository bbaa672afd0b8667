#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace secinfo::phone {

// Phone numbers as people type them, checked and normalized with libphonenumber. libphonenumber
// stays behind this header: callers see only strings and the types below.

enum class NumberType {
  kMobile,
  kFixedLine,
  kFixedLineOrMobile,
  kVoip,
  kTollFree,
  // Numbers that cost the caller or reach no person: toll fraud aims at these.
  kPremiumRate,
  kSharedCost,
  kPersonalNumber,
  kPager,
  kUan,  // universal access numbers of companies
  kVoicemail,
  kOther,
};

// Why a typed number was refused. Pages translate these (see ParseErrorName), never a message.
enum class ParseError {
  kEmpty,               // nothing but spaces
  kInvalidCharacters,   // letters (vanity numbers too) or symbols other than + ( ) - . / space
  kTooShort,            // fewer digits than any number of that country
  kTooLong,             // more digits than any number of that country
  kInvalidCountryCode,  // "+999 ...": no such calling code
  kUnknownRegion,       // no leading '+' and the chosen region is not one of ListRegions()
  kNotValidForRegion,   // right length but no such number (in the chosen region when no '+')
};

struct ParsedNumber {
  std::string e164;           // "+33425555123": what is stored and dialled
  std::string international;  // "+33 4 25 55 51 23": what is shown
  std::string region;         // "FR": the number's own region ("001" for +800 and the like)
  int calling_code = 0;       // 33
  NumberType type = NumberType::kOther;
  bool extension_removed = false;  // the input carried an extension, which was dropped
  std::string removed_extension;   // its digits, "12345", to tell the user what was dropped
};

// Either a ParsedNumber or the ParseError saying why there is none.
class ParseOutcome {
 public:
  static ParseOutcome Success(ParsedNumber number) { return ParseOutcome(std::move(number)); }
  static ParseOutcome Failure(ParseError error) { return ParseOutcome(error); }

  bool ok() const { return std::holds_alternative<ParsedNumber>(v_); }
  // REQUIRES: ok()
  const ParsedNumber& number() const { return std::get<ParsedNumber>(v_); }
  // REQUIRES: !ok()
  ParseError error() const { return std::get<ParseError>(v_); }

 private:
  explicit ParseOutcome(std::variant<ParsedNumber, ParseError> v) : v_(std::move(v)) {}
  std::variant<ParsedNumber, ParseError> v_;
};

// Parses what a person typed (UTF-8) after choosing `region` (upper-case ISO 3166 alpha-2 as
// listed by ListRegions, e.g. "FR"). A leading '+' (or the region's international prefix, "00"
// in France) gives the country explicitly and overrides `region`.
//
// Extensions are not supported: a trailing extension is dropped and reported through
// extension_removed / removed_extension. Recognized forms: "ext. 123", "ext 123", "extension 123",
// "x123", ";ext=123", "#123", "poste 123", and a final "-123" group when the number is only valid
// without it ("+33 4 25 55 51 23-12345").
//
// Letters anywhere else are refused, so "1-800-FLOWERS" is kInvalidCharacters rather than
// silently dialled as 1-800-356-9377. Numbers are read as people type them in any script: the
// decimal digits of every script (Arabic-Indic "٠٦", Persian "۰۶", Devanagari, full-width...),
// every Unicode space and dash, the other separators libphonenumber accepts (brackets, tildes,
// full-width forms) and invisible marks (bidi marks, soft hyphens) count as their ASCII forms.
//
// Returns a ParsedNumber only for a number libphonenumber holds valid. Thread-safe.
ParseOutcome Parse(std::string_view input, std::string_view region);

// "+33425555123" shown as "+33 4 25 55 51 23". Returns `e164` unchanged if it is not a number in
// E.164 form. Thread-safe.
std::string FormatInternational(std::string_view e164);

// Stable lower-case names: "mobile", "fixed_line", "fixed_line_or_mobile", "voip", "toll_free",
// "premium_rate", "shared_cost", "personal_number", "pager", "uan", "voicemail", "other". Used in
// storage, JSON, admin commands and translation keys.
const char* NumberTypeName(NumberType type);
// The type named by NumberTypeName, or nullopt.
std::optional<NumberType> ParseNumberType(std::string_view name);

// Stable lower-case names: "empty", "invalid_characters", "too_short", "too_long",
// "invalid_country_code", "unknown_region", "not_valid_for_region".
const char* ParseErrorName(ParseError error);

// Whether a text message can be offered: true for kMobile and kFixedLineOrMobile (where the
// numbering plan does not tell mobiles apart, as in the US), false otherwise.
bool CanReceiveSms(NumberType type);

}  // namespace secinfo::phone
