#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace secinfo::methods::authenticator {

// QR codes (libqrencode, error correction level M) for the otpauth:// URI shown at registration,
// drawn as inline SVG so the page needs no image endpoint and keeps the secret out of URLs and
// caches. Thread-safe (libqrencode is built thread-safe on Debian).

inline constexpr int kQrQuietZoneModules = 4;  // ISO/IEC 18004 section 7.3.8: at least 4

// The modules of a QR symbol, without the quiet zone. Row-major, `size` x `size`.
struct QrMatrix {
  int size = 0;
  std::vector<bool> dark;  // dark[y * size + x]

  bool Dark(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

// The symbol encoding `text` (byte, alphanumeric and numeric segments chosen by libqrencode, the
// smallest version that fits, level M).
// Returns InvalidArgument if `text` is empty, holds a NUL byte or is too long for any QR version
// (about 2,300 bytes at level M).
Result<QrMatrix> QrEncode(std::string_view text);

// An <svg> element for `text`, ready to be inlined in HTML under a strict Content-Security-Policy:
// one white <rect> (the background, quiet zone included) and one <path> of all dark modules, colors
// as presentation attributes (no style attribute, no script, no external reference),
// shape-rendering="crispEdges", a viewBox of one unit per module, and width/height of a whole
// number of pixels per module between 200 and ~260 px. `label` (e.g. the translated "QR code")
// becomes its aria-label, XML-escaped.
// Returns InvalidArgument as QrEncode does.
Result<std::string> QrSvg(std::string_view text, std::string_view label = "QR code");

}  // namespace secinfo::methods::authenticator
