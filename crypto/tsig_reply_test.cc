// The client's check of a reply to a signed request (RFC 8945 section 5.4), one test per row of
// security.md section D that this layer decides (D1-D10, D12; D11 and D13 are transport
// behaviour), each named after the attack it stops.
#include <gtest/gtest.h>

#include "crypto/checksum.h"
#include "crypto/testing/tsig_messages.h"
#include "crypto/tsig.h"
#include "net/dns/checksum_option.h"

namespace redoubt::crypto {
namespace {

using namespace tsig_testing;  // NOLINT
using enum TsigVerdict;

class TsigReplyTest : public ::testing::Test {
 protected:
  // The forwarder's reply to our request, signed with `key` at `at` (plus `edit` to options).
  template <class Edit>
  Bytes Reply(const TsigKey& key, uint64_t at, Edit edit, const Bytes& response = Response()) {
    TsigSignOptions options = SignedAt(at, request_.mac);
    edit(options);
    return SignTsig(response, key, options).value().message;
  }
  Bytes Reply(uint64_t at = kT0 + 1) { return Reply(key_, at, [](TsigSignOptions&) {}); }

  TsigVerification Check(const Bytes& reply, uint64_t now = kT0 + 1, TsigPolicy policy = {}) {
    return VerifyTsigReply(reply, key_, request_.mac, now, policy);
  }
  TsigVerdict VerdictOf(const Bytes& reply, TsigPolicy policy = {}) {
    return Check(reply, kT0 + 1, policy).verdict;
  }

  TsigKey key_ = MakeKey();
  TsigSigned request_ = SignTsig(Query(), key_, SignedAt(kT0)).value();
};

// D1, and specs/tsig.md section 8: TSIG is verified first, then CHECKSUM on the stripped bytes.
TEST_F(TsigReplyTest, D1_CorrectlySignedReplyIsAcceptedAndStrippedForChecksum) {
  dns::ChecksumNonce nonce = {1, 2, 3, 4, 5, 6, 7, 8};
  auto option = dns::MakeChecksumReplyOption(dns::kDefaultChecksumCode, nonce,
                                             dns::ChecksumAlgorithm::kSha256);
  Bytes response = Response(0x1234, "www.example.", 1, {option});
  ASSERT_TRUE(SealChecksumOption(response, dns::kDefaultChecksumCode).has_value());
  Bytes reply = Reply(key_, kT0 + 1, [](TsigSignOptions&) {}, response);
  TsigVerification out = Check(reply);
  ASSERT_EQ(out.verdict, kOk);
  EXPECT_TRUE(out.mac_verified);
  EXPECT_EQ(out.message, response);  // ARCOUNT back to 1, nothing else changed.
  EXPECT_EQ(out.mac, MacOf(reply));
  EXPECT_EQ(CheckReply(out.message, dns::kDefaultChecksumCode, nonce), ChecksumVerdict::kVerified);
  // The digest does not cover the TSIG: checking the unstripped reply fails.
  EXPECT_EQ(CheckReply(reply, dns::kDefaultChecksumCode, nonce), ChecksumVerdict::kDigestMismatch);
}

TEST_F(TsigReplyTest, D2_UnsignedForgedReplyIsRejected) {
  TsigVerification out = Check(Response());
  EXPECT_EQ(out.verdict, kUnsigned);
  EXPECT_FALSE(out.mac_verified);
  EXPECT_TRUE(out.message.empty());
}

// Every bit of the reply matters except those RFC 8945 leaves out of the MAC on purpose: the
// header ID (section 4.3.2: the Original ID is hashed instead, see D12) and the case of the
// TSIG's own key and algorithm names (section 4.3.3: hashed in canonical, lowercase form).
TEST_F(TsigReplyTest, D3_AnyFlippedBitOutsideTheIdAndNameCaseIsRejected) {
  Bytes reply = Reply();
  size_t tsig = SplitTsig(reply).before.size();
  size_t names_end = tsig + key_.name.WireLength() + 10 + N("hmac-sha256.").WireLength();
  auto may_pass = [&](size_t i, int bit) {
    bool letter = (reply[i] | 0x20) >= 'a' && (reply[i] | 0x20) <= 'z';
    return i < 2 || (i >= tsig && i < names_end && bit == 5 && letter);
  };
  for (size_t i = 0; i < reply.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      Bytes forged = reply;
      forged[i] ^= static_cast<uint8_t>(1 << bit);
      EXPECT_EQ(VerdictOf(forged) == kOk, may_pass(i, bit)) << "octet " << i << " bit " << bit;
    }
  }
  Bytes address_changed = reply;
  address_changed[dns::MessageView::Parse(reply)->records().front().rdata_offset + 3] ^= 0x01;
  EXPECT_EQ(VerdictOf(address_changed), kBadMac);
  Bytes mac_changed = EditTsig(reply, [](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes[31] ^= 0x80; });
  EXPECT_EQ(VerdictOf(mac_changed), kBadMac);
}

TEST_F(TsigReplyTest, D4_ReplySignedWithAnotherKeyNameIsWrongKey) {
  TsigKey other = MakeKey(TsigAlgorithm::kHmacSha256, "other-key.example.");  // Same secret.
  EXPECT_EQ(VerdictOf(Reply(other, kT0 + 1, [](TsigSignOptions&) {})), kWrongKey);
  // Key names compare case-insensitively (RFC 4343): the same key in other case is fine.
  TsigKey upper = MakeKey(TsigAlgorithm::kHmacSha256, "RESOLVER1-FWD.EXAMPLE.");
  EXPECT_EQ(VerdictOf(Reply(upper, kT0 + 1, [](TsigSignOptions&) {})), kOk);
}

TEST_F(TsigReplyTest, D4_ReplySignedWithAnotherAlgorithmIsWrongAlgorithm) {
  TsigKey sha512 = MakeKey(TsigAlgorithm::kHmacSha512);  // Same name and secret.
  EXPECT_EQ(VerdictOf(Reply(sha512, kT0 + 1, [](TsigSignOptions&) {})), kWrongAlgorithm);
  for (const char* name : {"hmac-sha257.", "gss-tsig.", "hmac-md5."}) {
    Bytes renamed = EditTsig(Reply(), [&](dns::Name&, dns::rdata::TSIG& t) { t.algorithm = N(name); });
    EXPECT_EQ(VerdictOf(renamed), kWrongAlgorithm) << name;
  }
}

TEST_F(TsigReplyTest, D5_ClockSkewBeyondTheFudgeIsBadTime) {
  for (int64_t skew : {-301, 301, -100000, 100000}) {
    TsigVerification out = Check(Reply(kT0 + 1 + skew), kT0 + 1);
    EXPECT_EQ(out.verdict, kBadTime) << skew;
    EXPECT_TRUE(out.mac_verified);  // Genuine: the caller may log the clock difference.
    EXPECT_EQ(out.time_signed, kT0 + 1 + skew);
    EXPECT_TRUE(out.message.empty());
  }
  for (int64_t skew : {-300, 300, 0}) {
    EXPECT_EQ(Check(Reply(kT0 + 1 + skew), kT0 + 1).verdict, kOk) << skew;
  }
  // The fudge compared with is the reply's own (covered by its MAC).
  Bytes wide = Reply(key_, kT0 + 1 + 1000, [](TsigSignOptions& o) { o.fudge = 1000; });
  EXPECT_EQ(Check(wide, kT0 + 1).verdict, kOk);
  Bytes widened = EditTsig(Reply(kT0 + 1 + 1000), [](dns::Name&, dns::rdata::TSIG& t) { t.fudge = 1000; });
  EXPECT_EQ(Check(widened, kT0 + 1).verdict, kBadMac);
}

// D6 at this layer: the TSIG error replies of RFC 8945 section 5.3.2 are recognised and
// reported; whether they are genuine decides what the caller may do with them.
TEST_F(TsigReplyTest, D6_UnsignedBadSigAndBadKeyRepliesAreServerErrorsNotAuthenticated) {
  for (dns::Rcode error : {dns::Rcode::BADSIG, dns::Rcode::BADKEY}) {
    Bytes reply = EditTsig(Reply(), [&](dns::Name&, dns::rdata::TSIG& t) {
      t.mac.bytes.clear();
      t.error = static_cast<uint16_t>(error);
    });
    TsigVerification out = Check(reply);
    EXPECT_EQ(out.verdict, kServerError);
    EXPECT_EQ(out.error, error);
    EXPECT_FALSE(out.mac_verified);
  }
  // MAC Size 0 without an error is no error reply, just an illegal MAC.
  Bytes empty = EditTsig(Reply(), [](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes.clear(); });
  EXPECT_EQ(VerdictOf(empty), kMacTooShort);
}

TEST_F(TsigReplyTest, D6_SignedBadTimeReplyIsAGenuineServerErrorWithTheServerClock) {
  const Bytes server_time = Hex("00006553f4e8");  // kT0 + 1000.
  Bytes reply = Reply(key_, kT0, [&](TsigSignOptions& o) {
    o.error = dns::Rcode::BADTIME;
    o.other_data = server_time;
  });
  TsigVerification out = Check(reply);
  EXPECT_EQ(out.verdict, kServerError);
  EXPECT_EQ(out.error, dns::Rcode::BADTIME);
  EXPECT_TRUE(out.mac_verified);
  EXPECT_EQ(out.server_time, kT0 + 1000);
  // A forger cannot fake a genuine one.
  Bytes forged = EditTsig(reply, [](dns::Name&, dns::rdata::TSIG& t) { t.other.bytes[5] ^= 1; });
  TsigVerification fake = Check(forged);
  EXPECT_EQ(fake.verdict, kBadMac);
  EXPECT_FALSE(fake.mac_verified);
  Bytes badtrunc = Reply(key_, kT0 + 1, [](TsigSignOptions& o) { o.error = dns::Rcode::BADTRUNC; });
  EXPECT_EQ(Check(badtrunc).verdict, kServerError);
  EXPECT_EQ(Check(badtrunc).error, dns::Rcode::BADTRUNC);
}

TEST_F(TsigReplyTest, D7_TruncatedMacsBelowTheFloorAreAlwaysRejected) {
  Bytes reply = Reply();
  TsigPolicy permissive{.min_mac_length = 1};  // Cannot lower the RFC's floor of 16 for SHA-256.
  for (size_t length : {size_t{1}, size_t{9}, size_t{10}, size_t{15}}) {
    Bytes cut = EditTsig(reply, [&](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes.resize(length); });
    EXPECT_EQ(VerdictOf(cut), kMacTooShort) << length;
    EXPECT_EQ(VerdictOf(cut, permissive), kMacTooShort) << length;
  }
}

TEST_F(TsigReplyTest, D7_SixteenOctetMacIsAcceptedOnlyWhenThePolicyAllowsIt) {
  Bytes truncated = Reply(key_, kT0 + 1, [](TsigSignOptions& o) { o.mac_length = 16; });
  EXPECT_EQ(VerdictOf(truncated), kMacTooShort);  // Default: full length only.
  EXPECT_EQ(VerdictOf(truncated, {.min_mac_length = 20}), kMacTooShort);
  EXPECT_EQ(VerdictOf(truncated, {.min_mac_length = 16}), kOk);
  EXPECT_EQ(VerdictOf(truncated, {.min_mac_length = 1}), kOk);
  // A full MAC cut to 16 octets by a forwarder's rewrite is still the right prefix.
  Bytes cut = EditTsig(Reply(), [](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes.resize(16); });
  EXPECT_EQ(VerdictOf(cut, {.min_mac_length = 16}), kOk);
  Bytes wrong = EditTsig(truncated, [](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes[0] ^= 1; });
  EXPECT_EQ(VerdictOf(wrong, {.min_mac_length = 16}), kBadMac);
}

// CVE-2017-3142 class: an attacker-chosen MAC Size must not decide how much is compared.
TEST_F(TsigReplyTest, D8_MacLongerThanTheHashIsRejectedWithoutComparing) {
  for (size_t length : {size_t{33}, size_t{40}, size_t{64}, size_t{1000}}) {
    Bytes longer = EditTsig(Reply(), [&](dns::Name&, dns::rdata::TSIG& t) { t.mac.bytes.resize(length, 0); });
    EXPECT_EQ(VerdictOf(longer), kMacTooLong) << length;
    EXPECT_EQ(VerdictOf(longer, {.min_mac_length = 1}), kMacTooLong) << length;
  }
}

TEST_F(TsigReplyTest, D9_ReplayOfAGenuineReplyToAnotherQueryIsBadMac) {
  Bytes reply_to_x = Reply();
  TsigSigned query_y = SignTsig(Query(0x4321), key_, SignedAt(kT0 + 1)).value();
  Bytes replayed = reply_to_x;
  replayed[0] = 0x43;  // The attacker gives it query Y's ID.
  replayed[1] = 0x21;
  EXPECT_EQ(VerifyTsigReply(replayed, key_, query_y.mac, kT0 + 1).verdict, kBadMac);
  EXPECT_EQ(VerifyTsigReply(reply_to_x, key_, query_y.mac, kT0 + 1).verdict, kBadMac);
  // Nor does it verify as a request (no request MAC): a response is bound to its request.
  EXPECT_EQ(VerifyTsigReply(reply_to_x, key_, {}, kT0 + 1).verdict, kBadMac);
}

TEST_F(TsigReplyTest, D10_TsigThatIsNotTheLastRecordIsMisplaced) {
  TsigParts parts = SplitTsig(Reply());
  Bytes signed_reply = Reply();
  // An A record after the TSIG, counted in ARCOUNT.
  Bytes after = signed_reply;
  const Bytes extra = Hex("c00c000100010000012c0004c0000202");
  after.insert(after.end(), extra.begin(), extra.end());
  after[11] += 1;
  EXPECT_EQ(VerdictOf(after), kMisplaced);
  Bytes two = AppendTsigRecord(signed_reply, parts.owner, parts.rdata).value();
  EXPECT_EQ(VerdictOf(two), kMisplaced);
}

TEST_F(TsigReplyTest, D10_TsigInTheAnswerSectionIsMisplaced) {
  // Header and question, the TSIG record as the only answer, and nothing else.
  Bytes reply = Reply();
  auto view = dns::MessageView::Parse(reply).value();
  size_t question_end = view.records().front().offset;
  Bytes moved(reply.begin(), reply.begin() + question_end);
  moved[6] = 0, moved[7] = 1, moved[10] = 0, moved[11] = 0;  // ANCOUNT 1, ARCOUNT 0.
  moved.insert(moved.end(), reply.begin() + view.tsig()->offset, reply.end());
  EXPECT_EQ(VerdictOf(moved), kMisplaced);
}

TEST_F(TsigReplyTest, D12_RewrittenHeaderIdIsAcceptedOnlyWithAValidMac) {
  Bytes reply = Reply();
  Bytes rewritten = reply;
  rewritten[0] = 0x99;  // A forwarder on the way changed the ID; Original ID stays 0x1234.
  TsigVerification out = Check(rewritten);
  ASSERT_EQ(out.verdict, kOk);
  EXPECT_EQ(out.message[0], 0x12);  // The ID the message was signed with.
  EXPECT_EQ(out.message[1], 0x34);
  Bytes forged = rewritten;
  forged[forged.size() - 30] ^= 1;  // Inside the MAC.
  EXPECT_EQ(VerdictOf(forged), kBadMac);
  Bytes other_original = EditTsig(reply, [](dns::Name&, dns::rdata::TSIG& t) { t.original_id = 0x9934; });
  EXPECT_EQ(VerdictOf(other_original), kBadMac);
}

TEST_F(TsigReplyTest, MalformedTsigRecordsAreRejected) {
  Bytes reply = Reply();
  size_t at = dns::MessageView::Parse(reply).value().tsig()->offset + key_.name.WireLength();
  Bytes wrong_class = reply;
  wrong_class[at + 3] = 1;  // CLASS IN instead of ANY.
  EXPECT_EQ(VerdictOf(wrong_class), kMalformed);
  Bytes wrong_ttl = reply;
  wrong_ttl[at + 7] = 1;
  EXPECT_EQ(VerdictOf(wrong_ttl), kMalformed);
  Bytes long_rdlength = reply;
  long_rdlength[at + 9] += 1;
  EXPECT_EQ(VerdictOf(long_rdlength), kMalformed);
  for (size_t size = 0; size < reply.size(); ++size) {  // Every prefix, none read past its end.
    EXPECT_NE(VerdictOf(Bytes(reply.begin(), reply.begin() + size)), kOk) << size;
  }
}

}  // namespace
}  // namespace redoubt::crypto
