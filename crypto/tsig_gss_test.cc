// GSS-TSIG's MACs (RFC 3645 section 5): the same MAC input as HMAC TSIG, handed whole to the
// security context's GetMIC and VerifyMIC. A fake context stands in for Kerberos here (the
// real one is tested against a KDC in tests/integration/gss_context.sh).
#include <gtest/gtest.h>

#include "crypto/digest.h"
#include "crypto/testing/tsig_messages.h"
#include "crypto/tsig.h"

namespace redoubt::crypto {
namespace {

using namespace tsig_testing;  // NOLINT
using enum TsigVerdict;

// A "MIC" that is SHA-256 over a per-context secret and the message: what a shared Kerberos
// session key gives both ends. Counts its calls and can be told to refuse everything.
class FakeMicEngine final : public TsigMicEngine {
 public:
  explicit FakeMicEngine(uint8_t session) : session_(session) {}
  Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) override {
    ++get_calls;
    last_input.assign(message.begin(), message.end());
    return Mic(message);
  }
  bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) override {
    ++verify_calls;
    return !refuse && Mic(message) == std::vector<uint8_t>(mic.begin(), mic.end());
  }
  int get_calls = 0;
  int verify_calls = 0;
  bool refuse = false;
  Bytes last_input;

 private:
  std::vector<uint8_t> Mic(std::span<const uint8_t> message) const {
    Bytes input{session_};
    input.insert(input.end(), message.begin(), message.end());
    std::span<const uint8_t> part(input);
    Digest digest = ComputeDigest(DigestAlgorithm::kSha256, {part}).value();
    return {digest.data(), digest.data() + 28};  // The size of an AES-SHA1-96 Kerberos MIC.
  }
  uint8_t session_;
};

class GssTsigTest : public ::testing::Test {
 protected:
  static TsigKey GssKey(std::shared_ptr<TsigMicEngine> engine,
                        std::string_view name = "1234.sig-ns1.corp.example.") {
    TsigKey key;
    key.name = N(name);
    key.algorithm = TsigAlgorithm::kGssTsig;
    key.mic_engine = std::move(engine);
    return key;
  }
  std::shared_ptr<FakeMicEngine> engine_ = std::make_shared<FakeMicEngine>(7);
  TsigKey key_ = GssKey(engine_);
};

TEST_F(GssTsigTest, QueryIsSignedWithTheWholeMicOverTheRfc8945MacInput) {
  Bytes query = Query();
  TsigSigned out = SignTsig(query, key_, SignedAt(kT0)).value();
  TsigParts parts = SplitTsig(out.message);
  EXPECT_EQ(parts.owner, key_.name);
  EXPECT_EQ(parts.rdata.algorithm, N("gss-tsig."));
  EXPECT_EQ(parts.rdata.mac.bytes.size(), 28u);  // Never truncated.
  EXPECT_EQ(parts.rdata.mac.bytes, out.mac);
  EXPECT_EQ(engine_->get_calls, 1);
  // The MIC covers the message, then the TSIG variables (RFC 8945 section 4.3.3).
  ASSERT_GT(engine_->last_input.size(), query.size());
  EXPECT_TRUE(std::equal(query.begin(), query.end(), engine_->last_input.begin()));
  Bytes key_name = {4, '1', '2', '3', '4'};
  EXPECT_TRUE(std::search(engine_->last_input.begin(), engine_->last_input.end(), key_name.begin(),
                          key_name.end()) != engine_->last_input.end());
}

TEST_F(GssTsigTest, ServersSignedReplyVerifiesAndIsStripped) {
  TsigSigned request = SignTsig(Query(), key_, SignedAt(kT0)).value();
  auto server = std::make_shared<FakeMicEngine>(7);  // The acceptor's end of the context.
  Bytes reply = SignTsig(Response(), GssKey(server), SignedAt(kT0 + 1, request.mac)).value().message;
  TsigVerification out = VerifyTsigReply(reply, key_, request.mac, kT0 + 1);
  ASSERT_EQ(out.verdict, kOk);
  EXPECT_TRUE(out.mac_verified);
  EXPECT_EQ(out.message, Response());
  EXPECT_EQ(engine_->verify_calls, 1);
}

TEST_F(GssTsigTest, ReplyFromAnotherContextOrAlteredOrToAnotherRequestIsBadMac) {
  TsigSigned request = SignTsig(Query(), key_, SignedAt(kT0)).value();
  // An impostor that negotiated its own context under the same key name.
  Bytes forged = SignTsig(Response(), GssKey(std::make_shared<FakeMicEngine>(8)),
                          SignedAt(kT0 + 1, request.mac)).value().message;
  EXPECT_EQ(VerifyTsigReply(forged, key_, request.mac, kT0 + 1).verdict, kBadMac);
  auto server = GssKey(std::make_shared<FakeMicEngine>(7));
  Bytes genuine = SignTsig(Response(), server, SignedAt(kT0 + 1, request.mac)).value().message;
  Bytes altered = genuine;
  altered[dns::kHeaderSize + 2] ^= 0x01;  // In the question name.
  EXPECT_EQ(VerifyTsigReply(altered, key_, request.mac, kT0 + 1).verdict, kBadMac);
  Bytes other_request = MacOf(SignTsig(Query(0x4321), key_, SignedAt(kT0)).value().message);
  EXPECT_EQ(VerifyTsigReply(genuine, key_, other_request, kT0 + 1).verdict, kBadMac);
  engine_->refuse = true;  // GSS_VerifyMIC said DUPLICATE_TOKEN, BAD_SIG, CONTEXT_EXPIRED...
  EXPECT_EQ(VerifyTsigReply(genuine, key_, request.mac, kT0 + 1).verdict, kBadMac);
}

TEST_F(GssTsigTest, FinalTkeyReplyToAnUnsignedQueryIsVerifiedWithoutARequestMac) {
  // RFC 3645 section 3.1.1: the acceptor signs its last TKEY reply although the query was
  // unsigned; the digest then has no Request MAC component.
  auto server = GssKey(std::make_shared<FakeMicEngine>(7));
  Bytes reply = SignTsig(Response(), server, SignedAt(kT0)).value().message;
  EXPECT_EQ(VerifyTsigReply(reply, key_, {}, kT0).verdict, kOk);
}

TEST_F(GssTsigTest, OversizedMicIsRefusedBeforeTheContextSeesIt) {
  TsigSigned request = SignTsig(Query(), key_, SignedAt(kT0)).value();
  Bytes reply = SignTsig(Response(), GssKey(std::make_shared<FakeMicEngine>(7)),
                         SignedAt(kT0 + 1, request.mac)).value().message;
  Bytes huge = EditTsig(reply, [](dns::Name&, dns::rdata::TSIG& t) {
    t.mac.bytes.assign(kMaxGssMicLength + 1, 0xAB);
  });
  EXPECT_EQ(VerifyTsigReply(huge, key_, request.mac, kT0 + 1).verdict, kMacTooLong);
  Bytes empty = EditTsig(reply, [](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes.clear(); });
  EXPECT_EQ(VerifyTsigReply(empty, key_, request.mac, kT0 + 1).verdict, kMacTooShort);
  EXPECT_EQ(engine_->verify_calls, 0);
}

TEST_F(GssTsigTest, HmacAndGssKeysDoNotAcceptEachOthersSignatures) {
  TsigSigned request = SignTsig(Query(), key_, SignedAt(kT0)).value();
  TsigKey hmac = MakeKey(TsigAlgorithm::kHmacSha256, "1234.sig-ns1.corp.example.");
  Bytes hmac_reply = SignTsig(Response(), hmac, SignedAt(kT0 + 1, request.mac)).value().message;
  EXPECT_EQ(VerifyTsigReply(hmac_reply, key_, request.mac, kT0 + 1).verdict, kWrongAlgorithm);
  Bytes gss_reply = SignTsig(Response(), GssKey(std::make_shared<FakeMicEngine>(7)),
                             SignedAt(kT0 + 1, request.mac)).value().message;
  EXPECT_EQ(VerifyTsigReply(gss_reply, hmac, request.mac, kT0 + 1).verdict, kWrongAlgorithm);
}

TEST_F(GssTsigTest, NoContextOrATruncationRequestCannotSign) {
  TsigKey no_context = GssKey(nullptr);
  EXPECT_EQ(SignTsig(Query(), no_context, SignedAt(kT0)).error().code, Errc::kInvalidArgument);
  TsigSignOptions truncated = SignedAt(kT0);
  truncated.mac_length = 16;
  EXPECT_EQ(SignTsig(Query(), key_, truncated).error().code, Errc::kInvalidArgument);
  // And a reply cannot be verified without a context.
  Bytes reply = SignTsig(Response(), GssKey(std::make_shared<FakeMicEngine>(7)), SignedAt(kT0))
                    .value().message;
  EXPECT_EQ(VerifyTsigReply(reply, no_context, {}, kT0).verdict, kBadMac);
}

TEST_F(GssTsigTest, GssTsigIsNeverAConfiguredAlgorithm) {
  EXPECT_EQ(TsigAlgorithmFromText("gss-tsig"), std::nullopt);
  EXPECT_EQ(TsigAlgorithmFromText("gss-tsig."), std::nullopt);
  EXPECT_EQ(TsigAlgorithmName(TsigAlgorithm::kGssTsig), N("gss-tsig."));
}

}  // namespace
}  // namespace redoubt::crypto
