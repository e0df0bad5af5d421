// libFuzzer target for RFC 5011 refreshes (resolver/validator/anchor_acceptance.h): what the
// daemon's refresher does with a DNSKEY reply from the network. The input is a DNS message; the
// DNSKEY RRset of its answer section (with its RRSIGs, net/dns/rrset.h GroupRRsets) is judged
// by RefreshTrustPoint against a trust point that trusts the set's first SEP key (its REVOKE bit
// cleared) since a day before, at an hour after the first RRSIG's inception (two days at least), and by TrustPointFromDs with that
// key's DS. The seeds (tests/fuzz/corpus/anchor_refresh_fuzzer) are real signed sets, so the
// mutations reach the state machine with signatures that verify. Checked:
//   - nothing throws or reads out of bounds (sanitizers);
//   - a set that did not validate changes nothing (RFC 5011 section 2.2);
//   - a trust point with a trusted key keeps one (redoubt's rule for section 5);
//   - the next refresh is at least an hour away (section 2.3);
//   - the new state round-trips through the state file's text;
//   - a trust point seeded from the DS trusts only keys the DS names.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <vector>

#include "crypto/ds_digest.h"
#include "net/dns/canonical.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata.h"
#include "net/dns/rrset.h"
#include "resolver/validator/anchor_acceptance.h"
#include "resolver/validator/anchor_state_text.h"

namespace {

using namespace redoubt;
using namespace redoubt::resolver;

bool AnyTrusted(const TrustPointState& point) { return !TrustedKeys(point).empty(); }

std::optional<dns::RRset> DnskeySet(std::span<const uint8_t> message) {
  auto view = dns::MessageView::Parse(message);
  if (!view) return std::nullopt;
  auto sets = dns::GroupRRsets(*view, dns::Section::kAnswer);
  if (!sets) return std::nullopt;
  for (dns::RRset& set : *sets) {
    if (set.type == dns::RrType::DNSKEY) return std::move(set);
  }
  return std::nullopt;
}

// The first DNSKEY of `set` with the Zone Key and SEP flags, its REVOKE bit cleared.
std::optional<std::vector<uint8_t>> FirstSepKey(const dns::RRset& set) {
  for (const std::vector<uint8_t>& rdata : set.rdatas) {
    if (rdata.size() < 4 || (rdata[0] & 0x01) == 0 || (rdata[1] & 0x01) == 0) continue;
    std::vector<uint8_t> key = rdata;
    key[1] &= static_cast<uint8_t>(~kDnskeyRevokeFlag);
    return key;
  }
  return std::nullopt;
}

void CheckRefresh(const TrustPointState& state, const dns::RRset& set, int64_t now) {
  ValidationBudget budget;
  RefreshOutcome outcome = RefreshTrustPoint(state, set, now, VerifyLimits{}, budget);
  if (!outcome.validated && !(outcome.result.state == state)) std::abort();
  if (AnyTrusted(state) && !AnyTrusted(outcome.result.state)) std::abort();
  if (outcome.next_refresh < now + 3600) std::abort();
  auto text = ParseManagedAnchors(SerializeManagedAnchors(std::span(&outcome.result.state, 1)), "fuzz");
  if (!text || text->size() != 1 || !(text->front() == outcome.result.state)) std::abort();
}

void CheckDsSeed(const dns::RRset& set, const std::vector<uint8_t>& key, int64_t now) {
  auto digest = crypto::DsDigest(2, set.owner, key);
  auto decoded = dns::Decode<dns::rdata::DNSKEY>(key);
  if (!digest || !decoded) return;
  dns::rdata::DS ds;
  ds.key_tag = dns::KeyTag(key);
  ds.algorithm = decoded->algorithm;
  ds.digest_type = 2;
  ds.digest.bytes.assign(digest->bytes().begin(), digest->bytes().end());
  ValidationBudget budget;
  auto seeded = TrustPointFromDs(set.owner, std::span(&ds, 1), set, now, VerifyLimits{}, budget);
  if (!seeded) return;
  for (const std::vector<uint8_t>& trusted : TrustedKeys(*seeded)) {
    if (trusted != key) std::abort();  // Only the key the DS names.
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::optional<dns::RRset> set = DnskeySet(std::span(data, size));
  if (!set) return 0;
  std::optional<std::vector<uint8_t>> key = FirstSepKey(*set);
  if (!key) return 0;
  // Wall-clock times are positive, and the trust point was set up a day before (the state text
  // refuses negative times).
  int64_t now = set->sigs.empty() ? 1'767'225'600 : static_cast<int64_t>(set->sigs.front().inception.value) + 3600;
  now = std::max<int64_t>(now, 2 * 86400);
  TrustPointState state = InitialTrustPoint(set->owner, std::span(&*key, 1), now - 86400);
  CheckRefresh(state, *set, now);
  CheckDsSeed(*set, *key, now);
  return 0;
}
