// Words, numbers, names and records of the scenario format, and the "expect" lines.
#include <algorithm>
#include <cctype>
#include <charconv>

#include "net/dns/zone_parser.h"
#include "tests/scenarios/scenario_parse.h"

namespace redoubt::resolver::scenario {
namespace {

using Kind = Expectation::Kind;

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::optional<dns::Section> ParseSection(std::string_view text) {
  if (text == "answer") return dns::Section::kAnswer;
  if (text == "authority") return dns::Section::kAuthority;
  if (text == "additional") return dns::Section::kAdditional;
  return std::nullopt;
}

// "<section> has TYPE | lacks TYPE | count [op] N | empty | no <record> | <record>".
bool SectionExpectation(const SourceLine& line, const Words& w, Expectation& e, std::string& error) {
  e.section = *ParseSection(w[1]);
  if (w.size() < 3) {
    error = "expect " + w[1] + " what?";
    return false;
  }
  const std::string& what = w[2];
  if (what == "has" || what == "lacks") {
    e.kind = what == "has" ? Kind::kHas : Kind::kLacks;
    auto type = w.size() == 4 ? ParseType(w[3]) : std::nullopt;
    if (!type) error = "expect " + w[1] + " " + what + " takes one record type";
    if (type) e.type = *type;
    return type.has_value();
  }
  if (what == "count" || what == "empty") {
    e.kind = Kind::kCount;
    if (what == "empty") return w.size() == 3 || Reject(error, "empty takes nothing");
    if (ParseComparison(w, 3, e.op, e.value)) return true;
    error = "count takes [<, <=, ==, >=, >] and a number";
    return false;
  }
  bool negated = what == "no";
  e.kind = negated ? Kind::kNoRecord : Kind::kRecord;
  auto record = ParseRecord(Rest(line.text, negated ? 3 : 2), line, error);
  if (record) e.record = *record;
  return record.has_value();
}

// "asked|not-asked <address> [<qname> <TYPE>]".
bool AskedExpectation(const Words& w, Expectation& e, std::string& error) {
  e.kind = w[1] == "asked" ? Kind::kAsked : Kind::kNotAsked;
  if (w.size() != 3 && w.size() != 5) {
    error = w[1] + " takes an address, and optionally a name and a type";
    return false;
  }
  e.text = w[2];
  if (w.size() == 3) return true;
  auto name = ParseName(w[3]);
  auto type = ParseType(w[4]);
  if (!name || !type) {
    error = "bad question '" + w[3] + " " + w[4] + "'";
    return false;
  }
  e.asked = dns::Question{*name, *type, dns::RrClass::IN};
  return true;
}

bool FlagsExpectation(const Words& w, Expectation& e, std::string& error) {
  static const char* const kFlags[] = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
  e.kind = Kind::kFlags;
  for (size_t i = 2; i < w.size(); ++i) {
    std::string flag = w[i].substr(w[i].empty() ? 0 : 1);
    bool known = std::any_of(std::begin(kFlags), std::end(kFlags), [&](const char* f) { return flag == f; });
    if (w[i].size() < 2 || (w[i][0] != '+' && w[i][0] != '-') || !known) {
      error = "flags are +flag or -flag (qr aa tc rd ra ad cd), not '" + w[i] + "'";
      return false;
    }
    e.flags.emplace_back(w[i][0] == '+', flag);
  }
  return w.size() > 2 || Reject(error, "expect flags what?");
}

bool EdeExpectation(const Words& w, Expectation& e, std::string& error) {
  e.kind = Kind::kEde;
  if (w.size() == 3 && w[2] == "none") return true;
  std::optional<uint64_t> code = w.size() == 3 ? ParseNumber(w[2]) : std::nullopt;
  if (!code || *code > UINT16_MAX) {
    error = "ede takes an INFO-CODE (RFC 8914) or none";
    return false;
  }
  e.ede = static_cast<uint16_t>(*code);
  return true;
}

}  // namespace

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

Words Split(std::string_view text) {
  Words out;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out.emplace_back(text.substr(start, i - start));
  }
  return out;
}

std::string Rest(std::string_view line, size_t count) {
  size_t i = 0;
  for (size_t word = 0; word < count; ++word) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) ++i;
  }
  return Trim(line.substr(i));
}

std::optional<uint64_t> ParseNumber(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<dns::Name> ParseName(std::string_view text) {
  if (text.empty() || text.back() != '.') return std::nullopt;  // Absolute names only.
  auto name = dns::Name::FromText(text);
  return name ? std::optional<dns::Name>(*name) : std::nullopt;
}

std::optional<dns::RrType> ParseType(std::string_view text) { return dns::RrTypeFromText(text); }

std::optional<dns::Rcode> ParseRcode(std::string_view text) {
  using dns::Rcode;
  for (Rcode r : {Rcode::NOERROR, Rcode::FORMERR, Rcode::SERVFAIL, Rcode::NXDOMAIN, Rcode::NOTIMP,
                  Rcode::REFUSED, Rcode::YXDOMAIN, Rcode::YXRRSET, Rcode::NXRRSET, Rcode::NOTAUTH,
                  Rcode::NOTZONE, Rcode::BADVERS}) {
    if (EqualsIgnoringCase(dns::RcodeToText(r), text)) return r;
  }
  return std::nullopt;
}

std::optional<dns::Record> ParseRecord(const std::string& text, const SourceLine& where,
                                       std::string& error) {
  dns::ZoneParseOptions options;
  options.origin = dns::Name::Root();
  options.default_ttl = 0;
  options.allow_include = false;
  auto records = dns::ParseZoneText(text, where.Where(), options);
  if (!records) {
    error = "record '" + text + "': " + records.error().reason;
    return std::nullopt;
  }
  if (records->size() != 1) {
    error = "'" + text + "' is not one record";
    return std::nullopt;
  }
  return records->front();
}

bool ParseComparison(const Words& words, size_t at, Comparison& op, uint64_t& value) {
  static const std::pair<const char*, Comparison> kOps[] = {
      {"<", Comparison::kLess}, {"<=", Comparison::kLessEqual}, {"==", Comparison::kEqual},
      {"=", Comparison::kEqual}, {">=", Comparison::kGreaterEqual}, {">", Comparison::kGreater}};
  op = Comparison::kEqual;
  if (at + 2 == words.size()) {
    auto found = std::find_if(std::begin(kOps), std::end(kOps), [&](const auto& o) { return words[at] == o.first; });
    if (found == std::end(kOps)) return false;
    op = found->second;
    ++at;
  }
  if (at + 1 != words.size()) return false;
  std::optional<uint64_t> number = ParseNumber(words[at]);
  if (number) value = *number;
  return number.has_value();
}

bool ParseExpectation(const SourceLine& line, Expectation& e, std::string& error) {
  Words w = Split(line.text);
  e.where = line;
  if (w.size() < 2) return Reject(error, "expect what?");
  const std::string& what = w[1];
  if (what == "rcode") {
    e.kind = Kind::kRcode;
    auto rcode = w.size() == 3 ? ParseRcode(w[2]) : std::nullopt;
    if (rcode) e.rcode = *rcode;
    return rcode.has_value() || Reject(error, "rcode takes a name (NOERROR, SERVFAIL, ...)");
  }
  if (what == "flags") return FlagsExpectation(w, e, error);
  if (what == "ede") return EdeExpectation(w, e, error);
  if (what == "ede-text") {
    e.kind = Kind::kEdeText;
    e.text = Rest(line.text, 2);
    return !e.text.empty() || Reject(error, "ede-text takes the text to find");
  }
  if (what == "asked" || what == "not-asked") return AskedExpectation(w, e, error);
  if (what == "ttl" || what == "upstream") {
    e.kind = what == "ttl" ? Kind::kTtl : Kind::kUpstream;
    if (ParseComparison(w, 2, e.op, e.value)) return true;
    error = what + " takes [<, <=, ==, >=, >] and a number";
    return false;
  }
  if (ParseSection(what)) return SectionExpectation(line, w, e, error);
  error = "unknown expectation '" + what + "'";
  return false;
}

}  // namespace redoubt::resolver::scenario
