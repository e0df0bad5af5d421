#include "net/dns/message_view.h"

#include <gtest/gtest.h>

#include <vector>

#include "net/dns/message_builder.h"

namespace redoubt::dns {
namespace {

using Bytes = std::vector<uint8_t>;

// Header with the given counts (ID 0xABCD, QR set).
Bytes Header(uint16_t qd, uint16_t an, uint16_t ns, uint16_t ar) {
  return {0xAB, 0xCD, 0x80, 0x00, 0, static_cast<uint8_t>(qd), 0, static_cast<uint8_t>(an),
          0,    static_cast<uint8_t>(ns), 0, static_cast<uint8_t>(ar)};
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

const Bytes kQuestion = {1, 'a', 0, 0, 1, 0, 1};                 // a. IN A
const Bytes kAnswerA = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};  // ptr a. A
const Bytes kOpt = {0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0};  // root, OPT, 1232, no options
const Bytes kTsig = {0, 0, 250, 0, 255, 0, 0, 0, 0, 0, 17,  // root, TSIG, ANY, TTL 0, RDLENGTH
                     0,                                      // algorithm "."
                     0, 0, 0, 0, 0, 1, 1, 44,                // time signed 1, fudge 300
                     0, 0, 0, 1, 0, 0, 0, 0};                // MAC len 0, orig id 1, error, other len

Error ParseError(const Bytes& m) { return MessageView::Parse(m).error(); }

TEST(MessageViewTest, ParsesQuestionAnswerAndOpt) {
  auto m = Concat({Header(1, 1, 0, 1), kQuestion, kAnswerA, kOpt});
  auto view = MessageView::Parse(m);
  ASSERT_TRUE(view.has_value()) << ErrcName(view.error().code);
  EXPECT_EQ(view->header().id, 0xABCD);
  EXPECT_TRUE(view->header().qr);
  ASSERT_EQ(view->questions().size(), 1u);
  EXPECT_EQ(view->questions()[0].qname.ToText(), "a.");
  ASSERT_EQ(view->section(Section::kAnswer).size(), 1u);
  EXPECT_EQ(view->section(Section::kAnswer)[0].ttl, 60u);
  ASSERT_NE(view->opt(), nullptr);
  EXPECT_EQ(static_cast<uint16_t>(view->opt()->klass), 1232);
  EXPECT_EQ(view->tsig(), nullptr);
}

TEST(MessageViewTest, RejectsTruncatedHeader) {
  Bytes m = {0xAB, 0xCD, 0x80};
  EXPECT_EQ(ParseError(m).code, Errc::kTruncated);
}

TEST(MessageViewTest, AcceptsBareHeaderWithZeroCounts) {
  auto view = MessageView::Parse(Header(0, 0, 0, 0));
  ASSERT_TRUE(view.has_value());
  EXPECT_TRUE(view->records().empty());
}

TEST(MessageViewTest, RejectsCountsLargerThanRecordsPresent) {
  EXPECT_EQ(ParseError(Concat({Header(1, 2, 0, 0), kQuestion, kAnswerA})).code, Errc::kCountMismatch);
  EXPECT_EQ(ParseError(Concat({Header(2, 0, 0, 0), kQuestion})).code, Errc::kCountMismatch);
}

TEST(MessageViewTest, RejectsTrailingData) {
  auto m = Concat({Header(1, 1, 0, 0), kQuestion, kAnswerA, {0xFF}});
  EXPECT_EQ(ParseError(m).code, Errc::kTrailingData);
}

TEST(MessageViewTest, RejectsRdlengthPastTheEnd) {
  Bytes answer = kAnswerA;
  answer[11] = 40;  // RDLENGTH 40, only 4 octets follow.
  auto e = ParseError(Concat({Header(1, 1, 0, 0), kQuestion, answer}));
  EXPECT_EQ(e.code, Errc::kRdataLength);
}

TEST(MessageViewTest, RejectsRdataNotConsumedExactly) {
  // An A record whose RDLENGTH is 5: one octet the type does not account for.
  Bytes answer = {0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 5, 192, 0, 2, 1, 9};
  EXPECT_EQ(ParseError(Concat({Header(1, 1, 0, 0), kQuestion, answer})).code, Errc::kRdataLength);
}

TEST(MessageViewTest, RejectsOptInAnswerSection) {
  EXPECT_EQ(ParseError(Concat({Header(1, 1, 0, 0), kQuestion, kOpt})).code, Errc::kOptMisplaced);
}

TEST(MessageViewTest, RejectsOptOwnedByNonRoot) {
  Bytes opt = {1, 'x', 0, 0, 41, 0x04, 0xD0, 0, 0, 0, 0, 0, 0};
  EXPECT_EQ(ParseError(Concat({Header(1, 0, 0, 1), kQuestion, opt})).code, Errc::kOptMisplaced);
}

TEST(MessageViewTest, RejectsTwoOptRecords) {
  EXPECT_EQ(ParseError(Concat({Header(1, 0, 0, 2), kQuestion, kOpt, kOpt})).code, Errc::kOptDuplicate);
}

TEST(MessageViewTest, RejectsTsigThatIsNotLast) {
  const Bytes& tsig = kTsig;
  auto ok = MessageView::Parse(Concat({Header(1, 0, 0, 2), kQuestion, kOpt, tsig}));
  ASSERT_TRUE(ok.has_value()) << ErrcName(ok.error().code);
  EXPECT_NE(ok->tsig(), nullptr);
  auto bad = Concat({Header(1, 0, 0, 2), kQuestion, tsig, kOpt});
  EXPECT_EQ(ParseError(bad).code, Errc::kTsigMisplaced);
  auto in_answer = Concat({Header(1, 1, 0, 0), kQuestion, tsig});
  EXPECT_EQ(ParseError(in_answer).code, Errc::kTsigMisplaced);
}

TEST(MessageViewTest, RejectsCompressionLoopInOwner) {
  Bytes answer = {0xC0, 19, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 1};  // Points at itself.
  EXPECT_EQ(ParseError(Concat({Header(1, 1, 0, 0), kQuestion, answer})).code, Errc::kBadPointer);
}

TEST(MessageViewTest, RejectsCompressionLoopInsideRdata) {
  // A CNAME whose target points at its own RDATA.
  Bytes answer = {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 31};
  auto e = ParseError(Concat({Header(1, 1, 0, 0), kQuestion, answer}));
  EXPECT_EQ(e.code, Errc::kBadPointer);
  EXPECT_EQ(e.detail, 31u);
}

TEST(MessageViewTest, UncompressedRdataExpandsPointers) {
  Bytes cname = {0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 4, 1, 'b', 0xC0, 12};  // b.a.
  auto m = Concat({Header(1, 1, 0, 0), kQuestion, cname});
  auto view = MessageView::Parse(m);
  ASSERT_TRUE(view.has_value());
  auto rdata = view->UncompressedRdata(view->records()[0]);
  ASSERT_TRUE(rdata.has_value());
  EXPECT_EQ(*rdata, (Bytes{1, 'b', 1, 'a', 0}));
}

// A receive buffer is reused for the next datagram: a view handed on with the reply must read
// the reply's own copy, and only a copy of exactly the parsed octets.
TEST(MessageViewTest, RebaseReadsTheCopyAndRefusesOtherBytes) {
  Bytes received = Concat({Header(1, 1, 0, 0), kQuestion, kAnswerA});
  auto view = *MessageView::Parse(received);
  Bytes copy = received;
  ASSERT_TRUE(view.Rebase(copy));
  EXPECT_EQ(view.buffer().data(), copy.data());
  received[received.size() - 1] = 99;  // The receive buffer is overwritten.
  EXPECT_EQ(*view.UncompressedRdata(view.records()[0]), (Bytes{192, 0, 2, 1}));

  Bytes forged = copy;
  forged.back() = 7;  // Same length, one octet changed: not the parsed message.
  EXPECT_FALSE(view.Rebase(forged));
  Bytes longer = copy;
  longer.push_back(0);
  EXPECT_FALSE(view.Rebase(longer));
  EXPECT_FALSE(view.Rebase(std::span<const uint8_t>(copy).first(copy.size() - 1)));
  EXPECT_EQ(view.buffer().data(), copy.data());  // Refusals change nothing.
}

// A parse handed on with a reply must never describe other octets than the ones it read.
TEST(CarriedViewTest, HandsTheViewOutOnlyForTheVectorItReads) {
  Bytes wire = Concat({Header(1, 1, 0, 0), kQuestion, kAnswerA});
  CarriedView carried;
  carried.Keep(*MessageView::Parse(wire), wire);
  ASSERT_NE(carried.For(wire), nullptr);
  EXPECT_EQ(carried.For(wire)->records().size(), 1u);

  Bytes copy = wire;  // Same octets, other storage.
  EXPECT_EQ(carried.For(copy), nullptr);
  CarriedView copied = carried;
  EXPECT_EQ(copied.For(wire), nullptr);  // A copy carries nothing.
  CarriedView assigned;
  assigned.Keep(*MessageView::Parse(copy), copy);
  assigned = carried;
  EXPECT_EQ(assigned.For(copy), nullptr);

  Bytes moved = std::move(wire);  // Moving keeps the storage, so the view still reads it.
  CarriedView moved_view = std::move(carried);
  ASSERT_NE(moved_view.For(moved), nullptr);
  EXPECT_EQ(moved_view.For(moved)->buffer().data(), moved.data());

  CarriedView refused;
  refused.Keep(*MessageView::Parse(copy), moved);  // A view of other storage is not kept.
  EXPECT_EQ(refused.For(moved), nullptr);
  EXPECT_EQ(refused.For(copy), nullptr);
}

TEST(MessageViewTest, RoundTripThroughBuilderKeepsRecords) {
  auto original = Concat({Header(1, 1, 0, 1), kQuestion, kAnswerA, kOpt});
  auto view = *MessageView::Parse(original);
  MessageBuilder b(512);
  b.header() = view.header();
  b.header().qdcount = b.header().ancount = b.header().nscount = b.header().arcount = 0;
  ASSERT_TRUE(b.AddQuestion(view.questions()[0].qname, RrType::A).has_value());
  Edns edns;
  ASSERT_TRUE(b.SetEdns(edns).has_value());
  const auto& r = view.records()[0];
  ASSERT_TRUE(b.AddRecord(Section::kAnswer, r.owner, r.type, r.klass, r.ttl, *view.UncompressedRdata(r)).has_value());
  auto rebuilt = *std::move(b).Finish();
  EXPECT_EQ(rebuilt, original);  // Same compression choices, same bytes.
}

}  // namespace
}  // namespace redoubt::dns
