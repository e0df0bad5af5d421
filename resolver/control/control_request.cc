#include "resolver/control/control_request.h"

#include <algorithm>
#include <array>

namespace redoubt::resolver {
namespace {

struct CommandSpec {
  std::string_view name;
  ControlCommand command;
  bool takes_name;
};

constexpr std::array<CommandSpec, 11> kCommands{{
    {"status", ControlCommand::kStatus, false},
    {"stats", ControlCommand::kStats, false},
    {"flush", ControlCommand::kFlush, true},
    {"flush-zone", ControlCommand::kFlushZone, true},
    {"flush-all", ControlCommand::kFlushAll, false},
    {"flush-bogus", ControlCommand::kFlushBogus, false},
    {"flush-negative", ControlCommand::kFlushNegative, false},
    {"dump-cache", ControlCommand::kDumpCache, false},
    {"forward-zones", ControlCommand::kForwardZones, false},
    {"trust-anchors", ControlCommand::kTrustAnchors, false},
    {"mirror-refresh", ControlCommand::kMirrorRefresh, true},
}};

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
  size_t expected = spec->takes_name ? 3 : 2;
  if (words.size() != expected) {
    return Unexpected(std::string(spec->name) +
                      (spec->takes_name ? " takes one domain name" : " takes no argument"));
  }
  if (spec->takes_name) {
    auto name = ParseNameArgument(words[2]);
    if (!name) return Unexpected(name.error());
    request.name = *name;
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

}  // namespace redoubt::resolver
