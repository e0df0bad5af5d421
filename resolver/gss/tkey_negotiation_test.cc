// TKEY mode 3 negotiation (RFC 3645 section 3.1.1) against a scripted initiator and server.
// The happy paths first, then one test per hostile reply, each named after what it stops.
#include "resolver/gss/tkey_negotiation.h"

#include <gtest/gtest.h>

#include "net/dns/message_view.h"
#include "net/dns/rdata/transaction.h"
#include "resolver/gss/testing/scripted_gss.h"

namespace redoubt::resolver::gss {
namespace {

using namespace testing;  // NOLINT: the scripted peer.
using crypto::GssStepStatus;
using dns::Rcode;
using enum TkeyNegotiationState;

constexpr uint64_t kNow = 1700000000;
const Bytes kApReq = {0x60, 0x82, 0x01, 0x00, 'r', 'e', 'q'};
const Bytes kApRep = {0x6f, 0x81, 'r', 'e', 'p'};

dns::Name N(std::string_view text) { return dns::Name::FromText(text).value(); }

dns::rdata::TKEY TkeyOf(const dns::MessageView& view, const dns::RecordView& record) {
  return std::get<dns::rdata::TKEY>(view.TypedRdata(record).value());
}

class TkeyNegotiationTest : public ::testing::Test {
 protected:
  static TkeyNegotiationOptions Options() {
    TkeyNegotiationOptions options;
    options.key_name = KeyName();
    return options;
  }
  // Starts with the initiator scripted to continue with kApReq; the first query is query_.
  void StartWithApReq() {
    gss_->Then(GssStepStatus::kContinue, kApReq);
    TkeyNegotiationStep step = negotiation_.Start(kNow, 0x1111);
    ASSERT_EQ(step.state, kSend) << step.error;
    query_ = step.query;
  }
  TkeyReply Genuine(Bytes token = kApRep) {
    TkeyReply reply;
    reply.token = std::move(token);
    reply.time_signed = kNow;
    return reply;
  }
  TkeyReply GenuineSigned(Bytes token = kApRep) {
    TkeyReply reply = Genuine(std::move(token));
    reply.sign_with = server_;
    return reply;
  }
  TkeyNegotiationStep Answer(const TkeyReply& spec, uint16_t next_id = 0x2222) {
    return negotiation_.OnReply(MakeTkeyReply(query_, spec), kNow, next_id);
  }
  // Start, then a reply to which the initiator (continuing) would answer kApReq again: the
  // reply must be refused before Step sees it.
  TkeyNegotiationStep ExpectFailsBeforeGss(const TkeyReply& spec, std::string_view text) {
    gss_->Then(GssStepStatus::kContinue, kApReq);
    query_ = negotiation_.Start(kNow, 0x1111).query;
    gss_->Then(GssStepStatus::kContinue, kApReq);
    TkeyNegotiationStep step = Answer(spec);
    EXPECT_EQ(step.state, kFailed);
    EXPECT_NE(step.error.find(text), std::string::npos) << step.error;
    EXPECT_EQ(gss_->inputs.size(), 1u);  // Only Start's.
    return step;
  }
  // A fresh initiator and negotiation, for table-driven tests.
  void Restart() {
    gss_ = std::make_shared<ScriptedGssInitiator>(7);
    negotiation_ = TkeyNegotiation(gss_, Options());
  }

  std::shared_ptr<ScriptedGssInitiator> gss_ = std::make_shared<ScriptedGssInitiator>(7);
  std::shared_ptr<FakeMicEngine> server_ = std::make_shared<FakeMicEngine>(7);
  TkeyNegotiation negotiation_{gss_, Options()};
  Bytes query_;
};

// --- Happy paths -----------------------------------------------------------------------------

TEST_F(TkeyNegotiationTest, OneRoundKerberosEstablishesOnTheSignedFinalReply) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kComplete);
  TkeyNegotiationStep step = Answer(GenuineSigned());
  ASSERT_EQ(step.state, kEstablished) << step.error;
  ASSERT_EQ(gss_->inputs.size(), 2u);
  EXPECT_TRUE(gss_->inputs[0].empty());
  EXPECT_EQ(gss_->inputs[1], kApRep);
  EXPECT_EQ(gss_->verified, 1);
  EXPECT_EQ(negotiation_.rounds(), 1u);
  crypto::TsigKey key = negotiation_.Key();
  EXPECT_EQ(key.name, KeyName());
  EXPECT_EQ(key.algorithm, crypto::TsigAlgorithm::kGssTsig);
  EXPECT_EQ(key.mic_engine, gss_);
  // The key signs what the server's end of the context verifies.
  crypto::TsigSignOptions options;
  options.time_signed = kNow;
  auto signed_query = crypto::SignTsig(query_, key, options).value();
  EXPECT_EQ(crypto::VerifyTsigReply(signed_query.message, GssKey(server_), {}, kNow).verdict,
            crypto::TsigVerdict::kOk);
}

TEST_F(TkeyNegotiationTest, TwoRoundsSendTheSecondTokenWithTheNextId) {
  StartWithApReq();
  const Bytes second = {'t', 'w', 'o'};
  gss_->Then(GssStepStatus::kContinue, second);
  TkeyNegotiationStep step = Answer(Genuine({'c', 'h', 'a', 'l'}), 0x3333);
  ASSERT_EQ(step.state, kSend) << step.error;
  auto view = dns::MessageView::Parse(step.query).value();
  EXPECT_EQ(view.header().id, 0x3333);
  EXPECT_EQ(TkeyOf(view, view.records()[0]).key.bytes, second);
  query_ = step.query;
  gss_->Then(GssStepStatus::kComplete);
  step = Answer(GenuineSigned());
  EXPECT_EQ(step.state, kEstablished) << step.error;
  EXPECT_EQ(negotiation_.rounds(), 2u);
  EXPECT_EQ(gss_->inputs.back(), kApRep);
}

TEST_F(TkeyNegotiationTest, CompleteWithATokenSendsItThenEstablishesOnTheSignedConfirmation) {
  StartWithApReq();
  const Bytes mech_list_mic = {'m', 'i', 'c'};
  gss_->Then(GssStepStatus::kComplete, mech_list_mic);
  TkeyNegotiationStep step = Answer(Genuine(), 0x4444);
  ASSERT_EQ(step.state, kSend) << step.error;
  auto view = dns::MessageView::Parse(step.query).value();
  EXPECT_EQ(TkeyOf(view, view.records()[0]).key.bytes, mech_list_mic);
  query_ = step.query;
  step = Answer(GenuineSigned(mech_list_mic));  // The server echoes our TKEY, signed.
  EXPECT_EQ(step.state, kEstablished) << step.error;
  EXPECT_EQ(gss_->inputs.size(), 2u);  // No Step for the confirmation.
}

TEST_F(TkeyNegotiationTest, FirstStepCompletingWithATokenAwaitsTheSignedConfirmation) {
  gss_->Then(GssStepStatus::kComplete, kApReq);
  TkeyNegotiationStep step = negotiation_.Start(kNow, 0x1111);
  ASSERT_EQ(step.state, kSend) << step.error;
  query_ = step.query;
  EXPECT_EQ(Answer(Genuine()).state, kIgnored);  // Unsigned.
  EXPECT_EQ(Answer(GenuineSigned()).state, kEstablished);
}

TEST_F(TkeyNegotiationTest, QueryHasTheExactRfc2930Form) {
  StartWithApReq();
  auto view = dns::MessageView::Parse(query_).value();
  EXPECT_EQ(view.header().id, 0x1111);
  EXPECT_FALSE(view.header().qr);
  EXPECT_EQ(view.header().opcode, dns::Opcode::QUERY);
  EXPECT_FALSE(view.header().rd);
  EXPECT_EQ(view.header().rcode, 0);
  ASSERT_EQ(view.questions().size(), 1u);
  EXPECT_EQ(view.questions()[0], (dns::Question{KeyName(), dns::RrType::TKEY, dns::RrClass::ANY}));
  EXPECT_TRUE(view.section(dns::Section::kAnswer).empty());
  EXPECT_TRUE(view.section(dns::Section::kAuthority).empty());
  ASSERT_EQ(view.section(dns::Section::kAdditional).size(), 1u);  // No OPT, no TSIG.
  const dns::RecordView& record = view.section(dns::Section::kAdditional)[0];
  EXPECT_EQ(record.owner, KeyName());
  EXPECT_EQ(record.type, dns::RrType::TKEY);
  EXPECT_EQ(record.klass, dns::RrClass::ANY);
  EXPECT_EQ(record.ttl, 0u);
  dns::rdata::TKEY tkey = TkeyOf(view, record);
  EXPECT_EQ(tkey.algorithm.ToText(), "gss-tsig.");
  EXPECT_EQ(tkey.inception.value, kNow);
  EXPECT_EQ(tkey.expiration.value, kNow + 3600);
  EXPECT_EQ(tkey.mode, 3);
  EXPECT_EQ(tkey.error, 0);
  EXPECT_EQ(tkey.key.bytes, kApReq);
  EXPECT_TRUE(tkey.other.bytes.empty());
}

TEST_F(TkeyNegotiationTest, TimesPastTwoToThe32WrapAsSerialNumbers) {
  TkeyNegotiationOptions options = Options();
  options.lifetime_seconds = 100;
  TkeyNegotiation negotiation(gss_, options);
  gss_->Then(GssStepStatus::kContinue, kApReq);
  const uint64_t now = (uint64_t{1} << 32) - 10;
  TkeyNegotiationStep step = negotiation.Start(now, 1);  // The view reads its bytes.
  auto view = dns::MessageView::Parse(step.query).value();
  dns::rdata::TKEY tkey = TkeyOf(view, view.records()[0]);
  EXPECT_EQ(tkey.inception.value, 0xFFFFFFF6u);
  EXPECT_EQ(tkey.expiration.value, 90u);
}

// --- The server says no ----------------------------------------------------------------------

TEST_F(TkeyNegotiationTest, EveryTkeyErrorEndsTheNegotiationNamingIt) {
  const std::pair<uint16_t, std::string_view> table[] = {
      {16, "BADSIG"}, {17, "BADKEY"}, {18, "BADTIME"}, {19, "BADMODE"},
      {20, "BADNAME"}, {21, "BADALG"}, {5, "REFUSED"}, {2, "SERVFAIL"},
  };
  for (const auto& [code, name] : table) {
    Restart();
    TkeyReply reply = Genuine();
    reply.error = code;
    TkeyNegotiationStep step = ExpectFailsBeforeGss(reply, name);
    EXPECT_EQ(step.tkey_error, static_cast<Rcode>(code)) << name;
  }
}

TEST_F(TkeyNegotiationTest, HeaderRcodeEndsTheNegotiationNamingIt) {
  const std::pair<uint8_t, std::string_view> table[] = {
      {5, "REFUSED"}, {4, "NOTIMP"}, {9, "NOTAUTH"}, {2, "SERVFAIL"}, {1, "FORMERR"},
  };
  for (const auto& [rcode, name] : table) {
    Restart();
    TkeyReply reply = Genuine();
    reply.rcode = rcode;
    EXPECT_EQ(ExpectFailsBeforeGss(reply, name).tkey_error, std::nullopt) << name;
  }
}

// --- Replies that are not a GSS answer for our key ---------------------------------------------

TEST_F(TkeyNegotiationTest, DiffieHellmanOrDeletionModeIsRefused) {
  TkeyReply dh = Genuine();
  dh.mode = 2;
  ExpectFailsBeforeGss(dh, "wrong mode: Diffie-Hellman exchange (2)");
  Restart();
  TkeyReply deletion = Genuine();
  deletion.mode = 5;
  ExpectFailsBeforeGss(deletion, "wrong mode: key deletion (5)");
}

TEST_F(TkeyNegotiationTest, AnotherAlgorithmIsRefused) {
  TkeyReply reply = Genuine();
  reply.algorithm = N("gss.microsoft.com.");
  ExpectFailsBeforeGss(reply, "wrong algorithm gss.microsoft.com.");
}

TEST_F(TkeyNegotiationTest, HmacAlgorithmIsRefused) {
  TkeyReply reply = Genuine();
  reply.algorithm = N("hmac-sha256.");
  ExpectFailsBeforeGss(reply, "wrong algorithm");
}

TEST_F(TkeyNegotiationTest, TkeyForAnotherKeyNameIsRefused) {
  TkeyReply reply = Genuine();
  reply.owner = N("9999.sig-ns1.corp.example.");
  ExpectFailsBeforeGss(reply, "another key name");
}

TEST_F(TkeyNegotiationTest, TwoTkeysInTheAnswerAreRefused) {
  TkeyReply reply = Genuine();
  reply.answer_tkeys = 2;
  ExpectFailsBeforeGss(reply, "2 TKEY records");
}

TEST_F(TkeyNegotiationTest, MissingTkeyIsRefused) {
  TkeyReply reply = Genuine();
  reply.answer_tkeys = 0;
  ExpectFailsBeforeGss(reply, "no TKEY in the answer section");
}

TEST_F(TkeyNegotiationTest, TkeyOnlyInTheAdditionalSectionIsRefused) {
  TkeyReply reply = Genuine();
  reply.answer_tkeys = 0;
  reply.additional_tkeys = 1;
  ExpectFailsBeforeGss(reply, "only elsewhere");
}

TEST_F(TkeyNegotiationTest, OversizedTokenIsRefusedBeforeTheGssLayer) {
  TkeyReply reply = Genuine(Bytes(16385, 0xAA));
  ExpectFailsBeforeGss(reply, "over the limit of 16384");
}

TEST_F(TkeyNegotiationTest, TokenAtTheLimitReachesTheGssLayer) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kComplete);
  TkeyNegotiationStep step = Answer(GenuineSigned(Bytes(16384, 0xAA)));
  EXPECT_EQ(step.state, kEstablished) << step.error;
}

// --- Not an answer to our query: dropped, the wait goes on -----------------------------------

TEST_F(TkeyNegotiationTest, WrongIdIsIgnoredAndTheGenuineReplyStillCounts) {
  StartWithApReq();
  TkeyReply reply = GenuineSigned();
  reply.id = 0x1112;
  TkeyNegotiationStep step = Answer(reply);
  EXPECT_EQ(step.state, kIgnored);
  EXPECT_NE(step.error.find("wrong-id"), std::string::npos) << step.error;
  gss_->Then(GssStepStatus::kComplete);
  EXPECT_EQ(Answer(GenuineSigned()).state, kEstablished);
}

TEST_F(TkeyNegotiationTest, WrongQuestionIsIgnored) {
  StartWithApReq();
  const dns::Question wrong[] = {
      {N("other.sig-ns1.corp.example."), dns::RrType::TKEY, dns::RrClass::ANY},
      {KeyName(), dns::RrType::TSIG, dns::RrClass::ANY},
      {KeyName(), dns::RrType::TKEY, dns::RrClass::IN},
  };
  for (const dns::Question& question : wrong) {
    TkeyReply reply = GenuineSigned();
    reply.question = question;
    EXPECT_EQ(Answer(reply).state, kIgnored) << question.qname.ToText();
  }
  TkeyReply none = GenuineSigned();
  none.no_question = true;
  EXPECT_EQ(Answer(none).state, kIgnored);
  EXPECT_EQ(gss_->inputs.size(), 1u);
}

TEST_F(TkeyNegotiationTest, QuestionNameInAnotherCaseIsTheSameQuestion) {
  StartWithApReq();
  TkeyReply reply = GenuineSigned();
  reply.question = dns::Question{N("1234.SIG-NS1.Corp.Example."), dns::RrType::TKEY,
                                 dns::RrClass::ANY};
  gss_->Then(GssStepStatus::kComplete);
  EXPECT_EQ(Answer(reply).state, kEstablished);
}

TEST_F(TkeyNegotiationTest, NotAResponseOrNotAQueryOpcodeIsIgnored) {
  StartWithApReq();
  TkeyReply query_echo = GenuineSigned();
  query_echo.qr = false;
  EXPECT_EQ(Answer(query_echo).state, kIgnored);
  TkeyReply update = GenuineSigned();
  update.opcode = dns::Opcode::UPDATE;
  EXPECT_EQ(Answer(update).state, kIgnored);
  EXPECT_EQ(gss_->inputs.size(), 1u);
}

TEST_F(TkeyNegotiationTest, TruncatedOrGarbageBytesAreIgnored) {
  StartWithApReq();
  Bytes genuine = MakeTkeyReply(query_, GenuineSigned());
  for (size_t length = 0; length < genuine.size(); ++length) {
    std::span<const uint8_t> prefix(genuine.data(), length);
    EXPECT_EQ(negotiation_.OnReply(prefix, kNow, 2).state, kIgnored) << length;
  }
  Bytes garbage(300);
  for (size_t i = 0; i < garbage.size(); ++i) garbage[i] = static_cast<uint8_t>(i * 151 + 7);
  EXPECT_EQ(negotiation_.OnReply(garbage, kNow, 2).state, kIgnored);
  EXPECT_EQ(gss_->inputs.size(), 1u);
  gss_->Then(GssStepStatus::kComplete);
  EXPECT_EQ(negotiation_.OnReply(genuine, kNow, 2).state, kEstablished);
}

// --- Round trips -----------------------------------------------------------------------------

TEST_F(TkeyNegotiationTest, PeerThatKeepsSayingContinueIsCutOffAtMaxRounds) {
  StartWithApReq();
  TkeyNegotiationStep step;
  for (int round = 1; round < 10; ++round) {
    gss_->Then(GssStepStatus::kContinue, kApReq);
    step = Answer(Genuine(), static_cast<uint16_t>(0x5000 + round));
    ASSERT_EQ(step.state, kSend) << round << ": " << step.error;
    query_ = step.query;
  }
  EXPECT_EQ(negotiation_.rounds(), 10u);
  gss_->Then(GssStepStatus::kContinue, kApReq);
  step = Answer(Genuine());
  EXPECT_EQ(step.state, kFailed);
  EXPECT_NE(step.error.find("too many round trips (10)"), std::string::npos) << step.error;
}

// --- The final reply must be signed by the new context ---------------------------------------

TEST_F(TkeyNegotiationTest, UnsignedFinalReplyFailsWhenTheContextCompletesOnIt) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kComplete);
  TkeyNegotiationStep step = Answer(Genuine());
  EXPECT_EQ(step.state, kFailed);
  EXPECT_NE(step.error.find("Unsigned"), std::string::npos) << step.error;
}

TEST_F(TkeyNegotiationTest, FinalReplySignedByAnotherContextFailsWhenTheContextCompletesOnIt) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kComplete);
  TkeyReply reply = GenuineSigned();
  reply.sign_with = std::make_shared<FakeMicEngine>(8);  // An impostor's context.
  TkeyNegotiationStep step = Answer(reply);
  EXPECT_EQ(step.state, kFailed);
  EXPECT_NE(step.error.find("BadMac"), std::string::npos) << step.error;
  EXPECT_EQ(gss_->verified, 0);
}

class TkeyConfirmationTest : public TkeyNegotiationTest {
 protected:
  // Start, and a Step that completes with a token: the negotiation awaits the confirmation.
  void SetUp() override {
    StartWithApReq();
    gss_->Then(GssStepStatus::kComplete, {'f', 'i', 'n'});
    TkeyNegotiationStep step = Answer(Genuine());
    ASSERT_EQ(step.state, kSend) << step.error;
    query_ = step.query;
  }
};

TEST_F(TkeyConfirmationTest, UnsignedConfirmationIsIgnoredThenTheGenuineOneAccepted) {
  TkeyNegotiationStep step = Answer(Genuine());
  EXPECT_EQ(step.state, kIgnored);
  EXPECT_NE(step.error.find("Unsigned"), std::string::npos) << step.error;
  EXPECT_EQ(Answer(GenuineSigned()).state, kEstablished);
}

TEST_F(TkeyConfirmationTest, ConfirmationSignedByAnotherContextIsIgnored) {
  TkeyReply forged = GenuineSigned();
  forged.sign_with = std::make_shared<FakeMicEngine>(8);
  TkeyNegotiationStep step = Answer(forged);
  EXPECT_EQ(step.state, kIgnored);
  EXPECT_NE(step.error.find("BadMac"), std::string::npos) << step.error;
  EXPECT_EQ(Answer(GenuineSigned()).state, kEstablished);
}

TEST_F(TkeyConfirmationTest, UnsignedErrorRepliesCannotEndTheWait) {
  TkeyReply refused = Genuine();
  refused.rcode = 5;
  EXPECT_EQ(Answer(refused).state, kIgnored);
  TkeyReply badkey = Genuine();
  badkey.error = 17;
  EXPECT_EQ(Answer(badkey).state, kIgnored);
  EXPECT_EQ(Answer(GenuineSigned()).state, kEstablished);
}

TEST_F(TkeyConfirmationTest, SignedRefusalEndsTheNegotiation) {
  TkeyReply badkey = GenuineSigned();
  badkey.error = 17;
  TkeyNegotiationStep step = Answer(badkey);
  EXPECT_EQ(step.state, kFailed);
  EXPECT_EQ(step.tkey_error, Rcode::BADKEY);
}

TEST_F(TkeyConfirmationTest, SignedConfirmationWithWrongModeFails) {
  TkeyReply reply = GenuineSigned();
  reply.mode = 5;
  EXPECT_EQ(Answer(reply).state, kFailed);
}

TEST_F(TkeyConfirmationTest, StaleSignedConfirmationFails) {
  TkeyReply stale = GenuineSigned();
  stale.time_signed = kNow - 3600;  // Outside the 300-second fudge.
  TkeyNegotiationStep step = Answer(stale);
  EXPECT_EQ(step.state, kFailed);
  EXPECT_NE(step.error.find("fudge"), std::string::npos) << step.error;
}

TEST_F(TkeyConfirmationTest, WrongIdConfirmationIsIgnoredEvenWhenSigned) {
  TkeyReply reply = GenuineSigned();
  reply.id = 0x7777;
  EXPECT_EQ(Answer(reply).state, kIgnored);
}

// --- The GSS layer, and calls out of turn ----------------------------------------------------

TEST_F(TkeyNegotiationTest, GssFailingMidwayEndsTheNegotiationWithItsText) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kFailed, {}, "Miscellaneous failure: Clock skew too great");
  TkeyNegotiationStep step = Answer(Genuine());
  EXPECT_EQ(step.state, kFailed);
  EXPECT_EQ(step.error, "GSS-API: Miscellaneous failure: Clock skew too great");
  EXPECT_EQ(step.tkey_error, std::nullopt);
}

TEST_F(TkeyNegotiationTest, GssFailingAtStartSendsNothing) {
  gss_->Then(GssStepStatus::kFailed, {}, "No Kerberos credentials available");
  TkeyNegotiationStep step = negotiation_.Start(kNow, 1);
  EXPECT_EQ(step.state, kFailed);
  EXPECT_TRUE(step.query.empty());
  EXPECT_NE(step.error.find("No Kerberos credentials"), std::string::npos);
}

TEST_F(TkeyNegotiationTest, GssCompletingAtStartWithoutATokenFails) {
  gss_->Then(GssStepStatus::kComplete);
  EXPECT_EQ(negotiation_.Start(kNow, 1).state, kFailed);
}

TEST_F(TkeyNegotiationTest, GssContinuingWithoutATokenFails) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kContinue);
  EXPECT_EQ(Answer(Genuine()).state, kFailed);
}

TEST_F(TkeyNegotiationTest, RepliesAfterTheEndAreRefusedAndTheKeyStays) {
  StartWithApReq();
  gss_->Then(GssStepStatus::kComplete);
  Bytes genuine = MakeTkeyReply(query_, GenuineSigned());
  ASSERT_EQ(negotiation_.OnReply(genuine, kNow, 2).state, kEstablished);
  TkeyNegotiationStep replay = negotiation_.OnReply(genuine, kNow, 3);
  EXPECT_EQ(replay.state, kFailed);
  EXPECT_EQ(replay.error, "negotiation is over");
  EXPECT_EQ(negotiation_.Key().mic_engine, gss_);
  EXPECT_EQ(negotiation_.Start(kNow, 4).state, kFailed);
}

TEST_F(TkeyNegotiationTest, RepliesAfterAFailureAreRefused) {
  StartWithApReq();
  TkeyReply refused = Genuine();
  refused.rcode = 5;
  ASSERT_EQ(Answer(refused).state, kFailed);
  gss_->Then(GssStepStatus::kComplete);
  TkeyNegotiationStep step = Answer(GenuineSigned());
  EXPECT_EQ(step.state, kFailed);
  EXPECT_EQ(step.error, "negotiation is over");
}

TEST_F(TkeyNegotiationTest, ReplyBeforeStartOrWithoutAnInitiatorFails) {
  EXPECT_EQ(negotiation_.OnReply(Bytes(12, 0), kNow, 1).state, kFailed);
  TkeyNegotiation no_gss(nullptr, Options());
  EXPECT_EQ(no_gss.Start(kNow, 1).state, kFailed);
}

TEST_F(TkeyNegotiationTest, ZeroMaxRoundsSendsNothing) {
  TkeyNegotiationOptions options = Options();
  options.max_rounds = 0;
  TkeyNegotiation negotiation(gss_, options);
  gss_->Then(GssStepStatus::kContinue, kApReq);
  EXPECT_EQ(negotiation.Start(kNow, 1).state, kFailed);
}

// --- Names -----------------------------------------------------------------------------------

TEST(TkeyNamesTest, TkeyErrorsAndModesHaveTheirRegistryNames) {
  EXPECT_EQ(crypto::TsigErrorName(Rcode::BADMODE), "BADMODE");
  EXPECT_EQ(crypto::TsigErrorName(Rcode::BADNAME), "BADNAME");
  EXPECT_EQ(crypto::TsigErrorName(Rcode::BADALG), "BADALG");
  EXPECT_EQ(crypto::TsigErrorName(Rcode::BADSIG), "BADSIG");
  EXPECT_EQ(dns::rdata::TkeyModeName(3), "GSS-API negotiation");
  EXPECT_EQ(dns::rdata::TkeyModeName(5), "key deletion");
  EXPECT_EQ(dns::rdata::TkeyModeName(0), "reserved");
  EXPECT_EQ(dns::rdata::TkeyModeName(65535), "reserved");
  EXPECT_EQ(dns::rdata::TkeyModeName(6), "mode 6");
  EXPECT_EQ(TkeyNegotiationStateName(kEstablished), "Established");
}

}  // namespace
}  // namespace redoubt::resolver::gss
