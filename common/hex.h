// Lower-case hex encoding of byte strings. Pure functions, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cc {

std::string ToHex(std::string_view bytes);
// Accepts upper or lower case; nullopt on odd length or a non-hex character.
std::optional<std::string> FromHex(std::string_view hex);
// FromHex that also requires exactly `size` decoded bytes.
std::optional<std::string> FromHexSized(std::string_view hex, size_t size);

}  // namespace cc
