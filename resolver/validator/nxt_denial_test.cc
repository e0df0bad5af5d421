#include "resolver/validator/nxt_denial.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "resolver/validator/denial_test_util.h"

namespace redoubt::resolver::nxt {
namespace {

using dns::RrType;
using testing::N;
using testing::Nxt;
using testing::Pick;
using R = DenialResult;

// The lab's zone legacy. (dnssec-legacy.md; tests/lab), its NXT chain as the lab serves it.
// Canonical order: legacy, badsig, child (a cut), ns, unsigned (a cut), *.wild, www.
const std::vector<dns::RRset>& Legacy() {
  using enum RrType;
  static const std::vector<dns::RRset> chain = {
      Nxt("legacy.", "badsig.legacy.", {NS, SOA, SIG, KEY, NXT}),
      Nxt("badsig.legacy.", "child.legacy.", {A, SIG, NXT}),
      Nxt("child.legacy.", "ns.legacy.", {NS, SIG, KEY, NXT}),
      Nxt("ns.legacy.", "unsigned.legacy.", {A, SIG, NXT}),
      Nxt("unsigned.legacy.", "*.wild.legacy.", {NS, SIG, KEY, NXT}),
      Nxt("*.wild.legacy.", "www.legacy.", {A, SIG, NXT}),
      Nxt("www.legacy.", "legacy.", {A, TXT, SIG, NXT}),
  };
  return chain;
}

// example.: an empty non-terminal (b), a delegation with a KEY (sub) and one without (ins), a
// DNAME, a CNAME and a wildcard. Canonical order: example, a, x.b, cname, dn, ins, sub, w, *.w,
// z.
const std::vector<dns::RRset>& Example() {
  static const auto chain =
      testing::NxtChain("example.", {
                                        {"example.", {RrType::SOA, RrType::NS, RrType::KEY}},
                                        {"a.example.", {RrType::A}},
                                        {"x.b.example.", {RrType::A}},
                                        {"cname.example.", {RrType::CNAME}},
                                        {"dn.example.", {RrType::DNAME}},
                                        {"ins.example.", {RrType::NS}},
                                        {"sub.example.", {RrType::NS, RrType::KEY}},
                                        {"w.example.", {RrType::A}},
                                        {"*.w.example.", {RrType::TXT}},
                                        {"z.example.", {RrType::A}},
                                    });
  return chain;
}

// Which proof a row asks for: NXDOMAIN, NODATA for a type, or no closer match than an encloser.
struct NxDomain {};
struct NoData {
  RrType qtype;
};
struct NoCloser {
  const char* encloser;
};
using Claim = std::variant<NxDomain, NoData, NoCloser>;

struct Row {
  const char* why;  // The attack the row stops, or the honest answer it accepts.
  const char* qname;
  Claim claim;
  std::vector<dns::RRset> proofs;
  R want;
  const char* zone = nullptr;  // Defaults to the zone of the table.
};

R Prove(const Row& row, const std::vector<dns::RRset>& proofs, const char* zone) {
  ValidationBudget budget;
  const auto qname = N(row.qname);
  const auto apex = N(row.zone != nullptr ? row.zone : zone);
  if (std::holds_alternative<NxDomain>(row.claim)) {
    return ProveNxDomain(qname, apex, proofs, budget);
  }
  if (const auto* nodata = std::get_if<NoData>(&row.claim)) {
    return ProveNoData(qname, nodata->qtype, apex, proofs, budget);
  }
  return ProveNoCloserMatch(qname, N(std::get<NoCloser>(row.claim).encloser), apex, proofs, budget);
}

// Each row gives its result; a proven row must fail with any one of its records removed (so
// every record a proof is given is needed, and the test can fail).
void ExpectRows(const std::vector<Row>& rows, const char* zone) {
  for (const Row& row : rows) {
    EXPECT_EQ(Prove(row, row.proofs, zone), row.want) << row.why;
    if (row.want != R::kProven) continue;
    for (size_t i = 0; i < row.proofs.size(); ++i) {
      auto fewer = row.proofs;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(i));
      EXPECT_EQ(Prove(row, fewer, zone), R::kNotProven)
          << row.why << ": still proven without " << row.proofs[i].owner.ToText();
    }
  }
}

// dnssec-legacy.md section 3.4 on the lab's own chain.
TEST(NxtDenial, LabChainTruthTable) {
  const auto& c = Legacy();
  ExpectRows(
      {
          {"NXDOMAIN: ns->unsigned covers nx, the apex NXT covers *.legacy", "nx.legacy.",
           NxDomain{}, Pick(c, {"ns.legacy.", "legacy."}), R::kProven},
          {"NODATA: www has A TXT, no MX", "www.legacy.", NoData{RrType::MX},
           Pick(c, {"www.legacy."}), R::kProven},
          {"wildcard answer: *.wild->www covers x.wild, encloser wild", "x.wild.legacy.",
           NoCloser{"wild.legacy."}, Pick(c, {"*.wild.legacy."}), R::kProven},
          {"wrong cover: badsig->child does not cover nx", "nx.legacy.", NxDomain{},
           Pick(c, {"badsig.legacy.", "legacy."}), R::kNotProven},
          {"empty non-terminal wild: unsigned->*.wild", "wild.legacy.", NoData{RrType::A},
           Pick(c, {"unsigned.legacy."}), R::kProven},
          {"empty non-terminal is not NXDOMAIN", "wild.legacy.", NxDomain{},
           Pick(c, {"unsigned.legacy.", "legacy."}), R::kNotProven},
          {"wildcard *.wild exists: no NXDOMAIN below wild", "x.wild.legacy.", NxDomain{}, c,
           R::kNotProven},
          {"www exists: no NXDOMAIN", "www.legacy.", NxDomain{}, c, R::kNotProven},
          {"www has TXT", "www.legacy.", NoData{RrType::TXT}, c, R::kNotProven},
          {"below the cut at child", "host.child.legacy.", NxDomain{}, c, R::kNotProven},
          {"the child's A from the parent side", "child.legacy.", NoData{RrType::A},
           Pick(c, {"child.legacy."}), R::kNotProven},
          {"the parent holds child's KEY", "child.legacy.", NoData{RrType::KEY},
           Pick(c, {"child.legacy."}), R::kNotProven},
          {"apex NODATA", "legacy.", NoData{RrType::MX}, Pick(c, {"legacy."}), R::kProven},
      },
      "legacy.");
  // The whole chain, as an explicit NXT query would return it, proves the same.
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N("nx.legacy."), N("legacy."), c, budget), R::kProven);
  EXPECT_EQ(ProveNoData(N("www.legacy."), RrType::MX, N("legacy."), c, budget), R::kProven);
  EXPECT_EQ(ProveNoCloserMatch(N("x.wild.legacy."), N("wild.legacy."), N("legacy."), c, budget),
            R::kProven);
}

// Records of another zone (or claimed for another zone) prove nothing here.
TEST(NxtDenial, NxtOfAnotherZoneReplayed) {
  const auto& e = Example();
  const auto child_apex = Nxt("sub.example.", "sub.example.", {RrType::SOA, RrType::NS});
  ExpectRows(
      {
          {"legacy.'s chain replayed for example.", "nope.example.", NxDomain{}, Legacy(),
           R::kNotProven},
          {"example.'s NXTs claimed for legacy.", "nope.example.", NxDomain{},
           Pick(e, {"ins.example.", "example."}), R::kNotProven, "legacy."},
          {"next name escapes the zone",
           "nope.example.",
           NxDomain{},
           {Nxt("ins.example.", "zzz.legacy.", {RrType::NS}), Pick(e, {"example."})[0]},
           R::kNotProven},
          {"the child's apex NXT denies the KEY the parent holds",
           "sub.example.",
           NoData{RrType::KEY},
           {child_apex},
           R::kNotProven},
          {"the child's apex NXT in its own zone",
           "sub.example.",
           NoData{RrType::KEY},
           {child_apex},
           R::kProven,
           "sub.example."},
          {"the same records in their own zone", "nope.example.", NxDomain{},
           Pick(e, {"ins.example.", "example."}), R::kProven},
      },
      "example.");
}

// An NXT proves absence only between its owner and next name.
TEST(NxtDenial, NxtThatDoesNotCover) {
  const auto& e = Example();
  ExpectRows(
      {
          {"cover before the name", "nope.example.", NxDomain{},
           Pick(e, {"a.example.", "example."}), R::kNotProven},
          {"cover after the name", "nope.example.", NxDomain{},
           Pick(e, {"sub.example.", "example."}), R::kNotProven},
          {"the name is the owner", "a.example.", NxDomain{}, Pick(e, {"a.example.", "example."}),
           R::kNotProven},
          {"the name is the next name", "x.b.example.", NxDomain{},
           Pick(e, {"a.example.", "example."}), R::kNotProven},
          {"no proofs", "nope.example.", NxDomain{}, {}, R::kNotProven},
          {"the apex itself", "example.", NxDomain{}, Pick(e, {"z.example.", "example."}),
           R::kNotProven},
          {"NODATA for an absent name", "nope.example.", NoData{RrType::A},
           Pick(e, {"ins.example.", "example."}), R::kNotProven},
      },
      "example.");
}

// dnssec-legacy.md section 3.4 step 2: NXDOMAIN needs the wildcard at the closest encloser
// denied too.
TEST(NxtDenial, WildcardExistsOrIsNotDenied) {
  const auto& e = Example();
  ExpectRows(
      {
          {"wildcard exists: NXDOMAIN must fail", "q.w.example.", NxDomain{},
           Pick(e, {"w.example.", "*.w.example."}), R::kNotProven},
          {"missing wildcard proof", "nope.example.", NxDomain{}, Pick(e, {"ins.example."}),
           R::kNotProven},
          {"deep name, encloser from the cover", "a.b.c.nope.example.", NxDomain{},
           Pick(e, {"ins.example.", "example."}), R::kProven},
          {"*.x.b is covered by x.b's own NXT", "q.x.b.example.", NxDomain{},
           Pick(e, {"x.b.example."}), R::kProven},
      },
      "example.");
}

// RFC 2535 section 5.2: the parent's NXT at a delegation point (NS, no SOA) sorts right before
// the child's names, so it "covers" them canonically; it must deny nothing below the cut, and at
// the cut only what the parent holds there: KEY (and NXT).
TEST(NxtDenial, ParentSideNxtAtADelegation) {
  const auto& e = Example();
  auto stale = Pick(e, {"ins.example.", "example."});
  stale.push_back(Nxt("a.example.", "z.example.", {RrType::A}));  // Spans the child's names.
  ExpectRows(
      {
          {"NXDOMAIN below the cut", "www.ins.example.", NxDomain{},
           Pick(e, {"ins.example.", "example."}), R::kNotProven},
          {"NXDOMAIN below the cut, a stale NXT spanning it", "www.ins.example.", NxDomain{}, stale,
           R::kNotProven},
          {"NODATA below the cut", "www.ins.example.", NoData{RrType::A}, Pick(e, {"ins.example."}),
           R::kNotProven},
          {"A at the cut", "ins.example.", NoData{RrType::A}, Pick(e, {"ins.example."}),
           R::kNotProven},
          {"the KEY the parent does not hold", "ins.example.", NoData{RrType::KEY},
           Pick(e, {"ins.example."}), R::kProven},
          {"DS is no parent-side NXT's to deny", "ins.example.", NoData{RrType::DS},
           Pick(e, {"ins.example."}), R::kNotProven},
          {"KEY the parent holds", "sub.example.", NoData{RrType::KEY}, Pick(e, {"sub.example."}),
           R::kNotProven},
          {"below a DNAME", "www.dn.example.", NxDomain{}, Pick(e, {"dn.example.", "example."}),
           R::kNotProven},
          {"the DNAME owner itself", "dn.example.", NoData{RrType::A}, Pick(e, {"dn.example."}),
           R::kProven},
          {"an apex NXT follows the plain rule", "example.", NoData{RrType::AAAA},
           Pick(e, {"example."}), R::kProven},
          {"but never denies the parent's DS", "example.", NoData{RrType::DS},
           Pick(e, {"example."}), R::kNotProven},
      },
      "example.");
}

// dnssec-legacy.md section 3.4 step 3: the bitmap must show neither qtype nor CNAME.
TEST(NxtDenial, NoDataBitmap) {
  const auto& e = Example();
  ExpectRows(
      {
          {"type absent", "a.example.", NoData{RrType::MX}, Pick(e, {"a.example."}), R::kProven},
          {"qtype bit set", "a.example.", NoData{RrType::A}, Pick(e, {"a.example."}),
           R::kNotProven},
          {"CNAME bit set", "cname.example.", NoData{RrType::MX}, Pick(e, {"cname.example."}),
           R::kNotProven},
          {"the NXT bit is always set", "a.example.", NoData{RrType::NXT}, Pick(e, {"a.example."}),
           R::kNotProven},
          {"wildcard NODATA", "q.w.example.", NoData{RrType::MX}, Pick(e, {"*.w.example."}),
           R::kProven},
          {"wildcard has the type", "q.w.example.", NoData{RrType::TXT}, Pick(e, {"*.w.example."}),
           R::kNotProven},
          {"wildcard not shown", "q.w.example.", NoData{RrType::MX}, Pick(e, {"w.example."}),
           R::kNotProven},
      },
      "example.");
}

// An empty non-terminal exists: NODATA, never NXDOMAIN.
TEST(NxtDenial, EmptyNonTerminal) {
  const auto& e = Example();
  ExpectRows(
      {
          {"b has x.b below it", "b.example.", NoData{RrType::A}, Pick(e, {"a.example."}),
           R::kProven},
          {"NXDOMAIN for it", "b.example.", NxDomain{}, Pick(e, {"a.example.", "example."}),
           R::kNotProven},
          {"NXDOMAIN with its own descendant's NXT", "b.example.", NxDomain{},
           Pick(e, {"a.example.", "x.b.example.", "example."}), R::kNotProven},
      },
      "example.");
}

// RFC 2535 section 5.1: the last NXT points back to the apex and covers all names after it.
TEST(NxtDenial, LastNxtWrapsToTheApex) {
  const auto& e = Example();
  const auto lone = testing::NxtChain("solo.", {{"solo.", {RrType::SOA, RrType::NS}}});
  ExpectRows(
      {
          {"after the last owner", "zz.example.", NxDomain{}, Pick(e, {"z.example.", "example."}),
           R::kProven},
          {"below the last owner", "a.z.example.", NxDomain{}, Pick(e, {"z.example."}), R::kProven},
          {"before the last owner", "y.example.", NxDomain{}, Pick(e, {"z.example.", "example."}),
           R::kNotProven},
          {"a one-name zone", "x.solo.", NxDomain{}, lone, R::kProven, "solo."},
      },
      "example.");
}

// Only one-record NXT sets whose RDATA is well-formed for RFC 2535 section 5.2 are used.
TEST(NxtDenial, MalformedOrOddNxtSetsAreSkipped) {
  const auto& e = Example();
  const auto cover = Pick(e, {"ins.example."})[0];
  const auto apex = Pick(e, {"example."})[0];
  auto doubled = cover;
  doubled.rdatas.push_back(Pick(e, {"a.example."})[0].rdatas[0]);
  auto raw = [&](std::vector<uint8_t> bitmap) {  // "sub.example." and the given map.
    auto set = cover;
    set.rdatas = {{3, 's', 'u', 'b', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0}};
    set.rdatas[0].insert(set.rdatas[0].end(), bitmap.begin(), bitmap.end());
    return set;
  };
  auto garbage = cover;
  garbage.rdatas = {{0xc0, 0x0c, 0x00}};
  auto as_nsec = cover;
  as_nsec.type = RrType::NSEC;
  // Each set in place of the cover of nope.example (ins -> sub), beside the apex NXT.
  const std::vector<std::pair<const char*, dns::RRset>> covers = {
      {"two records in one NXT RRset", doubled},
      {"NXT bit clear", raw({0x20, 0, 0, 0x80})},
      {"bit 0 set: another map format", raw({0xa0, 0, 0, 0x82})},
      {"trailing zero octet", raw({0x20, 0, 0, 0x82, 0})},
      {"map past 16 octets (type 128 and up)",
       raw({0x20, 0, 0, 0x82, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x80})},
      {"no map", raw({})},
      {"garbage", garbage},
      {"an NSEC set is not an NXT", as_nsec},
  };
  std::vector<Row> rows = {
      {"well-formed raw map (NS SIG NXT)",
       "nope.example.",
       NxDomain{},
       {raw({0x20, 0, 0, 0x82}), apex},
       R::kProven},
      {"SOA bit off the apex",
       "ins.example.",
       NoData{RrType::A},
       {Nxt("ins.example.", "sub.example.", {RrType::NS, RrType::SOA})},
       R::kNotProven},
  };
  for (const auto& [why, set] : covers) {
    rows.push_back({why, "nope.example.", NxDomain{}, {set, apex}, R::kNotProven});
  }
  ExpectRows(rows, "example.");
}

// Contradicting signed records never prove NXDOMAIN for a name another record shows to exist.
TEST(NxtDenial, NameShownToExistIsNeverNxDomain) {
  auto proofs = Pick(Example(), {"ins.example.", "example."});
  auto owned = proofs;
  owned.push_back(Nxt("nope.example.", "sub.example.", {RrType::A}));
  auto unusable = owned;
  unusable.back().rdatas = {{0xff}};  // An NXT set at qname, even one that does not decode.
  ExpectRows(
      {
          {"an NXT owned by the name", "nope.example.", NxDomain{}, owned, R::kNotProven},
          {"the name as a next name",
           "nope.example.",
           NxDomain{},
           {proofs[0], proofs[1], Nxt("ins.example.", "nope.example.", {RrType::NS})},
           R::kNotProven},
          {"an undecodable NXT set at the name", "nope.example.", NxDomain{}, unusable,
           R::kNotProven},
      },
      "example.");
}

// dnssec-legacy.md section 3.4 step 4: a wildcard answer needs proof that no closer name exists.
TEST(NxtDenial, WildcardExpansionWithACloserNamePresent) {
  const auto& e = Example();
  ExpectRows(
      {
          {"expansion below w", "q.w.example.", NoCloser{"w.example."}, Pick(e, {"*.w.example."}),
           R::kProven},
          {"deeper expansion below w", "x.q.w.example.", NoCloser{"w.example."},
           Pick(e, {"*.w.example."}), R::kProven},
          {"closer encloser b exists", "y.b.example.", NoCloser{"example."},
           Pick(e, {"x.b.example."}), R::kNotProven},
          {"claimed encloser shallower than shown", "q.w.example.", NoCloser{"example."},
           Pick(e, {"*.w.example."}), R::kNotProven},
          {"the name itself exists", "a.example.", NoCloser{"example."}, Pick(e, {"a.example."}),
           R::kNotProven},
          {"the name is the encloser", "w.example.", NoCloser{"w.example."},
           Pick(e, {"*.w.example."}), R::kNotProven},
          {"below a cut", "x.ins.example.", NoCloser{"example."}, Pick(e, {"ins.example."}),
           R::kNotProven},
          {"no proofs", "q.w.example.", NoCloser{"w.example."}, {}, R::kNotProven},
      },
      "example.");
}

// NXT needs no hashing: the budget is untouched.
TEST(NxtDenial, SpendsNoBudget) {
  ValidationBudget budget;
  EXPECT_EQ(ProveNxDomain(N("nx.legacy."), N("legacy."), Pick(Legacy(), {"ns.legacy.", "legacy."}),
                          budget),
            R::kProven);
  EXPECT_EQ(testing::HashesSpent(budget), 0u);
}

}  // namespace
}  // namespace redoubt::resolver::nxt
