// The parser of one scenario: its directives, zone and script blocks, steps and expectations.
#include <algorithm>
#include <map>

#include "net/base/clock.h"
#include "net/base/endpoint.h"
#include "net/dns/base_encoding.h"
#include "tests/scenarios/scenario_parse.h"

namespace redoubt::resolver::scenario {
namespace {

// Breakers and how many arguments each takes (README: Breakers).
const std::map<std::string, size_t> kBreakers = {
    {"corrupt-sig", 2}, {"strip-sig", 2}, {"remove", 2}, {"remove-type", 1}, {"set-ttl", 3},
    {"forge-sigs", 3}, {"no-ds", 0}, {"ds-digest", 1}, {"ds-algorithm", 1}, {"ds-mismatch", 0},
    {"ds-extra", 2},
};

std::optional<dns::DnssecAlgorithm> ParseAlgorithm(std::string_view text) {
  if (text == "ecdsap256") return dns::DnssecAlgorithm::ECDSAP256SHA256;
  if (text == "ecdsap384") return dns::DnssecAlgorithm::ECDSAP384SHA384;
  return dns::DnssecAlgorithmFromText(text);
}

// "now", "now+120", "now-30d" (relative to the simulated clock's start) or seconds since 1970.
std::optional<uint32_t> ParseTime(std::string_view text) {
  if (!text.starts_with("now")) {
    auto absolute = ParseNumber(text);
    if (!absolute || *absolute > UINT32_MAX) return std::nullopt;
    return static_cast<uint32_t>(*absolute);
  }
  int64_t start = SimulatedClock().WallSeconds();
  text.remove_prefix(3);
  if (text.empty()) return static_cast<uint32_t>(start);
  bool minus = text.front() == '-';
  if (!minus && text.front() != '+') return std::nullopt;
  auto offset = ParseDuration(text.substr(1));
  if (!offset) return std::nullopt;
  return static_cast<uint32_t>(start + (minus ? -*offset : *offset));
}

class Parser {
 public:
  Parser(const std::vector<SourceLine>& lines, Scenario& out) : lines_(lines), out_(out) {}

  void Run() {
    while (next_ < lines_.size() && out_.error.empty()) {
      const SourceLine& line = lines_[next_++];
      if (!Directive(line) && out_.error.empty()) Fail(line, "cannot read this line");
    }
    if (out_.error.empty() && out_.title.empty()) Fail(lines_.front(), "no scenario: line");
  }

 private:
  bool Fail(const SourceLine& where, const std::string& reason) {
    if (out_.error.empty()) out_.error = where.Where() + ": " + reason + "\n  " + where.text;
    return false;
  }
  bool Directive(const SourceLine& line);
  bool Zone(const SourceLine& line, const Words& w);
  bool Extend(const SourceLine& line, const Words& w);
  bool Addresses(const SourceLine& line, const std::string& list, ZoneDecl& zone);
  bool SignOptions(const SourceLine& line, const Words& w, size_t at, testing::SignerOptions& o);
  bool SignOption(const Words& w, size_t& i, testing::SignerOptions& o);
  bool Break(const SourceLine& line, const Words& w);
  bool Option(const SourceLine& line, const Words& w);
  bool Script(const SourceLine& line, const Words& w);
  bool ScriptLine(const SourceLine& line, ScriptDecl& script);
  bool StepLine(const SourceLine& line, const Words& w);
  // The lines up to the closing "end".
  std::optional<std::vector<SourceLine>> Block(const SourceLine& opener);
  // The declared zone named by w[i], or null.
  ZoneDecl* NamedZone(const Words& w, size_t i) {
    auto apex = i < w.size() ? ParseName(w[i]) : std::nullopt;
    return apex ? FindZone(*apex) : nullptr;
  }
  ZoneDecl* FindZone(const dns::Name& apex) {
    auto it = std::find_if(out_.zones.begin(), out_.zones.end(), [&](const ZoneDecl& z) { return z.apex == apex; });
    return it == out_.zones.end() ? nullptr : &*it;
  }

  const std::vector<SourceLine>& lines_;
  size_t next_ = 0;
  Scenario& out_;
};

bool Parser::Directive(const SourceLine& line) {
  Words w = Split(line.text);
  const std::string& d = w[0];
  if (d == "scenario:" || d == "known-failure:") {
    std::string text = Rest(line.text, 1);
    if (text.empty()) return Fail(line, d + " takes a text");
    if (d == "scenario:") out_.where = line;
    (d == "scenario:" ? out_.title : out_.known_failure) = text;
    return true;
  }
  if (d == "zone") return Zone(line, w);
  if (d == "extend") return Extend(line, w);
  if (d == "sign") {
    ZoneDecl* zone = NamedZone(w, 1);
    if (zone == nullptr) return Fail(line, "sign names a zone declared before it");
    zone->sign = true;
    return SignOptions(line, w, 2, zone->options);
  }
  if (d == "break") return Break(line, w);
  if (d == "anchor" || d == "nta") {
    auto name = w.size() == 2 ? ParseName(w[1]) : std::nullopt;
    if (!name) return Fail(line, d + " takes one absolute zone name");
    (d == "anchor" ? out_.anchors : out_.negative_anchors).push_back(*name);
    return true;
  }
  if (d == "option") return Option(line, w);
  if (d == "script") return Script(line, w);
  if (d == "step") return StepLine(line, w);
  if (d == "expect") {
    if (out_.steps.empty() || out_.steps.back().kind != Step::Kind::kQuery) {
      return Fail(line, "expect follows a \"step query\"");
    }
    Expectation e;
    std::string error;
    if (!ParseExpectation(line, e, error)) return Fail(line, error);
    out_.steps.back().expectations.push_back(std::move(e));
    return true;
  }
  return Fail(line, "unknown directive '" + d + "'");
}

std::optional<std::vector<SourceLine>> Parser::Block(const SourceLine& opener) {
  std::vector<SourceLine> block;
  while (next_ < lines_.size()) {
    const SourceLine& line = lines_[next_++];
    if (line.text == "end") return block;
    block.push_back(line);
  }
  Fail(opener, "no \"end\" closes this block");
  return std::nullopt;
}

// "zone <apex> at <addr>[,<addr>...] (unsigned | sign <algorithm> [options])", text, "end".
bool Parser::Zone(const SourceLine& line, const Words& w) {
  ZoneDecl zone;
  zone.where = line;
  auto apex = w.size() >= 5 ? ParseName(w[1]) : std::nullopt;
  if (!apex || w[2] != "at" || (w[4] != "unsigned" && w[4] != "sign")) {
    return Fail(line, "zone <apex> at <address>[,<address>] (unsigned | sign <algorithm> ...)");
  }
  zone.apex = *apex;
  if (!Addresses(line, w[3], zone)) return false;
  zone.sign = w[4] == "sign";
  if (zone.sign) {
    auto algorithm = w.size() > 5 ? ParseAlgorithm(w[5]) : std::nullopt;
    if (!algorithm) return Fail(line, "sign takes an algorithm first (rsasha256, ecdsap256, ed25519, ...)");
    zone.options.algorithm = *algorithm;
    if (!SignOptions(line, w, 6, zone.options)) return false;
  } else if (w.size() != 5) {
    return Fail(line, "an unsigned zone takes no signing options");
  }
  auto block = Block(line);
  if (!block) return false;
  for (const SourceLine& l : *block) zone.text += l.text + "\n";
  std::erase_if(out_.zones, [&](const ZoneDecl& z) { return z.apex == zone.apex; });
  out_.zones.push_back(std::move(zone));
  return true;
}

bool Parser::Addresses(const SourceLine& line, const std::string& list, ZoneDecl& zone) {
  size_t start = 0;
  for (size_t comma; (comma = list.find(',', start)) != std::string::npos; start = comma + 1) {
    zone.addresses.push_back(list.substr(start, comma - start));
  }
  zone.addresses.push_back(list.substr(start));
  for (const std::string& a : zone.addresses) {
    if (!IpAddress::Parse(a)) return Fail(line, "'" + a + "' is not an address");
  }
  return true;
}

// "extend <apex> [at <address>[,<address>]]", text, "end": more records (and servers) for a
// zone declared before.
bool Parser::Extend(const SourceLine& line, const Words& w) {
  ZoneDecl* zone = w.size() == 2 || (w.size() == 4 && w[2] == "at") ? NamedZone(w, 1) : nullptr;
  if (zone == nullptr) return Fail(line, "extend <declared apex> [at <address>[,<address>]]");
  if (w.size() == 4 && !Addresses(line, w[3], *zone)) return false;
  auto block = Block(line);
  if (!block) return false;
  for (const SourceLine& l : *block) zone->text += l.text + "\n";
  return true;
}

bool Parser::SignOptions(const SourceLine& line, const Words& w, size_t at, testing::SignerOptions& o) {
  for (size_t i = at; i < w.size(); ++i) {
    if (auto algorithm = ParseAlgorithm(w[i]); algorithm && i == at) {
      o.algorithm = *algorithm;
      continue;
    }
    if (!SignOption(w, i, o)) return Fail(line, "bad signing option at '" + w[i] + "'");
  }
  return true;
}

// One signing option at w[i] (README: Signing options); moves i past its argument.
bool Parser::SignOption(const Words& w, size_t& i, testing::SignerOptions& o) {
  const std::string& option = w[i];
  if (option == "nsec" || option == "nsec3") {
    o.nsec3 = option == "nsec3";
    return true;
  }
  if (option == "opt-out") {
    o.nsec3 = o.opt_out = true;
    return true;
  }
  if (option == "ksk-zsk") {
    o.separate_ksk = true;
    return true;
  }
  if (i + 1 >= w.size()) return false;
  const std::string& value = w[++i];
  if (option == "inception" || option == "expiration") {
    auto time = ParseTime(value);
    if (time) (option == "inception" ? o.inception : o.expiration) = *time;
    return time.has_value();
  }
  if (option == "salt") {
    auto salt = value == "-" ? Result<std::vector<uint8_t>>(std::vector<uint8_t>{}) : dns::DecodeHex(value);
    if (salt) o.nsec3_salt = *salt;
    return salt.has_value();
  }
  auto number = ParseNumber(value);
  bool fits16 = number && *number <= UINT16_MAX;
  if (option == "iterations" && fits16) {
    o.nsec3_iterations = static_cast<uint16_t>(*number);
  } else if (option == "ksk-flags" && fits16) {
    o.ksk_flags = static_cast<uint16_t>(*number);
  } else if (option == "ttl" && number && *number <= UINT32_MAX) {
    o.ttl_override = static_cast<uint32_t>(*number);
  } else {
    return false;
  }
  return true;
}

bool Parser::Break(const SourceLine& line, const Words& w) {
  auto apex = w.size() >= 3 ? ParseName(w[1]) : std::nullopt;
  if (!apex) return Fail(line, "break <apex> <breaker> <arguments>");
  auto breaker = kBreakers.find(w[2]);
  if (breaker == kBreakers.end()) return Fail(line, "unknown breaker '" + w[2] + "'");
  if (w.size() != 3 + breaker->second) {
    return Fail(line, w[2] + " takes " + std::to_string(breaker->second) + " arguments");
  }
  if (!FindZone(*apex)) return Fail(line, "break names a zone declared before it");
  out_.breaks.push_back(ZoneBreak{*apex, Words(w.begin() + 2, w.end()), line});
  return true;
}

bool Parser::Option(const SourceLine& line, const Words& w) {
  if (w.size() != 3) return Fail(line, "option <name> <value>");
  const std::string& name = w[1];
  const std::string& value = w[2];
  if (name == "validation" || name == "cache") {
    bool first = value == (name == "validation" ? "on" : "lmdb");
    bool second = value == (name == "validation" ? "off" : "none");
    if (!first && !second) return Fail(line, name == "validation" ? "on or off" : "lmdb or none");
    (name == "validation" ? out_.options.validation : out_.options.lmdb_cache) = first;
    return true;
  }
  auto number = ParseNumber(value);
  if (!number || *number > UINT32_MAX) return Fail(line, "option " + name + " takes a number");
  auto n = static_cast<uint32_t>(*number);
  ValidationLimits& limits = out_.options.limits;
  const std::map<std::string, uint32_t*> numbers = {
      {"bogus-ttl", &out_.options.bogus_ttl}, {"signature-checks", &limits.signature_checks},
      {"signatures-per-rrset", &limits.signatures_per_rrset},
      {"key-tag-collisions", &limits.key_tag_collisions}, {"nsec3-hashes", &limits.nsec3_hashes},
      {"nsec3-iterations", &limits.nsec3_iterations}};
  auto found = numbers.find(name);
  if (found == numbers.end()) return Fail(line, "unknown option '" + name + "'");
  *found->second = n;
  return true;
}

// "script <address> <qname> <TYPE> [rcode <RCODE>] [noaa]", record lines, "end".
bool Parser::Script(const SourceLine& line, const Words& w) {
  ScriptDecl script;
  script.where = line;
  auto qname = w.size() >= 4 ? ParseName(w[2]) : std::nullopt;
  auto qtype = w.size() >= 4 ? ParseType(w[3]) : std::nullopt;
  if (!qname || !qtype || !IpAddress::Parse(w[1])) return Fail(line, "script <address> <qname> <TYPE>");
  script.address = w[1];
  script.question = {*qname, *qtype, dns::RrClass::IN};
  for (size_t i = 4; i < w.size(); ++i) {
    if (w[i] == "noaa") {
      script.aa = false;
      continue;
    }
    auto rcode = w[i] == "rcode" && i + 1 < w.size() ? ParseRcode(w[++i]) : std::nullopt;
    if (!rcode) return Fail(line, "script options are rcode <RCODE> and noaa");
    script.rcode = *rcode;
  }
  auto block = Block(line);
  if (!block) return false;
  for (const SourceLine& l : *block) {
    if (!ScriptLine(l, script)) return false;
  }
  out_.scripts.push_back(std::move(script));
  return true;
}

// "<section> copy <owner> <TYPE>", "<section> sigs <owner> <TYPE>" or "<section> <record>".
bool Parser::ScriptLine(const SourceLine& line, ScriptDecl& script) {
  Words w = Split(line.text);
  static const std::map<std::string, dns::Section> kSections = {
      {"answer", dns::Section::kAnswer}, {"authority", dns::Section::kAuthority},
      {"additional", dns::Section::kAdditional}};
  auto section = kSections.find(w[0]);
  if (section == kSections.end() || w.size() < 2) return Fail(line, "answer|authority|additional <record>");
  ScriptRecord record;
  record.section = section->second;
  if (w[1] == "copy" || w[1] == "sigs") {
    auto owner = w.size() == 4 ? ParseName(w[2]) : std::nullopt;
    auto type = w.size() == 4 ? ParseType(w[3]) : std::nullopt;
    if (!owner || !type) return Fail(line, w[1] + " <owner> <TYPE>");
    record.copy_owner = *owner;
    record.copy_type = *type;
    record.signatures_only = w[1] == "sigs";
  } else {
    std::string error;
    record.record = ParseRecord(Rest(line.text, 1), line, error);
    if (!record.record) return Fail(line, error);
  }
  script.records.push_back(std::move(record));
  return true;
}

// "step query <qname> <TYPE> [do] [cd] [ad] [noedns] [tcp]" or "step time +<duration>".
bool Parser::StepLine(const SourceLine& line, const Words& w) {
  if (out_.title.empty()) return Fail(line, "steps belong to a scenario (after its scenario: line)");
  Step step;
  step.where = line;
  if (w.size() == 3 && w[1] == "time") {
    step.kind = Step::Kind::kTime;
    auto seconds = w[2].starts_with("+") ? ParseDuration(w[2]) : std::nullopt;
    if (!seconds) return Fail(line, "step time +<seconds>[s|m|h|d]");
    step.seconds = *seconds;
    out_.steps.push_back(std::move(step));
    return true;
  }
  auto qname = w.size() >= 4 && w[1] == "query" ? ParseName(w[2]) : std::nullopt;
  auto qtype = qname ? ParseType(w[3]) : std::nullopt;
  if (!qtype) return Fail(line, "step query <absolute name> <TYPE> [do] [cd] [ad] [noedns] [tcp]");
  step.question = {*qname, *qtype, dns::RrClass::IN};
  const std::map<std::string, bool Step::*> kFlags = {
      {"do", &Step::dnssec_ok}, {"cd", &Step::checking_disabled}, {"ad", &Step::authentic_data},
      {"tcp", &Step::tcp}};
  for (size_t i = 4; i < w.size(); ++i) {
    auto flag = kFlags.find(w[i]);
    if (flag != kFlags.end()) step.*(flag->second) = true;
    else if (w[i] == "noedns") step.edns = false;
    else return Fail(line, "unknown query flag '" + w[i] + "'");
  }
  out_.steps.push_back(std::move(step));
  return true;
}

}  // namespace

Scenario ParseScenario(const std::vector<SourceLine>& lines) {
  Scenario out;
  if (lines.empty()) {
    out.error = "empty scenario";
    return out;
  }
  Parser(lines, out).Run();
  if (out.error.empty() && out.steps.empty()) out.error = out.where.Where() + ": a scenario needs steps";
  return out;
}

}  // namespace redoubt::resolver::scenario
