#include "resolver/server/client_answer.h"

namespace redoubt::resolver {
namespace {

using dns::RrType;

bool Signed(const dns::RRset& set) { return !set.sigs.empty() || !set.legacy_sigs.empty(); }

// Whether a DO=0 client asking `question` sees `set` at all.
bool VisibleWithoutDo(const dns::RRset& set, const dns::Question& question) {
  return !IsDnssecOnlyType(set.type) || set.type == question.qtype;
}

// Adds `set` to `to` as the client may see it: itself, or a copy without signatures.
void Add(const dns::RRset& set, const dns::Question& question, bool dnssec_ok,
         ClientSections& out, std::vector<const dns::RRset*>& to) {
  if (dnssec_ok) {
    to.push_back(&set);
    return;
  }
  if (!VisibleWithoutDo(set, question)) return;
  if (!Signed(set)) {
    to.push_back(&set);
    return;
  }
  dns::RRset& plain = out.stripped.emplace_back(set);  // Capacity reserved: no reallocation.
  plain.sigs.clear();
  plain.legacy_sigs.clear();
  to.push_back(&plain);
}

}  // namespace

bool IsDnssecOnlyType(dns::RrType type) noexcept {
  return type == RrType::RRSIG || type == RrType::NSEC || type == RrType::NSEC3 ||
         type == RrType::SIG || type == RrType::NXT;
}

ClientSections ShapeForClient(const Resolution& resolution, const dns::Question& question,
                              bool dnssec_ok, bool zone_ns) {
  ClientSections out;
  const dns::RRset* ns = nullptr;
  if (zone_ns && resolution.zone_ns && resolution.rcode == dns::Rcode::NOERROR &&
      !resolution.answer.empty()) {
    ns = &*resolution.zone_ns;
  }
  if (!dnssec_ok) {
    size_t to_strip = ns != nullptr && Signed(*ns);
    for (const auto* section : {&resolution.answer, &resolution.authority}) {
      for (const dns::RRset& set : *section) to_strip += Signed(set);
    }
    out.stripped.reserve(to_strip);
  }
  out.answer.reserve(resolution.answer.size());
  for (const dns::RRset& set : resolution.answer) Add(set, question, dnssec_ok, out, out.answer);
  for (const dns::RRset& set : resolution.authority) Add(set, question, dnssec_ok, out, out.authority);
  if (ns != nullptr) Add(*ns, question, dnssec_ok, out, out.authority);
  return out;
}

}  // namespace redoubt::resolver
