// Key commands: keygen, subject-key.
#include <iostream>
#include <string>

#include "cli/command.h"
#include "common/hex.h"
#include "crypto/keys.h"
#include "crypto/subject_key.h"

namespace cc::cli {
namespace {

int Keygen(const Args& args) {
  auto out = args.Require("out");
  if (!out.ok()) return ReportError("keygen", out.status());
  const crypto::KeyPair key = crypto::KeyPair::Generate();
  const Status saved = crypto::SaveKeyFile(*out, key);
  if (!saved.ok()) return ReportError("keygen", saved);
  std::cout << ToHex(key.public_key()) << "\n";
  return kExitOk;
}

// The raw ID comes from --id, or from stdin with "--id -" (keeps it out of the
// process list and shell history). It is never printed or stored.
Result<std::string> ReadId(const Args& args) {
  // An explicit empty --id is passed on: NormalizeId names it a "format" error.
  auto id = args.Get("id");
  if (!id) return Status::Error("usage", "missing --id");
  if (*id != "-") return *id;
  std::string line;
  if (!std::getline(std::cin, line)) return Status::Error("usage", "--id - but stdin is empty");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int SubjectKeyCmd(const Args& args) {
  auto id_type = args.Require("id-type");
  if (!id_type.ok()) return ReportError("subject-key", id_type.status());
  auto secret_file = args.Require("secret-file");
  if (!secret_file.ok()) return ReportError("subject-key", secret_file.status());
  auto id = ReadId(args);
  if (!id.ok()) return ReportError("subject-key", id.status());
  auto secret = crypto::LoadSecretFile(*secret_file);
  if (!secret.ok()) return ReportError("subject-key", secret.status());
  if (secret->size() != crypto::kAllianceSecretSize) {
    return ReportError("subject-key", Status::Error("format", *secret_file + ": the alliance "
                                                                             "secret must be 32 bytes"));
  }
  auto key = crypto::SubjectKey(*secret, *id_type, *id);
  if (!key.ok()) return ReportError("subject-key", key.status());
  std::cout << ToHex(*key) << "\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> KeyCommands() {
  return {
      {"keygen", "--out FILE",
       "generate an Ed25519 key, write its seed to FILE (mode 0600, never overwritten) and "
       "print the public key in hex",
       FlagSpec{{"out"}, {}}, Keygen},
      {"subject-key", "--id-type TYPE --id ID|- --secret-file FILE",
       "print the subject key (hex) of an ID: TYPE is cn_resident_id, cn_uscc, passport or "
       "phone; '--id -' reads the ID from stdin; FILE holds the alliance secret",
       FlagSpec{{"id-type", "id", "secret-file"}, {}}, SubjectKeyCmd},
  };
}

}  // namespace cc::cli
