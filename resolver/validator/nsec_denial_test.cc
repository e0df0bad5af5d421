#include "resolver/validator/nsec_denial.h"

#include <gtest/gtest.h>

#include "resolver/validator/denial_test_util.h"

namespace redoubt::resolver::nsec {
namespace {

using dns::RrType;
using testing::N;
using testing::Nsec;
using testing::Pick;
using R = DenialResult;

// example.: a signed zone with an empty non-terminal (b), a secure and an insecure delegation,
// a DNAME, a CNAME and a wildcard. Canonical order: example, a, x.b, cname, dn, ins, sub, w,
// *.w, z.
const std::vector<dns::RRset>& Chain() {
  static const auto chain =
      testing::NsecChain("example.", {
                                         {"example.", {RrType::SOA, RrType::NS, RrType::DNSKEY}},
                                         {"a.example.", {RrType::A}},
                                         {"x.b.example.", {RrType::A}},
                                         {"cname.example.", {RrType::CNAME}},
                                         {"dn.example.", {RrType::DNAME}},
                                         {"ins.example.", {RrType::NS}},
                                         {"sub.example.", {RrType::NS, RrType::DS}},
                                         {"w.example.", {RrType::A}},
                                         {"*.w.example.", {RrType::TXT}},
                                         {"z.example.", {RrType::A}},
                                     });
  return chain;
}

R NxDomain(const char* qname, const std::vector<dns::RRset>& proofs,
           const char* zone = "example.") {
  ValidationBudget budget;
  return ProveNxDomain(N(qname), N(zone), proofs, budget);
}
R NoData(const char* qname, RrType qtype, const std::vector<dns::RRset>& proofs) {
  ValidationBudget budget;
  return ProveNoData(N(qname), qtype, N("example."), proofs, budget);
}
R NoCloser(const char* qname, const char* encloser, const std::vector<dns::RRset>& proofs) {
  ValidationBudget budget;
  return ProveNoCloserMatch(N(qname), N(encloser), N("example."), proofs, budget);
}
DsDenial Ds(const char* name, const std::vector<dns::RRset>& proofs,
            const char* zone = "example.") {
  ValidationBudget budget;
  return ClassifyDsDenial(N(name), N(zone), proofs, budget);
}

struct NxRow {
  const char* why;
  const char* qname;
  std::vector<dns::RRset> proofs;
  R want;
};

// RFC 4035 section 5.4: the NXDOMAIN truth table.
TEST(NsecDenial, NxDomainTruthTable) {
  const auto& c = Chain();
  const std::vector<NxRow> rows = {
      {"cover + wildcard cover", "nope.example.", Pick(c, {"ins.example.", "example."}),
       R::kProven},
      {"missing wildcard proof", "nope.example.", Pick(c, {"ins.example."}), R::kNotProven},
      {"missing cover", "nope.example.", Pick(c, {"example."}), R::kNotProven},
      {"wrong cover", "nope.example.", Pick(c, {"a.example.", "example."}), R::kNotProven},
      {"existing name", "a.example.", Pick(c, {"a.example.", "example."}), R::kNotProven},
      {"empty non-terminal", "b.example.", Pick(c, {"a.example.", "example."}), R::kNotProven},
      {"deep name, missing wildcard proof", "a.b.nope.example.", Pick(c, {"ins.example."}),
       R::kNotProven},
      {"wrap-around last NSEC", "zz.example.", Pick(c, {"z.example.", "example."}), R::kProven},
      {"wildcard would match", "q.w.example.", Pick(c, {"*.w.example."}), R::kNotProven},
      {"below the insecure cut", "host.ins.example.", Pick(c, {"ins.example.", "example."}),
       R::kNotProven},
      {"below a DNAME", "host.dn.example.", Pick(c, {"dn.example.", "example."}), R::kNotProven},
      {"apex", "example.", Pick(c, {"z.example.", "example."}), R::kNotProven},
      {"no proofs", "nope.example.", {}, R::kNotProven},
  };
  for (const auto& row : rows) EXPECT_EQ(NxDomain(row.qname, row.proofs), row.want) << row.why;
}

// A name deep below a nonexistent one: the closest encloser comes from the covering NSEC.
TEST(NsecDenial, DeepNameUnderAbsentNameNeedsTheWildcardAtTheTrueEncloser) {
  const auto& c = Chain();
  EXPECT_EQ(NxDomain("a.b.c.nope.example.", Pick(c, {"ins.example.", "example."})), R::kProven);
  // Below x.b.example the encloser is x.b.example, and *.x.b.example is covered by x.b's NSEC.
  EXPECT_EQ(NxDomain("q.x.b.example.", Pick(c, {"x.b.example."})), R::kProven);
}

// Records signed by another zone (or claimed for another zone) prove nothing here.
TEST(NsecDenial, NsecFromAnotherZoneIsIgnored) {
  const auto other =
      testing::NsecChain("test.", {{"test.", {RrType::SOA}}, {"m.test.", {RrType::A}}});
  EXPECT_EQ(NxDomain("nope.example.", other), R::kNotProven);
  EXPECT_EQ(NxDomain("nope.example.", Pick(Chain(), {"ins.example.", "example."}), "test."),
            R::kNotProven);
  // An NSEC owned inside the zone whose next name escapes it is malformed: ignored.
  EXPECT_EQ(NxDomain("nope.example.", {Nsec("ins.example.", "zzz.test.", {RrType::NS}),
                                       Pick(Chain(), {"example."})[0]}),
            R::kNotProven);
}

// RFC 6840 section 4.1: the parent's NSEC at a cut (NS, no SOA) sorts right before the child's
// names, so it "covers" them canonically; it must not deny anything below the cut.
TEST(NsecDenial, ParentSideNsecCannotDenyNamesBelowTheCut) {
  const auto& c = Chain();
  auto proofs = Pick(c, {"ins.example.", "example."});
  EXPECT_EQ(NxDomain("www.ins.example.", proofs), R::kNotProven);
  EXPECT_EQ(NoData("www.ins.example.", RrType::A, proofs), R::kNotProven);
  EXPECT_EQ(Ds("www.ins.example.", proofs), DsDenial::kNotProven);
  // Even when another (stale) NSEC spans the child's names, the cut's NSEC rules them out.
  auto stale = proofs;
  stale.push_back(Nsec("dn.example.", "sub.example.", {RrType::DNAME}));
  stale.push_back(Nsec("a.example.", "z.example.", {RrType::A}));
  EXPECT_EQ(NxDomain("www.ins.example.", stale), R::kNotProven);
  // Nor can it deny the child's own types at the cut: only DS belongs to the parent.
  EXPECT_EQ(NoData("ins.example.", RrType::A, proofs), R::kNotProven);
  EXPECT_EQ(NoData("ins.example.", RrType::DS, proofs), R::kProven);
}

// RFC 6840 section 4.1 (DNAME bit): names below a DNAME are redirected, not denied.
TEST(NsecDenial, DnameNsecCannotDenyNamesBelowIt) {
  auto proofs = Pick(Chain(), {"dn.example.", "example."});
  EXPECT_EQ(NxDomain("www.dn.example.", proofs), R::kNotProven);
  EXPECT_EQ(NoData("www.dn.example.", RrType::A, proofs), R::kNotProven);
  EXPECT_EQ(NoData("dn.example.", RrType::A, proofs), R::kProven);  // The owner itself exists.
}

// RFC 4034 section 4.1.1: the last NSEC points back to the apex and covers all names after it.
TEST(NsecDenial, WrapAroundNsecCoversNamesAfterTheLastOwnerOnly) {
  auto proofs = Pick(Chain(), {"z.example.", "example."});
  EXPECT_EQ(NxDomain("zzz.example.", proofs), R::kProven);
  EXPECT_EQ(NxDomain("a.z.example.", proofs), R::kProven);
  EXPECT_EQ(NxDomain("y.example.", proofs), R::kNotProven);  // Before z: not covered.
  // A one-record zone: the apex NSEC points to itself and covers everything below.
  auto lone = testing::NsecChain("solo.", {{"solo.", {RrType::SOA, RrType::NS}}});
  EXPECT_EQ(NxDomain("x.solo.", lone, "solo."), R::kProven);
}

// Contradicting signed records (a replayed old NSEC beside a current one) never prove NXDOMAIN
// for a name another record shows to exist.
TEST(NsecDenial, NameShownToExistIsNeverNxDomain) {
  auto proofs = Pick(Chain(), {"ins.example.", "example."});
  proofs.push_back(Nsec("nope.example.", "sub.example.", {RrType::A}));
  EXPECT_EQ(NxDomain("nope.example.", proofs), R::kNotProven);
  proofs.back() = Nsec("ins.example.", "nope.example.", {RrType::NS});  // nope as a next name.
  EXPECT_EQ(NxDomain("nope.example.", proofs), R::kNotProven);
  // Even an NSEC set at qname that is no use as a proof (RDATA that does not decode).
  proofs.back() = Nsec("nope.example.", "sub.example.", {RrType::A});
  proofs.back().rdatas = {{0xff}};
  EXPECT_EQ(NxDomain("nope.example.", proofs), R::kNotProven);
}

struct NoDataRow {
  const char* why;
  const char* qname;
  RrType qtype;
  std::vector<dns::RRset> proofs;
  R want;
};

// RFC 4035 section 5.4: the NODATA truth table.
TEST(NsecDenial, NoDataTruthTable) {
  const auto& c = Chain();
  const std::vector<NoDataRow> rows = {
      {"type absent", "a.example.", RrType::MX, Pick(c, {"a.example."}), R::kProven},
      {"type present", "a.example.", RrType::A, Pick(c, {"a.example."}), R::kNotProven},
      {"CNAME bit set", "cname.example.", RrType::MX, Pick(c, {"cname.example."}), R::kNotProven},
      {"apex NODATA", "example.", RrType::AAAA, Pick(c, {"example."}), R::kProven},
      {"empty non-terminal", "b.example.", RrType::A, Pick(c, {"a.example."}), R::kProven},
      {"name absent", "nope.example.", RrType::A, Pick(c, {"ins.example.", "example."}),
       R::kNotProven},
      {"DS at insecure cut", "ins.example.", RrType::DS, Pick(c, {"ins.example."}), R::kProven},
      {"DS at secure cut", "sub.example.", RrType::DS, Pick(c, {"sub.example."}), R::kNotProven},
      {"child type from parent", "ins.example.", RrType::A, Pick(c, {"ins.example."}),
       R::kNotProven},
      {"DS from the child apex", "example.", RrType::DS, Pick(c, {"example."}), R::kNotProven},
      {"wildcard NODATA", "q.w.example.", RrType::MX, Pick(c, {"*.w.example."}), R::kProven},
      {"wildcard has the type", "q.w.example.", RrType::TXT, Pick(c, {"*.w.example."}),
       R::kNotProven},
      {"wildcard not shown", "q.w.example.", RrType::MX, Pick(c, {"w.example."}), R::kNotProven},
      {"no proofs", "a.example.", RrType::MX, {}, R::kNotProven},
  };
  for (const auto& row : rows)
    EXPECT_EQ(NoData(row.qname, row.qtype, row.proofs), row.want) << row.why;
}

// The child's apex NSEC (SOA set) speaks for the child; DS lives in the parent, so a NODATA
// for DS from the child apex is a downgrade attempt (RFC 4035 section 5.2).
TEST(NsecDenial, ChildApexNsecCannotDenyTheParentsDs) {
  auto child = testing::NsecChain("sub.example.", {{"sub.example.", {RrType::SOA, RrType::NS}}});
  ValidationBudget budget;
  EXPECT_EQ(ProveNoData(N("sub.example."), RrType::DS, N("sub.example."), child, budget),
            R::kNotProven);
  EXPECT_EQ(Ds("sub.example.", child, "sub.example."), DsDenial::kNotProven);
  // An SOA bit on a record that is not the apex is malformed: the record is ignored.
  EXPECT_EQ(NoData("ins.example.", RrType::DS,
                   {Nsec("ins.example.", "sub.example.", {RrType::NS, RrType::SOA})}),
            R::kNotProven);
}

// RFC 4035 section 5.3.4: the wildcard expansion truth table.
TEST(NsecDenial, NoCloserMatchTruthTable) {
  const auto& c = Chain();
  auto wild = Pick(c, {"*.w.example."});
  EXPECT_EQ(NoCloser("q.w.example.", "w.example.", wild), R::kProven);
  EXPECT_EQ(NoCloser("x.q.w.example.", "w.example.", wild), R::kProven);
  // Expansion claimed for a name that exists: a forged wildcard answer replacing real data.
  EXPECT_EQ(NoCloser("a.example.", "example.", Pick(c, {"a.example."})), R::kNotProven);
  // A closer encloser exists (x.b.example's ancestor b.example): *.example cannot apply.
  EXPECT_EQ(NoCloser("y.b.example.", "example.", Pick(c, {"x.b.example."})), R::kNotProven);
  // The encloser claimed is shallower than the one the NSEC shows.
  EXPECT_EQ(NoCloser("q.w.example.", "example.", wild), R::kNotProven);
  EXPECT_EQ(NoCloser("q.w.example.", "w.example.", {}), R::kNotProven);
  EXPECT_EQ(NoCloser("w.example.", "w.example.", wild), R::kNotProven);
}

// RFC 4035 section 5.2: what a DS denial says about a cut, one row per value.
TEST(NsecDenial, DsDenialTruthTable) {
  const auto& c = Chain();
  EXPECT_EQ(Ds("ins.example.", Pick(c, {"ins.example."})), DsDenial::kInsecureDelegation);
  EXPECT_EQ(Ds("a.example.", Pick(c, {"a.example."})), DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("b.example.", Pick(c, {"a.example."})), DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("q.w.example.", Pick(c, {"*.w.example."})), DsDenial::kNotADelegation);
  EXPECT_EQ(Ds("nope.example.", Pick(c, {"ins.example.", "example."})), DsDenial::kNoSuchName);
  EXPECT_EQ(Ds("nope.example.", Pick(c, {"ins.example."})), DsDenial::kNotProven);
  EXPECT_EQ(Ds("sub.example.", Pick(c, {"sub.example."})), DsDenial::kNotProven);  // DS exists.
  EXPECT_EQ(Ds("example.", Pick(c, {"example."})), DsDenial::kNotProven);
  EXPECT_EQ(Ds("a.example.", {}), DsDenial::kNotProven);
}

// Malformed RDATA, multi-record NSEC sets and other types are ignored, never trusted.
TEST(NsecDenial, MalformedOrOddRecordsAreIgnored) {
  auto proofs = Pick(Chain(), {"ins.example.", "example."});
  auto garbage = proofs[0];
  garbage.rdatas = {{0xc0, 0x0c, 0x00}};
  EXPECT_EQ(NxDomain("nope.example.", {garbage, proofs[1]}), R::kNotProven);
  auto doubled = proofs[0];
  doubled.rdatas.push_back(Pick(Chain(), {"a.example."})[0].rdatas[0]);
  EXPECT_EQ(NxDomain("nope.example.", {doubled, proofs[1]}), R::kNotProven);
  auto retyped = proofs[0];
  retyped.type = RrType::NSEC3;
  EXPECT_EQ(NxDomain("nope.example.", {retyped, proofs[1]}), R::kNotProven);
}

// NSEC needs no hashing: the budget is untouched.
TEST(NsecDenial, SpendsNoNsec3Hashes) {
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N("nope.example."), N("example."),
                          Pick(Chain(), {"ins.example.", "example."}), budget),
            R::kProven);
  EXPECT_EQ(testing::HashesSpent(budget), 0u);
}

}  // namespace
}  // namespace redoubt::resolver::nsec
