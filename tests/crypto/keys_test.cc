#include "crypto/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "common/hex.h"

namespace cc::crypto {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cc_keys_XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

TEST(Ed25519, SignsAndVerifies) {
  KeyPair kp = KeyPair::Generate();
  const std::string sig = kp.Sign("message");
  EXPECT_EQ(sig.size(), kSignatureSize);
  EXPECT_TRUE(Verify(kp.public_key(), "message", sig));
  EXPECT_FALSE(Verify(kp.public_key(), "messagf", sig));
  std::string bad = sig;
  bad[10] ^= 1;
  EXPECT_FALSE(Verify(kp.public_key(), "message", bad));
  EXPECT_FALSE(Verify(KeyPair::Generate().public_key(), "message", sig));
  EXPECT_FALSE(Verify("short", "message", sig));
  EXPECT_FALSE(Verify(kp.public_key(), "message", "short"));
}

TEST(Ed25519, Rfc8032TestVector1) {
  // RFC 8032 section 7.1, TEST 1 (empty message).
  auto seed = FromHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  KeyPair kp = KeyPair::FromSeed(*seed);
  EXPECT_EQ(ToHex(kp.public_key()), "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  EXPECT_EQ(ToHex(kp.Sign("")),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46b"
            "d25bf5f0595bbe24655141438e7a100b");
}

TEST(KeyFile, SavesWithMode0600AndLoadsTheSameKey) {
  TempDir dir;
  KeyPair kp = KeyPair::Generate();
  ASSERT_TRUE(SaveKeyFile(dir.File("node.key"), kp).ok());
  struct stat st {};
  ASSERT_EQ(::stat(dir.File("node.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto loaded = LoadKeyFile(dir.File("node.key"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->public_key(), kp.public_key());
  EXPECT_EQ(SaveKeyFile(dir.File("node.key"), kp).code(), "exists");
}

TEST(KeyFile, RefusesMissingGarbledAndWorldReadableFiles) {
  TempDir dir;
  EXPECT_EQ(LoadKeyFile(dir.File("absent")).status().code(), "io");
  {
    std::ofstream(dir.File("garbled")) << "not hex\n";
    ::chmod(dir.File("garbled").c_str(), 0600);
  }
  EXPECT_EQ(LoadKeyFile(dir.File("garbled")).status().code(), "format");
  ASSERT_TRUE(SaveKeyFile(dir.File("open.key"), KeyPair::Generate()).ok());
  ::chmod(dir.File("open.key").c_str(), 0644);
  EXPECT_EQ(LoadKeyFile(dir.File("open.key")).status().code(), "permissions");
}

TEST(X25519, ConvertsMatchingPairs) {
  KeyPair kp = KeyPair::Generate();
  EXPECT_EQ(Ed25519PublicToX25519(kp.public_key()).size(), 32u);
  EXPECT_EQ(Ed25519SeedToX25519Secret(kp.seed()).size(), 32u);
  EXPECT_EQ(Ed25519PublicToX25519("bad"), "");
}

}  // namespace
}  // namespace cc::crypto
