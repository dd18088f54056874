#include "p2p/record_cipher.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string>

namespace cc::p2p {
namespace {

const std::string kKey(kSessionKeySize, '\x07');

const unsigned char* Header(const std::string& wire) {
  return reinterpret_cast<const unsigned char*>(wire.data());
}
std::string_view Cipher(const std::string& wire) { return std::string_view(wire).substr(kRecordHeaderSize); }

TEST(P2pRecordCipher, RoundTripsBodiesOfManySizes) {
  RecordSealer seal(kKey);
  RecordOpener open(kKey);
  for (size_t size : {size_t{0}, size_t{1}, size_t{17}, size_t{4096}, size_t{1} << 20}) {
    std::string body(size, '\0');
    for (size_t i = 0; i < size; ++i) body[i] = static_cast<char>(i * 31 + size);
    std::string wire;
    seal.Seal(RecordType::kData, body, wire);
    ASSERT_EQ(wire.size(), kRecordHeaderSize + size + kRecordOverhead);
    EXPECT_EQ(DecodeRecordLength(Header(wire)), size + kRecordOverhead);
    auto record = open.Open(Header(wire), Cipher(wire));
    ASSERT_TRUE(record.ok()) << record.status().ToString();
    EXPECT_EQ(record->type, RecordType::kData);
    EXPECT_EQ(record->body, body);
  }
  EXPECT_EQ(seal.counter(), 5u);
  EXPECT_EQ(open.counter(), 5u);
}

TEST(P2pRecordCipher, WireFormatIsPinned) {
  // docs/p2p.md: nonce = 16 zero bytes || u64 BE counter; AD = the 4 header bytes;
  // plaintext = type || body.
  RecordSealer seal(kKey);
  std::string first;
  std::string second;
  seal.Seal(RecordType::kPing, "", first);
  seal.Seal(RecordType::kData, "abc", second);

  unsigned char nonce[24] = {0};
  nonce[23] = 1;  // counter 1
  const unsigned char plain[] = {2, 'a', 'b', 'c'};
  const unsigned char header[4] = {0, 0, 0, 4 + 16};
  unsigned char expected[4 + 16];
  unsigned long long n = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(expected, &n, plain, sizeof(plain), header, 4, nullptr, nonce,
                                             reinterpret_cast<const unsigned char*>(kKey.data()));
  ASSERT_EQ(second.size(), 4 + sizeof(expected));
  EXPECT_EQ(second.substr(0, 4), std::string(reinterpret_cast<const char*>(header), 4));
  EXPECT_EQ(second.substr(4), std::string(reinterpret_cast<const char*>(expected), sizeof(expected)));
}

TEST(P2pRecordCipher, AnyFlippedByteFailsAuthentication) {
  RecordSealer seal(kKey);
  std::string wire;
  seal.Seal(RecordType::kData, "a frame that must not change", wire);
  for (size_t i = kRecordHeaderSize; i < wire.size(); ++i) {
    std::string bad = wire;
    bad[i] ^= 0x40;
    RecordOpener open(kKey);
    EXPECT_EQ(open.Open(Header(bad), Cipher(bad)).status().code(), "decrypt_failed") << i;
  }
  // The header is authenticated too: a header that disagrees with the body length
  // is refused before decryption.
  std::string bad = wire;
  bad[3] ^= 0x01;
  RecordOpener open(kKey);
  EXPECT_EQ(open.Open(Header(bad), Cipher(wire)).status().code(), "bad_frame");
}

TEST(P2pRecordCipher, ReorderedReplayedOrForeignRecordsFail) {
  RecordSealer seal(kKey);
  std::string r0;
  std::string r1;
  seal.Seal(RecordType::kData, "zero", r0);
  seal.Seal(RecordType::kData, "one", r1);
  {
    RecordOpener open(kKey);
    EXPECT_EQ(open.Open(Header(r1), Cipher(r1)).status().code(), "decrypt_failed");
  }
  {
    RecordOpener open(kKey);
    ASSERT_TRUE(open.Open(Header(r0), Cipher(r0)).ok());
    EXPECT_EQ(open.Open(Header(r0), Cipher(r0)).status().code(), "decrypt_failed");
  }
  {
    RecordOpener open(std::string(kSessionKeySize, '\x08'));
    EXPECT_EQ(open.Open(Header(r0), Cipher(r0)).status().code(), "decrypt_failed");
  }
}

TEST(P2pRecordCipher, UnknownTypeIsBadFrame) {
  RecordSealer seal(kKey);
  RecordOpener open(kKey);
  std::string wire;
  seal.Seal(static_cast<RecordType>(9), "x", wire);
  EXPECT_EQ(open.Open(Header(wire), Cipher(wire)).status().code(), "bad_frame");
}

TEST(P2pRecordCipher, LengthChecksHappenBeforeAllocation) {
  const size_t max = 1000;
  EXPECT_EQ(CheckRecordLength(0, max).code(), "bad_frame");
  EXPECT_EQ(CheckRecordLength(kRecordOverhead - 1, max).code(), "bad_frame");
  EXPECT_TRUE(CheckRecordLength(kRecordOverhead, max).ok());  // empty frame
  EXPECT_TRUE(CheckRecordLength(max + kRecordOverhead, max).ok());
  EXPECT_EQ(CheckRecordLength(max + kRecordOverhead + 1, max).code(), "frame_too_large");
  EXPECT_EQ(CheckRecordLength(0xFFFFFFFFu, max).code(), "frame_too_large");
  const unsigned char header[4] = {0x12, 0x34, 0x56, 0x78};
  EXPECT_EQ(DecodeRecordLength(header), 0x12345678u);
}

}  // namespace
}  // namespace cc::p2p
