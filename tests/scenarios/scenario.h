// Scenario tests written as data, in the manner of Unbound's testbound: a small test Internet
// (zones signed on the spot, scripted replies), trust anchors and options, then steps that ask
// the resolver a question through the Responder and check the reply's header, EDE and sections,
// or move the simulated clock. tests/scenarios/README.md describes the format; this header is
// its parsed form, the loader that reads *.scn files, and nothing that runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "net/dns/message_view.h"
#include "net/dns/record.h"
#include "resolver/query/validation_budget.h"
#include "resolver/testing/zone_signer.h"

namespace redoubt::resolver::scenario {

// Where a line came from: what every message about it starts with.
struct SourceLine {
  std::string file;
  size_t number = 0;
  std::string text;  // Comment stripped, trimmed.
  std::string Where() const { return file + ":" + std::to_string(number); }
};

// One zone of the test Internet: served at `addresses`, signed (fresh keys) unless `sign` is
// false. Its parent zone in the scenario publishes its DS unless a break says otherwise.
struct ZoneDecl {
  dns::Name apex;
  std::vector<std::string> addresses;
  bool sign = true;
  testing::SignerOptions options;
  std::string text;  // Zone-file text, names relative to the apex.
  SourceLine where;
};

// A change made after signing: "break <apex> <breaker> <args...>" (README: Breakers).
struct ZoneBreak {
  dns::Name apex;
  std::vector<std::string> words;  // The breaker and its arguments.
  SourceLine where;
};

// A reply one server sends verbatim to one question; `copy` records are taken from the served
// zones (with their RRSIGs) when the world is built.
struct ScriptRecord {
  dns::Section section = dns::Section::kAnswer;
  std::optional<dns::Record> record;  // A record written out...
  dns::Name copy_owner;               // ...or the served RRset owner/type to copy...
  dns::RrType copy_type = dns::RrType::A;
  bool signatures_only = false;       // ...or only its RRSIGs.
};
struct ScriptDecl {
  std::string address;
  dns::Question question;
  dns::Rcode rcode = dns::Rcode::NOERROR;
  bool aa = true;
  std::vector<ScriptRecord> records;
  SourceLine where;
};

enum class Comparison : uint8_t { kLess, kLessEqual, kEqual, kGreaterEqual, kGreater };

// One "expect" line of a query step.
struct Expectation {
  enum class Kind : uint8_t {
    kRcode, kFlags, kEde, kEdeText, kRecord, kNoRecord, kHas, kLacks, kCount, kTtl, kUpstream,
    kAsked, kNotAsked,
  };
  Kind kind = Kind::kRcode;
  SourceLine where;
  dns::Rcode rcode = dns::Rcode::NOERROR;
  std::vector<std::pair<bool, std::string>> flags;  // (set?, "ad")
  std::optional<uint16_t> ede;                      // kEde: nullopt means "no EDE".
  std::string text;                                 // kEdeText substring; kAsked address.
  dns::Section section = dns::Section::kAnswer;
  dns::Record record;                               // kRecord, kNoRecord (TTL ignored).
  dns::RrType type = dns::RrType::A;                // kHas, kLacks.
  Comparison op = Comparison::kEqual;
  uint64_t value = 0;                               // kCount, kTtl, kUpstream.
  std::optional<dns::Question> asked;               // kAsked, kNotAsked: this question only.
};

struct Step {
  enum class Kind : uint8_t { kQuery, kTime };
  Kind kind = Kind::kQuery;
  SourceLine where;
  dns::Question question;
  bool dnssec_ok = false, checking_disabled = false, authentic_data = false;
  bool edns = true, tcp = false;
  std::vector<Expectation> expectations;
  int64_t seconds = 0;  // kTime.
};

struct ScenarioOptions {
  bool validation = true;
  bool lmdb_cache = true;  // false: NoAnswerStore.
  uint32_t bogus_ttl = 60;
  ValidationLimits limits;
};

struct Scenario {
  std::string title;
  std::string name;           // The gtest name: file stem and the title in CamelCase.
  std::string known_failure;  // Non-empty: reported as skipped with this reason.
  SourceLine where;
  std::vector<ZoneDecl> zones;
  std::vector<ZoneBreak> breaks;
  std::vector<dns::Name> anchors, negative_anchors;
  ScenarioOptions options;
  std::vector<ScriptDecl> scripts;
  std::vector<Step> steps;
  std::string error;  // "file:line: reason" when the text could not be read: the case fails.
};

// Every scenario of one file: the lines before the first "scenario:" are the file's shared
// world, read again at the start of each scenario. A file that cannot be read gives one
// scenario carrying the error.
std::vector<Scenario> LoadScenarioFile(const std::string& path);

// Every *.scn file of `directory`, in name order. Duplicate names become errors.
std::vector<Scenario> LoadScenarioDirectory(const std::string& directory);

// "+3600", "61", "90s", "5m", "23h", "30d" (a leading '+' allowed): seconds.
std::optional<int64_t> ParseDuration(std::string_view text);

}  // namespace redoubt::resolver::scenario
