// The life of a negotiated key around the negotiation itself: its name (RFC 2930 section 2.1,
// specs/gss-tsig.md section 1.2) and its deletion (RFC 2930 section 4.1, RFC 3645 section
// 3.1.1 step 5).
#include <gtest/gtest.h>

#include "net/dns/message_view.h"
#include "net/dns/rdata/transaction.h"
#include "resolver/gss/testing/scripted_gss.h"
#include "resolver/gss/tkey_negotiation.h"

namespace redoubt::resolver::gss {
namespace {

using namespace testing;  // NOLINT: the scripted peer.

constexpr uint64_t kNow = 1700000000;

TEST(NewGssKeyNameTest, FollowsTheNsupdateAndKeaForm) {
  EXPECT_EQ(NewGssKeyName("ns1.corp.example", 1234).ToText(), "1234.sig-ns1.corp.example.");
  EXPECT_EQ(NewGssKeyName("NS1.Corp.Example.", 42).ToText(), "42.sig-ns1.corp.example.");
  EXPECT_EQ(NewGssKeyName("", 7).ToText(), "7.sig-server.");
  EXPECT_EQ(NewGssKeyName("...", 7).ToText(), "7.sig-server.");
}

TEST(NewGssKeyNameTest, TakesAnAddressTextAsItIs) {
  EXPECT_EQ(NewGssKeyName("192.0.2.53", 1).ToText(), "1.sig-192.0.2.53.");
  dns::Name v6 = NewGssKeyName("2001:DB8::53", 1);
  ASSERT_EQ(v6.LabelCount(), 2u);
  std::span<const uint8_t> label = v6.Label(1);
  EXPECT_EQ(std::string(label.begin(), label.end()), "sig-2001:db8::53");
}

TEST(NewGssKeyNameTest, LongHostNamesStayUnder128OctetsAndKeepTheRandomAndTheFirstLabel) {
  std::string huge_label(200, 'a');
  std::string long_host;
  for (int i = 0; i < 6; ++i) long_host += std::string(60, static_cast<char>('b' + i)) + ".";
  const uint64_t max = UINT64_MAX;
  for (const std::string& host : {huge_label, long_host, huge_label + "." + long_host}) {
    dns::Name name = NewGssKeyName(host, max);
    EXPECT_LT(name.WireLength(), 128u) << host;
    EXPECT_GE(name.LabelCount(), 2u);
    std::span<const uint8_t> first = name.Label(0);
    EXPECT_EQ(std::string(first.begin(), first.end()), "18446744073709551615");
    std::span<const uint8_t> second = name.Label(1);
    EXPECT_EQ(std::string(second.begin(), second.begin() + 4), "sig-");
    EXPECT_LE(second.size(), 63u);
  }
}

TEST(NewGssKeyNameTest, DifferentRandomsGiveDifferentNames) {
  EXPECT_NE(NewGssKeyName("ns1.corp.example", 1), NewGssKeyName("ns1.corp.example", 2));
  EXPECT_NE(NewGssKeyName("ns1.corp.example", 0), NewGssKeyName("ns1.corp.example", 10));
}

class TkeyDeletionTest : public ::testing::Test {
 protected:
  // The client's end of an established context, and the server's.
  std::shared_ptr<ScriptedGssInitiator> client_ = std::make_shared<ScriptedGssInitiator>(7);
  std::shared_ptr<FakeMicEngine> server_ = std::make_shared<FakeMicEngine>(7);
};

TEST_F(TkeyDeletionTest, DeletionIsAMode5TkeySignedWithTheKeyItself) {
  crypto::TsigKey key = GssKey(client_);
  crypto::TsigSigned deletion = BuildTkeyDeletion(key, kNow, 0xD00D).value();
  auto view = dns::MessageView::Parse(deletion.message).value();
  EXPECT_EQ(view.header().id, 0xD00D);
  EXPECT_FALSE(view.header().qr);
  EXPECT_FALSE(view.header().rd);
  ASSERT_EQ(view.questions().size(), 1u);
  EXPECT_EQ(view.questions()[0], (dns::Question{KeyName(), dns::RrType::TKEY, dns::RrClass::ANY}));
  auto additional = view.section(dns::Section::kAdditional);
  ASSERT_EQ(additional.size(), 2u);  // The TKEY, then the TSIG.
  EXPECT_EQ(additional[0].type, dns::RrType::TKEY);
  EXPECT_EQ(additional[0].owner, KeyName());
  EXPECT_EQ(additional[0].klass, dns::RrClass::ANY);
  auto tkey = std::get<dns::rdata::TKEY>(view.TypedRdata(additional[0]).value());
  EXPECT_EQ(tkey.mode, dns::rdata::kTkeyModeDeletion);
  EXPECT_EQ(tkey.algorithm.ToText(), "gss-tsig.");
  EXPECT_EQ(tkey.error, 0);
  EXPECT_TRUE(tkey.key.bytes.empty());
  ASSERT_NE(view.tsig(), nullptr);
  EXPECT_EQ(view.tsig()->owner, KeyName());
  auto tsig = std::get<dns::rdata::TSIG>(view.TypedRdata(*view.tsig()).value());
  EXPECT_EQ(tsig.algorithm.ToText(), "gss-tsig.");
  EXPECT_EQ(tsig.time_signed.value, kNow);
  EXPECT_EQ(tsig.mac.bytes, deletion.mac);
  // The server's end verifies it as a signed request: no Request MAC in the digest.
  crypto::TsigVerification verified =
      crypto::VerifyTsigReply(deletion.message, GssKey(server_), {}, kNow);
  EXPECT_EQ(verified.verdict, crypto::TsigVerdict::kOk);
  // Another context does not.
  EXPECT_EQ(crypto::VerifyTsigReply(deletion.message, GssKey(std::make_shared<FakeMicEngine>(8)),
                                    {}, kNow).verdict,
            crypto::TsigVerdict::kBadMac);
}

TEST_F(TkeyDeletionTest, AlteredDeletionDoesNotVerify) {
  crypto::TsigSigned deletion = BuildTkeyDeletion(GssKey(client_), kNow, 1).value();
  Bytes altered = deletion.message;
  altered[dns::kHeaderSize + 1] ^= 0x01;  // In the key name of the question.
  EXPECT_NE(crypto::VerifyTsigReply(altered, GssKey(server_), {}, kNow).verdict,
            crypto::TsigVerdict::kOk);
}

TEST_F(TkeyDeletionTest, KeyWithoutAContextCannotSignADeletion) {
  crypto::TsigKey no_context = GssKey(nullptr);
  EXPECT_EQ(BuildTkeyDeletion(no_context, kNow, 1).error().code, Errc::kInvalidArgument);
}

TEST_F(TkeyDeletionTest, NegotiatedKeyDeletesItself) {
  TkeyNegotiationOptions options;
  options.key_name = KeyName();
  TkeyNegotiation negotiation(client_, options);
  client_->Then(crypto::GssStepStatus::kContinue, {'r', 'e', 'q'});
  Bytes query = negotiation.Start(kNow, 1).query;
  client_->Then(crypto::GssStepStatus::kComplete);
  TkeyReply reply;
  reply.token = {'r', 'e', 'p'};
  reply.sign_with = server_;
  reply.time_signed = kNow;
  ASSERT_EQ(negotiation.OnReply(MakeTkeyReply(query, reply), kNow, 2).state,
            TkeyNegotiationState::kEstablished);
  crypto::TsigSigned deletion = BuildTkeyDeletion(negotiation.Key(), kNow + 60, 3).value();
  EXPECT_EQ(crypto::VerifyTsigReply(deletion.message, GssKey(server_), {}, kNow + 60).verdict,
            crypto::TsigVerdict::kOk);
}

}  // namespace
}  // namespace redoubt::resolver::gss
