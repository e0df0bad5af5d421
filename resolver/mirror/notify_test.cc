#include "resolver/mirror/notify.h"

#include <gtest/gtest.h>

#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"

namespace redoubt::resolver {
namespace {

constexpr uint64_t kNow = 1'800'000'000;

dns::Name N(std::string_view text) { return *dns::Name::FromText(text); }
IpAddress Primary() { return IpAddress::V4({192, 0, 2, 53}); }

crypto::TsigKey Key(std::string_view name, uint8_t fill) {
  return crypto::TsigKey{N(name), crypto::TsigAlgorithm::kHmacSha256, std::vector<uint8_t>(32, fill)};
}

std::vector<MirrorZoneConfig> Zones() {
  return {MirrorZoneConfig{N("open.example."), {Endpoint{Primary(), 53}}, std::nullopt},
          MirrorZoneConfig{N("keyed.example."), {Endpoint{Primary(), 53}}, N("xfr.example.")}};
}

std::vector<uint8_t> Notify(std::string_view zone, dns::RrType type = dns::RrType::SOA) {
  dns::MessageBuilder builder(512);
  builder.header().id = 0x1234;
  builder.header().opcode = dns::Opcode::NOTIFY;
  builder.header().aa = true;
  EXPECT_TRUE(builder.AddQuestion(N(zone), type));
  return *std::move(builder).Finish();
}

std::vector<uint8_t> Signed(std::vector<uint8_t> request, const crypto::TsigKey& key,
                            uint64_t time = kNow, std::vector<uint8_t>* mac = nullptr) {
  crypto::TsigSignOptions sign;
  sign.time_signed = time;
  auto result = crypto::SignTsig(request, key, sign);
  EXPECT_TRUE(result);
  if (mac != nullptr) *mac = result->mac;
  return result->message;
}

struct Seen {
  dns::Rcode rcode;
  bool aa;
  bool has_tsig;
  uint16_t tsig_error;
};

Seen Look(const std::vector<uint8_t>& reply) {
  auto view = dns::MessageView::Parse(reply);
  EXPECT_TRUE(view);
  Seen seen{static_cast<dns::Rcode>(view->header().rcode), view->header().aa, view->tsig() != nullptr, 0};
  EXPECT_EQ(view->header().opcode, dns::Opcode::NOTIFY);
  EXPECT_TRUE(view->header().qr);
  if (seen.has_tsig) {
    auto tsig = view->TypedRdata(*view->tsig());
    if (tsig) seen.tsig_error = std::get<dns::rdata::TSIG>(*tsig).error;
  }
  return seen;
}

const std::vector<crypto::TsigKey> kKeys = {Key("xfr.example.", 0x42)};

TEST(NotifyTest, UnkeyedZoneFromItsPrimaryIsRefreshed) {
  NotifyVerdict v = JudgeNotify(Notify("OPEN.example."), Primary(), Zones(), kKeys, kNow);
  ASSERT_TRUE(v.refresh.has_value());
  EXPECT_EQ(*v.refresh, N("open.example."));
  Seen seen = Look(v.reply);
  EXPECT_EQ(seen.rcode, dns::Rcode::NOERROR);
  EXPECT_TRUE(seen.aa);
}

TEST(NotifyTest, SpoofedSourceOrUnknownZoneRefreshesNothing) {
  NotifyVerdict stranger = JudgeNotify(Notify("open.example."), IpAddress::V4({198, 51, 100, 7}),
                                       Zones(), kKeys, kNow);
  EXPECT_FALSE(stranger.refresh.has_value());
  EXPECT_EQ(Look(stranger.reply).rcode, dns::Rcode::REFUSED);
  EXPECT_NE(stranger.why.find("not one of its primaries"), std::string::npos);
  NotifyVerdict unknown = JudgeNotify(Notify("other.example."), Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(unknown.refresh.has_value());
  EXPECT_EQ(Look(unknown.reply).rcode, dns::Rcode::REFUSED);
}

TEST(NotifyTest, KeyedZoneRefusesAnUnsignedNotify) {
  NotifyVerdict v = JudgeNotify(Notify("keyed.example."), Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(v.refresh.has_value());
  EXPECT_EQ(Look(v.reply).rcode, dns::Rcode::REFUSED);
  EXPECT_NE(v.why.find("not signed"), std::string::npos);
}

TEST(NotifyTest, KeyedZoneTakesASignedNotifyAndSignsTheReply) {
  std::vector<uint8_t> mac;
  auto request = Signed(Notify("keyed.example."), kKeys[0], kNow, &mac);
  NotifyVerdict v = JudgeNotify(request, Primary(), Zones(), kKeys, kNow);
  ASSERT_TRUE(v.refresh.has_value());
  EXPECT_EQ(Look(v.reply).rcode, dns::Rcode::NOERROR);
  crypto::TsigVerification reply = crypto::VerifyTsigReply(v.reply, kKeys[0], mac, kNow);
  EXPECT_EQ(reply.verdict, crypto::TsigVerdict::kOk);
}

TEST(NotifyTest, ForgedMacGetsBadsigAndNoRefresh) {
  auto request = Signed(Notify("keyed.example."), kKeys[0]);
  request[request.size() - 20] ^= 0x01;  // Inside the MAC.
  NotifyVerdict v = JudgeNotify(request, Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(v.refresh.has_value());
  Seen seen = Look(v.reply);
  EXPECT_EQ(seen.rcode, dns::Rcode::NOTAUTH);
  ASSERT_TRUE(seen.has_tsig);
  EXPECT_EQ(seen.tsig_error, static_cast<uint16_t>(dns::Rcode::BADSIG));
}

TEST(NotifyTest, OtherKeyGetsBadkeyAndStaleTimeGetsBadtime) {
  auto other = Signed(Notify("keyed.example."), Key("intruder.example.", 0x42));
  NotifyVerdict v = JudgeNotify(other, Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(v.refresh.has_value());
  EXPECT_EQ(Look(v.reply).tsig_error, static_cast<uint16_t>(dns::Rcode::BADKEY));
  auto stale = Signed(Notify("keyed.example."), kKeys[0], kNow - 3600);  // A replay an hour old.
  NotifyVerdict late = JudgeNotify(stale, Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(late.refresh.has_value());
  EXPECT_EQ(Look(late.reply).tsig_error, static_cast<uint16_t>(dns::Rcode::BADTIME));
}

TEST(NotifyTest, NotASoaQuestionIsFormerr) {
  NotifyVerdict v = JudgeNotify(Notify("open.example.", dns::RrType::A), Primary(), Zones(), kKeys, kNow);
  EXPECT_FALSE(v.refresh.has_value());
  EXPECT_EQ(Look(v.reply).rcode, dns::Rcode::FORMERR);
  NotifyVerdict garbage = JudgeNotify(std::vector<uint8_t>{1, 2, 3}, Primary(), Zones(), kKeys, kNow);
  EXPECT_TRUE(garbage.reply.empty());
  EXPECT_FALSE(garbage.refresh.has_value());
}

}  // namespace
}  // namespace redoubt::resolver
