// tsig-keys and forward-zones.tsig-key (issue #14): every accepted form, the errors (each with
// file:line and never the secret), and the warnings (short secrets, MD5, files others can read).
#include "resolver/config/tsig_keys.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "resolver/config/config.h"
#include "resolver/config/config_test_util.h"

namespace redoubt::resolver {
namespace {

constexpr char kSecret32[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";  // Octets 0..31.
constexpr char kSecret64[] =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

// A file in the test's temporary directory with the given permissions.
std::string WriteFile(const std::string& name, const std::string& text,
                      std::filesystem::perms mode = std::filesystem::perms::owner_read |
                                                    std::filesystem::perms::owner_write) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  std::filesystem::permissions(path, mode);
  return path;
}

std::string KeyClause(const std::string& name, const std::string& algorithm,
                      const std::string& secret) {
  return "key \"" + name + "\" {\n\talgorithm " + algorithm + ";\n\tsecret \"" + secret +
         "\";\n};\n";
}

using config_testing::Load;

// The error for `text`, checked to leave out every secret the tests use.
std::string ErrorOf(const std::string& text) {
  std::string error = config_testing::ErrorOf(text);
  for (const char* secret : {kSecret32, kSecret64, "c2hvcnQ=", "AAEC*wQF"}) {
    EXPECT_EQ(error.find(secret), std::string::npos) << error;
  }
  return error;
}

TEST(TsigKeysTest, AlgorithmNames) {
  EXPECT_EQ(ParseTsigKeyAlgorithm("hmac-sha256"), TsigKeyAlgorithm::kHmacSha256);
  EXPECT_EQ(ParseTsigKeyAlgorithm("HMAC-SHA384."), TsigKeyAlgorithm::kHmacSha384);
  EXPECT_EQ(ParseTsigKeyAlgorithm("hmac-md5"), TsigKeyAlgorithm::kHmacMd5);
  EXPECT_EQ(ParseTsigKeyAlgorithm("HMAC-MD5.SIG-ALG.REG.INT."), TsigKeyAlgorithm::kHmacMd5);
  EXPECT_EQ(ParseTsigKeyAlgorithm("hmac-md5.sig-alg.reg.int"), TsigKeyAlgorithm::kHmacMd5);
  for (const char* bad :
       {"", "sha256", "hmac-sha256-128", "gss-tsig", "hmac-sha256..", "hmac-sha"}) {
    EXPECT_FALSE(ParseTsigKeyAlgorithm(bad).has_value()) << bad;
  }
  const std::pair<TsigKeyAlgorithm, size_t> kSizes[] = {
      {TsigKeyAlgorithm::kHmacMd5, 16},    {TsigKeyAlgorithm::kHmacSha1, 20},
      {TsigKeyAlgorithm::kHmacSha224, 28}, {TsigKeyAlgorithm::kHmacSha256, 32},
      {TsigKeyAlgorithm::kHmacSha384, 48}, {TsigKeyAlgorithm::kHmacSha512, 64}};
  for (const auto& [algorithm, size] : kSizes) {
    EXPECT_EQ(TsigKeyAlgorithmOutputSize(algorithm), size);
    EXPECT_EQ(ParseTsigKeyAlgorithm(TsigKeyAlgorithmName(algorithm)), algorithm);
  }
}

// Inline secrets, any order of settings; the forward zone's key may be defined after it, and
// names compare as DNS names (PowerDNS `fwd` is BIND `FWD.`).
TEST(TsigKeysTest, InlineKeysAndForwardZoneReferences) {
  Config config =
      Load(std::string("forward-zones:\n"
                       "  - {name: corp.example, servers: ['192.0.2.1'], tsig-key: FWD.}\n"
                       "  - {name: other.example, servers: ['192.0.2.2']}\n"
                       "tsig-keys:\n"
                       "  - {name: fwd, algorithm: HMAC-SHA256, secret: ") +
           kSecret32 +
           "}\n"
           "  - secret: " +
           kSecret64 + "\n    algorithm: hmac-sha512\n    name: second.key.\n");
  ASSERT_EQ(config.tsig_keys.size(), 2u);
  EXPECT_EQ(config.tsig_keys[0].name.ToText(), "fwd.");
  EXPECT_EQ(config.tsig_keys[0].algorithm, TsigKeyAlgorithm::kHmacSha256);
  EXPECT_EQ(config.tsig_keys[0].secret.size(), 32u);
  EXPECT_EQ(config.tsig_keys[0].secret.bytes()[31], 31);
  EXPECT_EQ(config.tsig_keys[0].origin, "test.yaml:5");
  EXPECT_EQ(config.tsig_keys[1].origin, "test.yaml:6");
  EXPECT_EQ(config.tsig_keys[1].secret.size(), 64u);
  ASSERT_TRUE(config.forward_zones[0].tsig_key.has_value());
  EXPECT_EQ(config.FindTsigKey(*config.forward_zones[0].tsig_key), &config.tsig_keys[0]);
  EXPECT_FALSE(config.forward_zones[1].tsig_key.has_value());
  EXPECT_TRUE(config.warnings.empty());  // Text, not a file: no mode to check.
  EXPECT_TRUE(Load("").tsig_keys.empty());
}

TEST(TsigKeysTest, SecretFilesAndKeyFilesLoad) {
  std::string secret_file = WriteFile("tsig-secret", std::string(kSecret32) + "\n");
  std::string key_file =
      WriteFile("tsig.key", KeyClause("a.", "hmac-sha256", kSecret32) + "// the second\n" +
                                KeyClause("b", "hmac-sha384", kSecret64));
  Config config =
      Load("tsig-keys:\n  - {name: s, algorithm: hmac-sha256, secret-file: " + secret_file +
           "}\n  - key-file: " + key_file + "\n");
  ASSERT_EQ(config.tsig_keys.size(), 3u);
  EXPECT_EQ(config.tsig_keys[0].name.ToText(), "s.");
  EXPECT_EQ(config.tsig_keys[0].secret.size(), 32u);
  EXPECT_EQ(config.tsig_keys[1].name.ToText(), "a.");
  EXPECT_EQ(config.tsig_keys[1].origin, key_file + ":1");
  EXPECT_EQ(config.tsig_keys[2].algorithm, TsigKeyAlgorithm::kHmacSha384);
  EXPECT_EQ(config.tsig_keys[2].origin, key_file + ":6");
  EXPECT_TRUE(config.warnings.empty());  // Both files are 0600.
}

TEST(TsigKeysTest, BadKeysAreErrorsWithoutTheSecret) {
  const std::string key = "tsig-keys:\n  - name: k\n    algorithm: hmac-sha256\n";
  EXPECT_EQ(ErrorOf(key + "    secret: AAEC*wQF\n"),
            "test.yaml:4: TSIG key k.: the secret is not valid base64");
  EXPECT_EQ(ErrorOf(key + "    secret: ''\n"), "test.yaml:4: tsig-keys.secret must not be empty");
  EXPECT_EQ(ErrorOf(key), "test.yaml:2: TSIG key k. needs either secret or secret-file");
  EXPECT_EQ(ErrorOf(key + "    secret: " + kSecret32 + "\n    secret-file: /x\n"),
            "test.yaml:2: TSIG key k. needs either secret or secret-file");
  EXPECT_EQ(
      ErrorOf(std::string("tsig-keys: [{name: k, algorithm: ") + kSecret32 +
              ", secret: " + kSecret32 + "}]\n"),
      "test.yaml:1: TSIG key k.: unknown algorithm (use hmac-sha256, hmac-sha384, hmac-sha512, "
      "hmac-sha224, hmac-sha1 or hmac-md5, or NAME-BITS for a truncated MAC)");
  EXPECT_EQ(ErrorOf(std::string("tsig-keys: [{name: k, secret: ") + kSecret32 + "}]\n"),
            "test.yaml:1: TSIG key k. needs an algorithm (such as hmac-sha256)");
  EXPECT_EQ(
      ErrorOf(std::string("tsig-keys: [{algorithm: hmac-sha256, secret: ") + kSecret32 + "}]\n"),
      "test.yaml:1: a TSIG key needs a name (or a key-file)");
  EXPECT_EQ(ErrorOf(std::string("tsig-keys:\n  - {name: k, algorithm: hmac-sha256, secret:") +
                    kSecret32 + "}\n"),
            "test.yaml:2: unknown setting in a TSIG key (name, algorithm, secret, secret-file or "
            "key-file)");
  EXPECT_EQ(ErrorOf(key + "    secret: [" + kSecret32 + "]\n"),
            "test.yaml:4: tsig-keys.secret must be a single value");
  EXPECT_EQ(ErrorOf("tsig-keys: [{name: 'a..b', algorithm: hmac-sha256, secret: c2hvcnQ=}]\n"),
            "test.yaml:1: 'a..b' is not a TSIG key name (a domain name)");
  EXPECT_EQ(ErrorOf("tsig-keys: {name: k}\n"), "test.yaml:1: tsig-keys must be a list");
  EXPECT_EQ(ErrorOf("tsig-keys: [k]\n"), "test.yaml:1: each TSIG key must be a mapping");
  EXPECT_EQ(
      ErrorOf("tsig-keys: [{key-file: /x, name: k}]\n"),
      "test.yaml:1: a TSIG key entry with key-file has nothing else (the file names its keys)");
}

TEST(TsigKeysTest, DuplicateNamesAndUnknownReferences) {
  const std::string a =
      std::string("  - {name: a.example, algorithm: hmac-sha256, secret: ") + kSecret32 + "}\n";
  const std::string a_again =
      std::string("  - {name: A.Example., algorithm: hmac-sha1, secret: ") + kSecret32 + "}\n";
  EXPECT_EQ(ErrorOf("tsig-keys:\n" + a + a_again),
            "test.yaml:3: TSIG key A.Example. given twice (first at test.yaml:2)");
  std::string key_file =
      WriteFile("dup.key", "# one\n" + KeyClause("a.example", "hmac-sha256", kSecret32));
  EXPECT_EQ(
      ErrorOf("tsig-keys:\n" + a + "  - key-file: " + key_file + "\n"),
      "test.yaml:3: TSIG key a.example. of " + key_file + ":2 given twice (first at test.yaml:2)");
  EXPECT_EQ(
      ErrorOf(
          "forward-zones:\n  - {name: corp.example, servers: ['192.0.2.1'], tsig-key: b.example}\n"
          "tsig-keys:\n" +
          a),
      "test.yaml:2: forward zone corp.example. names TSIG key b.example., which tsig-keys does not "
      "define");
  EXPECT_EQ(
      ErrorOf("forward-zones: [{name: corp.example, servers: ['192.0.2.1'], tsig-key: 'x..y'}]\n"),
      "test.yaml:1: 'x..y' is not a TSIG key name (a domain name)");
}

// BIND's truncated algorithm names (RFC 8945 section 5.2.2.1): NAME-BITS, from max(80, L/2)
// bits to the full length in whole octets; the full length is no truncation.
TEST(TsigKeysTest, TruncatedMacAlgorithmNames) {
  auto bits = [](std::string_view text) -> int {
    auto choice = ParseTsigKeyAlgorithmFor(*dns::Name::FromText("k."), text);
    return choice ? choice->mac_bits : -1;
  };
  EXPECT_EQ(bits("hmac-sha256"), 0);
  EXPECT_EQ(bits("hmac-sha256-128"), 128);
  EXPECT_EQ(bits("HMAC-SHA512-256"), 256);
  EXPECT_EQ(bits("hmac-sha1-80"), 80);
  EXPECT_EQ(bits("hmac-sha384-384"), 0);
  EXPECT_EQ(bits("hmac-sha384-200"), 200);
  EXPECT_EQ(bits("hmac-sha256-120"), -1);  // Below half the hash.
  EXPECT_EQ(bits("hmac-md5-64"), -1);      // Below the 80-bit floor.
  EXPECT_EQ(bits("hmac-sha256-100"), -1);  // Not whole octets.
  EXPECT_EQ(bits("hmac-sha256-512"), -1);  // Longer than the hash.
  EXPECT_EQ(bits("hmac-sha256-"), -1);
  EXPECT_EQ(bits("hmac-sha256-x8"), -1);
  EXPECT_EQ(bits("hmac-whirlpool-128"), -1);
  Config config = Load(std::string("tsig-keys: [{name: t, algorithm: hmac-sha256-128, secret: ") +
                       kSecret32 + "}]\n");
  ASSERT_EQ(config.tsig_keys.size(), 1u);
  EXPECT_EQ(config.tsig_keys[0].algorithm, TsigKeyAlgorithm::kHmacSha256);
  EXPECT_EQ(config.tsig_keys[0].mac_bits, 128);
}

TEST(TsigKeysTest, MirrorZonesNameTheirPrimariesAndKey) {
  const std::string key =
      std::string("tsig-keys: [{name: xfr.example, algorithm: hmac-sha256, secret: ") + kSecret32 +
      "}]\n";
  Config config = Load(key +
                     "mirror-zones:\n"
                     "  - {name: corp.example, primaries: ['192.0.2.1', '[2001:db8::1]:5353'],"
                     " tsig-key: xfr.example}\n"
                     "  - {name: ., primaries: ['192.0.2.2']}\n");
  ASSERT_EQ(config.mirror_zones.size(), 2u);
  const MirrorZoneConfig& corp = config.mirror_zones[0];
  EXPECT_EQ(corp.name.ToText(), "corp.example.");
  ASSERT_EQ(corp.primaries.size(), 2u);
  EXPECT_EQ(corp.primaries[0].port, 53);
  EXPECT_EQ(corp.primaries[1].port, 5353);
  ASSERT_TRUE(corp.tsig_key.has_value());
  EXPECT_EQ(corp.tsig_key->ToText(), "xfr.example.");
  EXPECT_FALSE(config.mirror_zones[1].tsig_key.has_value());

  EXPECT_EQ(ErrorOf("mirror-zones: [{name: corp.example}]\n"),
            "test.yaml:1: mirror zone corp.example needs primaries");
  EXPECT_EQ(ErrorOf("mirror-zones: [{name: a., primaries: ['192.0.2.1']}, "
                    "{name: A, primaries: ['192.0.2.1']}]\n"),
            "test.yaml:1: mirror zone A given twice");
  EXPECT_EQ(ErrorOf("mirror-zones:\n  - {name: corp.example, primaries: ['192.0.2.1'],"
                    " tsig-key: nokey.example}\n"),
            "test.yaml:2: mirror zone corp.example. names TSIG key nokey.example., which "
            "tsig-keys does not define");
  EXPECT_EQ(ErrorOf("mirror-zones: [{name: corp.example, primaries: ['192.0.2.1'], zone: x}]\n"),
            "test.yaml:1: unknown setting 'zone'");
}

TEST(TsigKeysTest, UnreadableAndMalformedFilesAreErrors) {
  EXPECT_EQ(ErrorOf("tsig-keys:\n  - key-file: /nonexistent/tsig.key\n"),
            "test.yaml:2: key-file: cannot read /nonexistent/tsig.key: No such file or directory");
  EXPECT_EQ(
      ErrorOf("tsig-keys:\n  - {name: k, algorithm: hmac-sha256, secret-file: /nonexistent/s}\n"),
      "test.yaml:2: TSIG key k.: cannot read /nonexistent/s: No such file or directory");
  EXPECT_EQ(ErrorOf("tsig-keys: [{key-file: " + ::testing::TempDir() + "}]\n"),
            "test.yaml:1: key-file: cannot read " + ::testing::TempDir() + ": it is a directory");
  std::string bad_secret = WriteFile("bad-secret", "AAEC*wQF\n");
  EXPECT_EQ(
      ErrorOf("tsig-keys: [{name: k, algorithm: hmac-sha256, secret-file: " + bad_secret + "}]\n"),
      "test.yaml:1: TSIG key k.: the secret is not valid base64 (in " + bad_secret + ")");
  std::string empty_secret = WriteFile("empty-secret", "\n");
  EXPECT_EQ(ErrorOf("tsig-keys: [{name: k, algorithm: hmac-sha256, secret-file: " + empty_secret +
                    "}]\n"),
            "test.yaml:1: TSIG key k.: the secret is empty (in " + empty_secret + ")");
  // Errors inside a key file name that file and its line.
  std::string bad_key = WriteFile("bad.key", "\n" + KeyClause("k", "hmac-sha256", "AAEC*wQF"));
  EXPECT_EQ(ErrorOf("tsig-keys: [{key-file: " + bad_key + "}]\n"),
            bad_key + ":4: TSIG key k.: the secret is not valid base64");
}

TEST(TsigKeysTest, ShortSecretsAndMd5AreWarnings) {
  Config config = Load(std::string("tsig-keys:\n  - {name: s, algorithm: hmac-sha512, secret: ") +
                       kSecret32 + "}\n  - {name: m, algorithm: hmac-md5, secret: c2hvcnQ=}\n");
  ASSERT_EQ(config.warnings.size(), 3u);
  EXPECT_EQ(config.warnings[0],
            "test.yaml:2: TSIG key s. has a 32-octet secret, shorter than the 64-octet "
            "output of hmac-sha512 (RFC 8945 section 8)");
  EXPECT_EQ(config.warnings[1],
            "test.yaml:3: TSIG key m. has a 5-octet secret, shorter than the 16-octet "
            "output of hmac-md5 (RFC 8945 section 8)");
  EXPECT_EQ(config.warnings[2],
            "test.yaml:3: TSIG key m. uses hmac-md5, which RFC 8945 section 6 says MUST "
            "NOT be used; prefer hmac-sha256");
}

// Files holding secrets that group or others may read are named in a warning (stat mode & 077),
// as BIND and ssh do; the configuration file too when it holds a secret itself.
TEST(TsigKeysTest, FilesOthersMayReadAreWarnedAbout) {
  using std::filesystem::perms;
  std::string key_file =
      WriteFile("open.key", KeyClause("a", "hmac-sha256", kSecret32),
                perms::owner_read | perms::owner_write | perms::group_read | perms::others_read);
  std::string secret_file =
      WriteFile("group.secret", kSecret32, perms::owner_read | perms::group_read);
  std::string yaml =
      WriteFile("open.yaml",
                "tsig-keys:\n  - key-file: " + key_file +
                    "\n  - {name: b, algorithm: hmac-sha256, secret-file: " + secret_file +
                    "}\n  - {name: c, algorithm: hmac-sha256, secret: " + kSecret32 + "}\n",
                perms::owner_read | perms::owner_write | perms::others_read);
  auto config = LoadConfigFile(yaml);
  ASSERT_TRUE(config.has_value()) << config.error().ToString();
  ASSERT_EQ(config->warnings.size(), 3u);
  const char* kAdvice = "); chmod 600 it, as BIND and ssh expect of private keys";
  EXPECT_EQ(config->warnings[0], yaml + ":2: " + key_file +
                                     " holds TSIG secrets but group or others may access "
                                     "it (mode 0644" +
                                     kAdvice);
  EXPECT_EQ(config->warnings[1], yaml + ":3: " + secret_file +
                                     " holds TSIG secrets but group or others may "
                                     "access it (mode 0440" +
                                     kAdvice);
  EXPECT_EQ(config->warnings[2], yaml + ":4: " + yaml +
                                     " holds TSIG secrets but group or others may access "
                                     "it (mode 0604" +
                                     kAdvice);
  for (const std::string& warning : config->warnings)
    EXPECT_EQ(warning.find(kSecret32), std::string::npos);
  std::filesystem::permissions(yaml, perms::owner_read | perms::owner_write);
  EXPECT_TRUE(LoadConfigFile(yaml)->warnings.size() == 2u);  // The private config file is fine.
}

}  // namespace
}  // namespace redoubt::resolver
