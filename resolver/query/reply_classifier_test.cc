#include "resolver/query/reply_classifier.h"

#include <gtest/gtest.h>

#include <string>

#include "net/dns/message_builder.h"
#include "net/dns/zone_parser.h"

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;
using dns::Section;

Name N(const char* text) { return *Name::FromText(text); }

// A reply built from zone-file text per section; `rcode` and `aa` as given.
class Reply {
 public:
  Reply(const char* qname, RrType qtype) : question_{N(qname), qtype, dns::RrClass::IN} {}
  Reply& Rcode(dns::Rcode rcode) { rcode_ = rcode; return *this; }
  Reply& Aa(bool aa = true) { aa_ = aa; return *this; }
  Reply& NotAResponse() { qr_ = false; return *this; }
  Reply& Answer(const std::string& text) { return Add(Section::kAnswer, text); }
  Reply& Authority(const std::string& text) { return Add(Section::kAuthority, text); }
  Reply& Additional(const std::string& text) { return Add(Section::kAdditional, text); }

  Result<ClassifiedReply> Classify(const char* zone) {
    dns::MessageBuilder builder(65535);
    builder.header().qr = qr_;
    builder.header().aa = aa_;
    builder.header().rcode = static_cast<uint8_t>(rcode_);
    EXPECT_TRUE(builder.AddQuestion(question_.qname, question_.qtype).has_value());
    for (const auto& [section, records] : records_) {
      for (const dns::Record& r : records) {
        EXPECT_TRUE(builder.AddRecord(section, r.owner, r.type, r.klass, r.ttl, r.rdata).has_value());
      }
    }
    auto wire = std::move(builder).Finish();
    EXPECT_TRUE(wire.has_value());
    wire_ = *wire;
    auto view = dns::MessageView::Parse(wire_);
    EXPECT_TRUE(view.has_value());
    return ClassifyReply(*view, question_, N(zone));
  }

 private:
  Reply& Add(Section section, const std::string& text) {
    auto records = dns::ParseZoneText("$TTL 300\n" + text, "reply");
    EXPECT_TRUE(records.has_value()) << (records ? "" : records.error().ToString());
    if (records) records_.push_back({section, *records});
    return *this;
  }
  dns::Question question_;
  dns::Rcode rcode_ = dns::Rcode::NOERROR;
  bool aa_ = false, qr_ = true;
  std::vector<std::pair<Section, std::vector<dns::Record>>> records_;
  std::vector<uint8_t> wire_;
};

TEST(ReplyClassifierTest, DirectAnswer) {
  auto r = Reply("www.example.", RrType::A).Aa().Answer("www.example. A 192.0.2.1").Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  ASSERT_EQ(r->answer.size(), 1u);
  EXPECT_EQ(r->answer[0].owner, N("www.example."));
  EXPECT_EQ(r->scrubbed, 0u);
}

TEST(ReplyClassifierTest, UnrelatedAndOutOfZoneAnswerRecordsAreScrubbed) {
  auto r = Reply("www.example.", RrType::A).Aa()
               .Answer("www.example. A 192.0.2.1\nevil.test. A 6.6.6.6\nother.example. A 6.6.6.7")
               .Additional("www.bank.test. A 6.6.6.8")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  ASSERT_EQ(r->answer.size(), 1u);
  EXPECT_EQ(r->scrubbed, 3u);
}

// An answer of another type at the question's name (an MX slipped in beside the A, or an A for
// an AAAA question) is never taken as the answer.
TEST(ReplyClassifierTest, AnswerRecordsOfATypeNotAskedForAreIgnored) {
  auto mixed = Reply("www.example.", RrType::A).Aa()
                   .Answer("www.example. MX 10 mail.evil.test.\nwww.example. A 192.0.2.1")
                   .Classify("example.");
  ASSERT_TRUE(mixed.has_value());
  ASSERT_EQ(mixed->answer.size(), 1u);
  EXPECT_EQ(mixed->answer[0].type, RrType::A);
  EXPECT_EQ(mixed->scrubbed, 1u);
  auto wrong = Reply("www.example.", RrType::AAAA).Aa()
                   .Answer("www.example. A 192.0.2.1")
                   .Authority("example. SOA ns h 1 2 3 4 300")
                   .Classify("example.");
  ASSERT_TRUE(wrong.has_value());
  EXPECT_EQ(wrong->kind, ReplyKind::kNoData);
  EXPECT_TRUE(wrong->answer.empty());
}

// RFC 4035 section 3.1.3.3: an answer from a wildcard comes with the NSEC proving no closer
// match; it is kept (inside the zone only) for the validator.
TEST(ReplyClassifierTest, WildcardAnswerKeepsItsNsecProof) {
  auto r = Reply("a.w.example.", RrType::A).Aa()
               .Answer("a.w.example. A 192.0.2.5")
               .Authority("*.w.example. NSEC z.example. A RRSIG NSEC\nx.test. NSEC y.test. A")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  ASSERT_EQ(r->negative_proofs.size(), 1u);
  EXPECT_EQ(r->negative_proofs[0].owner, N("*.w.example."));
}

// RFC 4035 section 3.2.1: a question for RRSIG gets the signatures as its answer.
TEST(ReplyClassifierTest, RrsigQuestionTakesSignaturesAsData) {
  auto r = Reply("www.example.", RrType::RRSIG).Aa()
               .Answer("www.example. RRSIG A 8 2 300 20300101000000 20200101000000 1 example. AAAA")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  ASSERT_EQ(r->answer.size(), 1u);
  EXPECT_EQ(r->answer[0].type, RrType::RRSIG);
}

TEST(ReplyClassifierTest, CnameChainInsideTheZone) {
  auto r = Reply("c1.example.", RrType::A).Aa()
               .Answer("c1.example. CNAME c2.example.\nc2.example. CNAME www.example.\n"
                       "www.example. A 192.0.2.1")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  EXPECT_EQ(r->chain.size(), 2u);
  EXPECT_EQ(r->next_name, N("www.example."));
}

TEST(ReplyClassifierTest, CnameLeavingTheZoneIsFollowedNotTrusted) {
  auto r = Reply("c.example.", RrType::A).Aa()
               .Answer("c.example. CNAME www.other.\nwww.other. A 6.6.6.6")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kCname);
  EXPECT_EQ(r->next_name, N("www.other."));
  EXPECT_TRUE(r->answer.empty());
  EXPECT_EQ(r->chain.size(), 1u);
  EXPECT_EQ(r->scrubbed, 1u);
}

TEST(ReplyClassifierTest, CnameLoopEndsTheWalk) {
  auto r = Reply("loop1.example.", RrType::A).Aa()
               .Answer("loop1.example. CNAME loop2.example.\nloop2.example. CNAME loop1.example.")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kCname);
  EXPECT_EQ(r->chain.size(), 2u);
  EXPECT_EQ(r->next_name, N("loop1.example."));
}

TEST(ReplyClassifierTest, DnameSubstitutesTheSuffix) {
  auto r = Reply("www.dn.example.", RrType::A).Aa()
               .Answer("dn.example. DNAME other.example.\n"
                       "www.dn.example. CNAME www.other.example.\n"
                       "www.other.example. A 192.0.2.9")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kAnswer);
  ASSERT_EQ(r->chain.size(), 2u);
  EXPECT_EQ(r->chain[0].type, RrType::DNAME);
  EXPECT_EQ(r->chain[1].type, RrType::CNAME);
  EXPECT_EQ(r->answer[0].owner, N("www.other.example."));
}

TEST(ReplyClassifierTest, DnameOutsideTheZoneIsIgnored) {
  auto r = Reply("www.example.", RrType::A).Aa()
               .Answer("example. DNAME evil.test.\nwww.example. CNAME www.evil.test.")
               .Classify("sub.www.example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->kind, ReplyKind::kAnswer);
  EXPECT_TRUE(r->chain.empty());
}

TEST(ReplyClassifierTest, ReferralKeepsOnlyInBailiwickGlueForItsNsNames) {
  auto r = Reply("www.sub.example.", RrType::A)
               .Authority("sub.example. NS ns.sub.example.\nsub.example. NS ns.elsewhere.test.\n"
                          "sub.example. DS 12345 13 2 "
                          "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
               .Additional("ns.sub.example. A 192.0.2.53\nns.elsewhere.test. A 6.6.6.6\n"
                           "unrelated.example. A 6.6.6.7")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kReferral);
  EXPECT_EQ(r->delegation, N("sub.example."));
  ASSERT_TRUE(r->ns.has_value());
  EXPECT_EQ(r->ns->rdatas.size(), 2u);
  ASSERT_EQ(r->glue.size(), 1u);
  EXPECT_EQ(r->glue[0].owner, N("ns.sub.example."));
  ASSERT_EQ(r->delegation_proofs.size(), 1u);
  EXPECT_EQ(r->delegation_proofs[0].type, RrType::DS);
  EXPECT_EQ(r->scrubbed, 2u);
}

TEST(ReplyClassifierTest, UpwardReferralIsLame) {
  for (const char* owner : {".", "example."}) {
    auto r = Reply("www.example.", RrType::A)
                 .Authority(std::string(owner) + " NS a.root-servers.net.")
                 .Classify("example.");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->kind, ReplyKind::kLame) << owner;
  }
}

TEST(ReplyClassifierTest, SidewaysReferralIsLame) {
  auto r = Reply("www.example.", RrType::A)
               .Authority("other.test. NS ns.other.test.")
               .Additional("ns.other.test. A 6.6.6.6")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kLame);
  EXPECT_TRUE(r->glue.empty());
}

TEST(ReplyClassifierTest, NxDomainWithSoaAndProofs) {
  auto r = Reply("nx.example.", RrType::A).Aa().Rcode(dns::Rcode::NXDOMAIN)
               .Authority("example. SOA ns.example. host.example. 1 2 3 4 300\n"
                          "example. NSEC www.example. SOA NS NSEC RRSIG")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kNxDomain);
  ASSERT_TRUE(r->soa.has_value());
  EXPECT_EQ(r->negative_proofs.size(), 1u);
}

TEST(ReplyClassifierTest, NegativeSoaFromAnotherZoneIsNotKept) {
  auto r = Reply("nx.example.", RrType::A).Aa().Rcode(dns::Rcode::NXDOMAIN)
               .Authority("evil.test. SOA ns.evil.test. host.evil.test. 1 2 3 4 86400")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kNxDomain);
  EXPECT_FALSE(r->soa.has_value());
  EXPECT_EQ(r->scrubbed, 1u);
}

TEST(ReplyClassifierTest, NoDataWithSoa) {
  auto r = Reply("www.example.", RrType::MX).Aa()
               .Authority("example. SOA ns.example. host.example. 1 2 3 4 300")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kNoData);
  EXPECT_TRUE(r->soa.has_value());
}

TEST(ReplyClassifierTest, EmptyRepliesDependOnAa) {
  auto authoritative = Reply("www.example.", RrType::MX).Aa().Classify("example.");
  ASSERT_TRUE(authoritative.has_value());
  EXPECT_EQ(authoritative->kind, ReplyKind::kNoData);
  auto not_authoritative = Reply("www.example.", RrType::MX).Classify("example.");
  ASSERT_TRUE(not_authoritative.has_value());
  EXPECT_EQ(not_authoritative->kind, ReplyKind::kLame);
}

TEST(ReplyClassifierTest, RcodesThatMeanTryAnotherServer) {
  auto refused = Reply("www.example.", RrType::A).Rcode(dns::Rcode::REFUSED).Classify("example.");
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->kind, ReplyKind::kLame);
  for (auto rcode : {dns::Rcode::SERVFAIL, dns::Rcode::NOTIMP, dns::Rcode::FORMERR,
                     dns::Rcode::YXDOMAIN}) {
    auto r = Reply("www.example.", RrType::A).Rcode(rcode).Answer("www.example. A 192.0.2.1")
                 .Classify("example.");
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->kind, ReplyKind::kServerError) << static_cast<int>(rcode);
    EXPECT_TRUE(r->answer.empty());
  }
}

TEST(ReplyClassifierTest, ReferralNsSetIsCapped) {
  std::string ns;
  for (int i = 0; i < 25; ++i) ns += "sub.example. NS ns" + std::to_string(i) + ".sub.example.\n";
  auto r = Reply("www.sub.example.", RrType::A).Authority(ns).Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kReferral);
  EXPECT_EQ(r->ns->rdatas.size(), 20u);
}

TEST(ReplyClassifierTest, CnameThenNxDomainNamesTheTarget) {
  auto inside = Reply("c.example.", RrType::A).Aa().Rcode(dns::Rcode::NXDOMAIN)
                    .Answer("c.example. CNAME gone.example.")
                    .Authority("example. SOA ns.example. host.example. 1 2 3 4 300")
                    .Classify("example.");
  ASSERT_TRUE(inside.has_value());
  EXPECT_EQ(inside->kind, ReplyKind::kNxDomain);
  EXPECT_EQ(inside->next_name, N("gone.example."));
  auto outside = Reply("c.example.", RrType::A).Aa().Rcode(dns::Rcode::NXDOMAIN)
                     .Answer("c.example. CNAME www.other.test.")
                     .Classify("example.");
  ASSERT_TRUE(outside.has_value());
  EXPECT_EQ(outside->kind, ReplyKind::kCname);
  EXPECT_EQ(outside->next_name, N("www.other.test."));
}

TEST(ReplyClassifierTest, CnameInZoneWithoutItsTargetIsFollowed) {
  auto r = Reply("c.example.", RrType::A).Aa().Answer("c.example. CNAME www.example.")
               .Classify("example.");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->kind, ReplyKind::kCname);
  EXPECT_EQ(r->next_name, N("www.example."));
}

TEST(ReplyClassifierTest, QueriesAreNotReplies) {
  auto r = Reply("www.example.", RrType::A).NotAResponse().Classify("example.");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace redoubt::resolver
