#include "net/dns/zone_transfer.h"

#include <gtest/gtest.h>

#include "net/dns/message_builder.h"
#include "net/dns/zone_parser.h"

namespace redoubt::dns {
namespace {

Name N(std::string_view text) { return *Name::FromText(text); }

// Records from zone text with origin example.
std::vector<Record> R(std::string_view text) {
  ZoneParseOptions options;
  options.origin = N("example.");
  options.default_ttl = 3600;
  auto parsed = ParseZoneText(text, "test", options);
  EXPECT_TRUE(parsed);
  return parsed ? *parsed : std::vector<Record>{};
}

std::string Soa(uint32_t serial) {
  return "@ SOA ns hostmaster " + std::to_string(serial) + " 3600 600 86400 300\n";
}

// One message of a transfer answer carrying `records`; the question only when `question`.
std::vector<uint8_t> Message(const std::vector<Record>& records, RrType type = RrType::AXFR,
                             bool question = true, Rcode rcode = Rcode::NOERROR,
                             std::string_view qname = "example.") {
  MessageBuilder builder(65535);
  builder.header().qr = true;
  builder.header().aa = true;
  builder.header().rcode = static_cast<uint8_t>(rcode);
  if (question) {
    EXPECT_TRUE(builder.AddQuestion(N(qname), type));
  }
  for (const Record& r : records) {
    EXPECT_TRUE(builder.AddRecord(Section::kAnswer, r.owner, r.type, r.klass, r.ttl, r.rdata));
  }
  return *std::move(builder).Finish();
}

// Feeds every message; returns the last Feed result.
Result<bool, std::string> FeedAll(ZoneTransferReader& reader,
                                  const std::vector<std::vector<uint8_t>>& messages) {
  Result<bool, std::string> last = false;
  for (const auto& wire : messages) {
    auto view = MessageView::Parse(wire);
    EXPECT_TRUE(view);
    last = reader.Feed(*view);
    if (!last) return last;
  }
  return last;
}

TEST(ZoneTransferTest, AxfrInOneMessageKeepsTheSoaOnce) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message(R(Soa(7) + "@ NS ns\nns A 192.0.2.1\n" + Soa(7)))});
  ASSERT_TRUE(done) << done.error();
  EXPECT_TRUE(*done);
  ZoneTransfer transfer = std::move(reader).Take();
  EXPECT_EQ(transfer.kind, TransferKind::kFull);
  EXPECT_EQ(transfer.serial, 7u);
  ASSERT_EQ(transfer.records.size(), 3u);
  EXPECT_EQ(transfer.records[0].type, RrType::SOA);
  EXPECT_EQ(transfer.records[2].type, RrType::A);
}

TEST(ZoneTransferTest, AxfrOverSeveralMessagesLaterOnesWithoutQuestion) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto first_wire = Message(R(Soa(1) + "@ NS ns\n"));
  auto first = MessageView::Parse(first_wire);
  auto middle_wire = Message(R("ns A 192.0.2.1\n"), RrType::AXFR, false);
  auto last_wire = Message(R("www A 192.0.2.2\n" + Soa(1)), RrType::AXFR, true);
  auto opened = reader.Feed(*first);
  ASSERT_TRUE(opened && !*opened);
  auto middle = reader.Feed(*MessageView::Parse(middle_wire));
  ASSERT_TRUE(middle && !*middle);
  auto done = reader.Feed(*MessageView::Parse(last_wire));
  ASSERT_TRUE(done) << done.error();
  EXPECT_TRUE(*done);
  EXPECT_EQ(std::move(reader).Take().records.size(), 4u);
}

TEST(ZoneTransferTest, ForgedRecordOutsideTheZoneFailsTheTransfer) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto records = R(Soa(1) + "@ NS ns\n");
  records.push_back(Record{N("victim.test."), RrType::A, RrClass::IN, 60, {6, 6, 6, 6}});
  auto done = FeedAll(reader, {Message(records)});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("outside the zone"), std::string::npos) << done.error();
}

TEST(ZoneTransferTest, AnswerNotOpeningWithTheSoaFails) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message(R("@ NS ns\n" + Soa(1)))});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("open with the zone's SOA"), std::string::npos);
}

TEST(ZoneTransferTest, ClosingSoaWithAnotherSerialFails) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message(R(Soa(1) + "@ NS ns\n" + Soa(2)))});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("closing SOA"), std::string::npos);
}

TEST(ZoneTransferTest, RecordsSmuggledAfterTheClosingSoaFail) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message(R(Soa(1) + "@ NS ns\n" + Soa(1) + "www A 6.6.6.6\n"))});
  ASSERT_FALSE(done);
  ZoneTransferReader again(N("example."), RrType::AXFR);
  auto one = FeedAll(again, {Message(R(Soa(1) + "@ NS ns\n" + Soa(1)))});
  ASSERT_TRUE(one && *one);
  auto extra = again.Feed(*MessageView::Parse(Message(R("www A 6.6.6.6\n"), RrType::AXFR, false)));
  EXPECT_FALSE(extra);
}

TEST(ZoneTransferTest, RefusedTransferNamesTheRcode) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message({}, RrType::AXFR, true, Rcode::NOTAUTH)});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("NOTAUTH"), std::string::npos) << done.error();
}

TEST(ZoneTransferTest, AnswerForAnotherZoneFails) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  auto done = FeedAll(reader, {Message(R(Soa(1) + Soa(1)), RrType::AXFR, true, Rcode::NOERROR,
                                       "other.")});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("another question"), std::string::npos);
}

TEST(ZoneTransferTest, FirstMessageWithoutQuestionFails) {
  ZoneTransferReader reader(N("example."), RrType::AXFR);
  EXPECT_FALSE(FeedAll(reader, {Message(R(Soa(1) + "@ NS ns\n" + Soa(1)), RrType::AXFR, false)}));
}

TEST(ZoneTransferTest, RecordLimitStopsAnEndlessTransfer) {
  ZoneTransferReader reader(N("example."), RrType::AXFR, 0, ZoneTransferLimits{3});
  auto done = FeedAll(reader, {Message(R(Soa(1) + "@ NS ns\na A 192.0.2.1\nb A 192.0.2.2\n"))});
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().find("more than 3 records"), std::string::npos);
}

TEST(ZoneTransferTest, IxfrIncrementalSequencesApplyInOrder) {
  std::vector<Record> current = R(Soa(1) + "@ NS ns\nns A 192.0.2.1\nold A 192.0.2.9\n");
  ZoneTransferReader reader(N("example."), RrType::IXFR, 1);
  auto done = FeedAll(reader, {Message(R(Soa(3) + Soa(1) + "old A 192.0.2.9\n" + Soa(2) +
                                         "mid A 192.0.2.10\n"), RrType::IXFR),
                               Message(R(Soa(2) + "mid A 192.0.2.10\n" + Soa(3) +
                                         "new A 192.0.2.11\n" + Soa(3)), RrType::IXFR, false)});
  ASSERT_TRUE(done) << done.error();
  ASSERT_TRUE(*done);
  ZoneTransfer transfer = std::move(reader).Take();
  EXPECT_EQ(transfer.kind, TransferKind::kIncremental);
  ASSERT_EQ(transfer.diffs.size(), 2u);
  EXPECT_EQ(transfer.diffs[0].from, 1u);
  EXPECT_EQ(transfer.diffs[1].to, 3u);
  auto applied = ApplyZoneDiffs(current, transfer);
  ASSERT_TRUE(applied) << applied.error();
  ASSERT_EQ(applied->size(), 4u);  // SOA, NS, ns A, new A.
  EXPECT_EQ((*applied)[0].type, RrType::SOA);
  EXPECT_EQ(Decode<rdata::SOA>((*applied)[0].rdata)->serial, 3u);
  bool has_new = false, has_old = false;
  for (const Record& r : *applied) {
    has_new = has_new || r.owner == N("new.example.");
    has_old = has_old || r.owner == N("old.example.") || r.owner == N("mid.example.");
  }
  EXPECT_TRUE(has_new);
  EXPECT_FALSE(has_old);
}

TEST(ZoneTransferTest, IxfrDeletingARecordWeDoNotHoldIsRefused) {
  std::vector<Record> current = R(Soa(1) + "@ NS ns\n");
  ZoneTransferReader reader(N("example."), RrType::IXFR, 1);
  auto done = FeedAll(reader, {Message(R(Soa(2) + Soa(1) + "ghost A 192.0.2.9\n" + Soa(2) + Soa(2)),
                                       RrType::IXFR)});
  ASSERT_TRUE(done && *done);
  auto applied = ApplyZoneDiffs(current, std::move(reader).Take());
  ASSERT_FALSE(applied);
  EXPECT_NE(applied.error().find("ghost.example."), std::string::npos);
}

TEST(ZoneTransferTest, IxfrFromASerialWeDoNotHoldFails) {
  ZoneTransferReader reader(N("example."), RrType::IXFR, 5);
  EXPECT_FALSE(FeedAll(reader, {Message(R(Soa(3) + Soa(1) + Soa(3) + Soa(3)), RrType::IXFR)}));
}

TEST(ZoneTransferTest, IxfrSingleSoaMeansUpToDate) {
  ZoneTransferReader reader(N("example."), RrType::IXFR, 4);
  auto done = FeedAll(reader, {Message(R(Soa(4)), RrType::IXFR)});
  ASSERT_TRUE(done && *done);
  ZoneTransfer transfer = std::move(reader).Take();
  EXPECT_EQ(transfer.kind, TransferKind::kUpToDate);
  EXPECT_EQ(transfer.serial, 4u);
}

// PowerDNS sends the opening SOA alone in the first message: a newer serial there is the start
// of the answer, not "up to date".
TEST(ZoneTransferTest, IxfrWithANewerSoaAloneInTheFirstMessageReadsOn) {
  ZoneTransferReader reader(N("example."), RrType::IXFR, 1);
  auto first_wire = Message(R(Soa(2)), RrType::IXFR);
  auto first = reader.Feed(*MessageView::Parse(first_wire));
  ASSERT_TRUE(first && !*first);
  auto rest_wire = Message(R("@ NS ns\nns A 192.0.2.1\n" + Soa(2)), RrType::IXFR, false);
  auto done = reader.Feed(*MessageView::Parse(rest_wire));
  ASSERT_TRUE(done && *done) << (done ? "" : done.error());
  ZoneTransfer transfer = std::move(reader).Take();
  EXPECT_EQ(transfer.kind, TransferKind::kFull);
  EXPECT_EQ(transfer.records.size(), 3u);
}

TEST(ZoneTransferTest, IxfrAnsweredAxfrStyleIsAFullCopy) {
  ZoneTransferReader reader(N("example."), RrType::IXFR, 1);
  auto done = FeedAll(reader, {Message(R(Soa(9) + "@ NS ns\n" + Soa(9)), RrType::IXFR)});
  ASSERT_TRUE(done && *done);
  ZoneTransfer transfer = std::move(reader).Take();
  EXPECT_EQ(transfer.kind, TransferKind::kFull);
  EXPECT_EQ(transfer.records.size(), 2u);
}

TEST(ZoneTransferTest, SerialArithmeticFollowsRfc1982) {
  EXPECT_TRUE(SerialNewer(2, 1));
  EXPECT_FALSE(SerialNewer(1, 2));
  EXPECT_FALSE(SerialNewer(5, 5));
  EXPECT_TRUE(SerialNewer(0, 0xFFFFFFFFu));          // Wrapped around.
  EXPECT_TRUE(SerialNewer(0x7FFFFFFFu, 0));
  EXPECT_FALSE(SerialNewer(0x80000000u, 0));         // Exactly 2^31 apart: undefined, not newer.
}

}  // namespace
}  // namespace redoubt::dns
