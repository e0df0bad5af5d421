// libFuzzer target: any bytes that parse as a reply are classified against a fixed question and
// zone, and against the reply's own question; the classifier must never crash, and whatever it
// keeps must lie inside the zone it was asked about (the bailiwick rule).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "net/dns/message_view.h"
#include "resolver/query/reply_classifier.h"

namespace {

using redoubt::dns::Name;

void CheckInZone(const redoubt::resolver::ClassifiedReply& r, const Name& zone) {
  for (const auto& set : r.chain) if (!set.owner.IsSubdomainOf(zone)) std::abort();
  for (const auto& set : r.answer) if (!set.owner.IsSubdomainOf(zone)) std::abort();
  for (const auto& set : r.glue) if (!set.owner.IsSubdomainOf(zone)) std::abort();
  if (r.ns && !r.ns->owner.IsSubdomainOf(zone)) std::abort();
  if (r.soa && !r.soa->owner.IsSubdomainOf(zone)) std::abort();
}

void Classify(const redoubt::dns::MessageView& view, const redoubt::dns::Question& question,
              const Name& zone) {
  auto result = redoubt::resolver::ClassifyReply(view, question, zone);
  if (result) CheckInZone(*result, zone);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto view = redoubt::dns::MessageView::Parse(std::span<const uint8_t>(data, size));
  if (!view) return 0;
  static const Name kZone = *Name::FromText("example.");
  static const redoubt::dns::Question kQuestion{*Name::FromText("www.example."),
                                                redoubt::dns::RrType::A,
                                                redoubt::dns::RrClass::IN};
  Classify(*view, kQuestion, kZone);
  if (!view->questions().empty()) {
    const auto& own = view->questions().front();
    Classify(*view, own, own.qname.Parent());
    Classify(*view, own, Name::Root());
  }
  return 0;
}
