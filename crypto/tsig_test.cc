// TSIG algorithms, signing and round trips (RFC 8945 sections 4.3, 5.1, 5.3, 6). The attacks of
// security.md section D are in tsig_reply_test.cc, streams in tsig_stream_test.cc, and the
// dnspython known answers in tsig_interop_test.cc.
#include "crypto/tsig.h"

#include <gtest/gtest.h>

#include "crypto/hmac.h"
#include "crypto/testing/tsig_messages.h"

namespace redoubt::crypto {
namespace {

using namespace tsig_testing;  // NOLINT
using enum TsigAlgorithm;

constexpr TsigAlgorithm kAll[] = {kHmacMd5, kHmacSha1, kHmacSha224, kHmacSha256, kHmacSha384,
                                  kHmacSha512};

Bytes Concat(std::initializer_list<std::span<const uint8_t>> parts) {
  Bytes out;
  for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

TEST(TsigAlgorithmTest, WireNamesAndMacLengthsOfRfc8945Section6) {
  const std::pair<TsigAlgorithm, const char*> names[] = {
      {kHmacMd5, "hmac-md5.sig-alg.reg.int."}, {kHmacSha1, "hmac-sha1."},
      {kHmacSha224, "hmac-sha224."}, {kHmacSha256, "hmac-sha256."},
      {kHmacSha384, "hmac-sha384."}, {kHmacSha512, "hmac-sha512."}};
  for (auto [algorithm, name] : names) {
    EXPECT_TRUE(TsigAlgorithmName(algorithm).IdenticalTo(N(name))) << name;
  }
  const size_t full[] = {16, 20, 28, 32, 48, 64};
  const size_t floor[] = {10, 10, 14, 16, 24, 32};  // max(10, L/2), section 5.2.2.1.
  for (size_t i = 0; i < std::size(kAll); ++i) {
    EXPECT_EQ(TsigMacLength(kAll[i]), full[i]);
    EXPECT_EQ(TsigMinimumMacLength(kAll[i]), floor[i]);
  }
}

TEST(TsigAlgorithmTest, ReceivedNamesIgnoreCaseAndTruncatedNamesMapToTheirBase) {
  using Spec = TsigAlgorithmSpec;
  EXPECT_EQ(TsigAlgorithmFromName(N("HMAC-MD5.SIG-ALG.REG.INT.")), (Spec{kHmacMd5, 16}));
  EXPECT_EQ(TsigAlgorithmFromName(N("Hmac-Sha256.")), (Spec{kHmacSha256, 32}));
  EXPECT_EQ(TsigAlgorithmFromName(N("hmac-sha256-128.")), (Spec{kHmacSha256, 16}));
  EXPECT_EQ(TsigAlgorithmFromName(N("hmac-sha384-192.")), (Spec{kHmacSha384, 24}));
  EXPECT_EQ(TsigAlgorithmFromName(N("hmac-sha512-256.")), (Spec{kHmacSha512, 32}));
  EXPECT_EQ(TsigAlgorithmFromName(N("hmac-sha224.")), (Spec{kHmacSha224, 28}));
  EXPECT_EQ(TsigAlgorithmFromName(N("GSS-TSIG.")), (Spec{TsigAlgorithm::kGssTsig, 0}));
  // Not TSIG algorithm names: the configuration shorthand, Windows 2000's pre-standard GSS
  // name, a near miss, a longer name.
  for (const char* other : {"hmac-md5.", "gss.microsoft.com.", "hmac-sha257.", "hmac-sha256.example.",
                            "hmac-sha256\\.", "."}) {
    EXPECT_EQ(TsigAlgorithmFromName(N(other)), std::nullopt) << other;
  }
}

TEST(TsigAlgorithmTest, ConfigurationSpellings) {
  using Spec = TsigAlgorithmSpec;
  EXPECT_EQ(TsigAlgorithmFromText("hmac-sha256"), (Spec{kHmacSha256, 32}));
  EXPECT_EQ(TsigAlgorithmFromText("HMAC-SHA256"), (Spec{kHmacSha256, 32}));
  EXPECT_EQ(TsigAlgorithmFromText("hmac-sha256."), (Spec{kHmacSha256, 32}));
  EXPECT_EQ(TsigAlgorithmFromText("hmac-md5"), (Spec{kHmacMd5, 16}));
  EXPECT_EQ(TsigAlgorithmFromText("hmac-md5.sig-alg.reg.int"), (Spec{kHmacMd5, 16}));
  EXPECT_EQ(TsigAlgorithmFromText("HMAC-MD5.SIG-ALG.REG.INT."), (Spec{kHmacMd5, 16}));
  EXPECT_EQ(TsigAlgorithmFromText("hmac-sha1"), (Spec{kHmacSha1, 20}));
  EXPECT_EQ(TsigAlgorithmFromText("hmac-sha512-256"), (Spec{kHmacSha512, 32}));
  for (const char* other : {"", ".", "sha256", "hmac-sha", "hmac-sha256..", " hmac-sha256",
                            "hmac-sha256-", "gss-tsig"}) {
    EXPECT_EQ(TsigAlgorithmFromText(other), std::nullopt) << '"' << other << '"';
  }
}

TEST(TsigSignTest, AppendsOneTsigRecordLastWithTheMessageIdAsOriginalId) {
  TsigKey key = MakeKey(kHmacSha256, "Resolver1-FWD.Example.");
  Bytes query = Query(0xbeef);
  TsigSigned out = SignTsig(query, key, SignedAt(kT0)).value();
  auto view = dns::MessageView::Parse(out.message).value();
  EXPECT_EQ(view.header().arcount, 2);  // OPT, then TSIG.
  const dns::RecordView* record = view.tsig();
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->offset, query.size());  // Nothing before it changed but ARCOUNT.
  EXPECT_EQ(Bytes(out.message.begin() + 12, out.message.begin() + record->offset),
            Bytes(query.begin() + 12, query.end()));
  // Owner uncompressed, case as configured; CLASS ANY, TTL 0.
  Bytes owner(out.message.begin() + record->offset,
              out.message.begin() + record->offset + key.name.WireLength());
  EXPECT_EQ(owner, Bytes(key.name.wire().begin(), key.name.wire().end()));
  EXPECT_EQ(record->klass, dns::RrClass::ANY);
  EXPECT_EQ(record->ttl, 0u);
  auto tsig = std::get<dns::rdata::TSIG>(view.TypedRdata(*record).value());
  EXPECT_TRUE(tsig.algorithm.IdenticalTo(N("hmac-sha256.")));
  EXPECT_EQ(tsig.time_signed.value, kT0);
  EXPECT_EQ(tsig.fudge, kDefaultTsigFudge);
  EXPECT_EQ(tsig.mac.bytes, out.mac);
  EXPECT_EQ(out.mac.size(), 32u);
  EXPECT_EQ(tsig.original_id, 0xbeef);
  EXPECT_EQ(tsig.error, 0);
  EXPECT_TRUE(tsig.other.bytes.empty());
}

// specs/tsig.md section 2, written out octet by octet with the HMAC primitive alone: message,
// then key name and algorithm name lowercased, CLASS 255, TTL 0, 48-bit time, fudge, error,
// other length. A mixed-case key name must hash as lowercase.
TEST(TsigSignTest, RequestMacCoversTheMessageAndCanonicalVariables) {
  TsigKey key = MakeKey(kHmacSha256, "Resolver1-FWD.Example.");
  Bytes query = Query();
  TsigSigned out = SignTsig(query, key, SignedAt(0x0102'0304'0506)).value();
  Bytes variables = Concat({N("resolver1-fwd.example.").wire(), Hex("00ff00000000"),
                            N("hmac-sha256.").wire(), Hex("010203040506012c00000000")});
  auto expected = ComputeHmac(DigestAlgorithm::kSha256, key.secret, {query, variables}).value();
  EXPECT_EQ(out.mac, Bytes(expected.bytes().begin(), expected.bytes().end()));
}

TEST(TsigSignTest, ResponseMacStartsWithTheLengthPrefixedRequestMac) {
  TsigKey key = MakeKey(kHmacSha1);
  Bytes request_mac(20, 0xab);
  Bytes response = Response();
  TsigSigned out = SignTsig(response, key, SignedAt(kT0, request_mac)).value();
  Bytes variables = Concat({N("resolver1-fwd.example.").wire(), Hex("00ff00000000"),
                            N("hmac-sha1.").wire(), Hex("00006553f100012c00000000")});
  auto expected = ComputeHmac(DigestAlgorithm::kSha1, key.secret,
                              {Hex("0014"), request_mac, response, variables}).value();
  EXPECT_EQ(out.mac, Bytes(expected.bytes().begin(), expected.bytes().end()));
}

TEST(TsigSignTest, TruncatedMacIsTheLeadingOctetsUnderTheBaseName) {
  TsigKey key = MakeKey();
  Bytes query = Query();
  TsigSigned full = SignTsig(query, key, SignedAt(kT0)).value();
  TsigSignOptions options = SignedAt(kT0);
  options.mac_length = 16;
  TsigSigned truncated = SignTsig(query, key, options).value();
  EXPECT_EQ(truncated.mac, Bytes(full.mac.begin(), full.mac.begin() + 16));
  EXPECT_TRUE(SplitTsig(truncated.message).rdata.algorithm.IdenticalTo(N("hmac-sha256.")));
}

TEST(TsigSignTest, RefusesWhatTheRfcForbidsToSend) {
  TsigKey key = MakeKey();
  Bytes query = Query();
  Bytes mac(32, 1);
  auto error_of = [&](TsigSignOptions options, std::span<const uint8_t> message) {
    auto out = SignTsig(message, key, options);
    return out ? Errc::kOk : out.error().code;
  };
  EXPECT_EQ(error_of(SignedAt(uint64_t{1} << 48), query), Errc::kInvalidArgument);
  TsigSignOptions both = SignedAt(kT0, mac);
  both.prior_mac = mac;
  EXPECT_EQ(error_of(both, query), Errc::kInvalidArgument);
  TsigSignOptions stray = SignedAt(kT0);
  stray.unsigned_messages = query;
  EXPECT_EQ(error_of(stray, query), Errc::kInvalidArgument);
  for (size_t length : {size_t{1}, size_t{9}, size_t{15}, size_t{33}, size_t{40}}) {
    TsigSignOptions options = SignedAt(kT0);
    options.mac_length = length;
    EXPECT_EQ(error_of(options, query), Errc::kInvalidArgument) << length;
  }
  EXPECT_EQ(error_of(SignedAt(kT0), std::span(query).first(11)), Errc::kTruncated);
  Bytes full_counts = query;
  full_counts[10] = full_counts[11] = 0xff;  // ARCOUNT 65535: no room for one more.
  EXPECT_EQ(error_of(SignedAt(kT0), full_counts), Errc::kBufferFull);
  Bytes huge = query;
  huge.resize(65535 - 40);
  EXPECT_EQ(error_of(SignedAt(kT0), huge), Errc::kBufferFull);
}

// Every algorithm, both directions: the forwarder verifies our request (no request MAC), we
// verify its response, which chains to our request's MAC.
TEST(TsigRoundTripTest, EveryAlgorithmSignsAndVerifiesRequestAndResponse) {
  for (TsigAlgorithm algorithm : kAll) {
    SCOPED_TRACE(TsigAlgorithmName(algorithm).ToText());
    TsigKey key = MakeKey(algorithm);
    Bytes query = Query();
    TsigSigned request = SignTsig(query, key, SignedAt(kT0)).value();
    EXPECT_EQ(request.mac.size(), TsigMacLength(algorithm));
    TsigVerification at_server = VerifyTsigReply(request.message, key, {}, kT0);
    EXPECT_EQ(at_server.verdict, TsigVerdict::kOk);
    EXPECT_EQ(at_server.message, query);
    Bytes response = Response();
    TsigSigned reply = SignTsig(response, key, SignedAt(kT0 + 1, at_server.mac)).value();
    TsigVerification at_client = VerifyTsigReply(reply.message, key, request.mac, kT0 + 2);
    EXPECT_EQ(at_client.verdict, TsigVerdict::kOk);
    EXPECT_TRUE(at_client.mac_verified);
    EXPECT_EQ(at_client.message, response);
    EXPECT_EQ(at_client.mac, reply.mac);
    EXPECT_EQ(at_client.time_signed, kT0 + 1);
  }
}

TEST(TsigVerdictTest, EveryVerdictHasALogName) {
  EXPECT_EQ(TsigVerdictName(TsigVerdict::kOk), "Ok");
  EXPECT_EQ(TsigVerdictName(TsigVerdict::kBadMac), "BadMac");
  EXPECT_EQ(TsigVerdictName(TsigVerdict::kTooManyUnsigned), "TooManyUnsigned");
  // 16 in a TSIG's Error is BADSIG (RFC 8945 section 3), not OPT's BADVERS.
  EXPECT_EQ(TsigErrorName(dns::Rcode::BADSIG), "BADSIG");
  EXPECT_EQ(TsigErrorName(dns::Rcode::BADKEY), "BADKEY");
  EXPECT_EQ(TsigErrorName(dns::Rcode::BADTRUNC), "BADTRUNC");
  for (int v = 0; v <= static_cast<int>(TsigVerdict::kTooManyUnsigned); ++v) {
    EXPECT_NE(TsigVerdictName(static_cast<TsigVerdict>(v)), "Unknown") << v;
  }
}

}  // namespace
}  // namespace redoubt::crypto
