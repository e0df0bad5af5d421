#include "resolver/validator/nsec3_denial.h"

#include <gtest/gtest.h>

#include <string>

#include "resolver/validator/denial_test_util.h"

namespace redoubt::resolver::nsec3 {
namespace {

using dns::RrType;
using testing::N;
using testing::Nsec3Chain;
using testing::Nsec3Params;
using testing::Owner;
using R = DenialResult;
using Sets = std::vector<dns::RRset>;

// example.: the NSEC test zone with NSEC3 (RFC 5155 section 7.1): the empty non-terminal b gets
// a record with an empty bitmap.
const std::vector<Owner>& Names() {
  static const std::vector<Owner> names = {
      {"example.", {RrType::SOA, RrType::NS, RrType::DNSKEY, RrType::NSEC3PARAM}},
      {"a.example.", {RrType::A}},
      {"b.example.", {}},
      {"x.b.example.", {RrType::A}},
      {"cname.example.", {RrType::CNAME}},
      {"dn.example.", {RrType::DNAME}},
      {"ins.example.", {RrType::NS}},
      {"sub.example.", {RrType::NS, RrType::DS}},
      {"w.example.", {RrType::A}},
      {"*.w.example.", {RrType::TXT}},
  };
  return names;
}

const Nsec3Chain& Chain() {
  static const Nsec3Chain chain("example.", Names());
  return chain;
}

// optout.: an Opt-Out zone (RFC 5155 section 6) whose unsigned delegations (u1, u2) have no
// NSEC3; the signed delegation s does.
const Nsec3Chain& OptOut() {
  static const Nsec3Chain chain(
      "optout.",
      {
          {"optout.", {RrType::SOA, RrType::NS, RrType::DNSKEY, RrType::NSEC3PARAM}},
          {"a.optout.", {RrType::A}},
          {"s.optout.", {RrType::NS, RrType::DS}},
      },
      Nsec3Params{.flags = dns::kNsec3FlagOptOut});
  return chain;
}

// What a server sends for NXDOMAIN (RFC 5155 section 7.2.2): the encloser's match, the next
// closer's cover and the wildcard's cover.
Sets NxProof(const Nsec3Chain& c, const std::string& encloser, const std::string& next_closer) {
  return {c.Match(encloser), c.CoverOf(next_closer), c.CoverOf("*." + encloser)};
}

R NxDomain(const std::string& qname, const Sets& proofs, const char* zone = "example.",
           ValidationLimits limits = {}) {
  ValidationBudget budget(limits);
  return ProveNxDomain(N(qname), N(zone), proofs, budget);
}
R NoData(const std::string& qname, RrType qtype, const Sets& proofs,
         const char* zone = "example.") {
  ValidationBudget budget;
  return ProveNoData(N(qname), qtype, N(zone), proofs, budget);
}
DsDenial Ds(const std::string& name, const Sets& proofs, const char* zone = "example.",
            ValidationLimits limits = {}) {
  ValidationBudget budget(limits);
  return ClassifyDsDenial(N(name), N(zone), proofs, budget);
}

struct Row {
  const char* why;
  std::string qname;
  Sets proofs;
  R want;
};

// RFC 5155 section 8.4: the NXDOMAIN truth table.
TEST(Nsec3Denial, NxDomainTruthTable) {
  const auto& c = Chain();
  const std::vector<Row> rows = {
      {"closest encloser proof + wildcard cover", "foo.example.",
       NxProof(c, "example.", "foo.example."), R::kProven},
      {"deep name under an absent one", "a.b.c.foo.example.",
       NxProof(c, "example.", "foo.example."), R::kProven},
      {"encloser below the apex", "q.x.b.example.", NxProof(c, "x.b.example.", "q.x.b.example."),
       R::kProven},
      {"missing wildcard cover",
       "foo.example.",
       {c.Match("example."), c.CoverOf("foo.example.")},
       R::kNotProven},
      {"missing encloser match",
       "foo.example.",
       {c.CoverOf("foo.example."), c.CoverOf("*.example.")},
       R::kNotProven},
      {"missing next closer cover",
       "foo.example.",
       {c.Match("example."), c.CoverOf("*.example.")},
       R::kNotProven},
      {"existing name",
       "a.example.",
       {c.Match("example."), c.Match("a.example."), c.CoverOf("*.example.")},
       R::kNotProven},
      {"wildcard exists",
       "q.w.example.",
       {c.Match("w.example."), c.CoverOf("q.w.example."), c.Match("*.w.example.")},
       R::kNotProven},
      {"empty non-terminal",
       "b.example.",
       {c.Match("example."), c.Match("b.example."), c.CoverOf("*.example.")},
       R::kNotProven},
      {"below the insecure cut", "www.ins.example.", NxProof(c, "ins.example.", "www.ins.example."),
       R::kNotProven},
      {"below a DNAME", "www.dn.example.", NxProof(c, "dn.example.", "www.dn.example."),
       R::kNotProven},
      {"the apex", "example.", NxProof(c, "example.", "foo.example."), R::kNotProven},
      {"no proofs", "foo.example.", {}, R::kNotProven},
  };
  for (const auto& row : rows) EXPECT_EQ(NxDomain(row.qname, row.proofs), row.want) << row.why;
}

// Contradicting signed records (a replayed record beside the current chain) never prove
// NXDOMAIN for a name another record matches.
TEST(Nsec3Denial, NameWithMatchingNsec3IsNeverNxDomain) {
  const auto& c = Chain();
  Sets proofs = NxProof(c, "example.", "foo.example.");
  EXPECT_EQ(NxDomain("a.foo.example.", proofs), R::kProven);
  proofs.push_back(c.Record(c.Hash("a.foo.example."), c.Hash("b.example."), {RrType::A}));
  EXPECT_EQ(NxDomain("a.foo.example.", proofs), R::kNotProven);
}

// RFC 5155 section 9.2: an Opt-Out span over the next closer name may hide an unsigned
// delegation, so the NXDOMAIN is only insecure.
TEST(Nsec3Denial, OptOutSpanOverTheNextCloserMakesNxDomainInsecure) {
  EXPECT_EQ(NxDomain("nope.optout.", NxProof(OptOut(), "optout.", "nope.optout."), "optout."),
            R::kOptOut);
}

// RFC 5155 section 8.1 (unknown hash algorithm) and 8.2 (unknown flags): records ignored.
TEST(Nsec3Denial, RecordsWithUnknownAlgorithmOrFlagsAreIgnored) {
  Nsec3Chain alg2("example.", Names(), Nsec3Params{.algorithm = 2});
  EXPECT_EQ(NxDomain("foo.example.", NxProof(alg2, "example.", "foo.example.")), R::kNotProven);
  Nsec3Chain flag2("example.", Names(), Nsec3Params{.flags = 0x02});
  EXPECT_EQ(NxDomain("foo.example.", NxProof(flag2, "example.", "foo.example.")), R::kNotProven);
}

// One proof, one parameter set: a record from a chain with another salt cannot fill a gap.
TEST(Nsec3Denial, RecordsFromAnotherParameterSetAreNotMixedIn) {
  Nsec3Chain salted("example.", Names(), Nsec3Params{.salt = {0x01}});
  const auto& c = Chain();
  EXPECT_EQ(NxDomain("foo.example.", {c.Match("example."), c.CoverOf("foo.example."),
                                      salted.CoverOf("*.example.")}),
            R::kNotProven);
}

// Records of another zone, or not exactly one label below the zone, are ignored.
TEST(Nsec3Denial, Nsec3FromAnotherZoneIsIgnored) {
  Nsec3Chain other("test.", {{"test.", {RrType::SOA}}, {"m.test.", {RrType::A}}});
  EXPECT_EQ(NxDomain("foo.example.", other.all()), R::kNotProven);
  EXPECT_EQ(NxDomain("nope.test.", NxProof(Chain(), "example.", "foo.example."), "test."),
            R::kNotProven);
  // Re-homed one label deeper ("<hash>.sub.example."): no longer one label below the zone.
  Sets deeper = NxProof(Chain(), "example.", "foo.example.");
  for (auto& set : deeper) {
    set.owner = *N("sub.example.").Prepend(set.owner.Label(0));
  }
  EXPECT_EQ(NxDomain("foo.example.", deeper), R::kNotProven);
}

// RFC 9276 section 3.2: too many iterations make the answer insecure, and are refused before
// a single hash is computed (CVE-2023-50868).
TEST(Nsec3Denial, IterationsAboveTheLimitAreRefusedBeforeAnyHashing) {
  Nsec3Chain heavy("example.", Names(), Nsec3Params{.iterations = 151});
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N("foo.example."), N("example."),
                          NxProof(heavy, "example.", "foo.example."), budget),
            R::kIterationsTooHigh);
  EXPECT_EQ(testing::HashesSpent(budget), 0u);

  Nsec3Chain fifty_one("example.", Names(), Nsec3Params{.iterations = 51});
  ValidationBudget tight(ValidationLimits{.nsec3_iterations = 50});
  EXPECT_EQ(ProveNoData(N("a.example."), RrType::MX, N("example."),
                        Sets{fifty_one.Match("a.example.")}, tight),
            R::kIterationsTooHigh);
  EXPECT_EQ(testing::HashesSpent(tight), 0u);
  EXPECT_EQ(Ds("ins.example.", {heavy.Match("ins.example.")}), DsDenial::kIterationsTooHigh);

  // Exactly at the default limit (RFC 9276 section 3.2: 50) is still validated.
  Nsec3Chain at_limit("example.", Names(), Nsec3Params{.iterations = 50});
  EXPECT_EQ(NxDomain("foo.example.", NxProof(at_limit, "example.", "foo.example.")), R::kProven);
  Nsec3Chain above("example.", Names(), Nsec3Params{.iterations = 51});
  EXPECT_EQ(NxDomain("foo.example.", NxProof(above, "example.", "foo.example.")),
            R::kIterationsTooHigh);
}

std::string DeepName(size_t labels, const std::string& zone) {
  std::string name;
  for (size_t i = 1; i < labels; ++i) name += "l.";
  return name + zone;
}

// CVE-2023-50868: a 100-label query name. The closest encloser is searched from the apex, so
// the proof costs a handful of hashes, never one per label; and a tight budget stops it.
TEST(Nsec3Denial, DeepQueryNameCannotBurnHashesBeyondTheBudget) {
  const std::string qname = DeepName(100, "example.");
  ASSERT_EQ(N(qname).LabelCount(), 100u);
  const Sets proofs = NxProof(Chain(), "example.", "l.example.");
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N(qname), N("example."), proofs, budget), R::kProven);
  EXPECT_LE(testing::HashesSpent(budget), 4u);  // Apex, next closer, qname, wildcard.

  ValidationBudget tight(ValidationLimits{.nsec3_hashes = 3});
  EXPECT_EQ(ProveNxDomain(N(qname), N("example."), proofs, tight), R::kBudgetExhausted);
  EXPECT_LE(testing::HashesSpent(tight), 3u);
}

// The search passes over levels the records say nothing about, and still cannot go past the
// budget when the zone itself is deep (every level is hashed once at most).
TEST(Nsec3Denial, DeepEncloserSpendsAtMostTheBudget) {
  std::vector<Owner> names = {{"example.", {RrType::SOA, RrType::NS}}};
  for (size_t depth = 2; depth <= 60; ++depth) names.push_back({DeepName(depth, "example."), {}});
  names.back().types = {RrType::A};
  Nsec3Chain deep("example.", names);
  const std::string encloser = DeepName(60, "example.");
  const Sets proofs = NxProof(deep, encloser, "x." + encloser);
  for (uint32_t limit : {1u, 10u, 59u, 61u}) {
    ValidationBudget budget(ValidationLimits{.nsec3_hashes = limit});
    EXPECT_EQ(ProveNxDomain(N("x." + encloser), N("example."), proofs, budget), R::kBudgetExhausted)
        << limit;
    EXPECT_LE(testing::HashesSpent(budget), limit);
  }
  ValidationBudget enough(ValidationLimits{.nsec3_hashes = 62});
  EXPECT_EQ(ProveNxDomain(N("x." + encloser), N("example."), proofs, enough), R::kProven);
  EXPECT_EQ(testing::HashesSpent(enough), 62u);  // 60 levels, next closer (= qname), wildcard.
}

// Each name is hashed once per call: the next closer name that is also the query name.
TEST(Nsec3Denial, EachNameIsHashedOncePerProof) {
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N("foo.example."), N("example."),
                          NxProof(Chain(), "example.", "foo.example."), budget),
            R::kProven);
  EXPECT_EQ(testing::HashesSpent(budget), 3u);  // example, nope.example, *.example.
}

struct NoDataRow {
  const char* why;
  std::string qname;
  RrType qtype;
  Sets proofs;
  R want;
};

// RFC 5155 sections 8.5-8.7: the NODATA truth table.
TEST(Nsec3Denial, NoDataTruthTable) {
  const auto& c = Chain();
  const std::vector<NoDataRow> rows = {
      {"type absent", "a.example.", RrType::MX, {c.Match("a.example.")}, R::kProven},
      {"type present", "a.example.", RrType::A, {c.Match("a.example.")}, R::kNotProven},
      {"CNAME bit set", "cname.example.", RrType::MX, {c.Match("cname.example.")}, R::kNotProven},
      {"apex NODATA", "example.", RrType::AAAA, {c.Match("example.")}, R::kProven},
      {"empty non-terminal", "b.example.", RrType::A, {c.Match("b.example.")}, R::kProven},
      {"DS at insecure cut", "ins.example.", RrType::DS, {c.Match("ins.example.")}, R::kProven},
      {"DS at secure cut", "sub.example.", RrType::DS, {c.Match("sub.example.")}, R::kNotProven},
      {"child type from parent",
       "ins.example.",
       RrType::A,
       {c.Match("ins.example.")},
       R::kNotProven},
      {"DS from the child apex", "example.", RrType::DS, {c.Match("example.")}, R::kNotProven},
      {"DS without match, no opt-out", "foo.example.", RrType::DS,
       NxProof(c, "example.", "foo.example."), R::kNotProven},
      {"wildcard NODATA",
       "q.w.example.",
       RrType::MX,
       {c.Match("w.example."), c.CoverOf("q.w.example."), c.Match("*.w.example.")},
       R::kProven},
      {"wildcard has the type",
       "q.w.example.",
       RrType::TXT,
       {c.Match("w.example."), c.CoverOf("q.w.example."), c.Match("*.w.example.")},
       R::kNotProven},
      {"wildcard without encloser proof",
       "q.w.example.",
       RrType::MX,
       {c.Match("*.w.example.")},
       R::kNotProven},
      {"name absent", "foo.example.", RrType::A, NxProof(c, "example.", "foo.example."),
       R::kNotProven},
      {"no proofs", "a.example.", RrType::MX, {}, R::kNotProven},
  };
  for (const auto& row : rows)
    EXPECT_EQ(NoData(row.qname, row.qtype, row.proofs), row.want) << row.why;
}

// RFC 5155 section 8.6: a DS NODATA without a matching NSEC3 is only insecure, and only when
// the next closer name lies in an Opt-Out span.
TEST(Nsec3Denial, DsNoDataInOptOutSpanIsInsecureNotSecure) {
  const auto& o = OptOut();
  EXPECT_EQ(
      NoData("u1.optout.", RrType::DS, {o.Match("optout."), o.CoverOf("u1.optout.")}, "optout."),
      R::kOptOut);
  // Opt-Out never excuses a missing type at a name that has a record of its own.
  EXPECT_EQ(
      NoData("u1.optout.", RrType::A, {o.Match("optout."), o.CoverOf("u1.optout.")}, "optout."),
      R::kNotProven);
  EXPECT_EQ(NoData("s.optout.", RrType::DS, {o.Match("s.optout.")}, "optout."), R::kNotProven);
}

// RFC 5155 section 8.8: the wildcard expansion truth table.
TEST(Nsec3Denial, NoCloserMatchTruthTable) {
  const auto& c = Chain();
  auto no_closer = [](const std::string& qname, const char* encloser, const Sets& proofs,
                      const char* zone = "example.") {
    ValidationBudget budget;
    return ProveNoCloserMatch(N(qname), N(encloser), N(zone), proofs, budget);
  };
  EXPECT_EQ(no_closer("q.w.example.", "w.example.", {c.CoverOf("q.w.example.")}), R::kProven);
  EXPECT_EQ(no_closer("x.q.w.example.", "w.example.", {c.CoverOf("q.w.example.")}), R::kProven);
  // A forged expansion over a name that exists: its next closer has a matching record.
  EXPECT_EQ(no_closer("a.example.", "example.", {c.Match("a.example.")}), R::kNotProven);
  EXPECT_EQ(no_closer("q.w.example.", "w.example.", {}), R::kNotProven);
  EXPECT_EQ(no_closer("w.example.", "w.example.", {c.CoverOf("q.w.example.")}), R::kNotProven);
  EXPECT_EQ(no_closer("q.w.example.", "w.example.", {c.CoverOf("q.w.example.")}, "test."),
            R::kNotProven);
  const auto& o = OptOut();
  EXPECT_EQ(no_closer("q.optout.", "optout.", {o.CoverOf("q.optout.")}, "optout."), R::kOptOut);
}

// RFC 5155 section 8.9 / RFC 4035 section 5.2: one row per DS denial value.
TEST(Nsec3Denial, DsDenialTruthTable) {
  const auto& c = Chain();
  const auto& o = OptOut();
  EXPECT_EQ(Ds("ins.example.", {c.Match("ins.example.")}), DsDenial::kInsecureDelegation);
  EXPECT_EQ(Ds("u1.optout.", {o.Match("optout."), o.CoverOf("u1.optout.")}, "optout."),
            DsDenial::kInsecureDelegation);
  EXPECT_EQ(Ds("a.example.", {c.Match("a.example.")}), DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("b.example.", {c.Match("b.example.")}), DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("q.w.example.",
               {c.Match("w.example."), c.CoverOf("q.w.example."), c.Match("*.w.example.")}),
            DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("foo.example.", NxProof(c, "example.", "foo.example.")), DsDenial::kNoSuchName);
  EXPECT_EQ(Ds("foo.example.", {c.Match("example."), c.CoverOf("foo.example.")}),
            DsDenial::kNotProven);
  EXPECT_EQ(Ds("sub.example.", {c.Match("sub.example.")}), DsDenial::kNotProven);  // DS exists.
  EXPECT_EQ(Ds("example.", {c.Match("example.")}), DsDenial::kNotProven);
  EXPECT_EQ(Ds("www.ins.example.", NxProof(c, "ins.example.", "www.ins.example.")),
            DsDenial::kNotProven);
  EXPECT_EQ(Ds("a.example.", {}), DsDenial::kNotProven);
  EXPECT_EQ(Ds("foo.example.", NxProof(c, "example.", "foo.example."), "example.",
               ValidationLimits{.nsec3_hashes = 1}),
            DsDenial::kBudgetExhausted);
}

// The child apex's NSEC3 speaks for the child; it cannot deny the parent's DS.
TEST(Nsec3Denial, ChildApexNsec3CannotDenyTheParentsDs) {
  Nsec3Chain child("sub.example.", {{"sub.example.", {RrType::SOA, RrType::NS}}});
  EXPECT_EQ(NoData("sub.example.", RrType::DS, {child.Match("sub.example.")}, "sub.example."),
            R::kNotProven);
  EXPECT_EQ(Ds("sub.example.", {child.Match("sub.example.")}, "sub.example."),
            DsDenial::kNotProven);
}

// Malformed RDATA, a bad base32hex owner label and multi-record sets are ignored.
TEST(Nsec3Denial, MalformedRecordsAreIgnored) {
  Sets proofs = NxProof(Chain(), "example.", "foo.example.");
  Sets garbage = proofs;
  garbage[1].rdatas = {{0x01, 0x00, 0x00, 0x00, 0xff}};
  EXPECT_EQ(NxDomain("foo.example.", garbage), R::kNotProven);
  Sets bad_owner = proofs;
  bad_owner[1].owner = N("not-base32hex-at-all.example.");
  EXPECT_EQ(NxDomain("foo.example.", bad_owner), R::kNotProven);
  Sets doubled = proofs;
  doubled[1].rdatas.push_back(proofs[0].rdatas[0]);
  EXPECT_EQ(NxDomain("foo.example.", doubled), R::kNotProven);
}

}  // namespace
}  // namespace redoubt::resolver::nsec3
