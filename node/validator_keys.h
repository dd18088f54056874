// Ed25519 implementations of the consensus Signer and Verifier seams.
//
// Thread safety: KeySigner and KeySetVerifier are immutable after construction and
// thread-safe (the replica thread signs; verification may run anywhere).
#pragma once

#include <string>
#include <vector>

#include "consensus/replica.h"
#include "crypto/keys.h"

namespace cc::node {

class KeySigner : public consensus::Signer {
 public:
  explicit KeySigner(crypto::KeyPair key) : key_(std::move(key)) {}
  std::string Sign(std::string_view message) override { return key_.Sign(message); }

 private:
  crypto::KeyPair key_;
};

class KeySetVerifier : public consensus::Verifier {
 public:
  explicit KeySetVerifier(std::vector<std::string> public_keys) : keys_(std::move(public_keys)) {}
  bool Verify(uint32_t replica, std::string_view message, std::string_view signature) override {
    return replica < keys_.size() && crypto::Verify(keys_[replica], message, signature);
  }
  const std::vector<std::string>& keys() const { return keys_; }

 private:
  std::vector<std::string> keys_;
};

}  // namespace cc::node
