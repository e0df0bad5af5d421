// libFuzzer target for the RFC 5011 managed-keys text (resolver/validator/anchor_state_text.h)
// and the state machine that moves it (anchor_maintenance.h). The input is the state text; its
// last 8 bytes, when there are more than 8, also pick one observation of each parsed trust
// point (which keys are present, revoked, self-signed; whether the set validated; how many days
// later). Checked:
//   - whatever parses serialises to text that parses back to the same state, and serialises
//     again to the same text (the round trip);
//   - an unvalidated observation changes nothing;
//   - a Revoked or Removed key never becomes trusted again, an AddPend key never becomes Valid
//     before its hold-down ends, and a trust point with a trusted key keeps one (redoubt's rule
//     for RFC 5011 section 5);
//   - the new state round-trips through the text too.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/validator/anchor_state_text.h"

namespace {

using namespace redoubt::resolver;

void CheckRoundTrip(const std::vector<TrustPointState>& points) {
  std::string text = SerializeManagedAnchors(points);
  auto again = ParseManagedAnchors(text, "fuzz");
  if (!again || *again != points || SerializeManagedAnchors(*again) != text) std::abort();
}

bool AnyTrusted(const TrustPointState& p) {
  for (const ManagedKey& k : p.keys) {
    if (IsTrusted(k.state)) return true;
  }
  return false;
}

const ManagedKey* Find(const TrustPointState& p, const ManagedKey& before) {
  for (const ManagedKey& k : p.keys) {
    if (k.first_seen == before.first_seen && k.rdata.size() == before.rdata.size() &&
        k.rdata.size() >= 2 &&
        std::equal(k.rdata.begin() + 2, k.rdata.end(), before.rdata.begin() + 2) &&
        k.rdata[0] == before.rdata[0] &&
        (k.rdata[1] | kDnskeyRevokeFlag) == (before.rdata[1] | kDnskeyRevokeFlag)) {
      return &k;
    }
  }
  return nullptr;
}

void Observe(const TrustPointState& point, std::span<const uint8_t> control) {
  uint32_t present = control[0] | (control[1] << 8), revoked = control[2] | (control[3] << 8);
  uint32_t self_signed = control[4] | (control[5] << 8);
  bool validated = (control[6] & 1) != 0;
  int64_t now = point.last_refresh + static_cast<int64_t>(control[7]) * 86400;
  redoubt::dns::RRset set;
  set.owner = point.zone;
  set.type = redoubt::dns::RrType::DNSKEY;
  Acceptance acceptance{validated, {}, "fuzz"};
  for (size_t i = 0; i < point.keys.size() && i < 16; ++i) {
    if ((present >> i & 1) == 0) continue;
    std::vector<uint8_t> rdata = point.keys[i].rdata;
    if (rdata.size() >= 2 && (revoked >> i & 1)) rdata[1] |= kDnskeyRevokeFlag;
    if (self_signed >> i & 1) acceptance.self_signed_revoked.push_back(rdata);
    set.rdatas.push_back(std::move(rdata));
  }
  MaintenanceResult r = ApplyObservation(point, set, acceptance, now, control[6] * 3600u);
  if (!validated && !(r.state == point)) std::abort();
  if (AnyTrusted(point) && !AnyTrusted(r.state)) std::abort();
  for (const ManagedKey& before : point.keys) {
    const ManagedKey* after = Find(r.state, before);
    if (after == nullptr) continue;
    bool was_out = before.state == KeyState::kRevoked || before.state == KeyState::kRemoved;
    if (was_out && IsTrusted(after->state)) std::abort();
    if (before.state == KeyState::kAddPend && after->state == KeyState::kValid &&
        now < before.hold_down_until)
      std::abort();
  }
  CheckRoundTrip({r.state});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::span<const uint8_t> control;
  if (size > 8) {
    control = std::span<const uint8_t>(data + size - 8, 8);
    text.remove_suffix(8);
  }
  auto points = ParseManagedAnchors(text, "fuzz");
  if (!points) return 0;
  CheckRoundTrip(*points);
  if (!control.empty()) {
    for (const TrustPointState& point : *points) Observe(point, control);
  }
  return 0;
}
