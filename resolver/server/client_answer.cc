#include "resolver/server/client_answer.h"

namespace redoubt::resolver {
namespace {

using dns::RrType;

bool Signed(const dns::RRset& set) { return !set.sigs.empty() || !set.legacy_sigs.empty(); }

// Whether a DO=0 client asking `question` sees `set` at all.
bool VisibleWithoutDo(const dns::RRset& set, const dns::Question& question) {
  return !IsDnssecOnlyType(set.type) || set.type == question.qtype;
}

}  // namespace

bool IsDnssecOnlyType(dns::RrType type) noexcept {
  return type == RrType::RRSIG || type == RrType::NSEC || type == RrType::NSEC3 ||
         type == RrType::SIG || type == RrType::NXT;
}

bool VisitClientRRsets(const Resolution& resolution, const dns::Question& question,
                       bool dnssec_ok, bool zone_ns,
                       const std::function<bool(dns::Section, const dns::RRset&)>& visit) {
  auto one = [&](dns::Section section, const dns::RRset& set) {
    if (dnssec_ok) return visit(section, set);
    if (!VisibleWithoutDo(set, question)) return true;
    if (!Signed(set)) return visit(section, set);
    dns::RRset plain = set;
    plain.sigs.clear();
    plain.legacy_sigs.clear();
    return visit(section, plain);
  };
  for (const dns::RRset& set : resolution.answer) {
    if (!one(dns::Section::kAnswer, set)) return false;
  }
  for (const dns::RRset& set : resolution.authority) {
    if (!one(dns::Section::kAuthority, set)) return false;
  }
  if (zone_ns && resolution.zone_ns && resolution.rcode == dns::Rcode::NOERROR &&
      !resolution.answer.empty()) {
    return one(dns::Section::kAuthority, *resolution.zone_ns);
  }
  return true;
}

ClientSections ShapeForClient(const Resolution& resolution, const dns::Question& question,
                              bool dnssec_ok, bool zone_ns) {
  ClientSections out;
  VisitClientRRsets(resolution, question, dnssec_ok, zone_ns,
                    [&](dns::Section section, const dns::RRset& set) {
                      (section == dns::Section::kAnswer ? out.answer : out.authority).push_back(set);
                      return true;
                    });
  return out;
}

}  // namespace redoubt::resolver
