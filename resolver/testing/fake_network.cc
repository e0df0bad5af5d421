#include "resolver/testing/fake_network.h"

#include <algorithm>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/message_builder.h"
#include "net/dns/rdata.h"
#include "net/dns/zone_parser.h"
#include "resolver/query/reply_classifier.h"

namespace redoubt::resolver::testing {
namespace {

using dns::Name;
using dns::Record;
using dns::RrType;
using dns::Section;

struct ReplyParts {
  bool aa = true;
  uint8_t rcode = 0;
  std::vector<const Record*> answer, authority, additional;
};

std::vector<const Record*> At(const std::vector<Record>& records, const Name& owner, RrType type) {
  std::vector<const Record*> out;
  for (const Record& r : records) {
    if (r.owner == owner && (r.type == type || type == RrType::ANY)) out.push_back(&r);
  }
  return out;
}

bool Exists(const std::vector<Record>& records, const Name& name) {
  for (const Record& r : records) {
    if (r.owner.IsSubdomainOf(name)) return true;
  }
  return false;
}

// The delegation (NS set below the apex) that `qname` falls under, if any. A DS question at
// the cut itself is answered by the parent (RFC 4035 section 3.1.4.1), not referred.
std::vector<const Record*> Cut(const std::vector<Record>& records, const Name& apex,
                               const dns::Question& q) {
  Name start = q.qtype == RrType::DS && !(q.qname == apex) ? q.qname.Parent() : q.qname;
  for (Name n = start; !(n == apex) && n.IsSubdomainOf(apex); n = n.Parent()) {
    auto ns = At(records, n, RrType::NS);
    if (!ns.empty()) return ns;
  }
  return {};
}

std::vector<uint8_t> Build(const dns::Question& q, const ReplyParts& parts) {
  dns::MessageBuilder builder(65535);
  builder.header().qr = true;
  builder.header().aa = parts.aa;
  builder.header().rcode = parts.rcode;
  (void)builder.AddQuestion(q.qname, q.qtype, q.qclass);
  const std::pair<Section, const std::vector<const Record*>*> sections[] = {
      {Section::kAnswer, &parts.answer}, {Section::kAuthority, &parts.authority},
      {Section::kAdditional, &parts.additional}};
  for (const auto& [section, records] : sections) {
    for (const Record* r : *records) (void)builder.AddRecord(section, r->owner, r->type, r->klass, r->ttl, r->rdata);
  }
  auto wire = std::move(builder).Finish();
  return wire ? *wire : std::vector<uint8_t>{};
}

// The RRSIG records at `owner` covering `covered` (RFC 4034 section 3.1.1: type covered first).
std::vector<const Record*> SigsFor(const std::vector<Record>& records, const Name& owner, RrType covered) {
  std::vector<const Record*> out;
  for (const Record* r : At(records, owner, RrType::RRSIG)) {
    if (r->rdata.size() >= 2 && ((r->rdata[0] << 8) | r->rdata[1]) == static_cast<uint16_t>(covered)) {
      out.push_back(r);
    }
  }
  return out;
}

// Appends the records of `found` and, when the query set DO, their RRSIGs.
void AddWithSigs(const std::vector<Record>& records, std::vector<const Record*> found, bool dnssec_ok,
                 std::vector<const Record*>& to) {
  for (const Record* r : found) to.push_back(r);
  if (!dnssec_ok || found.empty()) return;
  for (const Record* sig : SigsFor(records, found.front()->owner, found.front()->type)) to.push_back(sig);
}

// The in-zone A records of the names an NS set names (glue, or the addresses of a priming reply).
void AddAddresses(const std::vector<Record>& records, const std::vector<const Record*>& ns,
                  std::vector<const Record*>& to) {
  for (const Record* r : ns) {
    auto target = Name::FromWire(r->rdata);
    if (target) for (const Record* a : At(records, *target, RrType::A)) to.push_back(a);
  }
}

// A referral to the cut whose NS set is `ns`: the NS set, for DO the DS RRset or the NSEC
// proving there is none (RFC 4035 section 3.1.4), and the glue.
void AddReferral(const std::vector<Record>& records, const std::vector<const Record*>& ns,
                 bool dnssec_ok, ReplyParts& parts) {
  parts.aa = false;
  parts.authority = ns;
  if (dnssec_ok) {
    const Name& cut = ns.front()->owner;
    auto ds = At(records, cut, RrType::DS);
    AddWithSigs(records, ds.empty() ? At(records, cut, RrType::NSEC) : ds, true, parts.authority);
  }
  AddAddresses(records, ns, parts.additional);
}

// The longest existing ancestor of `qname` in the zone (RFC 4592 section 3.3.1).
Name ClosestEncloser(const std::vector<Record>& records, const Name& apex, const Name& qname) {
  Name encloser = qname;
  while (!(encloser == apex) && !Exists(records, encloser)) encloser = encloser.Parent();
  return encloser;
}

// Whether "*.<closest encloser>" owns records: then a name that does not exist is answered
// from it, with data or NODATA, never NXDOMAIN (RFC 4592 section 3.3.1).
bool WildcardApplies(const std::vector<Record>& records, const Name& apex, const Name& qname) {
  auto wildcard = ClosestEncloser(records, apex, qname).Wildcard();
  return wildcard && std::any_of(records.begin(), records.end(), [&](const Record& r) { return r.owner == *wildcard; });
}

// Whether the NSEC or NSEC3 record `r` matches or covers `name` (RFC 4034 section 6.1 order;
// RFC 5155 section 8.3 hash order, the last record wrapping round).
bool MatchesOrCovers(const Record& r, const Name& name, const Name& apex) {
  if (r.type == RrType::NSEC) {
    auto nsec = dns::Decode<dns::rdata::NSEC>(r.rdata);
    if (!nsec || r.owner.CanonicalCompare(name) == std::weak_ordering::greater) return false;
    return r.owner == name || nsec->next == apex || name.CanonicalCompare(nsec->next) == std::weak_ordering::less;
  }
  auto nsec3 = dns::Decode<dns::rdata::NSEC3>(r.rdata);
  if (!nsec3 || r.owner.LabelCount() == 0) return false;
  auto label = r.owner.Label(0);
  auto owner = dns::DecodeBase32Hex(std::string_view(reinterpret_cast<const char*>(label.data()), label.size()));
  auto digest = crypto::Nsec3Hash(name, nsec3->hash_algorithm, nsec3->salt.bytes, nsec3->iterations);
  if (!owner || !digest) return false;
  std::vector<uint8_t> h(digest->bytes().begin(), digest->bytes().end());
  const std::vector<uint8_t>& next = nsec3->next_hashed.bytes;
  if (*owner == h) return true;
  return *owner < next ? (*owner < h && h < next) : (*owner < h || h < next);
}

// The NSEC and NSEC3 records of the zone with their RRSIGs: every one, or with `minimal` those
// matching or covering qname, its closest encloser, the next closer name and the wildcard.
void AddDenial(const std::vector<Record>& records, const Name& apex, const Name& qname, bool minimal,
               std::vector<const Record*>& to) {
  std::vector<Name> about = {qname};
  if (minimal && !Exists(records, qname)) {
    Name encloser = ClosestEncloser(records, apex, qname);
    about.push_back(encloser);
    about.push_back(qname.Suffix(encloser.LabelCount() + 1));
    if (auto wildcard = encloser.Wildcard()) about.push_back(*wildcard);
  }
  for (const Record& r : records) {
    if (r.type != RrType::NSEC && r.type != RrType::NSEC3) continue;
    if (minimal && std::none_of(about.begin(), about.end(), [&](const Name& n) { return MatchesOrCovers(r, n, apex); })) {
      continue;
    }
    to.push_back(&r);
    for (const Record* sig : SigsFor(records, r.owner, r.type)) to.push_back(sig);
  }
}

// RFC 4592 section 3.3.1: the records of "*.<closest encloser>" for a name that does not exist,
// owned by the name, with their RRSIGs (whose Labels field tells the validator they were
// expanded) when the query set DO.
std::vector<Record> FromWildcard(const std::vector<Record>& records, const Name& apex,
                                 const dns::Question& q, bool dnssec_ok) {
  auto wildcard = ClosestEncloser(records, apex, q.qname).Wildcard();
  if (!wildcard) return {};
  std::vector<const Record*> found = At(records, *wildcard, q.qtype);
  if (found.empty()) found = At(records, *wildcard, RrType::CNAME);
  std::vector<Record> out;
  for (const Record* r : found) out.push_back(Record{q.qname, r->type, r->klass, r->ttl, r->rdata});
  if (dnssec_ok && !found.empty()) {
    for (const Record* sig : SigsFor(records, *wildcard, found.front()->type)) {
      out.push_back(Record{q.qname, sig->type, sig->klass, sig->ttl, sig->rdata});
    }
  }
  return out;
}

// RFC 6672 section 3.2: for a name below a DNAME owner, the DNAME (with its RRSIGs when the
// query set DO) and the CNAME it synthesises, unsigned, with the DNAME's TTL. Empty otherwise.
std::vector<Record> FromDname(const std::vector<Record>& records, const Name& apex,
                              const dns::Question& q, bool dnssec_ok) {
  if (q.qname == apex) return {};
  for (Name n = q.qname.Parent(); n.IsSubdomainOf(apex); n = n.Parent()) {
    std::vector<const Record*> dname = At(records, n, RrType::DNAME);
    if (dname.empty()) {
      if (n == apex) break;
      continue;
    }
    auto target = Name::FromWire(dname.front()->rdata);
    if (!target) return {};
    auto synthesised = SubstituteDname(q.qname, n, *target);
    if (!synthesised) return {};
    std::vector<const Record*> sent;
    AddWithSigs(records, dname, dnssec_ok, sent);
    std::vector<Record> out;
    for (const Record* r : sent) out.push_back(*r);
    std::vector<uint8_t> rdata(synthesised->wire().begin(), synthesised->wire().end());
    out.push_back(Record{q.qname, RrType::CNAME, dns::RrClass::IN, dname.front()->ttl, rdata});
    return out;
  }
  return {};
}

std::vector<uint8_t> BuildScripted(const dns::Question& q, const FakeNetwork::ScriptedReply& scripted) {
  ReplyParts parts;
  parts.aa = scripted.aa;
  parts.rcode = static_cast<uint8_t>(scripted.rcode);
  for (const Record& r : scripted.answer) parts.answer.push_back(&r);
  for (const Record& r : scripted.authority) parts.authority.push_back(&r);
  for (const Record& r : scripted.additional) parts.additional.push_back(&r);
  return Build(q, parts);
}

std::string ScriptKey(const IpAddress& address, const dns::Question& q) {
  return address.ToString() + " " + q.qname.ToLower().ToText() + " " + dns::RrTypeToText(q.qtype);
}

}  // namespace

void FakeNetwork::Script(const std::string& address, const dns::Question& question,
                         ScriptedReply reply) {
  scripts_[ScriptKey(*IpAddress::Parse(address), question)] = std::move(reply);
}

const FakeNetwork::ScriptedReply* FakeNetwork::ScriptFor(const IpAddress& address,
                                                         const dns::Question& q) const {
  auto it = scripts_.find(ScriptKey(address, q));
  return it == scripts_.end() ? nullptr : &it->second;
}

void FakeNetwork::Serve(const std::string& address, const std::string& apex,
                        const std::string& text) {
  dns::ZoneParseOptions options;
  options.origin = *Name::FromText(apex);
  auto records = dns::ParseZoneText("$TTL 3600\n" + text, apex, options);
  servers_[*IpAddress::Parse(address)].push_back({options.origin, records ? *records : std::vector<Record>{}});
}

size_t FakeNetwork::AskedOf(const std::string& address) const {
  size_t count = 0;
  for (const std::string& line : log_) count += line.rfind(address + " ", 0) == 0;
  return count;
}

std::vector<uint8_t> FakeNetwork::Respond(const std::vector<Zone>& zones, const dns::Question& q,
                                          bool dnssec_ok, bool zone_ns, bool minimal) const {
  const Zone* zone = nullptr;
  for (const Zone& z : zones) {
    if (q.qname.IsSubdomainOf(z.apex) && (!zone || z.apex.LabelCount() > zone->apex.LabelCount())) zone = &z;
  }
  ReplyParts parts;
  if (zone == nullptr) {
    parts.aa = false;
    parts.rcode = 5;  // REFUSED
    return Build(q, parts);
  }
  if (auto ns = Cut(zone->records, zone->apex, q); !ns.empty()) {
    AddReferral(zone->records, ns, dnssec_ok, parts);
    return Build(q, parts);
  }
  std::vector<Record> redirected = FromDname(zone->records, zone->apex, q, dnssec_ok);
  for (const Record& r : redirected) parts.answer.push_back(&r);
  if (!redirected.empty()) return Build(q, parts);
  auto answer = At(zone->records, q.qname, q.qtype);
  if (answer.empty()) answer = At(zone->records, q.qname, RrType::CNAME);
  AddWithSigs(zone->records, answer, dnssec_ok && q.qtype != RrType::RRSIG, parts.answer);
  std::vector<Record> synthesised;  // Outlives Build(): parts point into it.
  if (answer.empty() && !Exists(zone->records, q.qname)) {
    synthesised = FromWildcard(zone->records, zone->apex, q, dnssec_ok);
    for (const Record& r : synthesised) parts.answer.push_back(&r);
    if (!synthesised.empty() && dnssec_ok) AddDenial(zone->records, zone->apex, q.qname, minimal, parts.authority);
  }
  if (q.qtype == RrType::NS) AddAddresses(zone->records, answer, parts.additional);  // As priming.
  if (zone_ns && !parts.answer.empty()) {
    std::vector<const Record*> ns = At(zone->records, zone->apex, RrType::NS);
    parts.authority.insert(parts.authority.end(), ns.begin(), ns.end());
    AddAddresses(zone->records, ns, parts.additional);
  }
  if (parts.answer.empty()) {
    bool exists = Exists(zone->records, q.qname) || WildcardApplies(zone->records, zone->apex, q.qname);
    parts.rcode = exists ? 0 : 3;  // Wildcard NODATA is NOERROR (RFC 4592 section 3.3.1).
    AddWithSigs(zone->records, At(zone->records, zone->apex, RrType::SOA), dnssec_ok, parts.authority);
    if (dnssec_ok) AddDenial(zone->records, zone->apex, q.qname, minimal, parts.authority);
  }
  return Build(q, parts);
}

namespace {
struct HoldAwaiter {
  std::vector<std::coroutine_handle<>>& held;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) { held.push_back(h); }
  void await_resume() const noexcept {}
};
}  // namespace

void FakeNetwork::Release() {
  holding_ = false;
  while (!held_.empty()) {
    std::vector<std::coroutine_handle<>> now = std::move(held_);
    held_.clear();
    for (auto h : now) h.resume();
  }
}

Task<UpstreamReply> FakeNetwork::Ask(Endpoint server, dns::Question question, AskOptions options) {
  if (holding_) co_await HoldAwaiter{held_};
  timeouts_.push_back(options.timeout_ms);
  log_.push_back(server.address.ToString() + " " + question.qname.ToText() + " " +
                 std::string(dns::RrTypeToText(question.qtype)) + (options.recursion_desired ? " +rd" : ""));
  UpstreamReply reply;
  if (silent_.contains(server.address)) {
    reply.status = UpstreamReply::Status::kTimeout;
    reply.rtt_ms = options.timeout_ms;
    co_return reply;
  }
  if (const ScriptedReply* scripted = ScriptFor(server.address, question)) {
    reply.wire = BuildScripted(question, *scripted);
    reply.status = UpstreamReply::Status::kReply;
    reply.rtt_ms = 5;
    co_return reply;
  }
  auto it = servers_.find(server.address);
  std::vector<Zone> none;
  reply.wire = Respond(it == servers_.end() ? none : it->second, question, options.dnssec_ok,
                       non_minimal_.contains(server.address), minimal_.contains(server.address));
  if (refusing_.contains(server.address) && reply.wire.size() > 3) {
    reply.wire[2] &= static_cast<uint8_t>(~0x04);  // AA off
    reply.wire[3] = static_cast<uint8_t>((reply.wire[3] & 0xF0) | 5);  // REFUSED
  }
  reply.status = UpstreamReply::Status::kReply;
  reply.rtt_ms = 5;
  if (fragmenting_.contains(server.address) && options.accept_unverified_fragments) {
    reply.unverified_fragments = true;
    log_.back() += " +frag";
  }
  co_return reply;
}

}  // namespace redoubt::resolver::testing
