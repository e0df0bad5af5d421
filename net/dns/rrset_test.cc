#include "net/dns/rrset.h"

#include <gtest/gtest.h>

#include "net/dns/message_builder.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view t) { return Name::FromText(t).value(); }

rdata::RRSIG Sig(RrType covered, uint16_t tag) {
  return rdata::RRSIG{covered, DnssecAlgorithm::ECDSAP256SHA256, 1, 60, {2}, {1}, tag,
                      N("example."), {{1, 2}}};
}

std::vector<uint8_t> Build(bool aa, const std::function<void(MessageBuilder&)>& fill) {
  MessageBuilder b(4096);
  b.header().qr = true;
  b.header().aa = aa;
  fill(b);
  return *std::move(b).Finish();
}

TEST(RRsetTest, GroupsInterleavedRecordsAndAttachesSignaturesBeforeOrAfter) {
  auto msg = Build(true, [](MessageBuilder& b) {
    auto add = [&](const Rdata& r) { ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("www.example."), RrClass::IN, 300, r).has_value()); };
    add(Sig(RrType::A, 1));               // Signature before its data.
    add(rdata::A{{{192, 0, 2, 1}}});
    add(rdata::AAAA{});
    add(rdata::A{{{192, 0, 2, 2}}});      // Same set again after another type.
    add(rdata::A{{{192, 0, 2, 1}}});      // Duplicate.
    add(Sig(RrType::AAAA, 2));
    add(Sig(RrType::MX, 3));              // Covers nothing present.
  });
  auto view = MessageView::Parse(msg).value();
  auto sets = GroupRRsets(view, Section::kAnswer).value();
  ASSERT_EQ(sets.size(), 3u);
  EXPECT_EQ(sets[0].type, RrType::A);
  EXPECT_EQ(sets[0].rdatas.size(), 2u);
  ASSERT_EQ(sets[0].sigs.size(), 1u);
  EXPECT_EQ(sets[0].sigs[0].key_tag, 1);
  EXPECT_EQ(sets[1].type, RrType::AAAA);
  ASSERT_EQ(sets[1].sigs.size(), 1u);
  EXPECT_EQ(sets[2].type, RrType::RRSIG);  // The orphan signature is its own set.
  EXPECT_EQ(sets[0].trust, Trust::kAnswerAuth);
}

TEST(RRsetTest, TtlIsTheMinimumAndOwnerMatchIgnoresCase) {
  auto msg = Build(false, [](MessageBuilder& b) {
    ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("A.example."), RrClass::IN, 300, rdata::A{{{1, 1, 1, 1}}}).has_value());
    ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("a.EXAMPLE."), RrClass::IN, 30, rdata::A{{{2, 2, 2, 2}}}).has_value());
  });
  auto sets = GroupRRsets(MessageView::Parse(msg).value(), Section::kAnswer).value();
  ASSERT_EQ(sets.size(), 1u);
  EXPECT_EQ(sets[0].ttl, 30u);
  EXPECT_EQ(sets[0].trust, Trust::kAnswerNonAuth);
}

TEST(RRsetTest, SignaturesAsDataForRrsigQueries) {
  auto msg = Build(true, [](MessageBuilder& b) {
    ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("x.example."), RrClass::IN, 60, Sig(RrType::A, 9)).has_value());
    ASSERT_TRUE(b.AddRecord(Section::kAnswer, N("x.example."), RrClass::IN, 60, rdata::A{}).has_value());
  });
  auto view = MessageView::Parse(msg).value();
  auto sets = GroupRRsets(view, Section::kAnswer, /*signatures_as_data=*/true).value();
  ASSERT_EQ(sets.size(), 2u);
  EXPECT_EQ(sets[0].type, RrType::RRSIG);
  EXPECT_TRUE(sets[1].sigs.empty());
}

TEST(RRsetTest, ReferralGlueRanksAsGlue) {
  auto msg = Build(false, [](MessageBuilder& b) {
    ASSERT_TRUE(b.AddRecord(Section::kAuthority, N("child.example."), RrClass::IN, 60, rdata::NS{N("ns.child.example.")}).has_value());
    ASSERT_TRUE(b.AddRecord(Section::kAdditional, N("ns.child.example."), RrClass::IN, 60, rdata::A{}).has_value());
  });
  auto view = MessageView::Parse(msg).value();
  EXPECT_EQ(GroupRRsets(view, Section::kAuthority).value()[0].trust, Trust::kAuthorityNonAuth);
  EXPECT_EQ(GroupRRsets(view, Section::kAdditional).value()[0].trust, Trust::kGlue);
  EXPECT_TRUE(MayReplace(Trust::kGlue, Trust::kAnswerAuth));
  EXPECT_FALSE(MayReplace(Trust::kAnswerAuth, Trust::kGlue));
}

TEST(RRsetTest, SigZeroIsNotAnRRset) {
  auto msg = Build(false, [](MessageBuilder& b) {
    rdata::SIG sig0{RrType{0}, DnssecAlgorithm::RSASHA256, 0, 0, {2}, {1}, 5, N("key.example."), {{1}}};
    ASSERT_TRUE(b.AddRecord(Section::kAdditional, Name::Root(), RrClass::ANY, 0, sig0).has_value());
  });
  EXPECT_TRUE(GroupRRsets(MessageView::Parse(msg).value(), Section::kAdditional).value().empty());
}

}  // namespace
}  // namespace redoubt::dns
