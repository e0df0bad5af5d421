#include "resolver/query/request_context.h"

#include <algorithm>
#include <chrono>

namespace redoubt::resolver {

RequestContext RequestContext::ForClient(dns::Question question, ClientFlags client,
                                         const QueryLimits& limits,
                                         const ValidationLimits& validation, MonoTime now,
                                         std::stop_token stop) {
  auto work = std::make_shared<RequestWork>();
  work->budget = QueryBudget(limits);
  work->validation = ValidationBudget(validation);
  work->deadline = now + std::chrono::milliseconds(limits.deadline_ms);
  work->stop = std::move(stop);
  return RequestContext(std::move(question), client, std::move(work));
}

RequestContext RequestContext::Nested(dns::Question question) const {
  // DO set and CD clear: the sub-answer feeds the validator, not a client.
  ClientFlags flags{true, false, client_.edns_size};
  RequestContext child(std::move(question), flags, work_);
  child.depth_ = depth_ + 1;
  child.ancestors_ = ancestors_;
  child.ancestors_.push_back(question_);
  child.accept_fragments_ = accept_fragments_;
  child.avoid_ = avoid_;
  return child;
}

RequestContext RequestContext::NestedUnvalidated(dns::Question question) const {
  RequestContext child = Nested(std::move(question));
  child.client_.checking_disabled = true;
  return child;
}

bool RequestContext::InProgress(const dns::Question& question) const {
  // dns::Name equality ignores case (RFC 4343), and so does Question's.
  return question == question_ ||
         std::find(ancestors_.begin(), ancestors_.end(), question) != ancestors_.end();
}

uint32_t RequestContext::RemainingMs(MonoTime now) const noexcept {
  if (now >= work_->deadline) return 0;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(work_->deadline - now).count();
  return static_cast<uint32_t>(std::min<int64_t>(left, UINT32_MAX));
}

bool RequestContext::Over(MonoTime now) const noexcept {
  return now >= work_->deadline || work_->stop.stop_requested();
}

}  // namespace redoubt::resolver
