#include "resolver/mirror/mirror_set.h"

#include <utility>

namespace redoubt::resolver {

MirrorSet::MirrorSet(const std::vector<dns::Name>& zones)
    : names_(zones),
      copies_(std::make_unique<std::atomic<std::shared_ptr<const MirrorZone>>[]>(zones.size())) {}

std::shared_ptr<const MirrorZone> MirrorSet::Find(const dns::Name& name) const {
  std::shared_ptr<const MirrorZone> best;
  size_t best_labels = 0;
  for (size_t i = 0; i < names_.size(); ++i) {
    if (!name.IsSubdomainOf(names_[i])) continue;
    size_t labels = names_[i].LabelCount();
    if (best && labels <= best_labels) continue;
    std::shared_ptr<const MirrorZone> copy = copies_[i].load(std::memory_order_acquire);
    if (!copy) continue;
    best = std::move(copy);
    best_labels = labels;
  }
  return best;
}

void MirrorSet::Publish(const dns::Name& apex, std::shared_ptr<const MirrorZone> copy) {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == apex) {
      copies_[i].store(std::move(copy), std::memory_order_release);
      generation_.fetch_add(1, std::memory_order_acq_rel);
      return;
    }
  }
}

MirrorSource::MirrorSource(const MirrorSet& set, ReferralSink on_referral, LocalZoneStats* stats)
    : set_(set), on_referral_(std::move(on_referral)), stats_(stats ? stats : &own_stats_) {}

std::optional<NameStep> MirrorSource::Answer(const RequestContext&, const dns::Question& question) {
  std::shared_ptr<const MirrorZone> copy = set_.Find(question.qname);
  if (!copy) return std::nullopt;
  std::optional<std::vector<uint8_t>> wire = copy->Answer(question);
  auto view = wire ? dns::MessageView::Parse(*wire) : Result<dns::MessageView>(Fail(Errc::kTruncated));
  auto classified = view ? ClassifyReply(*view, question, copy->apex()) : Result<ClassifiedReply>(Fail(Errc::kTruncated));
  if (!classified) {
    ++stats_->declined;
    return std::nullopt;
  }
  switch (classified->kind) {
    case ReplyKind::kAnswer:
    case ReplyKind::kCname:
    case ReplyKind::kNxDomain:
    case ReplyKind::kNoData: {
      ++stats_->answered;
      NameStep step;
      step.ok = true;
      step.reply = std::move(*classified);
      return step;
    }
    case ReplyKind::kReferral:
      ++stats_->referrals;
      if (on_referral_) on_referral_(*classified);
      return std::nullopt;
    default:
      ++stats_->declined;
      return std::nullopt;
  }
}

}  // namespace redoubt::resolver
