// creditctl's command table. Each command group lives in its own file
// (cmd_keys.cc, cmd_verify.cc, ...) and exposes a function returning its commands;
// cli/main.cc concatenates the groups and dispatches on the first word.
//
// To add a group: write cli/cmd_<group>.cc defining `std::vector<Command>
// <Group>Commands()`, declare it below, list it in main.cc's kGroups and add the
// file to cli/CMakeLists.txt. A command name may be two words ("network init"); the
// dispatcher tries the first two words before the first one.
//
// A command prints its results on stdout and its errors on stderr as
// "creditctl <name>: <code>: <message>", and returns an exit code: kExitOk,
// kExitFailure (the operation failed: bad file, bad chain, ...) or kExitUsage (bad
// arguments; the dispatcher then prints the command's usage).
#pragma once

#include <string>
#include <vector>

#include "cli/args.h"
#include "common/status.h"

namespace cc::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;

struct Command {
  std::string name;     // e.g. "keygen", "network init"
  std::string usage;    // e.g. "--out FILE"
  std::string summary;  // one line
  FlagSpec flags;
  int (*run)(const Args& args);
};

// Prints "creditctl <command>: <status>" on stderr; returns kExitUsage when the
// code is "usage", kExitFailure otherwise.
int ReportError(const std::string& command, const Status& status);

std::vector<Command> KeyCommands();      // cmd_keys.cc
std::vector<Command> VerifyCommands();   // cmd_verify.cc
std::vector<Command> NetworkCommands();  // cmd_network.cc
std::vector<Command> TokenCommands();    // cmd_token.cc
std::vector<Command> SubmitCommands();   // cmd_submit.cc
std::vector<Command> BenchCommands();    // cmd_bench.cc
std::vector<Command> CreditCommands();   // cmd_credit.cc

}  // namespace cc::cli
