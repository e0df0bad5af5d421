#include "crypto/nsec3_hash.h"

#include <gtest/gtest.h>

#include <array>
#include <string>

#include "net/dns/base_encoding.h"

namespace redoubt::crypto {
namespace {

constexpr std::array<uint8_t, 4> kSalt = {0xaa, 0xbb, 0xcc, 0xdd};

std::string Hashed(const char* name, uint16_t iterations = 12) {
  auto digest = Nsec3Hash(*dns::Name::FromText(name), 1, kSalt, iterations);
  EXPECT_TRUE(digest.has_value());
  return digest ? dns::EncodeBase32Hex(digest->bytes()) : "";
}

// RFC 5155 Appendix A: the example zone's hashed owner names (SHA-1, 12 iterations, salt
// aabbccdd), including the wildcard and a name below a wildcard.
TEST(Nsec3HashTest, Rfc5155AppendixAKnownAnswers) {
  const std::array<std::pair<const char*, const char*>, 11> kAnswers = {{
      {"example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"},
      {"a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl"},
      {"ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi"},
      {"ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr"},
      {"ns2.example.", "q04jkcevqvmu85r014c7dkba38o0ji5r"},
      {"w.example.", "k8udemvp1j2f7eg6jebps17vp3n8i58h"},
      {"*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en"},
      {"x.w.example.", "b4um86eghhds6nea196smvmlo4ors995"},
      {"y.w.example.", "ji6neoaepv8b5o6k4ev33abha8ht9fgc"},
      {"x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s"},
      {"xx.example.", "t644ebqk9bibcna874givr6joj62mlhv"},
  }};
  for (const auto& [name, hash] : kAnswers) EXPECT_EQ(Hashed(name), hash) << name;
}

// RFC 5155 section 5: x is the canonical (lowercased) wire form, so case cannot change a hash.
TEST(Nsec3HashTest, CaseOfTheNameDoesNotChangeTheHash) {
  EXPECT_EQ(Hashed("X.W.Example."), "b4um86eghhds6nea196smvmlo4ors995");
}

// IH(salt, x, 0) = H(x | salt): one SHA-1 over the wire form and the salt, no further rounds.
TEST(Nsec3HashTest, ZeroIterationsIsOneSha1OverNameAndSalt) {
  const auto name = *dns::Name::FromText("example.");
  auto direct = ComputeDigest(DigestAlgorithm::kSha1, {name.wire(), kSalt});
  auto hashed = Nsec3Hash(name, 1, kSalt, 0);
  ASSERT_TRUE(direct.has_value());
  ASSERT_TRUE(hashed.has_value());
  EXPECT_EQ(*hashed, *direct);
  EXPECT_EQ(hashed->size(), 20u);
  auto one = Nsec3Hash(name, 1, kSalt, 1);
  auto again = ComputeDigest(DigestAlgorithm::kSha1, {direct->bytes(), kSalt});
  EXPECT_EQ(*one, *again);
}

// RFC 5155 section 8.1: only hash algorithm 1 (SHA-1) is defined; anything else is unsupported.
TEST(Nsec3HashTest, UnknownHashAlgorithmIsUnsupported) {
  const auto name = *dns::Name::FromText("example.");
  for (uint8_t algorithm : {0, 2, 255}) {
    auto r = Nsec3Hash(name, algorithm, kSalt, 0);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::kUnsupported);
  }
}

// An empty salt ("-" in presentation form) is allowed (RFC 5155 section 3.3).
TEST(Nsec3HashTest, EmptySaltHashesTheNameAlone) {
  const auto name = *dns::Name::FromText("example.");
  auto hashed = Nsec3Hash(name, 1, {}, 0);
  auto direct = ComputeDigest(DigestAlgorithm::kSha1, {name.wire()});
  EXPECT_EQ(*hashed, *direct);
}

}  // namespace
}  // namespace redoubt::crypto
