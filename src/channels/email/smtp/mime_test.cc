#include "channels/email/smtp/mime.h"

#include <gtest/gtest.h>

#include <sstream>

namespace secinfo::channels::smtp {
namespace {

using namespace std::string_view_literals;

// Reference decoders, written from the RFCs independently of mime.cc.
std::string DecodeBase64(std::string_view in) {
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    acc = (acc << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return out;
}

std::string DecodeQuotedPrintable(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '=' && in.substr(i + 1, 2) == "\r\n") {
      i += 2;
    } else if (in[i] == '=') {
      out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else if (in.substr(i, 2) == "\r\n") {
      out += '\n';
      ++i;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::string DecodeWords(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) {
    EXPECT_TRUE(w.starts_with("=?UTF-8?B?") && w.ends_with("?=")) << w;
    out += DecodeBase64(std::string_view(w).substr(10, w.size() - 12));
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", start)) {
    lines.push_back(text.substr(start, at - start));
    start = at + 2;
  }
  EXPECT_EQ(start, text.size()) << "text does not end with CRLF, or holds a bare LF";
  return lines;
}

MimeMail Sample() {
  return MimeMail{.from_address = "secinfo@contoso.com",
                  .from_name = "Contoso",
                  .to = "ana@example.org",
                  .subject = "Votre code de vérification Contoso",
                  .text = "Votre code : 482913\né à ç\n",
                  .html = "<p>Votre code : <b>482913</b></p>\n<p>é à ç</p>\n",
                  .date_millis = 1'700'000'000'000,
                  .message_id = NewMessageId(std::string(16, '\x5a'), "contoso.com"),
                  .boundary = NewBoundary(std::string(16, '\x01'))};
}

TEST(Mime, QuotedPrintableEncodesWhatMustBeAndRoundTrips) {
  EXPECT_EQ(QuotedPrintable("Code 123"), "Code 123");
  EXPECT_EQ(QuotedPrintable("é=à"), "=C3=A9=3D=C3=A0");
  EXPECT_EQ(QuotedPrintable("end \nnext\t"), "end=20\r\nnext=09");
  EXPECT_EQ(QuotedPrintable("From me\n.dot"), "=46rom me\r\n.dot");
  EXPECT_EQ(QuotedPrintable("a\r\nb\rc"), "a\r\nb=0Dc");
  const std::string long_line =
      std::string(100, 'x') + " " + std::string(50, '\xC3') + "\n" + std::string(200, 'y');
  const std::string encoded = QuotedPrintable(long_line);
  for (const std::string& line : Lines(encoded + "\r\n")) {
    EXPECT_LE(line.size(), 76u) << line;
  }
  const std::string text = "Bonjour,\n\nVotre code de vérification Contoso est 482913. " +
                           std::string(90, 'z') + " ça expire à 10:05 = bientôt.  \n";
  EXPECT_EQ(DecodeQuotedPrintable(QuotedPrintable(text)), text);
}

TEST(Mime, EncodedWordsKeepWholeCharactersWithinTheLimit) {
  EXPECT_EQ(EncodedWords("Hello"), std::vector<std::string>{"=?UTF-8?B?SGVsbG8=?="});
  std::string subject;
  for (int i = 0; i < 20; ++i) subject += "Vérification 認証 🔐 ";
  for (size_t max : {64u, 75u, 20u}) {
    const std::vector<std::string> words = EncodedWords(subject, max);
    EXPECT_GT(words.size(), 1u);
    for (const std::string& w : words) {
      EXPECT_LE(w.size(), max) << w;
      EXPECT_TRUE(IsUtf8(DecodeWords({w}))) << "a character was split: " << w;
    }
    EXPECT_EQ(DecodeWords(words), subject);
  }
}

TEST(Mime, DateIsRfc5322InUtc) {
  EXPECT_EQ(Rfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
  EXPECT_EQ(Rfc5322Date(1'700'000'000'999), "Tue, 14 Nov 2023 22:13:20 +0000");
}

TEST(Mime, MessageIdAndBoundary) {
  EXPECT_EQ(NewMessageId(std::string(16, '\xAB'), "contoso.com"),
            "<abababababababababababababababab@contoso.com>");
  EXPECT_EQ(NewBoundary(std::string(16, '\0')), "=_secinfo_" + std::string(32, '0'));
}

TEST(Mime, AddressesArePlainAndAscii) {
  for (const char* ok : {"ana@example.org", "a.b+tag@sub.example.co.uk", "secinfo@localhost",
                         "o'brien@example.org"}) {
    EXPECT_TRUE(IsValidAddress(ok)) << ok;
  }
  for (const char* bad :
       {"", "ana", "ana@", "@example.org", "ana@example..org", ".ana@example.org", "ana.@x.org",
        "ana@exa_mple.org", "<ana@example.org>", "ana@example.org\r\n", "ana b@example.org",
        "anä@example.org", "ana@exämple.org", "ana@example.org>\r\nRCPT TO:<x@y.z"}) {
    EXPECT_FALSE(IsValidAddress(bad)) << bad;
  }
}

TEST(Mime, MessageIsSevenBitWithShortLinesAndTheExpectedHeaders) {
  auto mime = BuildMime(Sample());
  ASSERT_TRUE(mime.ok()) << mime.status().ToString();
  for (unsigned char c : *mime) ASSERT_LT(c, 0x80) << "8-bit byte in the message";
  const std::vector<std::string> lines = Lines(*mime);
  for (const std::string& line : lines) EXPECT_LE(line.size(), 78u) << line;
  const std::string& m = *mime;
  EXPECT_TRUE(m.starts_with("Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n")) << m;
  EXPECT_NE(m.find("\r\nFrom: \"Contoso\" <secinfo@contoso.com>\r\n"), std::string::npos) << m;
  EXPECT_NE(m.find("\r\nTo: ana@example.org\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nSubject: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(m.find("\r\nMessage-ID: <5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a@contoso.com>\r\n"),
            std::string::npos);
  EXPECT_NE(m.find("\r\nMIME-Version: 1.0\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\nContent-Type: multipart/alternative;\r\n boundary=\"=_secinfo_"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8\r\n"
                   "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
                   "Votre code : 482913\r\n=C3=A9 =C3=A0 =C3=A7\r\n\r\n--=_secinfo_"),
            std::string::npos)
      << m;
  EXPECT_TRUE(m.ends_with("--" + Sample().boundary + "--\r\n"));
  // Exactly one blank line ends the header.
  const size_t header_end = m.find("\r\n\r\n");
  EXPECT_EQ(m.substr(0, header_end).find("\r\n\r\n"), std::string::npos);
  // The subject words decode back to the subject.
  const size_t s = m.find("Subject: ") + 9;
  std::istringstream words(m.substr(s, m.find("\r\nMessage-ID") - s));
  std::vector<std::string> list;
  for (std::string w; words >> w;) list.push_back(w);
  EXPECT_EQ(DecodeWords(list), Sample().subject);
}

TEST(Mime, TextOnlyWhenThereIsNoHtml) {
  MimeMail mail = Sample();
  mail.html = "";
  auto mime = BuildMime(mail);
  ASSERT_TRUE(mime.ok());
  EXPECT_EQ(mime->find("multipart"), std::string::npos);
  EXPECT_NE(mime->find("Content-Type: text/plain; charset=UTF-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\nVotre code"),
            std::string::npos);
}

TEST(Mime, FromNames) {
  MimeMail mail = Sample();
  mail.from_name = "Contoso \"IT\" \\ Sécurité";
  auto mime = BuildMime(mail);
  ASSERT_TRUE(mime.ok());
  const size_t from = mime->find("\r\nFrom: =?UTF-8?B?");
  ASSERT_NE(from, std::string::npos) << *mime;
  mail.from_name = "Contoso \"IT\" \\ Security";
  mime = BuildMime(mail);
  EXPECT_NE(mime->find("\r\nFrom: \"Contoso \\\"IT\\\" \\\\ Security\" <secinfo@contoso.com>\r\n"),
            std::string::npos)
      << *mime;
  mail.from_name = "";
  mime = BuildMime(mail);
  EXPECT_NE(mime->find("\r\nFrom: secinfo@contoso.com\r\n"), std::string::npos) << *mime;
}

TEST(Mime, LongAsciiAndLookAlikeSubjectsAreEncoded) {
  MimeMail mail = Sample();
  mail.subject = "Your Contoso verification code";
  EXPECT_NE(BuildMime(mail)->find("\r\nSubject: Your Contoso verification code\r\n"),
            std::string::npos);
  mail.subject = "=?UTF-8?B?SGVsbG8=?=";  // must reach the reader as typed, not as "Hello"
  EXPECT_NE(BuildMime(mail)->find("\r\nSubject: =?UTF-8?B?PT9VVEYtOD9CP1NHVnNiRzg9Pz0=?="),
            std::string::npos);
  mail.subject = std::string(120, 'a');
  auto mime = BuildMime(mail);
  for (const std::string& line : Lines(*mime)) EXPECT_LE(line.size(), 78u) << line;
}

TEST(Mime, HeaderInjectionIsRefused) {
  for (auto field : {&MimeMail::subject, &MimeMail::from_name, &MimeMail::to}) {
    for (std::string_view evil :
         {"x\r\nBcc: a@b.c"sv, "x\nBcc: a@b.c"sv, "x\rBcc: a@b.c"sv, "x\0y"sv}) {
      MimeMail mail = Sample();
      mail.*field = std::string(evil);
      auto mime = BuildMime(mail);
      ASSERT_FALSE(mime.ok()) << evil;
      EXPECT_EQ(mime.status().code(), Status::Code::kInvalidArgument);
    }
  }
  MimeMail mail = Sample();
  mail.subject = "\xE9t\xE9";  // Latin-1, not UTF-8
  EXPECT_EQ(BuildMime(mail).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace secinfo::channels::smtp
