// creditctl: the CreditChain command-line tool. Dispatches on the first word to a
// command of one of the groups listed in command.h. Exceptions stop here: none may
// escape as a crash.
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"

namespace cc::cli {

int ReportError(const std::string& command, const Status& status) {
  std::cerr << "creditctl " << command << ": " << status.ToString() << "\n";
  return status.code() == "usage" ? kExitUsage : kExitFailure;
}

namespace {

std::vector<Command> AllCommands() {
  std::vector<Command> all;
  for (auto group : {KeyCommands, VerifyCommands, NetworkCommands, TokenCommands, SubmitCommands,
                     BenchCommands, CreditCommands}) {
    for (auto& c : group()) all.push_back(std::move(c));
  }
  return all;
}

void PrintUsage(std::ostream& out, const std::vector<Command>& commands) {
  out << "usage: creditctl <command> [flags]\n\ncommands:\n";
  for (const auto& c : commands) {
    out << "  " << c.name << " " << c.usage << "\n      " << c.summary << "\n";
  }
  out << "\n'creditctl <command> --help' describes one command.\n";
}

void PrintCommandUsage(std::ostream& out, const Command& c) {
  out << "usage: creditctl " << c.name << " " << c.usage << "\n  " << c.summary << "\n";
}

int Main(int argc, char** argv) {
  const std::vector<Command> commands = AllCommands();
  if (argc < 2) {
    PrintUsage(std::cerr, commands);
    return kExitUsage;
  }
  std::string name = argv[1];
  if (name == "help" || name == "--help" || name == "-h") {
    PrintUsage(std::cout, commands);
    return kExitOk;
  }
  // Two-word commands ("network init") first, then one-word ones.
  const Command* command = nullptr;
  int consumed = 2;
  if (argc > 2) {
    const std::string two = name + " " + argv[2];
    for (const auto& c : commands) {
      if (c.name == two) command = &c;
    }
    if (command != nullptr) {
      name = two;
      consumed = 3;
    }
  }
  for (const auto& c : commands) {
    if (command == nullptr && c.name == name) command = &c;
  }
  if (command == nullptr) {
    bool group = false;
    for (const auto& c : commands) {
      if (c.name.rfind(name + " ", 0) != 0) continue;
      if (!group) std::cerr << "creditctl: '" << name << "' needs a subcommand\n";
      group = true;
      PrintCommandUsage(std::cerr, c);
    }
    if (group) return kExitUsage;
    std::cerr << "creditctl: unknown command '" << name << "'\n\n";
    PrintUsage(std::cerr, commands);
    return kExitUsage;
  }
  std::vector<std::string> words(argv + consumed, argv + argc);
  for (const auto& w : words) {
    if (w == "--help" || w == "-h") {
      PrintCommandUsage(std::cout, *command);
      return kExitOk;
    }
  }
  auto args = Args::Parse(words, command->flags);
  int code = args.ok() ? command->run(*args) : ReportError(name, args.status());
  if (code == kExitUsage) PrintCommandUsage(std::cerr, *command);
  return code;
}

}  // namespace
}  // namespace cc::cli

int main(int argc, char** argv) {
  try {
    return cc::cli::Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "creditctl: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "creditctl: internal error\n";
  }
  return cc::cli::kExitFailure;
}
