// libFuzzer target: a line from a local client of the control socket (docs/control.md), parsed
// by ParseControlRequest, and a lifetime as `nta add` takes it (ParseNegativeAnchorLifetime);
// also the owner read back from a cache key (cache::KeyOwner, dump-cache).
//
// Invariants (a violation traps): nothing crashes or reads outside the input; an accepted line
// is at most kMaxControlLine octets (plus its LF) of printable ASCII, starts with "text " or
// "json ", and formatting the parsed request again and parsing that gives the same command,
// format, name and lifetime (when it fits a line); an accepted lifetime is 1 s to one week; a key owner, when read,
// is a name whose keys (RRsetKey/NxDomainKey) begin with the same name prefix.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cache/cache_key.h"
#include "resolver/control/control_request.h"

namespace {

using namespace redoubt::resolver;

void Require(bool holds) {
  if (!holds) __builtin_trap();
}

void CheckRequest(std::string_view line) {
  auto request = ParseControlRequest(line);
  if (!request) {
    Require(!request.error().empty());
    return;
  }
  std::string_view body = line.ends_with('\n') ? line.substr(0, line.size() - 1) : line;
  Require(body.size() <= kMaxControlLine);
  Require(body.starts_with("text ") || body.starts_with("json "));
  for (char c : body) Require(static_cast<unsigned char>(c) >= 0x20 && static_cast<unsigned char>(c) < 0x7F);
  std::vector<std::string> arguments;
  if (request->name) arguments.push_back(request->name->ToText());
  if (request->lifetime_seconds) arguments.push_back(std::to_string(*request->lifetime_seconds));
  std::string formatted = FormatControlRequest(request->format, ControlCommandName(request->command), arguments);
  if (formatted.size() > kMaxControlLine + 1) return;  // A name written with more escapes than it came with.
  auto again = ParseControlRequest(formatted);
  Require(again.has_value());
  Require(again->command == request->command && again->format == request->format);
  Require(again->name.has_value() == request->name.has_value());
  if (request->name) Require(*again->name == *request->name);
  Require(again->lifetime_seconds == request->lifetime_seconds);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckRequest(text);
  if (auto lifetime = ParseNegativeAnchorLifetime(text)) {
    Require(*lifetime >= 1 && *lifetime <= kMaxNegativeAnchorLifetime);
  }
  if (auto owner = redoubt::cache::KeyOwner(text)) {
    Require(redoubt::cache::NxDomainKey(*owner).starts_with(owner->LookupKey()));
  }
  return 0;
}
