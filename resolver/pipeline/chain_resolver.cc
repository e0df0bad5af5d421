#include "resolver/pipeline/chain_resolver.h"

#include <iterator>

namespace redoubt::resolver {
namespace {

// Appends `from` to `to`, moving the RRsets (the step they come from is spent).
void MoveAppend(std::vector<dns::RRset>& to, std::vector<dns::RRset>& from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  from.clear();
}

// Adds a final link's negative answer or wildcard proofs to the authority section.
void AddProofs(ClassifiedReply& reply, Resolution& out) {
  if (reply.soa && reply.kind != ReplyKind::kAnswer) out.authority.push_back(std::move(*reply.soa));
  MoveAppend(out.authority, reply.negative_proofs);
}

}  // namespace

NameSource& ChainResolver::SourceFor(const dns::Name& name) const {
  if (forwarder_ != nullptr && forwarder_->Covers(name)) return *forwarder_;
  return iterator_;
}

// One link: a forward zone first (an operator's forward zone inside a mirrored root wins), then
// a local copy, then the network.
Task<NameStep> ChainResolver::ResolveLink(const RequestContext& context, dns::Question question) {
  bool forwarded = forwarder_ != nullptr && forwarder_->Covers(question.qname);
  if (!forwarded && local_zones_ != nullptr) {
    if (std::optional<NameStep> local = local_zones_->Answer(context, question)) co_return *local;
  }
  dns::Question link = question;  // Named: see the note on temporaries in iterator.cc.
  co_return co_await SourceFor(question.qname).ResolveName(context, std::move(link));
}

Task<Resolution> ChainResolver::Resolve(const RequestContext& context) {
  Resolution out;
  dns::Question question = context.question();
  for (;;) {
    dns::Question link = question;  // Named: see the note on temporaries in iterator.cc.
    NameStep step = co_await ResolveLink(context, std::move(link));
    if (!step.ok) {
      out = FailedResolution(step.ede, std::move(step.why));
      break;
    }
    for (CutProof& cut : step.cuts) out.cuts.push_back(std::move(cut));
    out.unverified_fragments = out.unverified_fragments || step.unverified_fragments;
    if (step.server) out.answered_by.push_back(*step.server);
    ClassifiedReply& reply = step.reply;
    MoveAppend(out.answer, reply.chain);
    if (reply.kind == ReplyKind::kCname) {
      // A link expanded from a wildcard needs its zone's proof too (RFC 4035 section 5.3.4).
      MoveAppend(out.authority, reply.negative_proofs);
      if (!context.budget().TryCnameHop()) {
        out = FailedResolution(dns::EdeCode::kOther,
                               "CNAME/DNAME chain longer than " +
                                   std::to_string(context.budget().limits().cname_hops));
        break;
      }
      question.qname = reply.next_name;
      continue;
    }
    MoveAppend(out.answer, reply.answer);
    out.rcode = reply.kind == ReplyKind::kNxDomain ? dns::Rcode::NXDOMAIN : dns::Rcode::NOERROR;
    out.zone_ns = std::move(reply.zone_ns);
    AddProofs(reply, out);
    break;
  }
  out.upstream_queries = context.budget().upstream_queries();
  co_return out;
}

}  // namespace redoubt::resolver
