#include "resolver/server/client_answer.h"

namespace redoubt::resolver {
namespace {

using dns::RrType;

// Copies `from` into `to`, without DNSSEC records and signatures unless the client set DO or
// asked for the type itself.
void CopySection(const std::vector<dns::RRset>& from, const dns::Question& question,
                 bool dnssec_ok, std::vector<dns::RRset>& to) {
  for (const dns::RRset& set : from) {
    if (dnssec_ok) {
      to.push_back(set);
      continue;
    }
    if (IsDnssecOnlyType(set.type) && set.type != question.qtype) continue;
    dns::RRset plain = set;
    plain.sigs.clear();
    plain.legacy_sigs.clear();
    to.push_back(std::move(plain));
  }
}

}  // namespace

bool IsDnssecOnlyType(dns::RrType type) noexcept {
  return type == RrType::RRSIG || type == RrType::NSEC || type == RrType::NSEC3 ||
         type == RrType::SIG || type == RrType::NXT;
}

ClientSections ShapeForClient(const Resolution& resolution, const dns::Question& question,
                              bool dnssec_ok) {
  ClientSections out;
  CopySection(resolution.answer, question, dnssec_ok, out.answer);
  CopySection(resolution.authority, question, dnssec_ok, out.authority);
  return out;
}

}  // namespace redoubt::resolver
