#include "cli/args.h"

namespace cc::cli {

Result<Args> Args::Parse(const std::vector<std::string>& words, const FlagSpec& spec) {
  Args args;
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.size() < 2 || w.compare(0, 2, "--") != 0) {
      args.positional_.push_back(w);
      continue;
    }
    std::string name = w.substr(2);
    std::optional<std::string> inline_value;
    if (const size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name.resize(eq);
    }
    if (args.values_.count(name) != 0) {
      return Status::Error("usage", "--" + name + " given twice");
    }
    if (spec.switches.count(name) != 0) {
      if (inline_value) return Status::Error("usage", "--" + name + " takes no value");
      args.values_[name] = "";
    } else if (spec.valued.count(name) != 0) {
      if (inline_value) {
        args.values_[name] = *inline_value;
      } else if (i + 1 < words.size()) {
        args.values_[name] = words[++i];
      } else {
        return Status::Error("usage", "--" + name + " needs a value");
      }
    } else {
      return Status::Error("usage", "unknown flag --" + name);
    }
  }
  return args;
}

std::optional<std::string> Args::Get(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

Result<std::string> Args::Require(const std::string& name) const {
  auto v = Get(name);
  if (!v || v->empty()) return Status::Error("usage", "missing --" + name);
  return *v;
}

}  // namespace cc::cli
