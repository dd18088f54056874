// API token commands: `token create` makes a bearer token for a node's HTTP API.
// The plaintext goes to the client; the node's config keeps only its hash.
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "crypto/api_token.h"

namespace cc::cli {
namespace {

constexpr const char* kTokenCmd = "token create";

int TokenCreate(const Args& args) {
  auto role = args.Require("role");
  if (!role.ok()) return ReportError(kTokenCmd, role.status());
  if (!crypto::IsApiRoleName(*role)) {
    return ReportError(
        kTokenCmd,
        Status::Error("usage", "--role: expected writer, reader, regulator or admin, got '" + *role + "'"));
  }
  const std::string name = args.Get("name").value_or(*role);
  if (name.empty()) return ReportError(kTokenCmd, Status::Error("usage", "--name must not be empty"));
  if (!args.positional().empty()) {
    return ReportError(kTokenCmd,
                       Status::Error("usage", "unexpected argument '" + args.positional()[0] + "'"));
  }
  const std::string token = crypto::GenerateApiToken();
  const std::string hash = crypto::HashApiToken(token);
  nlohmann::ordered_json entry{{"name", name}, {"role", *role}, {"token_hash", hash}};
  std::cout << "token: " << token << "\n"
            << "hash:  " << hash << "\n"
            << "config api_tokens entry:\n"
            << entry.dump(2) << "\n"
            << "Give the token to the client once; only the hash belongs in node configs.\n";
  return kExitOk;
}

}  // namespace

std::vector<Command> TokenCommands() {
  return {
      {"token create", "--role writer|reader|regulator|admin [--name NAME]",
       "print a new API bearer token, its hash and the api_tokens entry for node configs "
       "(NAME defaults to the role)",
       FlagSpec{{"role", "name"}, {}}, TokenCreate},
  };
}

}  // namespace cc::cli
