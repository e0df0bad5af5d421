#include "net/dns/reply_match.h"

#include <gtest/gtest.h>

#include <vector>

#include "net/dns/message_builder.h"

namespace redoubt::dns {
namespace {

Name N(const char* text) { return *Name::FromText(text); }

struct ReplySpec {
  uint16_t id = 0x1234;
  bool qr = true;
  Opcode opcode = Opcode::QUERY;
  const char* qname = "wWw.ExAmple.";
  RrType qtype = RrType::A;
  RrClass qclass = RrClass::IN;
  int questions = 1;
};

std::vector<uint8_t> Build(const ReplySpec& spec) {
  MessageBuilder builder;
  builder.header().id = spec.id;
  builder.header().qr = spec.qr;
  builder.header().opcode = spec.opcode;
  for (int i = 0; i < spec.questions; ++i) {
    EXPECT_TRUE(builder.AddQuestion(N(spec.qname), spec.qtype, spec.qclass).has_value());
  }
  return *std::move(builder).Finish();
}

ReplyMatch Match(const ReplySpec& spec) {
  std::vector<uint8_t> wire = Build(spec);
  auto view = MessageView::Parse(wire);
  EXPECT_TRUE(view.has_value());
  SentQuery sent{0x1234, Question{N("wWw.ExAmple."), RrType::A, RrClass::IN}};
  return MatchReply(*view, sent);
}

TEST(ReplyMatchTest, TheRightReplyMatches) { EXPECT_EQ(Match({}), ReplyMatch::kMatch); }

TEST(ReplyMatchTest, EachFieldMustMatch) {
  EXPECT_EQ(Match({.id = 0x1235}), ReplyMatch::kWrongId);
  EXPECT_EQ(Match({.qr = false}), ReplyMatch::kNotAResponse);
  EXPECT_EQ(Match({.opcode = Opcode::NOTIFY}), ReplyMatch::kNotAResponse);
  EXPECT_EQ(Match({.qname = "www.example.org."}), ReplyMatch::kWrongQuestion);
  EXPECT_EQ(Match({.qtype = RrType::AAAA}), ReplyMatch::kWrongQuestion);
  EXPECT_EQ(Match({.qclass = RrClass::CH}), ReplyMatch::kWrongQuestion);
  EXPECT_EQ(Match({.questions = 0}), ReplyMatch::kWrongQuestion);
  EXPECT_EQ(Match({.questions = 2}), ReplyMatch::kWrongQuestion);
}

TEST(ReplyMatchTest, CaseMustBeEchoedExactly) {
  EXPECT_EQ(Match({.qname = "www.example."}), ReplyMatch::kCaseMismatch);
  EXPECT_EQ(Match({.qname = "WWW.EXAMPLE."}), ReplyMatch::kCaseMismatch);
  EXPECT_EQ(ReplyMatchName(ReplyMatch::kCaseMismatch), "case-mismatch");
}

TEST(RandomizeCaseTest, BitsChooseTheCaseOfLettersOnly) {
  const uint8_t bits[] = {0b00000101};  // Letters 0 and 2 upper, the others lower.
  EXPECT_EQ(RandomizeCase(N("abcd-1.xy."), bits).ToText(), "AbCd-1.xy.");
  const uint8_t all[] = {0xFF};
  EXPECT_EQ(RandomizeCase(N("mixed.Case.9."), all).ToText(), "MIXED.CASE.9.");
  const uint8_t none[] = {0x00};
  EXPECT_EQ(RandomizeCase(N("MiXeD."), none).ToText(), "mixed.");
}

TEST(RandomizeCaseTest, TheNameStaysEqualIgnoringCase) {
  const uint8_t bits[] = {0x5A, 0xC3, 0x11};
  Name original = N("a-very-long-label-with-many-letters.example.com.");
  Name randomized = RandomizeCase(original, bits);
  EXPECT_EQ(randomized, original);
  EXPECT_FALSE(randomized.IdenticalTo(original));
  EXPECT_TRUE(RandomizeCase(original, {}).IdenticalTo(original));
  EXPECT_TRUE(RandomizeCase(Name::Root(), bits).IsRoot());
}

}  // namespace
}  // namespace redoubt::dns
