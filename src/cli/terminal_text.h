#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/types.h"

// What the admin commands print of user-supplied text, and how `admin audit` reads dates and
// exports entries.
namespace secinfo::cli {

// `text` safe to print on a terminal: every C0 control, DEL and C1 control (U+0080-U+009F, the
// 8-bit CSI among them) becomes "\xNN" ("\t", "\n", "\r" as such), a backslash is doubled, and a
// byte that is not UTF-8 becomes "\xNN". So an escape sequence in a name or an audit detail can
// neither recolour, retitle nor rewrite what an operator sees, and the tab-separated columns stay
// columns. Printable text in any script is unchanged.
std::string EscapeForTerminal(std::string_view text);

// An ISO 8601 date ("2026-12-03", read as midnight UTC) or UTC date-time ("2026-12-03T10:30:00Z",
// seconds optional) as Unix milliseconds. InvalidArgument, naming the accepted forms, otherwise.
Result<int64_t> ParseIsoTime(std::string_view text);

// Unix milliseconds as "2026-12-03T10:30:00.123Z".
std::string FormatIsoTime(int64_t unix_millis);

// `admin audit` lines. Text: at, actor, ip, action, method, result, detail, tab-separated, each
// field escaped. JSON: one object on one line (JSON Lines), strings JSON-escaped (controls as
// \u00NN) and invalid UTF-8 replaced by U+FFFD, with the time also in ISO form.
std::string AuditTextLine(const store::AuditEntry& e);
std::string AuditJsonLine(const store::AuditEntry& e);

}  // namespace secinfo::cli
