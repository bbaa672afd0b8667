#include "methods/authenticator/qr_svg.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>

#include "core/random.h"
#include "core/temp_dir_for_test.h"
#include "methods/authenticator/run_command_for_test.h"
#include "methods/authenticator/totp_method.h"

namespace secinfo::methods::authenticator {
namespace {

using test_util::HaveCommand;
using test_util::RunCommand;

// What a browser would paint, read back from the SVG text alone: the viewBox size and, for each
// sub-path of the dark <path> (absolute M, relative h/v, z), the modules it covers.
struct Painted {
  int size = 0;
  std::vector<bool> dark;
  bool Dark(int x, int y) const { return dark[static_cast<size_t>(y) * size + x]; }
};

Painted Paint(const std::string& svg) {
  Painted p;
  std::smatch m;
  const std::regex view_box(R"re(viewBox="0 0 (\d+) (\d+)")re");
  if (!std::regex_search(svg, m, view_box) || m[1] != m[2]) {
    ADD_FAILURE() << "no square viewBox";
    return p;
  }
  p.size = std::stoi(m[1]);
  p.dark.assign(static_cast<size_t>(p.size) * p.size, false);
  const std::regex path(R"re(<path fill="#000" d="([^"]*)"/>)re");
  if (!std::regex_search(svg, m, path)) {
    ADD_FAILURE() << "no dark path";
    return p;
  }
  const std::string d = m[1];
  const std::regex command(R"re(([MhvZz])(-?\d*)(?: (-?\d+))?)re");
  int x = 0, y = 0, min_x = 0, max_x = 0, min_y = 0, max_y = 0;
  for (auto it = std::sregex_iterator(d.begin(), d.end(), command); it != std::sregex_iterator();
       ++it) {
    const std::string op = (*it)[1];
    if (op == "M") {
      x = min_x = max_x = std::stoi((*it)[2]);
      y = min_y = max_y = std::stoi((*it)[3]);
    } else if (op == "h") {
      x += std::stoi((*it)[2]);
    } else if (op == "v") {
      y += std::stoi((*it)[2]);
    } else {  // z: fill the rectangle the sub-path drew
      for (int yy = min_y; yy < max_y; ++yy) {
        for (int xx = min_x; xx < max_x; ++xx) p.dark[static_cast<size_t>(yy) * p.size + xx] = true;
      }
      continue;
    }
    min_x = std::min(min_x, x), max_x = std::max(max_x, x);
    min_y = std::min(min_y, y), max_y = std::max(max_y, y);
  }
  return p;
}

// Decodes `svg` the way a phone camera would: painted at 6 px per module into a greyscale image,
// read by zbar.
std::string DecodeWithZbar(const std::string& svg) {
  const Painted p = Paint(svg);
  constexpr int kPixelsPerModule = 6;
  const int pixels = p.size * kPixelsPerModule;
  const testing_support::TempDir dir("qr-test");
  const std::string path = dir / "qr.pgm";
  {
    std::ofstream pgm(path, std::ios::binary);
    pgm << "P5\n" << pixels << " " << pixels << "\n255\n";
    for (int py = 0; py < pixels; ++py) {
      for (int px = 0; px < pixels; ++px) {
        pgm.put(p.Dark(px / kPixelsPerModule, py / kPixelsPerModule) ? '\0' : '\xff');
      }
    }
  }
  const test_util::CommandResult result = RunCommand("zbarimg --raw -q '" + path + "' 2>/dev/null");
  EXPECT_EQ(result.exit_code, 0) << "zbarimg found no code";
  return result.out;
}

TEST(QrSvgTest, ThePaintedSvgIsTheSymbolInsideAQuietZone) {
  const std::string text = "otpauth://totp/Contoso:ana@contoso.example?secret=GEZD";
  Result<QrMatrix> qr = QrEncode(text);
  ASSERT_TRUE(qr.ok());
  EXPECT_EQ((qr->size - 17) % 4, 0) << "a QR symbol is 17 + 4 * version modules wide";
  Result<std::string> svg = QrSvg(text);
  ASSERT_TRUE(svg.ok());

  const Painted p = Paint(*svg);
  ASSERT_EQ(p.size, qr->size + 2 * kQrQuietZoneModules);
  for (int y = 0; y < p.size; ++y) {
    for (int x = 0; x < p.size; ++x) {
      const int qx = x - kQrQuietZoneModules, qy = y - kQrQuietZoneModules;
      const bool inside = qx >= 0 && qy >= 0 && qx < qr->size && qy < qr->size;
      EXPECT_EQ(p.Dark(x, y), inside && qr->Dark(qx, qy)) << x << "," << y;
    }
  }
  // The finder pattern's top-left corner is dark, as in every QR code.
  EXPECT_TRUE(qr->Dark(0, 0));
}

TEST(QrSvgTest, IsSafeToInlineUnderAStrictCsp) {
  Result<std::string> svg = QrSvg("otpauth://totp/x?secret=AAAA", "Code QR à scanner <&\">");
  ASSERT_TRUE(svg.ok());
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" ", 0), 0u);
  EXPECT_NE(svg->find("shape-rendering=\"crispEdges\""), std::string::npos);
  EXPECT_NE(svg->find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg->find("aria-label=\"Code QR à scanner &lt;&amp;&quot;&gt;\""), std::string::npos);
  EXPECT_NE(svg->find("fill=\"#000\""), std::string::npos);
  EXPECT_NE(svg->find("fill=\"#fff\""), std::string::npos);
  for (const char* banned : {"style", "script", "href", "<image", "<foreignObject", "url(", "on"}) {
    // "on" catches event handler attributes (onload=...): no attribute may start with it.
    const std::string needle = std::string(" ") + banned;
    EXPECT_EQ(svg->find(needle), std::string::npos) << banned;
  }
  EXPECT_EQ(svg->find("http", 1), svg->find("http://www.w3.org/2000/svg"));  // the namespace only
  EXPECT_EQ(svg->find("<path"), svg->rfind("<path"));                        // exactly one path
  EXPECT_EQ(svg->substr(svg->size() - 6), "</svg>");
}

TEST(QrSvgTest, SizeIsAWholeNumberOfPixelsPerModuleAround200To260) {
  SystemRandom random;
  for (const std::string& text :
       {std::string("x"), KeyUri("Contoso", "ana@contoso.example", NewSeed(random)),
        KeyUri("Contoso Pharmaceuticals (Europe)", "anne-marie.de-la-fontaine@contoso.example",
               NewSeed(random))}) {
    Result<std::string> svg = QrSvg(text);
    ASSERT_TRUE(svg.ok());
    std::smatch m;
    const std::regex size(R"re(width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)")re");
    ASSERT_TRUE(std::regex_search(*svg, m, size));
    const int pixels = std::stoi(m[1]), units = std::stoi(m[3]);
    EXPECT_EQ(m[1], m[2]);
    EXPECT_EQ(pixels % units, 0) << text;
    EXPECT_GE(pixels, 200) << text;
    EXPECT_LE(pixels, 270) << text;
  }
}

TEST(QrSvgTest, ZbarReadsBackTheExactKeyUri) {
  if (!HaveCommand("zbarimg")) GTEST_SKIP() << "zbarimg is not installed";
  SystemRandom random;
  const std::string kUris[] = {
      KeyUri("Contoso", "ana@contoso.example", std::string("12345678901234567890")),
      KeyUri("Contoso & Fils: Sécurité", "ana marie@contoso.example", NewSeed(random)),
      KeyUri("Contoso", "a-much-longer-account-name.with.dots@subdomain.contoso.example",
             NewSeed(random)),
  };
  for (const std::string& uri : kUris) {
    Result<std::string> svg = QrSvg(uri);
    ASSERT_TRUE(svg.ok());
    EXPECT_EQ(DecodeWithZbar(*svg), uri);
  }
}

TEST(QrSvgTest, RefusesTextThatCannotBeEncoded) {
  for (const std::string& bad : {std::string(), std::string("a\0b", 3), std::string(3000, 'x')}) {
    Result<std::string> svg = QrSvg(bad);
    ASSERT_FALSE(svg.ok()) << bad.size();
    EXPECT_EQ(svg.status().code(), Status::Code::kInvalidArgument);
  }
}

}  // namespace
}  // namespace secinfo::methods::authenticator
