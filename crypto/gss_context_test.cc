// The MIT krb5 initiator (crypto/gss_context.h) against the in-process test acceptor and a real
// KDC. Needs the realm tests/integration/gss_context.sh sets up; the paths come in environment
// variables (REDOUBT_GSS_*, see Env below). Not part of the unit suite.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "crypto/gss_context.h"
#include "crypto/testing/gss_acceptor.h"

namespace redoubt::crypto {
namespace {

using Bytes = std::vector<uint8_t>;
using testing::GssAcceptor;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? std::string() : std::string(value);
}

class GssContextTest : public ::testing::TestWithParam<GssMechanism> {
 protected:
  void SetUp() override {
    realm_ = Env("REDOUBT_GSS_REALM");
    client_keytab_ = Env("REDOUBT_GSS_CLIENT_KEYTAB");
    client_ = Env("REDOUBT_GSS_CLIENT_PRINCIPAL");
    acceptor_keytab_ = Env("REDOUBT_GSS_ACCEPTOR_KEYTAB");
    ASSERT_FALSE(realm_.empty() || client_keytab_.empty() || client_.empty() ||
                 acceptor_keytab_.empty())
        << "needs a KDC: run tests/integration/gss_context.sh";
  }
  std::string Host() const { return "DNS/ns1.corp.example@" + realm_; }
  std::string Domain() const { return "DNS/ns1.corp.example/corp.example@" + realm_; }
  GssCredentials Keytab() const { return {client_keytab_, "", client_}; }

  std::unique_ptr<GssInitiator> Initiator(const std::string& target,
                                          const GssCredentials& credentials) {
    auto initiator = NewKerberosInitiator(credentials, target, GetParam());
    EXPECT_TRUE(initiator.has_value()) << (initiator ? "" : initiator.error());
    return initiator ? std::move(initiator).value() : nullptr;
  }
  std::unique_ptr<GssAcceptor> Acceptor() {
    auto acceptor = testing::NewKerberosAcceptor(acceptor_keytab_);
    EXPECT_TRUE(acceptor.has_value()) << (acceptor ? "" : acceptor.error());
    return acceptor ? std::move(acceptor).value() : nullptr;
  }

  // Runs the RFC 3645 section 3.1 loop in-process; returns the last statuses of both sides.
  struct Outcome {
    GssStep initiator;
    GssStep acceptor;
  };
  static Outcome Negotiate(GssInitiator& initiator, GssAcceptor& acceptor) {
    Outcome out;
    Bytes token;
    for (int round = 0; round < 10; ++round) {
      out.initiator = initiator.Step(token);
      if (out.initiator.status == GssStepStatus::kFailed) return out;
      if (out.initiator.output_token.empty()) return out;
      out.acceptor = acceptor.Step(out.initiator.output_token);
      if (out.acceptor.status == GssStepStatus::kFailed) return out;
      if (out.initiator.status == GssStepStatus::kComplete) return out;
      token = out.acceptor.output_token;
    }
    return out;
  }
  // Negotiates with `target` and expects both sides complete.
  void Establish(const std::string& target, std::unique_ptr<GssInitiator>& initiator,
                 std::unique_ptr<GssAcceptor>& acceptor) {
    initiator = Initiator(target, Keytab());
    acceptor = Acceptor();
    ASSERT_TRUE(initiator && acceptor);
    Outcome out = Negotiate(*initiator, *acceptor);
    ASSERT_EQ(out.initiator.status, GssStepStatus::kComplete) << out.initiator.error;
    ASSERT_EQ(out.acceptor.status, GssStepStatus::kComplete) << out.acceptor.error;
  }

  std::string realm_, client_keytab_, client_, acceptor_keytab_;
};

INSTANTIATE_TEST_SUITE_P(Mechanisms, GssContextTest,
                         ::testing::Values(GssMechanism::kSpnego, GssMechanism::kKerberos),
                         [](const auto& info) {
                           return info.param == GssMechanism::kSpnego ? "Spnego" : "Kerberos";
                         });

const Bytes kMessage = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01};

TEST_P(GssContextTest, HostBasedPrincipalCompletesWithMutualAuthentication) {
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Host(), initiator, acceptor));
  EXPECT_EQ(acceptor->ClientPrincipal(), client_);
  EXPECT_EQ(acceptor->ServicePrincipal(), Host());
  // After completion, Step fails and says why.
  GssStep again = initiator->Step({});
  EXPECT_EQ(again.status, GssStepStatus::kFailed);
  EXPECT_NE(again.error.find("already complete"), std::string::npos) << again.error;
}

TEST_P(GssContextTest, Rfc5179ThreePartPrincipalCompletes) {
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Domain(), initiator, acceptor));
  EXPECT_EQ(acceptor->ServicePrincipal(), Domain());
  EXPECT_EQ(acceptor->ClientPrincipal(), client_);
}

TEST_P(GssContextTest, MicsVerifyOnTheOtherSideOnly) {
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Host(), initiator, acceptor));
  Bytes mic = initiator->GetMic(kMessage).value();
  EXPECT_GE(mic.size(), 16u);  // RFC 4121 section 4.2.6.1: 16 octets of header + checksum.
  EXPECT_LE(mic.size(), kMaxGssMicLength);
  EXPECT_TRUE(acceptor->VerifyMic(kMessage, mic));
  Bytes reply_mic = acceptor->GetMic(kMessage).value();
  EXPECT_TRUE(initiator->VerifyMic(kMessage, reply_mic));
  // A MIC is bound to its sender's direction: our own MIC does not verify on our side.
  Bytes own = initiator->GetMic(kMessage).value();
  EXPECT_FALSE(initiator->VerifyMic(kMessage, own));
}

TEST_P(GssContextTest, AlteredMessageOrMicFails) {
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Host(), initiator, acceptor));
  Bytes mic = acceptor->GetMic(kMessage).value();
  Bytes altered = kMessage;
  altered[11] ^= 0x01;
  EXPECT_FALSE(initiator->VerifyMic(altered, mic));
  Bytes bad_mic = mic;
  bad_mic.back() ^= 0x80;
  EXPECT_FALSE(initiator->VerifyMic(kMessage, bad_mic));
  EXPECT_FALSE(initiator->VerifyMic(kMessage, {}));
  Bytes mic2 = acceptor->GetMic(kMessage).value();
  EXPECT_TRUE(initiator->VerifyMic(kMessage, mic2));  // The context survives the failures.
}

TEST_P(GssContextTest, ReplayedMicFails) {
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Host(), initiator, acceptor));
  Bytes mic = acceptor->GetMic(kMessage).value();
  EXPECT_TRUE(initiator->VerifyMic(kMessage, mic));
  EXPECT_FALSE(initiator->VerifyMic(kMessage, mic));  // GSS_S_DUPLICATE_TOKEN.
  Bytes to_server = initiator->GetMic(kMessage).value();
  EXPECT_TRUE(acceptor->VerifyMic(kMessage, to_server));
  EXPECT_FALSE(acceptor->VerifyMic(kMessage, to_server));
  // Out of order but new (UNSEQ, tolerated without sequencing): both verify.
  Bytes first = acceptor->GetMic(kMessage).value();
  Bytes second = acceptor->GetMic(kMessage).value();
  EXPECT_TRUE(initiator->VerifyMic(kMessage, second));
  EXPECT_TRUE(initiator->VerifyMic(kMessage, first));
}

TEST_P(GssContextTest, NothingWorksBeforeCompletion) {
  auto initiator = Initiator(Host(), Keytab());
  ASSERT_TRUE(initiator);
  EXPECT_EQ(initiator->LifetimeSeconds(), 0u);
  EXPECT_FALSE(initiator->GetMic(kMessage).has_value());
  EXPECT_FALSE(initiator->VerifyMic(kMessage, Bytes(28, 0)));
  GssStep first = initiator->Step({});
  ASSERT_EQ(first.status, GssStepStatus::kContinue) << first.error;
  EXPECT_FALSE(first.output_token.empty());
  EXPECT_EQ(initiator->LifetimeSeconds(), 0u);
  EXPECT_FALSE(initiator->GetMic(kMessage).has_value());
}

TEST_P(GssContextTest, UnknownTargetFailsNamingThePrincipal) {
  std::string target = "DNS/nosuch.corp.example@" + realm_;
  auto initiator = Initiator(target, Keytab());
  ASSERT_TRUE(initiator);
  GssStep step = initiator->Step({});
  EXPECT_EQ(step.status, GssStepStatus::kFailed);
  EXPECT_TRUE(step.output_token.empty());
  EXPECT_NE(step.error.find(target), std::string::npos) << step.error;
  EXPECT_NE(step.error.find("not found"), std::string::npos) << step.error;
  std::printf("# error text: %s\n", step.error.c_str());
  GssStep again = initiator->Step({});
  EXPECT_EQ(again.status, GssStepStatus::kFailed);
  EXPECT_NE(again.error.find("already failed"), std::string::npos) << again.error;
}

TEST_P(GssContextTest, MissingClientKeytabFailsClearly) {
  GssCredentials credentials{"/nonexistent/redoubt-client.keytab", "", client_};
  auto initiator = NewKerberosInitiator(credentials, Host(), GetParam());
  std::string error;
  if (!initiator) {
    error = initiator.error();
  } else {
    GssStep step = initiator.value()->Step({});
    EXPECT_EQ(step.status, GssStepStatus::kFailed);
    error = step.error;
  }
  EXPECT_FALSE(error.empty());
  EXPECT_NE(error.find("/nonexistent/redoubt-client.keytab"), std::string::npos) << error;
  std::printf("# error text: %s\n", error.c_str());
}

TEST_P(GssContextTest, TargetWhoseKeyTheAcceptorLacksFails) {
  // DNS/ns2.corp.example exists in the KDC, but its key is not in the acceptor keytab: the
  // service ticket is issued and the acceptor cannot decrypt it.
  auto initiator = Initiator("DNS/ns2.corp.example@" + realm_, Keytab());
  auto acceptor = Acceptor();
  ASSERT_TRUE(initiator && acceptor);
  Outcome out = Negotiate(*initiator, *acceptor);
  EXPECT_EQ(out.initiator.status, GssStepStatus::kContinue) << out.initiator.error;
  EXPECT_EQ(out.acceptor.status, GssStepStatus::kFailed);
  EXPECT_FALSE(out.acceptor.error.empty());
  EXPECT_TRUE(out.acceptor.output_token.empty());
}

TEST_P(GssContextTest, LifetimeIsTheServiceTicketsLifetime) {
  // gss_context.sh gives DNS/ns1.corp.example a maximum ticket life of 2 minutes.
  std::unique_ptr<GssInitiator> initiator;
  std::unique_ptr<GssAcceptor> acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Host(), initiator, acceptor));
  uint32_t lifetime = initiator->LifetimeSeconds();
  EXPECT_GT(lifetime, 60u);
  EXPECT_LE(lifetime, 120u);
  // The three-part principal has the realm's default (10 hours in gss_context.sh).
  std::unique_ptr<GssInitiator> domain;
  std::unique_ptr<GssAcceptor> domain_acceptor;
  ASSERT_NO_FATAL_FAILURE(Establish(Domain(), domain, domain_acceptor));
  EXPECT_GT(domain->LifetimeSeconds(), 3600u);
  EXPECT_LE(domain->LifetimeSeconds(), 10u * 3600u);
}

TEST_P(GssContextTest, MalformedTargetFailsNamingIt) {
  EXPECT_FALSE(NewKerberosInitiator(Keytab(), "", GetParam()).has_value());
  // A trailing escape: krb5_parse_name's KRB5_PARSE_MALFORMED. MIT's mechanism glue parses the
  // name lazily, so this fails at creation or at the first Step.
  const std::string target = "DNS/ns1.corp.example\\";
  auto bad = NewKerberosInitiator(Keytab(), target, GetParam());
  std::string error = bad ? bad.value()->Step({}).error : bad.error();
  EXPECT_NE(error.find(target), std::string::npos) << error;
  EXPECT_NE(error.find("alformed"), std::string::npos) << error;
  std::printf("# error text: %s\n", error.c_str());
}

// Tickets of a client whose maximum ticket life is a few seconds (REDOUBT_GSS_SHORT_CLIENT_*):
// after they expire, a new initiator gets fresh ones from the client keytab, with a private
// memory cache and with a shared file cache alike; the file cache alone cannot.
TEST(GssRenewal, ExpiredTicketsAreRenewedFromTheClientKeytab) {
  std::string realm = Env("REDOUBT_GSS_REALM"), keytab = Env("REDOUBT_GSS_SHORT_CLIENT_KEYTAB");
  std::string client = Env("REDOUBT_GSS_SHORT_CLIENT_PRINCIPAL");
  std::string acceptor_keytab = Env("REDOUBT_GSS_ACCEPTOR_KEYTAB");
  std::string work = Env("REDOUBT_GSS_WORK");
  uint32_t life = static_cast<uint32_t>(std::atoi(Env("REDOUBT_GSS_SHORT_LIFE").c_str()));
  ASSERT_FALSE(realm.empty() || keytab.empty() || client.empty() || work.empty() || life == 0)
      << "needs a KDC: run tests/integration/gss_context.sh";
  std::string target = "DNS/ns1.corp.example/corp.example@" + realm;
  std::string ccache = "FILE:" + work + "/renewal.ccache";
  auto establish = [&](const GssCredentials& credentials) -> std::unique_ptr<GssInitiator> {
    auto initiator = NewKerberosInitiator(credentials, target);
    if (!initiator) {
      ADD_FAILURE() << initiator.error();
      return nullptr;
    }
    auto acceptor = std::move(testing::NewKerberosAcceptor(acceptor_keytab)).value();
    GssStep step = initiator.value()->Step({});
    if (step.status != GssStepStatus::kContinue) {
      ADD_FAILURE() << step.error;
      return nullptr;
    }
    GssStep answer = acceptor->Step(step.output_token);
    GssStep last = initiator.value()->Step(answer.output_token);
    if (last.status != GssStepStatus::kComplete) {
      ADD_FAILURE() << last.error;
      return nullptr;
    }
    return std::move(initiator).value();
  };
  auto in_memory = establish({keytab, "", client});
  auto in_file = establish({keytab, ccache, client});
  ASSERT_TRUE(in_memory && in_file);
  EXPECT_GT(in_memory->LifetimeSeconds(), 0u);
  EXPECT_LE(in_memory->LifetimeSeconds(), life);
  EXPECT_LE(in_file->LifetimeSeconds(), life);

  std::this_thread::sleep_for(std::chrono::seconds(life + 2));
  EXPECT_EQ(in_memory->LifetimeSeconds(), 0u);  // Expired with its ticket.
  EXPECT_EQ(in_file->LifetimeSeconds(), 0u);
  // The expired file cache alone: no new tickets.
  auto cache_only = NewKerberosInitiator({"", ccache, client}, target);
  if (cache_only) {
    GssStep step = cache_only.value()->Step({});
    EXPECT_EQ(step.status, GssStepStatus::kFailed);
    EXPECT_FALSE(step.error.empty());
  }
  // With the client keytab: renewed, a full ticket life again.
  auto renewed_memory = establish({keytab, "", client});
  auto renewed_file = establish({keytab, ccache, client});
  ASSERT_TRUE(renewed_memory && renewed_file);
  EXPECT_GE(renewed_memory->LifetimeSeconds(), life - 2);
  EXPECT_GE(renewed_file->LifetimeSeconds(), life - 2);
}

}  // namespace
}  // namespace redoubt::crypto
