// The control channel's negative trust anchor commands (docs/control.md; RFC 7646):
// nta-add ZONE [LIFETIME], nta-remove ZONE, nta-list, and their expiry.
#include <string>

#include "resolver/daemon/control_service.h"
#include "resolver/daemon/negative_anchor_file.h"

namespace redoubt::resolver {
namespace {

ControlReply NoRuntimeAnchors() {
  return ControlReply::Error("negative trust anchors cannot be added to this daemon (validation is off)");
}

}  // namespace

size_t ControlService::AfterNegativeAnchorChange(const dns::Name& zone) {
  size_t removed = targets_.cache != nullptr ? targets_.cache->FlushSubtree(zone) : 0;
  size_t silent = 0;
  ForgetInWorkers([](Worker& w) { return w.ForgetBogus(); }, silent);
  if (!targets_.negative_anchor_state.empty()) {
    if (auto saved = SaveNegativeAnchorFile(targets_.negative_anchor_state, *targets_.negative_anchors); !saved && targets_.log) {
      targets_.log("warning: negative trust anchors not saved: " + saved.error());
    }
  }
  return removed;
}

ControlReply ControlService::NtaAdd(const ControlRequest& request) {
  if (targets_.negative_anchors == nullptr) return NoRuntimeAnchors();
  const dns::Name& zone = *request.name;
  uint32_t lifetime = request.lifetime_seconds.value_or(kDefaultNegativeAnchorLifetime);
  std::lock_guard lock(nta_mutex_);
  if (!targets_.negative_anchors->Add(zone, lifetime)) {
    return ControlReply::Error("too many negative trust anchors (" + std::to_string(kMaxRuntimeNegativeAnchors) +
                               "); remove some with nta-remove");
  }
  size_t removed = AfterNegativeAnchorChange(zone);
  ControlReply reply;
  reply.message = zone.ToLower().ToText() + " is not validated for " + std::to_string(lifetime) +
                  " s (negative trust anchor, RFC 7646); flushed " + std::to_string(removed) + " cache entries below it";
  reply.items.push_back({{"zone", zone.ToLower().ToText()},
                         {"lifetime_seconds", uint64_t{lifetime}},
                         {"expires", static_cast<uint64_t>(targets_.now_seconds() + lifetime)},
                         {"entries_removed", static_cast<uint64_t>(removed)}});
  return reply;
}

ControlReply ControlService::NtaRemove(const dns::Name& zone) {
  if (targets_.negative_anchors == nullptr) return NoRuntimeAnchors();
  std::lock_guard lock(nta_mutex_);
  if (!targets_.negative_anchors->Remove(zone)) {
    return ControlReply::Error(zone.ToText() + " has no negative trust anchor added with nta-add" +
                               " (configured ones are changed in the configuration)");
  }
  size_t removed = AfterNegativeAnchorChange(zone);
  ControlReply reply;
  reply.message = zone.ToLower().ToText() + " is validated again; flushed " + std::to_string(removed) +
                  " cache entries below it";
  reply.items.push_back({{"zone", zone.ToLower().ToText()}, {"entries_removed", static_cast<uint64_t>(removed)}});
  return reply;
}

ControlReply ControlService::NtaList() const {
  if (targets_.negative_anchors == nullptr) return NoRuntimeAnchors();
  ControlReply reply;
  reply.layout = ControlLayout::kTable;
  int64_t now = targets_.now_seconds();
  for (const RuntimeNegativeAnchor& nta : targets_.negative_anchors->List()) {
    reply.items.push_back({{"zone", nta.zone.ToText()},
                           {"expires", static_cast<uint64_t>(nta.expires)},
                           {"seconds_left", static_cast<uint64_t>(nta.expires - now)}});
  }
  reply.message = std::to_string(reply.items.size()) + " negative trust anchors added at run time";
  return reply;
}

size_t ControlService::ExpireNegativeAnchors() {
  if (targets_.negative_anchors == nullptr) return 0;
  std::lock_guard lock(nta_mutex_);
  std::vector<dns::Name> expired = targets_.negative_anchors->TakeExpired();
  for (const dns::Name& zone : expired) {
    size_t removed = AfterNegativeAnchorChange(zone);
    if (targets_.log) {
      targets_.log("negative trust anchor " + zone.ToText() + " expired; validated again, flushed " +
                   std::to_string(removed) + " cache entries below it");
    }
  }
  return expired.size();
}

}  // namespace redoubt::resolver
