// The mirrored zones' live copies, shared by every worker (readers) and the mirror service
// (the one writer), and each worker's LocalZones over them (resolver/query/stages.h): a name
// inside a live copy is answered from it as its primary would answer (MirrorZone::Answer),
// and that reply is classified like any authoritative reply, so the chain, validate and store
// stages treat it as they treat the network's (a copy is a transport, not a trust anchor).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "net/base/counter.h"
#include "resolver/mirror/mirror_zone.h"
#include "resolver/query/reply_classifier.h"
#include "resolver/query/stages.h"

namespace redoubt::resolver {

class MirrorSet {
 public:
  // One slot per configured zone, empty until Publish.
  explicit MirrorSet(const std::vector<dns::Name>& zones);

  // The live copy of the deepest configured zone at or above `name`, or null (none, or that
  // zone has no live copy: the copy expired or was never transferred). Lock-free for readers
  // in effect (an atomic shared_ptr load), safe from any thread.
  std::shared_ptr<const MirrorZone> Find(const dns::Name& name) const;

  // Makes `copy` the live copy of `apex` (a configured zone), or withdraws it (null: the copy
  // expired, RFC 1035 section 4.3.5's EXPIRE). Readers holding the old copy keep it until they
  // drop it.
  void Publish(const dns::Name& apex, std::shared_ptr<const MirrorZone> copy);

  const std::vector<dns::Name>& zones() const noexcept { return names_; }
  // Grows by one after every Publish: a copy of answers kept elsewhere (the workers' packet
  // caches) compares it with the value read before it answered. Safe from any thread.
  uint64_t generation() const noexcept { return generation_.load(std::memory_order_acquire); }

 private:
  std::vector<dns::Name> names_;
  std::unique_ptr<std::atomic<std::shared_ptr<const MirrorZone>>[]> copies_;
  std::atomic<uint64_t> generation_{0};
};

struct LocalZoneStats {
  Counter answered;   // Steps answered from a copy.
  Counter referrals;  // Names below a copy's delegation, handed to the iterator.
  Counter declined;   // Covered names the copy could not answer with proof (asked upstream).
};

// A worker's view of the mirrored zones. `on_referral` receives the copy's referral for a
// name below one of its delegations (the worker stores it in the iterator's delegation cache,
// so iteration starts at the cut, RFC 8806 section 3); it may be empty.
class MirrorSource final : public LocalZones {
 public:
  using ReferralSink = std::function<void(const ClassifiedReply& referral)>;
  MirrorSource(const MirrorSet& set, ReferralSink on_referral, LocalZoneStats* stats = nullptr);

  std::optional<NameStep> Answer(const RequestContext& context,
                                 const dns::Question& question) override;

 private:
  const MirrorSet& set_;
  ReferralSink on_referral_;
  LocalZoneStats own_stats_;
  LocalZoneStats* stats_;
};

}  // namespace redoubt::resolver
