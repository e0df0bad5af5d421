#include "resolver/validator/validator_fetch.h"

#include "net/dns/rdata.h"

namespace redoubt::resolver {

Task<Resolution> FetchForValidation(const RequestContext& context, dns::Question question, bool unvalidated) {
  Resolver* resolver = context.work().sub_resolver;
  if (resolver == nullptr) co_return FailedResolution(dns::EdeCode::kOther, "no resolver for DNSSEC records");
  // An unvalidated fetch cannot loop (nothing validates it through the chain walker again), and
  // a client asking for a zone's DNSKEY set is itself such a question in progress.
  if (!unvalidated && context.InProgress(question)) {
    co_return FailedResolution(dns::EdeCode::kDnssecBogus, "DNSSEC lookup loop at " + question.qname.ToText());
  }
  if (!context.budget().TryEnterDependency()) {
    co_return FailedResolution(dns::EdeCode::kOther, "DNSSEC lookups nested too deep");
  }
  RequestContext nested = unvalidated ? context.NestedUnvalidated(question) : context.Nested(question);
  Resolution found = co_await resolver->Resolve(std::move(nested));
  context.budget().LeaveDependency();
  co_return found;
}

Task<void> FetchLegacySigs(const RequestContext& context, dns::RRset& set) {
  if (!set.legacy_sigs.empty()) co_return;
  dns::Question question{set.owner, dns::RrType::SIG, set.klass};
  Resolution fetched = co_await FetchForValidation(context, question, true);
  for (const dns::RRset& sigs : fetched.answer) {
    if (sigs.type != dns::RrType::SIG || !(sigs.owner == set.owner)) continue;
    for (const auto& rdata : sigs.rdatas) {
      auto sig = dns::Decode<dns::rdata::SIG>(rdata);
      if (sig && sig->type_covered == set.type) set.legacy_sigs.push_back(std::move(*sig));
    }
  }
}

}  // namespace redoubt::resolver
