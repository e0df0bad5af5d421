#include "resolver/server/client_answer.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

using dns::RrType;

dns::RRset Set(const char* owner, RrType type, bool signed_set) {
  dns::RRset set;
  set.owner = *dns::Name::FromText(owner);
  set.type = type;
  set.rdatas.push_back({1, 2, 3, 4});
  if (signed_set) set.sigs.push_back(dns::rdata::RRSIG{});
  return set;
}

// A signed NXDOMAIN: SOA and two NSEC records, all with RRSIGs.
Resolution SignedNxDomain() {
  Resolution r;
  r.rcode = dns::Rcode::NXDOMAIN;
  r.authority = {Set("example.", RrType::SOA, true), Set("a.example.", RrType::NSEC, true),
                 Set("example.", RrType::NSEC, true)};
  return r;
}

size_t Sigs(const std::vector<dns::RRset>& sets) {
  size_t n = 0;
  for (const auto& s : sets) n += s.sigs.size();
  return n;
}

dns::Question Q(RrType type) { return {*dns::Name::FromText("b.example."), type, dns::RrClass::IN}; }

// RFC 4035 section 3.2.1: DNSSEC records only for DO=1.
TEST(ClientAnswerTest, DoClearGetsNoRrsigNorNsecInANegativeAnswer) {
  ClientSections plain = ShapeForClient(SignedNxDomain(), Q(RrType::A), false);
  ASSERT_EQ(plain.authority.size(), 1u);
  EXPECT_EQ(plain.authority[0].type, RrType::SOA);
  EXPECT_EQ(Sigs(plain.authority), 0u);
}

// RFC 4035 sections 3.1.1 and 3.1.3: DO=1 negative answers carry SOA, NSECs and RRSIGs.
TEST(ClientAnswerTest, DoSetGetsTheSoaAndTheNsecProofsWithTheirSignatures) {
  ClientSections secure = ShapeForClient(SignedNxDomain(), Q(RrType::A), true);
  ASSERT_EQ(secure.authority.size(), 3u);
  EXPECT_EQ(Sigs(secure.authority), 3u);
}

TEST(ClientAnswerTest, TruthTableOfAnswerRRsets) {
  struct Row {
    RrType set_type;
    RrType qtype;
    bool dnssec_ok;
    bool kept;
    size_t sigs;
  };
  const Row rows[] = {
      {RrType::A, RrType::A, false, true, 0},        {RrType::A, RrType::A, true, true, 1},
      {RrType::NSEC, RrType::NSEC, false, true, 0},  // Asked for explicitly.
      {RrType::NSEC, RrType::A, false, false, 0},    {RrType::NSEC3, RrType::A, true, true, 1},
      {RrType::RRSIG, RrType::RRSIG, false, true, 0}, {RrType::RRSIG, RrType::A, false, false, 0},
      {RrType::NXT, RrType::A, false, false, 0},     {RrType::DNSKEY, RrType::DNSKEY, false, true, 0},
  };
  for (const Row& row : rows) {
    Resolution r;
    r.rcode = dns::Rcode::NOERROR;
    r.answer = {Set("b.example.", row.set_type, true)};
    ClientSections out = ShapeForClient(r, Q(row.qtype), row.dnssec_ok);
    EXPECT_EQ(out.answer.size(), row.kept ? 1u : 0u) << dns::RrTypeToText(row.set_type);
    EXPECT_EQ(Sigs(out.answer), row.sigs) << dns::RrTypeToText(row.set_type);
  }
}

// The responder's path copies nothing unless signatures must be stripped: RRsets are visited
// in place; and a visitor returning false (a full reply) stops the walk.
TEST(ClientAnswerTest, VisitorPassesRRsetsInPlaceAndStopsWhenTold) {
  Resolution r = SignedNxDomain();
  std::vector<const dns::RRset*> seen;
  auto record = [&](dns::Section, const dns::RRset& set) { seen.push_back(&set); return true; };
  EXPECT_TRUE(VisitClientRRsets(r, Q(RrType::A), true, false, record));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], &r.authority[0]);
  seen.clear();
  EXPECT_TRUE(VisitClientRRsets(r, Q(RrType::A), false, false, record));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_NE(seen[0], &r.authority[0]);  // Signed and DO=0: a stripped copy.
  r.authority[0].sigs.clear();
  seen.clear();
  EXPECT_TRUE(VisitClientRRsets(r, Q(RrType::A), false, false, record));
  EXPECT_EQ(seen.at(0), &r.authority[0]);  // Unsigned: in place.
  int calls = 0;
  EXPECT_FALSE(VisitClientRRsets(r, Q(RrType::A), true, false,
                                 [&](dns::Section, const dns::RRset&) { return ++calls < 2; }));
  EXPECT_EQ(calls, 2);
}

// minimal-responses: false puts the zone's NS set in the authority of positive answers only.
TEST(ClientAnswerTest, ZoneNsOnlyForPositiveAnswersWhenAsked) {
  Resolution r;
  r.rcode = dns::Rcode::NOERROR;
  r.answer = {Set("b.example.", RrType::A, true)};
  r.zone_ns = Set("example.", RrType::NS, true);
  EXPECT_TRUE(ShapeForClient(r, Q(RrType::A), false).authority.empty());
  ClientSections full = ShapeForClient(r, Q(RrType::A), false, true);
  ASSERT_EQ(full.authority.size(), 1u);
  EXPECT_EQ(full.authority[0].type, RrType::NS);
  EXPECT_EQ(Sigs(full.authority), 0u);
  EXPECT_EQ(Sigs(full.answer), 0u);
  Resolution negative = SignedNxDomain();
  negative.zone_ns = r.zone_ns;
  EXPECT_EQ(ShapeForClient(negative, Q(RrType::A), true, true).authority.size(), 3u);
}

}  // namespace
}  // namespace redoubt::resolver
