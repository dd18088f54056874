// Flag parsing for creditctl commands.
//
// A command declares the flags it takes: valued flags ("--out FILE" or "--out=FILE")
// and switches ("--verbose"). Anything else starting with "--" is a usage error, as
// is a valued flag without its value or a flag given twice. Words that are not flags
// are kept as positional arguments.
//
// Thread safety: a value type.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/status.h"

namespace cc::cli {

struct FlagSpec {
  std::set<std::string> valued;  // names without the leading "--"
  std::set<std::string> switches;
};

class Args {
 public:
  // Code "usage" with a message naming the offending word.
  static Result<Args> Parse(const std::vector<std::string>& words, const FlagSpec& spec);

  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  std::optional<std::string> Get(const std::string& name) const;
  // Code "usage" ("missing --name") when absent.
  Result<std::string> Require(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;  // switches map to ""
  std::vector<std::string> positional_;
};

}  // namespace cc::cli
