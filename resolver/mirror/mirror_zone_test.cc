#include "resolver/mirror/mirror_zone.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "crypto/nsec3_hash.h"
#include "net/dns/base_encoding.h"
#include "net/dns/zone_parser.h"
#include "resolver/query/reply_classifier.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::Rcode;
using dns::Record;
using dns::RrType;

Name N(std::string_view text) { return *Name::FromText(text); }

std::vector<Record> Parse(std::string_view text) {
  dns::ZoneParseOptions options;
  options.origin = N("example.");
  options.default_ttl = 3600;
  auto parsed = dns::ParseZoneText(text, "test", options);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().ToString());
  return parsed ? *parsed : std::vector<Record>{};
}

// The data both test zones share: two delegations (sub: glue and an out-of-zone NS name;
// secure: DS in the signed zones), a wildcard below an empty non-terminal, a CNAME, a DNAME and
// the empty non-terminals ent. and b.ent. above a.b.ent.
constexpr std::string_view kZone = R"(
@        SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300
@        NS    ns1
@        NS    ns2
ns1      A     192.0.2.1
ns2      AAAA  2001:db8::2
www      A     192.0.2.10
www      A     192.0.2.11
alias    CNAME www
*.wild   TXT   "wildcard"
a.b.ent  A     192.0.2.20
sub      NS    ns.sub
sub      NS    ns.other.net.
ns.sub   A     192.0.2.53
ns.sub   AAAA  2001:db8::53
secure   NS    ns.secure
ns.secure A    192.0.2.54
dname 600 DNAME target
)";

constexpr std::string_view kSignedExtra = R"(
@      DNSKEY 257 3 13 AQIDBAUGBwg=
secure DS     12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
)";

// --- A test signer: NSEC or NSEC3 chains and RRSIGs that are well formed but never verify
// (the mirror does not verify; the validator is tested elsewhere). -----------------------

bool BelowCut(const Name& owner, const std::vector<Record>& records, const Name& apex) {
  for (const Record& r : records) {
    if (r.type == RrType::NS && !(r.owner == apex) && owner.IsSubdomainOf(r.owner) &&
        !(owner == r.owner)) {
      return true;
    }
  }
  return false;
}

bool IsCut(const Name& owner, const std::vector<Record>& records, const Name& apex) {
  if (owner == apex) return false;
  for (const Record& r : records) {
    if (r.type == RrType::NS && r.owner == owner) return true;
  }
  return false;
}

// Authoritative owners (cuts included, glue excluded), in canonical order.
std::vector<Name> AuthoritativeOwners(const std::vector<Record>& records, const Name& apex) {
  std::vector<Name> owners;
  for (const Record& r : records) {
    if (BelowCut(r.owner, records, apex)) continue;
    if (std::find(owners.begin(), owners.end(), r.owner) == owners.end()) owners.push_back(r.owner);
  }
  std::sort(owners.begin(), owners.end(),
            [](const Name& a, const Name& b) { return a.CanonicalCompare(b) < 0; });
  return owners;
}

std::vector<RrType> TypesAt(const Name& owner, const std::vector<Record>& records,
                            std::vector<RrType> extra) {
  for (const Record& r : records) {
    if (r.owner == owner) extra.push_back(r.type);
  }
  std::sort(extra.begin(), extra.end());
  extra.erase(std::unique(extra.begin(), extra.end()), extra.end());
  return extra;
}

void AddNsecChain(std::vector<Record>& records, const Name& apex) {
  std::vector<Name> owners = AuthoritativeOwners(records, apex);
  std::vector<Record> chain;
  for (size_t i = 0; i < owners.size(); ++i) {
    dns::rdata::NSEC nsec;
    nsec.next = owners[(i + 1) % owners.size()];
    nsec.types.types = TypesAt(owners[i], records, {RrType::NSEC, RrType::RRSIG});
    chain.push_back(
        {owners[i], RrType::NSEC, dns::RrClass::IN, 3600, *dns::RdataToBytes(dns::Rdata{nsec})});
  }
  records.insert(records.end(), chain.begin(), chain.end());
}

crypto::Digest Hash(const Name& name, uint16_t iterations) {
  static const std::vector<uint8_t> kSalt = {0xAB, 0xCD};
  return *crypto::Nsec3Hash(name, 1, kSalt, iterations);
}

Name HashedOwner(const Name& name, uint16_t iterations) {
  return *N(dns::EncodeBase32Hex(Hash(name, iterations).bytes())).Concat(N("example."));
}

// Owners and empty non-terminals of the authoritative data, by hash (RFC 5155 section 7.1).
std::vector<std::pair<crypto::Digest, Name>> HashedNames(const std::vector<Record>& records,
                                                         const Name& apex, uint16_t iterations) {
  std::vector<Name> names;
  for (const Name& owner : AuthoritativeOwners(records, apex)) {
    for (Name n = owner; n.IsSubdomainOf(apex); n = n.Parent()) {
      if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
      if (n == apex) break;
    }
  }
  std::vector<std::pair<crypto::Digest, Name>> hashed;
  for (const Name& n : names) hashed.emplace_back(Hash(n, iterations), n);
  std::sort(hashed.begin(), hashed.end(), [](const auto& a, const auto& b) {
    return std::ranges::lexicographical_compare(a.first.bytes(), b.first.bytes());
  });
  return hashed;
}

// With `opt_out`, delegations without DS get no NSEC3 and every NSEC3 has the Opt-Out flag
// (RFC 5155 section 6).
void AddNsec3Chain(std::vector<Record>& records, const Name& apex, uint16_t iterations,
                   bool opt_out = false) {
  dns::rdata::NSEC3PARAM param;
  param.iterations = iterations;
  param.salt.bytes = {0xAB, 0xCD};
  records.push_back(
      {apex, RrType::NSEC3PARAM, dns::RrClass::IN, 0, *dns::RdataToBytes(dns::Rdata{param})});
  auto hashed = HashedNames(records, apex, iterations);
  if (opt_out) {
    std::erase_if(hashed, [&](const auto& entry) {
      return IsCut(entry.second, records, apex) &&
             TypesAt(entry.second, records, {}) == std::vector<RrType>{RrType::NS};
    });
  }
  std::vector<Record> chain;
  for (size_t i = 0; i < hashed.size(); ++i) {
    dns::rdata::NSEC3 nsec3;
    nsec3.flags = opt_out ? 1 : 0;
    nsec3.iterations = iterations;
    nsec3.salt.bytes = param.salt.bytes;
    auto next = hashed[(i + 1) % hashed.size()].first.bytes();
    nsec3.next_hashed.bytes.assign(next.begin(), next.end());
    std::vector<RrType> types = TypesAt(hashed[i].second, records, {});
    if (!types.empty()) types = TypesAt(hashed[i].second, records, {RrType::RRSIG});
    nsec3.types.types = types;
    chain.push_back({HashedOwner(hashed[i].second, iterations), RrType::NSEC3, dns::RrClass::IN,
                     3600, *dns::RdataToBytes(dns::Rdata{nsec3})});
  }
  records.insert(records.end(), chain.begin(), chain.end());
}

// One fake RRSIG per authoritative RRset (not over NS at cuts, not over glue).
void AddFakeSignatures(std::vector<Record>& records, const Name& apex) {
  std::set<std::pair<std::string, RrType>> done;
  std::vector<Record> sigs;
  for (const Record& r : records) {
    if (BelowCut(r.owner, records, apex)) continue;
    if (IsCut(r.owner, records, apex) && r.type != RrType::DS && r.type != RrType::NSEC) continue;
    if (!done.insert({r.owner.ToLower().ToText(), r.type}).second) continue;
    dns::rdata::RRSIG sig;
    sig.type_covered = r.type;
    sig.algorithm = dns::DnssecAlgorithm::ECDSAP256SHA256;
    sig.labels = static_cast<uint8_t>(r.owner.LabelCount() - (r.owner.IsWildcard() ? 1 : 0));
    sig.original_ttl = r.ttl;
    sig.expiration.value = 1'702'000'000;
    sig.inception.value = 1'699'000'000;
    sig.key_tag = 4242;
    sig.signer = apex;
    sig.signature.bytes = {1, 2, 3, 4};
    sigs.push_back(
        {r.owner, RrType::RRSIG, dns::RrClass::IN, r.ttl, *dns::RdataToBytes(dns::Rdata{sig})});
  }
  records.insert(records.end(), sigs.begin(), sigs.end());
}

enum class Signing { kNone, kNsec, kNsec3, kNsec3OptOut };

std::vector<Record> ZoneRecords(Signing signing, uint16_t iterations = 0) {
  std::string text(kZone);
  if (signing != Signing::kNone) text += kSignedExtra;
  std::vector<Record> records = Parse(text);
  Name apex = N("example.");
  if (signing == Signing::kNsec) AddNsecChain(records, apex);
  if (signing == Signing::kNsec3 || signing == Signing::kNsec3OptOut) {
    AddNsec3Chain(records, apex, iterations, signing == Signing::kNsec3OptOut);
  }
  if (signing != Signing::kNone) AddFakeSignatures(records, apex);
  return records;
}

std::shared_ptr<const MirrorZone> MakeZone(Signing signing, uint16_t iterations = 0) {
  auto zone = MirrorZone::Build(N("example."), ZoneRecords(signing, iterations));
  EXPECT_TRUE(zone) << (zone ? "" : zone.error());
  return zone ? *zone : nullptr;
}

// --- Asking the copy and reading the reply ---------------------------------------------

struct Rec {
  std::string owner;  // As written in the reply.
  RrType type = RrType::A;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;
};

struct Outcome {
  Rcode rcode = Rcode::NOERROR;
  bool aa = false;
  bool rd = true;
  uint16_t id = 1;
  ReplyKind kind = ReplyKind::kServerError;
  Name next_name;
  dns::Question echoed;
  std::vector<Rec> answer, authority, additional;
  std::set<std::string> proofs;  // Lowercased owners of NSEC/NSEC3 in authority.
  bool has_opt_with_do = false;

  bool Has(const std::vector<Rec>& section, std::string_view owner, RrType type) const {
    return std::any_of(section.begin(), section.end(),
                       [&](const Rec& r) { return r.type == type && N(r.owner) == N(owner); });
  }
};

std::vector<Rec> ReadSection(const dns::MessageView& view, dns::Section section) {
  std::vector<Rec> out;
  for (const dns::RecordView& r : view.section(section)) {
    if (r.type == RrType::OPT) continue;
    out.push_back({r.owner.ToText(), r.type, r.ttl, *view.UncompressedRdata(r)});
  }
  return out;
}

std::optional<Outcome> Ask(const MirrorZone& zone, std::string_view qname, RrType qtype,
                           dns::RrClass qclass = dns::RrClass::IN) {
  dns::Question question{N(qname), qtype, qclass};
  auto wire = zone.Answer(question);
  if (!wire) return std::nullopt;
  auto view = dns::MessageView::Parse(*wire);
  EXPECT_TRUE(view);
  if (!view) return std::nullopt;
  Outcome out;
  out.rcode = static_cast<Rcode>(view->header().rcode);
  out.aa = view->header().aa;
  out.rd = view->header().rd;
  out.id = view->header().id;
  out.echoed = view->questions().at(0);
  out.answer = ReadSection(*view, dns::Section::kAnswer);
  out.authority = ReadSection(*view, dns::Section::kAuthority);
  out.additional = ReadSection(*view, dns::Section::kAdditional);
  for (const Rec& r : out.authority) {
    if (r.type == RrType::NSEC || r.type == RrType::NSEC3)
      out.proofs.insert(N(r.owner).ToLower().ToText());
  }
  if (const dns::RecordView* opt = view->opt()) out.has_opt_with_do = (opt->ttl & 0x8000) != 0;
  auto classified = ClassifyReply(*view, question, zone.apex());
  EXPECT_TRUE(classified);
  if (classified) {
    out.kind = classified->kind;
    out.next_name = classified->next_name;
  }
  return out;
}

struct Row {
  std::string_view qname;
  RrType qtype;
  Rcode rcode;
  bool aa;
  ReplyKind kind;
  std::set<std::string> proofs;
};

void CheckTable(const MirrorZone& zone, const std::vector<Row>& rows) {
  for (const Row& row : rows) {
    SCOPED_TRACE(std::string(row.qname) + " " + dns::RrTypeToText(row.qtype));
    auto out = Ask(zone, row.qname, row.qtype);
    ASSERT_TRUE(out);
    EXPECT_EQ(out->rcode, row.rcode);
    EXPECT_EQ(out->aa, row.aa);
    EXPECT_EQ(ReplyKindName(out->kind), ReplyKindName(row.kind));
    EXPECT_EQ(out->proofs, row.proofs);
    EXPECT_EQ(out->id, 0);
    EXPECT_FALSE(out->rd);
    EXPECT_TRUE(out->has_opt_with_do);
  }
}

// --- Unsigned zone ---------------------------------------------------------------------

TEST(MirrorZoneUnsignedTest, TruthTableOfRepliesAndWhatTheClassifierMakesOfThem) {
  auto zone = MakeZone(Signing::kNone);
  ASSERT_TRUE(zone);
  // clang-format off
  CheckTable(*zone, {
      {"www.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"www.example.", RrType::ANY, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"example.", RrType::NS, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"www.example.", RrType::MX, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain, {}},
      {"a.nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain, {}},
      {"b.ent.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"ent.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"alias.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kCname, {}},
      {"alias.example.", RrType::CNAME, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"x.wild.example.", RrType::TXT, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"x.wild.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"wild.example.", RrType::TXT, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"a.dname.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kCname, {}},
      {"dname.example.", RrType::DNAME, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"host.sub.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
      {"sub.example.", RrType::NS, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
      {"ns.sub.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
      {"sub.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
      {"example.", RrType::RRSIG, Rcode::NOERROR, true, ReplyKind::kNoData, {}},
  });
  // clang-format on
}

TEST(MirrorZoneUnsignedTest, UnsignedRepliesCarryNoDnssecRecords) {
  auto zone = MakeZone(Signing::kNone);
  for (auto [qname, qtype] : {std::pair{"www.example.", RrType::A},
                              {"nope.example.", RrType::A},
                              {"host.sub.example.", RrType::A},
                              {"x.wild.example.", RrType::TXT}}) {
    auto out = Ask(*zone, qname, qtype);
    ASSERT_TRUE(out);
    for (const auto* section : {&out->answer, &out->authority, &out->additional}) {
      for (const Rec& r : *section) {
        EXPECT_NE(r.type, RrType::RRSIG) << qname;
        EXPECT_NE(r.type, RrType::NSEC) << qname;
      }
    }
  }
}

TEST(MirrorZoneUnsignedTest, NegativeAnswersCarryTheSoaWithTheRfc2308Ttl) {
  auto zone = MakeZone(Signing::kNone);
  for (std::string_view qname : {"nope.example.", "www.example."}) {
    auto out = Ask(*zone, qname, RrType::MX);
    ASSERT_TRUE(out);
    ASSERT_EQ(out->authority.size(), 1u);
    EXPECT_EQ(out->authority[0].type, RrType::SOA);
    EXPECT_EQ(out->authority[0].ttl, 300u);  // min(3600, MINIMUM 300).
  }
}

TEST(MirrorZoneUnsignedTest, ReferralCarriesTheCutsNsAndOnlyGlueBelowTheCut) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "deep.host.sub.example.", RrType::A);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->answer.empty());
  ASSERT_EQ(out->authority.size(), 2u);
  EXPECT_TRUE(out->Has(out->authority, "sub.example.", RrType::NS));
  EXPECT_TRUE(out->Has(out->additional, "ns.sub.example.", RrType::A));
  EXPECT_TRUE(out->Has(out->additional, "ns.sub.example.", RrType::AAAA));
  EXPECT_EQ(out->additional.size(), 2u);  // Nothing for ns.other.net.
}

TEST(MirrorZoneUnsignedTest, GlueBelowACutIsNeverAnAnswer) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "ns.sub.example.", RrType::A);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->answer.empty());
  EXPECT_EQ(out->kind, ReplyKind::kReferral);
  EXPECT_TRUE(out->Has(out->additional, "ns.sub.example.", RrType::A));
}

TEST(MirrorZoneUnsignedTest, CnameIsAnsweredAloneForTheResolverToFollow) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "alias.example.", RrType::A);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->answer.size(), 1u);
  EXPECT_EQ(out->answer[0].type, RrType::CNAME);
  EXPECT_EQ(out->next_name, N("www.example."));
}

TEST(MirrorZoneUnsignedTest, DnameSynthesisesACnameWithTheDnamesTtl) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "a.b.dname.example.", RrType::A);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->answer.size(), 2u);
  EXPECT_EQ(out->answer[0].type, RrType::DNAME);
  EXPECT_EQ(out->answer[1].type, RrType::CNAME);
  EXPECT_EQ(N(out->answer[1].owner), N("a.b.dname.example."));
  EXPECT_EQ(out->answer[1].ttl, 600u);
  EXPECT_EQ(*Name::FromWire(out->answer[1].rdata), N("a.b.target.example."));
  EXPECT_EQ(out->kind, ReplyKind::kCname);
  EXPECT_EQ(out->next_name, N("a.b.target.example."));
}

TEST(MirrorZoneUnsignedTest, WildcardIsExpandedWithTheQuestionAsOwner) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "x.y.wild.example.", RrType::TXT);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->answer.size(), 1u);
  EXPECT_EQ(out->answer[0].owner, "x.y.wild.example.");
  EXPECT_EQ(out->kind, ReplyKind::kAnswer);
}

TEST(MirrorZoneUnsignedTest, MixedCaseQuestionIsFoundAndEchoedAsAsked) {
  auto zone = MakeZone(Signing::kNone);
  auto out = Ask(*zone, "WwW.ExAmPlE.", RrType::A);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->echoed.qname.IdenticalTo(N("WwW.ExAmPlE.")));
  EXPECT_EQ(out->answer.size(), 2u);
  EXPECT_EQ(out->kind, ReplyKind::kAnswer);
}

TEST(MirrorZoneUnsignedTest, QuestionsTheCopyCannotAnswerGiveNullopt) {
  auto zone = MakeZone(Signing::kNone);
  EXPECT_FALSE(zone->Answer({N("www.example.org."), RrType::A, dns::RrClass::IN}));
  EXPECT_FALSE(zone->Answer({N("."), RrType::NS, dns::RrClass::IN}));
  EXPECT_FALSE(zone->Answer({N("www.example."), RrType::A, dns::RrClass::CH}));
  EXPECT_FALSE(zone->Answer({N("example."), RrType::AXFR, dns::RrClass::IN}));
}

TEST(MirrorZoneUnsignedTest, SoaTimersAndCountsComeFromTheZone) {
  auto zone = MakeZone(Signing::kNone);
  EXPECT_EQ(zone->soa().serial, 2024010101u);
  EXPECT_EQ(zone->soa().refresh, 7200u);
  EXPECT_EQ(zone->soa().retry, 3600u);
  EXPECT_EQ(zone->soa().expire, 1209600u);
  EXPECT_EQ(zone->soa().minimum, 300u);
  EXPECT_EQ(zone->record_count(), Parse(kZone).size());
  EXPECT_FALSE(zone->nsec_signed());
  EXPECT_FALSE(zone->nsec3_signed());
}

// --- NSEC-signed zone ------------------------------------------------------------------
// Canonical order of the NSEC owners: example, alias, dname, a.b.ent, ns1, ns2, secure, sub,
// *.wild, www.

TEST(MirrorZoneNsecTest, TruthTableWithTheExactNsecOwnersOfEachProof) {
  auto zone = MakeZone(Signing::kNsec);
  ASSERT_TRUE(zone);
  EXPECT_TRUE(zone->nsec_signed());
  // clang-format off
  CheckTable(*zone, {
      {"www.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"www.example.", RrType::RRSIG, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"www.example.", RrType::MX, Rcode::NOERROR, true, ReplyKind::kNoData, {"www.example."}},
      {"example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kNoData, {"example."}},
      // NXDOMAIN: the NSEC covering QNAME and the one covering *.example.
      {"nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain,
       {"a.b.ent.example.", "example."}},
      {"a.nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain,
       {"a.b.ent.example.", "example."}},
      {"zzz.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain,
       {"www.example.", "example."}},
      // Empty non-terminals: the NSEC whose span covers them.
      {"b.ent.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {"dname.example."}},
      {"ent.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {"dname.example."}},
      {"wild.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData, {"sub.example."}},
      // Wildcard answer (covering NSEC) and wildcard NODATA (the same NSEC, once).
      {"x.wild.example.", RrType::TXT, Rcode::NOERROR, true, ReplyKind::kAnswer,
       {"*.wild.example."}},
      {"x.wild.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData,
       {"*.wild.example."}},
      {"alias.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kCname, {}},
      {"a.dname.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kCname, {}},
      // Cuts: the insecure one proves no DS with its NSEC; the secure one carries DS.
      {"host.sub.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral,
       {"sub.example."}},
      {"sub.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kNoData, {"sub.example."}},
      {"host.secure.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
      {"secure.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
  });
  // clang-format on
}

TEST(MirrorZoneNsecTest, AnswersCarryTheRrsigsCoveringThem) {
  auto zone = MakeZone(Signing::kNsec);
  auto out = Ask(*zone, "www.example.", RrType::A);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->answer.size(), 3u);
  EXPECT_TRUE(out->Has(out->answer, "www.example.", RrType::RRSIG));
}

TEST(MirrorZoneNsecTest, NegativeAnswerSignsTheSoaAndTheNsecs) {
  auto zone = MakeZone(Signing::kNsec);
  auto out = Ask(*zone, "nope.example.", RrType::A);
  ASSERT_TRUE(out);
  int soa_sigs = 0, nsec_sigs = 0;
  for (const Rec& r : out->authority) {
    if (r.type != RrType::RRSIG) continue;
    auto sig = dns::Decode<dns::rdata::RRSIG>(r.rdata);
    ASSERT_TRUE(sig);
    if (sig->type_covered == RrType::SOA) {
      ++soa_sigs;
      EXPECT_EQ(r.ttl, 300u);
    }
    if (sig->type_covered == RrType::NSEC) ++nsec_sigs;
  }
  EXPECT_EQ(soa_sigs, 1);
  EXPECT_EQ(nsec_sigs, 2);
}

TEST(MirrorZoneNsecTest, WildcardExpansionKeepsTheWildcardsSignatureLabels) {
  auto zone = MakeZone(Signing::kNsec);
  auto out = Ask(*zone, "x.wild.example.", RrType::TXT);
  ASSERT_TRUE(out);
  ASSERT_EQ(out->answer.size(), 2u);
  for (const Rec& r : out->answer) EXPECT_EQ(r.owner, "x.wild.example.");
  auto sig = dns::Decode<dns::rdata::RRSIG>(out->answer[1].rdata);
  ASSERT_TRUE(sig);
  EXPECT_EQ(sig->labels, 2);  // *.wild.example. signed with 2 labels: the validator sees it.
}

TEST(MirrorZoneNsecTest, DsAtTheCutIsAnsweredFromTheParentSide) {
  auto zone = MakeZone(Signing::kNsec);
  auto out = Ask(*zone, "secure.example.", RrType::DS);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->aa);
  EXPECT_TRUE(out->Has(out->answer, "secure.example.", RrType::DS));
  EXPECT_TRUE(out->Has(out->answer, "secure.example.", RrType::RRSIG));
  EXPECT_FALSE(out->Has(out->authority, "secure.example.", RrType::NS));
}

TEST(MirrorZoneNsecTest, SecureReferralCarriesSignedDsAndGlue) {
  auto zone = MakeZone(Signing::kNsec);
  auto out = Ask(*zone, "host.secure.example.", RrType::A);
  ASSERT_TRUE(out);
  EXPECT_TRUE(out->Has(out->authority, "secure.example.", RrType::NS));
  EXPECT_TRUE(out->Has(out->authority, "secure.example.", RrType::DS));
  EXPECT_TRUE(out->Has(out->authority, "secure.example.", RrType::RRSIG));
  EXPECT_TRUE(out->Has(out->additional, "ns.secure.example.", RrType::A));
}

TEST(MirrorZoneNsecTest, RecordsComeBackInCanonicalOrderAndRebuildTheSameCopy) {
  auto zone = MakeZone(Signing::kNsec);
  std::vector<Record> records = zone->Records();
  EXPECT_EQ(records.size(), zone->record_count());
  EXPECT_EQ(records.size(), ZoneRecords(Signing::kNsec).size());
  for (size_t i = 1; i < records.size(); ++i) {
    auto order = records[i - 1].owner.CanonicalCompare(records[i].owner);
    EXPECT_TRUE(order < 0 || (order == 0 && records[i - 1].type <= records[i].type)) << i;
  }
  auto again = MirrorZone::Build(N("example."), records);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->Records(), records);
}

// --- NSEC3-signed zone (RFC 5155 section 7.2) -------------------------------------------

class MirrorZoneNsec3Test : public ::testing::Test {
 protected:
  void SetUp() override { Make(Signing::kNsec3); }
  void Make(Signing signing) {
    zone_ = MakeZone(signing);
    ASSERT_TRUE(zone_);
    // The names of the zone: every owner but the NSEC3 ones.
    std::vector<Record> records = ZoneRecords(signing);
    std::vector<Name> hashed_owners;
    for (const Record& r : records) {
      if (r.type == RrType::NSEC3) hashed_owners.push_back(r.owner);
    }
    std::erase_if(records, [&](const Record& r) {
      return std::find(hashed_owners.begin(), hashed_owners.end(), r.owner) != hashed_owners.end();
    });
    hashed_ = HashedNames(records, N("example."), 0);
    if (signing == Signing::kNsec3OptOut) {
      std::erase_if(hashed_, [](const auto& entry) { return entry.second == N("sub.example."); });
    }
  }
  // The owner of the NSEC3 matching `name`.
  static std::string Match(std::string_view name) {
    return HashedOwner(N(name), 0).ToLower().ToText();
  }
  // The owner of the NSEC3 covering `name`: the last hash below it, or the last of all.
  std::string Cover(std::string_view name) const {
    crypto::Digest h = Hash(N(name), 0);
    const Name* owner = &hashed_.back().second;
    for (const auto& [hash, n] : hashed_) {
      if (std::ranges::lexicographical_compare(hash.bytes(), h.bytes())) owner = &n;
    }
    return HashedOwner(*owner, 0).ToLower().ToText();
  }

  std::shared_ptr<const MirrorZone> zone_;
  std::vector<std::pair<crypto::Digest, Name>> hashed_;
};

TEST_F(MirrorZoneNsec3Test, TruthTableWithTheRfc5155Proofs) {
  EXPECT_TRUE(zone_->nsec3_signed());
  // clang-format off
  CheckTable(*zone_, {
      {"www.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
      {"www.example.", RrType::MX, Rcode::NOERROR, true, ReplyKind::kNoData,         // 7.2.3
       {Match("www.example.")}},
      {"b.ent.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData,
       {Match("b.ent.example.")}},
      {"nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain,      // 7.2.2
       {Match("example."), Cover("nope.example."), Cover("*.example.")}},
      {"a.nope.example.", RrType::A, Rcode::NXDOMAIN, true, ReplyKind::kNxDomain,
       {Match("example."), Cover("nope.example."), Cover("*.example.")}},
      {"x.wild.example.", RrType::TXT, Rcode::NOERROR, true, ReplyKind::kAnswer,     // 7.2.6
       {Cover("x.wild.example.")}},
      {"x.wild.example.", RrType::A, Rcode::NOERROR, true, ReplyKind::kNoData,       // 7.2.5
       {Match("wild.example."), Cover("x.wild.example."), Match("*.wild.example.")}},
      {"host.sub.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral,  // 7.2.7
       {Match("sub.example.")}},
      {"sub.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kNoData,
       {Match("sub.example.")}},
      {"host.secure.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
      {"secure.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kAnswer, {}},
  });
  // clang-format on
}

TEST_F(MirrorZoneNsec3Test, OptOutDelegationIsProvedByTheClosestProvableEncloser) {
  Make(Signing::kNsec3OptOut);
  // RFC 5155 sections 7.2.7 and 7.2.4: the NSEC3 matching example. and the opt-out NSEC3
  // covering sub.example. (the next closer name).
  // clang-format off
  CheckTable(*zone_, {
      {"host.sub.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral,
       {Match("example."), Cover("sub.example.")}},
      {"sub.example.", RrType::DS, Rcode::NOERROR, true, ReplyKind::kNoData,
       {Match("example."), Cover("sub.example.")}},
      {"host.secure.example.", RrType::A, Rcode::NOERROR, false, ReplyKind::kReferral, {}},
  });
  // clang-format on
}

TEST_F(MirrorZoneNsec3Test, HashedOwnerNamesAreNotNamesOfTheZone) {
  auto out = Ask(*zone_, Match("www.example."), RrType::NSEC3);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->rcode, Rcode::NXDOMAIN);  // RFC 5155 section 7.2.8.
}

TEST_F(MirrorZoneNsec3Test, MissingChainLinkGivesNulloptNotAnUnprovenDenial) {
  std::vector<Record> records = ZoneRecords(Signing::kNsec3);
  Name gone = N(Cover("nope.example."));
  std::erase_if(records, [&](const Record& r) { return r.owner == gone; });
  auto zone = MirrorZone::Build(N("example."), records);
  ASSERT_TRUE(zone);
  EXPECT_FALSE((*zone)->Answer({N("nope.example."), RrType::A, dns::RrClass::IN}));
  EXPECT_TRUE((*zone)->Answer({N("www.example."), RrType::A, dns::RrClass::IN}));
}

TEST(MirrorZoneNsec3IterationsTest, TooManyIterationsAnswersPositivesOnly) {
  auto zone = MakeZone(Signing::kNsec3, MirrorZone::kMaxNsec3Iterations + 1);
  ASSERT_TRUE(zone);
  EXPECT_TRUE(zone->Answer({N("www.example."), RrType::A, dns::RrClass::IN}));
  EXPECT_TRUE(zone->Answer({N("host.secure.example."), RrType::A, dns::RrClass::IN}));
  EXPECT_FALSE(zone->Answer({N("nope.example."), RrType::A, dns::RrClass::IN}));
  EXPECT_FALSE(zone->Answer({N("www.example."), RrType::MX, dns::RrClass::IN}));
}

// --- Build rejections ------------------------------------------------------------------

std::string BuildError(std::string_view text) {
  auto zone = MirrorZone::Build(N("example."), Parse(text));
  return zone ? std::string("built") : zone.error();
}

constexpr std::string_view kSoaNs = "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n";

TEST(MirrorZoneBuildTest, RejectsAZoneWithoutSoaAtTheApex) {
  std::string error = BuildError("@ NS ns1\nns1 A 192.0.2.1\n");
  EXPECT_NE(error.find("example. SOA: no SOA at the apex"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, RejectsTwoDifferentSoas) {
  std::string error = BuildError(std::string(kSoaNs) + "@ SOA ns1 hostmaster 2 1 1 1 1\n");
  EXPECT_NE(error.find("more than one SOA"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, AcceptsTheSoaRepeatedAsAxfrFramesIt) {
  auto zone =
      MirrorZone::Build(N("example."), Parse(std::string(kSoaNs) + "www A 192.0.2.1\n" +
                                             "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"));
  ASSERT_TRUE(zone) << zone.error();
  EXPECT_EQ((*zone)->record_count(), 3u);
}

TEST(MirrorZoneBuildTest, RejectsAnSoaBelowTheApex) {
  std::string error = BuildError(std::string(kSoaNs) + "sub SOA ns1 hostmaster 1 1 1 1 1\n");
  EXPECT_NE(error.find("sub.example. SOA: SOA below the apex"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, RejectsARecordOutsideTheZoneNamingIt) {
  std::string error = BuildError(std::string(kSoaNs) + "www.example.org. A 192.0.2.1\n");
  EXPECT_NE(error.find("www.example.org. A: outside the zone"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, RejectsAnApexWithoutNs) {
  std::string error = BuildError("@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n");
  EXPECT_NE(error.find("example. NS: no NS at the apex"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, RejectsACnameBesideOtherData) {
  std::string error = BuildError(std::string(kSoaNs) + "x CNAME www\nx A 192.0.2.1\n");
  EXPECT_NE(error.find("x.example. CNAME: CNAME shares its owner with A"), std::string::npos)
      << error;
}

TEST(MirrorZoneBuildTest, AcceptsACnameBesideItsRrsigAndNsec) {
  std::vector<Record> records = Parse(std::string(kSoaNs) + "x CNAME www\nx NSEC y A\n");
  AddFakeSignatures(records, N("example."));
  auto zone = MirrorZone::Build(N("example."), records);
  EXPECT_TRUE(zone) << (zone ? "" : zone.error());
}

TEST(MirrorZoneBuildTest, RejectsAClassOtherThanIn) {
  std::vector<Record> records = Parse(kSoaNs);
  records.push_back({N("www.example."), RrType::A, dns::RrClass::CH, 60, {192, 0, 2, 1}});
  auto zone = MirrorZone::Build(N("example."), records);
  ASSERT_FALSE(zone);
  EXPECT_NE(zone.error().find("www.example. A: class CH is not IN"), std::string::npos)
      << zone.error();
}

TEST(MirrorZoneBuildTest, RejectsTwoDnamesAtOneOwner) {
  std::string error = BuildError(std::string(kSoaNs) + "d DNAME a.\nd DNAME b.\n");
  EXPECT_NE(error.find("d.example. DNAME: more than one DNAME"), std::string::npos) << error;
}

TEST(MirrorZoneBuildTest, MergesDuplicateRecordsAndKeepsTheSmallestTtl) {
  auto zone = MirrorZone::Build(
      N("example."), Parse(std::string(kSoaNs) + "www 60 A 192.0.2.1\nwww 30 A 192.0.2.1\n"));
  ASSERT_TRUE(zone);
  EXPECT_EQ((*zone)->record_count(), 3u);
  auto wire = (*zone)->Answer({N("www.example."), RrType::A, dns::RrClass::IN});
  ASSERT_TRUE(wire);
  auto view = dns::MessageView::Parse(*wire);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->section(dns::Section::kAnswer).size(), 1u);
  EXPECT_EQ(view->section(dns::Section::kAnswer)[0].ttl, 30u);
}

}  // namespace
}  // namespace redoubt::resolver
