#include "methods/authenticator/qr_svg.h"

#include <qrencode.h>

#include <memory>

namespace secinfo::methods::authenticator {
namespace {

constexpr int kMinPixels = 200;

struct QrcodeFree {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<QrMatrix> QrEncode(std::string_view text) {
  if (text.empty()) return Status::InvalidArgument("nothing to put in a QR code");
  if (text.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("QR text holds a NUL byte");
  }
  const std::string c_text(text);  // libqrencode wants a NUL-terminated string
  // Version 0: the smallest that fits. QR_MODE_8 as the hint: non-alphanumeric runs go in byte
  // mode, as is (no Kanji guessing). Case-sensitive, or lower-case letters would be upper-cased.
  std::unique_ptr<QRcode, QrcodeFree> qr(
      QRcode_encodeString(c_text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, /*casesensitive=*/1));
  if (!qr) return Status::InvalidArgument("text does not fit in a QR code");

  QrMatrix matrix;
  matrix.size = qr->width;
  matrix.dark.resize(static_cast<size_t>(qr->width) * qr->width);
  for (size_t i = 0; i < matrix.dark.size(); ++i) {
    matrix.dark[i] = (qr->data[i] & 1) != 0;  // bit 0 is the module's color; the others are hints
  }
  return matrix;
}

Result<std::string> QrSvg(std::string_view text, std::string_view label) {
  Result<QrMatrix> qr = QrEncode(text);
  if (!qr.ok()) return qr.status();
  const QrMatrix& m = *qr;
  const int view = m.size + 2 * kQrQuietZoneModules;
  // Whole pixels per module keep every module the same size on screen.
  const int scale = (kMinPixels + view - 1) / view;
  const std::string pixels = std::to_string(view * scale);
  const std::string units = std::to_string(view);

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + pixels + "\" height=\"" +
                    pixels + "\" viewBox=\"0 0 " + units + " " + units +
                    "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"" +
                    XmlEscape(label) + "\"><rect width=\"" + units + "\" height=\"" + units +
                    "\" fill=\"#fff\"/><path fill=\"#000\" d=\"";
  // One sub-path per horizontal run of dark modules: about a third the size of one per module.
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size;) {
      if (!m.Dark(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.size && m.Dark(x + run, y)) ++run;
      const std::string r = std::to_string(run);
      svg += 'M';
      svg += std::to_string(x + kQrQuietZoneModules);
      svg += ' ';
      svg += std::to_string(y + kQrQuietZoneModules);
      svg += 'h';
      svg += r;
      svg += "v1h-";
      svg += r;
      svg += 'z';
      x += run;
    }
  }
  svg += "\"/></svg>";
  return svg;
}

}  // namespace secinfo::methods::authenticator
