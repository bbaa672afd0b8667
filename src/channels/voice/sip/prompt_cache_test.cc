#include "channels/voice/sip/prompt_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>

#include "core/temp_dir_for_test.h"

namespace secinfo::channels::sip {
namespace {

namespace fs = std::filesystem;

using testing_support::TempDir;

// Root mean square of u-law samples, as linear 16-bit values.
double Rms(const std::string& ulaw) {
  double sum = 0;
  for (unsigned char u : ulaw) {
    u = ~u;
    int t = ((u & 0x0F) << 3) + 0x84;
    t <<= (u & 0x70) >> 4;
    int v = (u & 0x80) ? (0x84 - t) : (t - 0x84);
    sum += static_cast<double>(v) * v;
  }
  return ulaw.empty() ? 0 : std::sqrt(sum / ulaw.size());
}

TEST(PromptCache, SpeaksOnceThenServesTheCachedFile) {
  TempDir dir;
  auto cache = PromptCache::Create(dir / "prompts", "espeak-ng", "sox");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  const std::string text = "Appuyez sur la touche dièse pour confirmer.";
  auto first = (*cache)->Get("fr", text);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // About 2-3 s of 8 kHz speech, not silence.
  EXPECT_GT((*first)->size(), 8000u);
  EXPECT_GT(Rms(**first), 500.0);
  const fs::path file = fs::path(dir.path()) / "prompts" / PromptCache::KeyFor("fr", text);
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(fs::file_size(file), (*first)->size());
  auto again = (*cache)->Get("FR", text);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(**again, **first);
  // No temporary files are left behind.
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir / "prompts")) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
}

TEST(PromptCache, TextIsNeverAnOptionAndUnknownVoicesFallBack) {
  TempDir dir;
  auto cache = PromptCache::Create(dir.path(), "espeak-ng", "sox");
  ASSERT_TRUE(cache.ok()) << cache.status().ToString();
  auto dashes = (*cache)->Get("en", "--help -w /tmp/evil.wav");
  ASSERT_TRUE(dashes.ok()) << dashes.status().ToString();
  EXPECT_GT(Rms(**dashes), 500.0);
  EXPECT_FALSE(fs::exists("/tmp/evil.wav"));
  auto klingon = (*cache)->Get("tlh-QO", "Hello");
  EXPECT_TRUE(klingon.ok()) << klingon.status().ToString();
  EXPECT_EQ((*cache)->Get("fr;rm -rf", "x").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ((*cache)->Get("fr", "").status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace secinfo::channels::sip
