// How the validator asks for the records it needs (DS, DNSKEY, KEY, SIG, NXT): as
// sub-resolutions of the request through the pipeline (RequestContext::Nested), so they are
// cached, coalesced, and bounded by the request's budget and deadline; never a second resolver.
#pragma once

#include "net/base/task.h"
#include "net/dns/rrset.h"
#include "resolver/query/request_context.h"
#include "resolver/query/stages.h"

namespace redoubt::resolver {

// Resolves `question` for the validator. `unvalidated` (RequestContext::NestedUnvalidated) is for
// records the caller checks itself (a zone's DNSKEY or KEY set, a legacy SIG or NXT); otherwise
// the answer comes back validated. A validated question already in progress in this request is a
// loop (SERVFAIL, EDE 6); each fetch is one dependency of the request's budget (SERVFAIL when
// they nest too deep). Never throws.
Task<Resolution> FetchForValidation(const RequestContext& context, dns::Question question, bool unvalidated);

// RFC 2065 section 2.3.1: "If a server does not support the protocol, the resolver must retrieve
// all the SIG records for a name and select the one or ones that sign the resource record(s) that
// resolver is interested in." When `set` carries no legacy SIG, asks for the SIGs of its owner
// (QTYPE SIG, unvalidated) and attaches those that cover its type (never a transaction SIG, type
// covered 0). Leaves `set` as it was when none comes back.
Task<void> FetchLegacySigs(const RequestContext& context, dns::RRset& set);

}  // namespace redoubt::resolver
