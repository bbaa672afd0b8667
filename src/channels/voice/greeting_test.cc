#include "channels/voice/greeting.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "core/run_tool.h"
#include "core/temp_dir_for_test.h"
#include "i18n/catalog.h"

namespace secinfo::channels {
namespace {

namespace fs = std::filesystem;
using testing_support::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// A WAV of `seconds` of a `hz` sine made by sox, as the bytes an administrator would upload.
std::string SineWav(const TempDir& dir, const std::string& rate, const std::string& channels,
                    const std::string& seconds, const std::string& hz = "440") {
  const std::string path = dir / ("sine-" + rate + "-" + channels + "-" + seconds + ".wav");
  Status made = RunTool({FindExecutable("sox"), "-n", "-r", rate, "-c", channels, path, "synth",
                         seconds, "sine", hz, "vol", "0.5"},
                        20'000);
  EXPECT_TRUE(made.ok()) << made.ToString();
  return ReadAll(path);
}

// u-law byte → 16-bit linear sample (G.711).
int Linear(unsigned char u) {
  u = ~u;
  int t = ((u & 0x0F) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return (u & 0x80) ? (0x84 - t) : (t - 0x84);
}

// Sign changes per second of 8 kHz u-law: twice the frequency of a pure tone.
double ZeroCrossingsPerSecond(const std::string& ulaw) {
  int crossings = 0;
  for (size_t i = 1; i < ulaw.size(); ++i) {
    int a = Linear(ulaw[i - 1]), b = Linear(ulaw[i]);
    if ((a < 0) != (b < 0)) ++crossings;
  }
  return crossings * 8000.0 / static_cast<double>(ulaw.size());
}

void PutLe32(std::string& s, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

class GreetingTest : public ::testing::Test {
 protected:
  // Every conversion works in here: a test can see that nothing is left behind.
  GreetingOptions Options() const {
    GreetingOptions o;
    o.temp_dir = work_.path();
    return o;
  }
  bool WorkDirIsEmpty() const { return fs::is_empty(work_.path()); }

  TempDir files_{"greeting-files"};
  TempDir work_{"greeting-work"};
};

TEST_F(GreetingTest, AStereoWavBecomesEightKilohertzMonoUlaw) {
  const std::string wav = SineWav(files_, "16000", "2", "3", "1000");
  ASSERT_GT(wav.size(), 100'000u);
  ConvertedGreeting g = ConvertGreeting(wav, Options());
  ASSERT_EQ(g.error, GreetingError::kNone) << g.detail;
  EXPECT_EQ(g.ulaw.size(), 24'000u);  // 3 s × 8000 one-byte samples
  EXPECT_EQ(g.duration_ms, 3000);
  // Still the 1 kHz tone that was uploaded, not noise or silence.
  EXPECT_NEAR(ZeroCrossingsPerSecond(g.ulaw), 2000.0, 40.0);
  EXPECT_TRUE(WorkDirIsEmpty());
}

TEST_F(GreetingTest, TwentySecondsPassAndTwentyFiveAreTooLong) {
  ConvertedGreeting twenty = ConvertGreeting(SineWav(files_, "8000", "1", "20"), Options());
  ASSERT_EQ(twenty.error, GreetingError::kNone) << twenty.detail;
  EXPECT_EQ(twenty.duration_ms, 20'000);

  const std::string long_wav = SineWav(files_, "8000", "1", "25");
  ASSERT_LT(long_wav.size(), kMaxGreetingUploadBytes);  // refused for its length, not its size
  ConvertedGreeting too_long = ConvertGreeting(long_wav, Options());
  EXPECT_EQ(too_long.error, GreetingError::kTooLong);
  EXPECT_TRUE(too_long.ulaw.empty());
  EXPECT_TRUE(WorkDirIsEmpty());
}

TEST_F(GreetingTest, MoreThanOneMebibyteIsRefusedBeforeAnythingElse) {
  const std::string big_wav = SineWav(files_, "48000", "2", "6");
  ASSERT_GT(big_wav.size(), kMaxGreetingUploadBytes);
  GreetingOptions no_sox = Options();
  no_sox.sox = "/nonexistent/sox";  // reaching the converter would say kConverter
  EXPECT_EQ(ConvertGreeting(big_wav, no_sox).error, GreetingError::kTooLarge);
  EXPECT_EQ(ConvertGreeting(std::string(kMaxGreetingUploadBytes + 1, 'x'), no_sox).error,
            GreetingError::kTooLarge);
  // Exactly 1 MiB is not too large: it goes on to the header check.
  EXPECT_EQ(ConvertGreeting(std::string(kMaxGreetingUploadBytes, 'x'), no_sox).error,
            GreetingError::kNotWav);
  EXPECT_TRUE(WorkDirIsEmpty());
}

TEST_F(GreetingTest, WhatIsNotAWavIsRefusedWhateverItsName) {
  { std::ofstream(files_ / "notes.wav") << "Bonjour, ceci est un texte.\n"; }
  EXPECT_EQ(ConvertGreeting(ReadAll(files_ / "notes.wav"), Options()).error,
            GreetingError::kNotWav);
  std::string avi = SineWav(files_, "8000", "1", "1");
  avi.replace(8, 4, "AVI ");
  EXPECT_EQ(ConvertGreeting(avi, Options()).error, GreetingError::kNotWav);
  EXPECT_EQ(ConvertGreeting("", Options()).error, GreetingError::kNotWav);
  EXPECT_EQ(ConvertGreeting("RIFF", Options()).error, GreetingError::kNotWav);
}

TEST_F(GreetingTest, ATruncatedOrDamagedWavIsUnreadable) {
  const std::string wav = SineWav(files_, "16000", "1", "3");
  // Cut inside the audio: sox alone would play the first part.
  ConvertedGreeting cut = ConvertGreeting(wav.substr(0, wav.size() / 2), Options());
  EXPECT_EQ(cut.error, GreetingError::kUnreadable);
  EXPECT_NE(cut.detail.find("cut short"), std::string::npos) << cut.detail;
  // Cut inside the header.
  EXPECT_EQ(ConvertGreeting(wav.substr(0, 30), Options()).error, GreetingError::kUnreadable);

  // Sizes that add up but an audio encoding that does not exist: sox refuses it.
  std::string odd = wav;
  ASSERT_EQ(odd.substr(12, 4), "fmt ");
  odd[20] = '\x7F';  // wFormatTag
  odd[21] = '\x7F';
  ConvertedGreeting damaged = ConvertGreeting(odd, Options());
  EXPECT_EQ(damaged.error, GreetingError::kUnreadable);
  EXPECT_NE(damaged.detail.find("sox"), std::string::npos) << damaged.detail;
  EXPECT_TRUE(WorkDirIsEmpty());
}

// What an upload is checked for before sox sees it, which CheckGreetingUpload also offers alone:
// an oversized, non-WAV or cut-short file never reaches the converter.
TEST_F(GreetingTest, TheChecksBeforeConversionNeedNoConverter) {
  const std::string wav = SineWav(files_, "8000", "1", "1");
  std::string detail = "left over";
  EXPECT_EQ(CheckGreetingUpload(wav, &detail), GreetingError::kNone);
  EXPECT_EQ(detail, "");
  EXPECT_EQ(CheckGreetingUpload(wav.substr(0, wav.size() - 1), &detail),
            GreetingError::kUnreadable);
  EXPECT_NE(detail.find("cut short"), std::string::npos) << detail;
  EXPECT_EQ(CheckGreetingUpload(std::string("RIFF\x04\0\0\0WAVE", 12), &detail),
            GreetingError::kUnreadable);
  EXPECT_NE(detail.find("no audio"), std::string::npos) << detail;
  EXPECT_EQ(CheckGreetingUpload("Bonjour", &detail), GreetingError::kNotWav);
  EXPECT_EQ(CheckGreetingUpload(std::string(kMaxGreetingUploadBytes + 1, 'x'), &detail),
            GreetingError::kTooLarge);
  // A chunk whose declared size is near 2^32 must not wrap around the file's end.
  std::string huge = wav.substr(0, 12) + "LIST" + std::string("\xFF\xFF\xFF\xFF", 4) + "data";
  EXPECT_EQ(CheckGreetingUpload(huge, &detail), GreetingError::kUnreadable);
  EXPECT_NE(detail.find("runs past the end"), std::string::npos) << detail;
  EXPECT_TRUE(WorkDirIsEmpty());
}

TEST_F(GreetingTest, AWavWithoutSamplesIsEmpty) {
  std::string wav = SineWav(files_, "8000", "1", "1");
  // Keep the header, declare and keep no audio.
  const size_t data = wav.find("data");
  ASSERT_NE(data, std::string::npos);
  wav.resize(data + 8);
  PutLe32(wav, data + 4, 0);
  PutLe32(wav, 4, static_cast<uint32_t>(wav.size() - 8));
  EXPECT_EQ(ConvertGreeting(wav, Options()).error, GreetingError::kEmpty);
}

TEST_F(GreetingTest, AMissingConverterIsTheServersProblemNotTheFiles) {
  GreetingOptions no_sox = Options();
  no_sox.sox = "no-such-sox-secinfo";
  ConvertedGreeting g = ConvertGreeting(SineWav(files_, "8000", "1", "1"), no_sox);
  EXPECT_EQ(g.error, GreetingError::kConverter);
  EXPECT_NE(g.detail.find("Debian package sox"), std::string::npos) << g.detail;
}

TEST_F(GreetingTest, EveryRefusalHasItsOwnMessage) {
  const i18n::Catalog& catalog = i18n::Catalog::BuiltIn();
  std::set<std::string_view> keys;
  for (GreetingError e :
       {GreetingError::kTooLarge, GreetingError::kNotWav, GreetingError::kUnreadable,
        GreetingError::kEmpty, GreetingError::kTooLong, GreetingError::kConverter}) {
    const std::string key(GreetingErrorKey(e));
    for (const std::string& lang : catalog.languages()) {
      EXPECT_EQ(catalog.All(lang).count(key), 1u) << key << " in " << lang;
    }
    keys.insert(GreetingErrorKey(e));
  }
  EXPECT_EQ(keys.size(), 6u);
  EXPECT_TRUE(GreetingErrorKey(GreetingError::kNone).empty());
}

}  // namespace
}  // namespace secinfo::channels
