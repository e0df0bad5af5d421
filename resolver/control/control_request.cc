#include "resolver/control/control_request.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace redoubt::resolver {
namespace {

enum class Arguments : uint8_t { kNone, kName, kNameAndLifetime };

struct CommandSpec {
  std::string_view name;
  ControlCommand command;
  Arguments arguments;
};

constexpr std::array<CommandSpec, 15> kCommands{{
    {"status", ControlCommand::kStatus, Arguments::kNone},
    {"stats", ControlCommand::kStats, Arguments::kNone},
    {"flush", ControlCommand::kFlush, Arguments::kName},
    {"flush-zone", ControlCommand::kFlushZone, Arguments::kName},
    {"flush-all", ControlCommand::kFlushAll, Arguments::kNone},
    {"flush-bogus", ControlCommand::kFlushBogus, Arguments::kNone},
    {"flush-negative", ControlCommand::kFlushNegative, Arguments::kNone},
    {"dump-cache", ControlCommand::kDumpCache, Arguments::kNone},
    {"forward-zones", ControlCommand::kForwardZones, Arguments::kNone},
    {"trust-anchors", ControlCommand::kTrustAnchors, Arguments::kNone},
    {"mirror-refresh", ControlCommand::kMirrorRefresh, Arguments::kName},
    {"nta-add", ControlCommand::kNtaAdd, Arguments::kNameAndLifetime},
    {"nta-remove", ControlCommand::kNtaRemove, Arguments::kName},
    {"nta-list", ControlCommand::kNtaList, Arguments::kNone},
    {"reload", ControlCommand::kReload, Arguments::kNone},
}};

// What a command was given wrongly, in words: "flush takes one domain name".
std::string ArgumentRule(const CommandSpec& spec) {
  switch (spec.arguments) {
    case Arguments::kNone: return std::string(spec.name) + " takes no argument";
    case Arguments::kName: return std::string(spec.name) + " takes one domain name";
    case Arguments::kNameAndLifetime: return std::string(spec.name) + " takes a zone and an optional lifetime";
  }
  return std::string(spec.name);
}

// Splits on single spaces; an empty word (two spaces, a leading or trailing space) is refused
// by the caller, so the split keeps it.
std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> words;
  size_t start = 0;
  while (true) {
    size_t space = line.find(' ', start);
    words.push_back(line.substr(start, space == std::string_view::npos ? std::string_view::npos : space - start));
    if (space == std::string_view::npos) return words;
    start = space + 1;
  }
}

std::string CommandList() {
  std::string list;
  for (const CommandSpec& spec : kCommands) list += (list.empty() ? "" : ", ") + std::string(spec.name);
  return list;
}

// Printable ASCII only: the line is text from a local client, but nothing unexpected may pass.
bool PrintableAscii(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7F;
  });
}

Result<dns::Name, std::string> ParseNameArgument(std::string_view text) {
  auto name = dns::Name::FromText(text);
  if (!name) return Unexpected("'" + std::string(text) + "' is not a domain name: " + std::string(ErrcName(name.error().code)));
  return *name;
}

}  // namespace

std::string_view ControlCommandName(ControlCommand command) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.command == command) return spec.name;
  }
  return "unknown";
}

std::vector<std::string_view> ControlCommandNames() {
  std::vector<std::string_view> names;
  for (const CommandSpec& spec : kCommands) names.push_back(spec.name);
  return names;
}

Result<ControlRequest, std::string> ParseControlRequest(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.empty()) return Unexpected(std::string("empty request; expected: FORMAT COMMAND [NAME]"));
  if (line.size() > kMaxControlLine) return Unexpected(std::string("request line too long"));
  if (!PrintableAscii(line)) return Unexpected(std::string("request holds octets other than printable ASCII"));
  std::vector<std::string_view> words = Words(line);
  if (std::any_of(words.begin(), words.end(), [](std::string_view w) { return w.empty(); })) {
    return Unexpected(std::string("malformed request: words must be separated by single spaces"));
  }
  ControlRequest request;
  if (words[0] == "text") {
    request.format = ControlFormat::kText;
  } else if (words[0] == "json") {
    request.format = ControlFormat::kJson;
  } else {
    return Unexpected("unknown format '" + std::string(words[0]) + "' (text or json)");
  }
  if (words.size() < 2) return Unexpected("no command; commands: " + CommandList());
  auto spec = std::find_if(kCommands.begin(), kCommands.end(),
                           [&](const CommandSpec& s) { return s.name == words[1]; });
  if (spec == kCommands.end()) {
    return Unexpected("unknown command '" + std::string(words[1]) + "'; commands: " + CommandList());
  }
  request.command = spec->command;
  size_t arguments = words.size() - 2;
  bool fits = spec->arguments == Arguments::kNone           ? arguments == 0
              : spec->arguments == Arguments::kName         ? arguments == 1
                                                            : arguments == 1 || arguments == 2;
  if (!fits) return Unexpected(ArgumentRule(*spec));
  if (arguments >= 1) {
    auto name = ParseNameArgument(words[2]);
    if (!name) return Unexpected(name.error());
    request.name = *name;
  }
  if (arguments == 2) {
    auto lifetime = ParseNegativeAnchorLifetime(words[3]);
    if (!lifetime) return Unexpected(lifetime.error());
    request.lifetime_seconds = *lifetime;
  }
  return request;
}

std::string FormatControlRequest(ControlFormat format, std::string_view command,
                                 const std::vector<std::string>& arguments) {
  std::string line = format == ControlFormat::kJson ? "json " : "text ";
  line += command;
  for (const std::string& argument : arguments) line += " " + argument;
  return line + "\n";
}

Result<uint32_t, std::string> ParseNegativeAnchorLifetime(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0 || digits > 9) return Unexpected(quoted + ": expected seconds or a number with s, m, h, d or w");
  uint64_t multiplier = 1;
  std::string_view unit = text.substr(digits);
  if (unit == "" || unit == "s") multiplier = 1;
  else if (unit == "m") multiplier = 60;
  else if (unit == "h") multiplier = 3600;
  else if (unit == "d") multiplier = 86400;
  else if (unit == "w") multiplier = 7 * 86400;
  else return Unexpected(quoted + ": unknown unit '" + std::string(unit) + "' (s, m, h, d, w)");
  int64_t number = 0;
  std::from_chars(text.data(), text.data() + digits, number);
  uint64_t seconds = static_cast<uint64_t>(number) * multiplier;
  if (seconds == 0 || seconds > kMaxNegativeAnchorLifetime) {
    return Unexpected(quoted + ": a lifetime is from 1 s to one week (RFC 7646 section 2: temporary)");
  }
  return static_cast<uint32_t>(seconds);
}

}  // namespace redoubt::resolver
