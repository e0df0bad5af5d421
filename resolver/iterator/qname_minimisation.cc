#include "resolver/iterator/qname_minimisation.h"

#include <algorithm>

namespace redoubt::resolver {

MinimisedQuestion NextMinimisedQuestion(const dns::Name& qname, dns::RrType qtype,
                                        const dns::Name& known, uint32_t steps,
                                        const MinimisationLimits& limits) {
  size_t cut_labels = qname.IsSubdomainOf(known) ? known.LabelCount() : 0;
  size_t target_labels = qname.LabelCount();
  if (qtype == dns::RrType::DS && target_labels > 0) --target_labels;  // Stop at the parent.
  if (target_labels <= cut_labels + 1 || steps >= limits.max_steps) {
    return {qname, qtype, true};
  }
  size_t remaining = target_labels - cut_labels;
  size_t add = 1;
  if (steps >= limits.one_label_steps) {
    size_t steps_left = std::max<size_t>(1, limits.max_steps - steps);
    add = std::max<size_t>(1, (remaining + steps_left - 1) / steps_left);
  }
  size_t labels = cut_labels + add;
  if (labels >= qname.LabelCount()) return {qname, qtype, true};
  return {qname.Suffix(labels), dns::RrType::A, false};
}

MinimisationStep AfterMinimisedReply(MinimisedOutcome outcome, bool relaxed) noexcept {
  switch (outcome) {
    case MinimisedOutcome::kExists: return MinimisationStep::kContinue;
    case MinimisedOutcome::kNxDomain:
      return relaxed ? MinimisationStep::kAskFullName : MinimisationStep::kNxDomain;
    case MinimisedOutcome::kUnexpected: return MinimisationStep::kAskFullName;
  }
  return MinimisationStep::kAskFullName;
}

}  // namespace redoubt::resolver
