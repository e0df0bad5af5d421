// Multi-message TCP answers (RFC 8945 section 5.3.1; specs/tsig.md sections 2 and 7): each
// signed message chains to the previous MAC with TSIG Timers, unsigned messages in between are
// folded into the next MAC, at most 99 in a row.
#include <gtest/gtest.h>

#include "crypto/hmac.h"
#include "crypto/testing/tsig_messages.h"
#include "crypto/tsig.h"

namespace redoubt::crypto {
namespace {

using namespace tsig_testing;  // NOLINT
using enum TsigVerdict;

class TsigStreamTest : public ::testing::Test {
 protected:
  TsigStreamTest() { state_.prior_mac = request_.mac; }

  // The server's next signed message: the first chains to the request MAC, later ones to the
  // previous MAC and cover `unsigned_since`.
  Bytes Signed(const Bytes& message, const Bytes& unsigned_since = {}) {
    TsigSignOptions options = SignedAt(kT0 + 1);
    if (server_prior_.empty()) {
      options.request_mac = request_.mac;
    } else {
      options.prior_mac = server_prior_;
      options.unsigned_messages = unsigned_since;
    }
    TsigSigned out = SignTsig(message, key_, options).value();
    server_prior_ = out.mac;
    return out.message;
  }

  TsigVerdict Receive(const Bytes& message) {
    return VerifyTsigStreamMessage(message, key_, kT0 + 2, state_).verdict;
  }

  TsigKey key_ = MakeKey();
  TsigSigned request_ = SignTsig(Query(), key_, SignedAt(kT0)).value();
  TsigStreamState state_;
  Bytes server_prior_;
};

TEST_F(TsigStreamTest, EverySignedMessageChainsToThePriorMac) {
  for (uint8_t i = 1; i <= 3; ++i) {
    Bytes message = Response(0x1234, "www.example.", i);
    TsigVerification out = VerifyTsigStreamMessage(Signed(message), key_, kT0 + 2, state_);
    ASSERT_EQ(out.verdict, kOk) << int{i};
    EXPECT_EQ(out.message, message);
    EXPECT_EQ(state_.prior_mac, server_prior_);
  }
  EXPECT_TRUE(state_.started);
  EXPECT_EQ(state_.unsigned_count, 0u);
}

TEST_F(TsigStreamTest, UnsignedMiddleMessageIsCoveredByTheNextSignedOne) {
  ASSERT_EQ(Receive(Signed(Response(0x1234, "www.example.", 1))), kOk);
  Bytes middle = Response(0x1234, "www.example.", 2);
  TsigVerification out = VerifyTsigStreamMessage(middle, key_, kT0 + 2, state_);
  EXPECT_EQ(out.verdict, kUnsignedInStream);
  EXPECT_EQ(out.message, middle);
  EXPECT_EQ(state_.unsigned_count, 1u);
  EXPECT_EQ(Receive(Signed(Response(0x1234, "www.example.", 3), middle)), kOk);
  EXPECT_EQ(state_.unsigned_count, 0u);
  EXPECT_TRUE(state_.unsigned_messages.empty());
}

TEST_F(TsigStreamTest, ForgedUnsignedMiddleMessageFailsTheNextMac) {
  ASSERT_EQ(Receive(Signed(Response(0x1234, "www.example.", 1))), kOk);
  Bytes middle = Response(0x1234, "www.example.", 2);
  Bytes injected = Response(0x1234, "www.example.", 66);
  EXPECT_EQ(Receive(injected), kUnsignedInStream);  // Not authenticated yet...
  EXPECT_EQ(Receive(Signed(Response(0x1234, "www.example.", 3), middle)), kBadMac);  // ...and not.
}

TEST_F(TsigStreamTest, UnsignedMessageLeftOutOfTheNextMacFailsIt) {
  ASSERT_EQ(Receive(Signed(Response(0x1234, "www.example.", 1))), kOk);
  EXPECT_EQ(Receive(Response(0x1234, "www.example.", 2)), kUnsignedInStream);
  EXPECT_EQ(Receive(Signed(Response(0x1234, "www.example.", 3))), kBadMac);
}

// specs/tsig.md section 12: dig rejects a Prior MAC hashed without its 2-octet length.
TEST_F(TsigStreamTest, PriorMacWithoutItsLengthPrefixIsRejected) {
  Bytes first = Signed(Response(0x1234, "www.example.", 1));
  ASSERT_EQ(Receive(first), kOk);
  Bytes second = Response(0x1234, "www.example.", 2);
  Bytes timers = Hex("00006553f101012c");  // Time Signed kT0 + 1, fudge 300.
  auto mac = ComputeHmac(DigestAlgorithm::kSha256, key_.secret, {server_prior_, second, timers});
  dns::rdata::TSIG tsig;
  tsig.algorithm = N("hmac-sha256.");
  tsig.time_signed.value = kT0 + 1;
  tsig.fudge = 300;
  tsig.mac.bytes.assign(mac->bytes().begin(), mac->bytes().end());
  tsig.original_id = 0x1234;
  EXPECT_EQ(Receive(AppendTsigRecord(second, key_.name, tsig).value()), kBadMac);
  // The same with the prefix is what Signed() produces, and passes.
  EXPECT_EQ(Receive(Signed(second)), kOk);
}

TEST_F(TsigStreamTest, LaterMessageSignedWithFullVariablesIsRejected) {
  ASSERT_EQ(Receive(Signed(Response(0x1234, "www.example.", 1))), kOk);
  // Signed like a first response (Request MAC = the prior MAC, full TSIG Variables).
  Bytes second = SignTsig(Response(0x1234, "www.example.", 2), key_,
                          SignedAt(kT0 + 1, server_prior_)).value().message;
  EXPECT_EQ(Receive(second), kBadMac);
}

TEST_F(TsigStreamTest, NinetyNineUnsignedInARowAreCoveredAndTheHundredthIsAHijack) {
  ASSERT_EQ(Receive(Signed(Response(0x1234, "www.example.", 1))), kOk);
  Bytes unsigned_since;
  for (uint32_t i = 0; i < kMaxUnsignedTsigMessages; ++i) {
    Bytes message = Response(0x1234, "www.example.", static_cast<uint8_t>(i));
    ASSERT_EQ(Receive(message), kUnsignedInStream) << i;
    unsigned_since.insert(unsigned_since.end(), message.begin(), message.end());
  }
  TsigStreamState before_hundredth = state_;
  EXPECT_EQ(Receive(Response(0x1234, "www.example.", 200)), kTooManyUnsigned);
  EXPECT_EQ(state_.unsigned_count, 99u);
  EXPECT_EQ(state_.unsigned_messages, before_hundredth.unsigned_messages);
  EXPECT_EQ(Receive(Signed(Response(0x1234, "www.example.", 201), unsigned_since)), kOk);
}

TEST_F(TsigStreamTest, StreamThatStartsUnsignedIsRejected) {
  EXPECT_EQ(Receive(Response(0x1234, "www.example.", 1)), kUnsigned);
  EXPECT_FALSE(state_.started);
  EXPECT_EQ(state_.unsigned_count, 0u);
}

TEST_F(TsigStreamTest, ReorderedOrReplayedMessagesFailAndLeaveTheStateAsItWas) {
  Bytes first = Signed(Response(0x1234, "www.example.", 1));
  Bytes second = Signed(Response(0x1234, "www.example.", 2));
  Bytes third = Signed(Response(0x1234, "www.example.", 3));
  ASSERT_EQ(Receive(first), kOk);
  TsigStreamState after_first = state_;
  EXPECT_EQ(Receive(third), kBadMac);
  EXPECT_EQ(Receive(first), kBadMac);  // Replayed.
  EXPECT_EQ(state_.prior_mac, after_first.prior_mac);
  EXPECT_EQ(Receive(second), kOk);
  EXPECT_EQ(Receive(third), kOk);
}

}  // namespace
}  // namespace redoubt::crypto
