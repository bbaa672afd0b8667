#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "store/sql/store_test_fixture.h"

// The database at rest: only the account that runs secinfo may read it.
namespace secinfo::store::test {
namespace {

mode_t ModeOf(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// Sets a umask for the test's duration.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

TEST(SqlStoreFilesTest, DatabaseWalShmAndFoldersAreCreatedPrivateWhateverTheUmask) {
  for (mode_t mask : {mode_t{022}, mode_t{0}}) {
    const std::filesystem::path dir = MakeTempDir();
    ASSERT_FALSE(dir.empty());
    ScopedUmask umask(mask);
    SqlStoreOptions options;
    options.connection = (dir / "data" / "nested" / "secinfo.db").string();
    std::unique_ptr<Store> store = MustOpen(options);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->tenants().Create({0, "Contoso", "contoso.example", "fr", "FR"}).ok());
    const std::string db = options.connection;
    EXPECT_EQ(ModeOf(dir / "data"), 0700u) << "umask " << mask;
    EXPECT_EQ(ModeOf(dir / "data" / "nested"), 0700u) << "umask " << mask;
    EXPECT_EQ(ModeOf(db), 0600u) << "umask " << mask;
    // WAL mode keeps both companions while a connection is open.
    EXPECT_EQ(ModeOf(db + "-wal"), 0600u) << "umask " << mask;
    EXPECT_EQ(ModeOf(db + "-shm"), 0600u) << "umask " << mask;
    store.reset();
    std::filesystem::remove_all(dir);
  }
}

TEST(SqlStoreFilesTest, AFolderTheOperatorMadeKeepsItsMode) {
  const std::filesystem::path dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  std::filesystem::create_directory(dir / "data");
  std::filesystem::permissions(dir / "data", std::filesystem::perms(0750));
  SqlStoreOptions options;
  options.connection = (dir / "data" / "secinfo.db").string();
  ASSERT_NE(MustOpen(options), nullptr);
  EXPECT_EQ(ModeOf(dir / "data"), 0750u);
  EXPECT_EQ(ModeOf(options.connection), 0600u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace secinfo::store::test
