#include "resolver/daemon/trust_anchors.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "crypto/dnssec_algorithms.h"
#include "net/dns/rdata.h"

namespace redoubt::resolver {
namespace {

// Generated from resolver/data/root.ds; keep the two the same.
constexpr std::string_view kRootAnchors = R"ANCHORS(. IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D
. IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16
)ANCHORS";

Result<void, dns::ZoneError> CheckAnchors(const std::vector<dns::Record>& records,
                                          const std::string& file) {
  if (records.empty()) return Unexpected(dns::ZoneError{file, 0, Errc::kNotFound, "no trust anchor in the file"});
  for (const dns::Record& r : records) {
    if (r.type == dns::RrType::DS) continue;
    if (r.type == dns::RrType::DNSKEY) {
      auto key = dns::Decode<dns::rdata::DNSKEY>(r.rdata);
      if (key && (key->flags & 0x0100) != 0) continue;
      return Unexpected(dns::ZoneError{file, 0, Errc::kBadRdata,
                                       r.owner.ToText() + " DNSKEY is not a zone key"});
    }
    return Unexpected(dns::ZoneError{file, 0, Errc::kInvalidArgument,
                                     r.owner.ToText() + " " + dns::RrTypeToText(r.type) +
                                         " is not a trust anchor (DS or DNSKEY)"});
  }
  return {};
}

// RFC 2535 section 3.1.2: a usable legacy trust point is a zone KEY that holds a key.
Result<void, dns::ZoneError> CheckLegacyAnchors(const std::vector<dns::Record>& records,
                                                const std::string& file) {
  if (records.empty()) return Unexpected(dns::ZoneError{file, 0, Errc::kNotFound, "no KEY record in the file"});
  for (const dns::Record& r : records) {
    std::string what = r.owner.ToText() + " " + dns::RrTypeToText(r.type);
    if (r.type != dns::RrType::KEY) {
      return Unexpected(dns::ZoneError{file, 0, Errc::kInvalidArgument, what + " is not a legacy trust anchor (KEY)"});
    }
    auto key = dns::Decode<dns::rdata::KEY>(r.rdata);
    if (!key || (key->flags & 0x0100) == 0 || (key->flags & 0xC000) == 0xC000) {
      return Unexpected(dns::ZoneError{file, 0, Errc::kBadRdata, what + " is not a zone key holding a key"});
    }
    if (!crypto::CanValidateLegacy(key->algorithm)) {
      return Unexpected(dns::ZoneError{file, 0, Errc::kUnsupported,
                                       what + " uses algorithm " + std::to_string(static_cast<int>(key->algorithm)) +
                                           ", which redoubt cannot verify"});
    }
  }
  return {};
}

// Appends the records not already present; TTLs do not count (an anchor does not expire by TTL).
void AddDistinct(const std::vector<dns::Record>& records, std::vector<dns::Record>& all) {
  for (const dns::Record& r : records) {
    bool known = std::any_of(all.begin(), all.end(), [&](const dns::Record& a) {
      return a.owner == r.owner && a.type == r.type && a.klass == r.klass && a.rdata == r.rdata;
    });
    if (!known) all.push_back(r);
  }
}

dns::ZoneParseOptions AnchorParseOptions() {
  dns::ZoneParseOptions options;
  options.default_ttl = 0;  // Anchor files seldom give TTLs.
  return options;
}

// Why `records`, read from `file`, cannot be the root's anchors; nothing when they can.
std::optional<std::string> RootAnchorProblem(const Result<std::vector<dns::Record>, dns::ZoneError>& records,
                                             const std::string& file) {
  if (!records) return records.error().ToString();
  if (auto ok = CheckAnchors(*records, file); !ok) return ok.error().ToString();
  bool root_only = std::all_of(records->begin(), records->end(), [](const dns::Record& r) { return r.owner.IsRoot(); });
  if (!root_only) return file + ": it holds anchors of zones other than the root";
  return std::nullopt;
}

}  // namespace

std::string_view BuiltinRootAnchors() noexcept { return kRootAnchors; }

RootAnchorChoice ChooseRootAnchors(const std::string& distro_file) {
  RootAnchorChoice choice;
  std::error_code error;
  if (std::filesystem::exists(distro_file, error)) {
    auto records = dns::ParseZoneFile(distro_file, AnchorParseOptions());
    std::optional<std::string> problem = RootAnchorProblem(records, distro_file);
    if (!problem) {
      choice.records = std::move(*records);
      choice.source = distro_file;
      return choice;
    }
    choice.warning = "warning: not using the root anchors of " + distro_file + ": " + *problem +
                     "; using the built-in ones";
  }
  auto builtin = dns::ParseZoneText(kRootAnchors, "built-in root anchors", AnchorParseOptions());
  if (builtin) choice.records = std::move(*builtin);  // Compiled in, and parsed in every test run.
  choice.source = "built-in";
  return choice;
}

Result<std::vector<dns::Record>, dns::ZoneError> LoadTrustAnchors(const std::vector<std::string>& paths,
                                                                  const RootAnchorChoice* root) {
  std::vector<dns::Record> all;
  if (root != nullptr) AddDistinct(root->records, all);
  for (const std::string& path : paths) {
    auto records = dns::ParseZoneFile(path, AnchorParseOptions());
    if (!records) return Unexpected(records.error());
    if (auto ok = CheckAnchors(*records, path); !ok) return Unexpected(ok.error());
    AddDistinct(*records, all);
  }
  return all;
}

Result<std::vector<dns::Record>, dns::ZoneError> LoadLegacyTrustAnchors(const std::vector<std::string>& paths) {
  std::vector<dns::Record> all;
  for (const std::string& path : paths) {
    auto records = dns::ParseZoneFile(path, AnchorParseOptions());
    if (!records) return Unexpected(records.error());
    if (auto ok = CheckLegacyAnchors(*records, path); !ok) return Unexpected(ok.error());
    AddDistinct(*records, all);
  }
  return all;
}

}  // namespace redoubt::resolver
