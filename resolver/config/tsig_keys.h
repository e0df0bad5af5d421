// TSIG keys as the configuration holds them (RFC 8945; issue #14: keys for the links to
// forwarders). This is the config layer's own vocabulary: it checks names, algorithms and secrets
// at start-up and never computes a MAC (crypto/ does, and config/ may not include it).
//
// A secret is never printed: TsigSecret has no text form, and no reason or warning made here
// contains secret text, only the key's name and where it was written.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"

namespace redoubt::resolver {

// The HMAC algorithms of RFC 8945 section 6 that a key may use. The truncated forms
// (hmac-sha256-128 and the like) and gss-tsig are not key algorithms here.
enum class TsigKeyAlgorithm : uint8_t {
  kHmacMd5,
  kHmacSha1,
  kHmacSha224,
  kHmacSha256,
  kHmacSha384,
  kHmacSha512
};

// "hmac-sha256" and the rest, case-insensitive, with or without a trailing dot; HMAC-MD5 also as
// its wire name "hmac-md5.sig-alg.reg.int" (RFC 8945 section 6). Anything else: nullopt.
std::optional<TsigKeyAlgorithm> ParseTsigKeyAlgorithm(std::string_view text);
// The lower-case name BIND and tsig-keygen write ("hmac-md5" for HMAC-MD5).
std::string_view TsigKeyAlgorithmName(TsigKeyAlgorithm algorithm);
// Octets of the hash output: the least secret length RFC 8945 section 8 recommends.
size_t TsigKeyAlgorithmOutputSize(TsigKeyAlgorithm algorithm);
// The accepted names for an error message ("hmac-sha256, hmac-sha384, ... or hmac-md5").
std::string TsigKeyAlgorithmChoices();

// A shared secret's octets (RFC 8945 section 8). Deliberately without operator<<, ToString or
// comparison: the only way out is bytes(), for the code that computes MACs. Wiped when destroyed.
class TsigSecret {
 public:
  TsigSecret() = default;
  explicit TsigSecret(std::vector<uint8_t> bytes) : bytes_(std::move(bytes)) {}
  TsigSecret(const TsigSecret&) = default;
  TsigSecret(TsigSecret&&) = default;
  TsigSecret& operator=(const TsigSecret& other);
  TsigSecret& operator=(TsigSecret&& other) noexcept;
  ~TsigSecret();

  std::span<const uint8_t> bytes() const noexcept { return bytes_; }
  size_t size() const noexcept { return bytes_.size(); }

 private:
  void Wipe() noexcept;
  std::vector<uint8_t> bytes_;
};

// One key of tsig-keys. Names compare as DNS names (case-insensitive, always absolute: the key
// PowerDNS calls `test` is BIND's `test.`).
struct TsigKeyConfig {
  dns::Name name;
  TsigKeyAlgorithm algorithm = TsigKeyAlgorithm::kHmacSha256;
  // Bits of MAC sent, and the fewest accepted in replies (RFC 8945 section 5.2.2.1, BIND's
  // "hmac-sha256-128"); 0: the full MAC, sent and required.
  uint16_t mac_bits = 0;
  TsigSecret secret;
  std::string origin;  // "file:line" where the key was written, for messages.
};

// The parts of a key as a configuration or key file spells them. Each failure is a reason for a
// ConfigError; none contains the secret (nor the algorithm text, which could be a misplaced one).
Result<dns::Name, std::string> ParseTsigKeyName(std::string_view text);
// An algorithm as a key names it: a name above, or BIND's truncated form NAME-BITS
// ("hmac-sha256-128": the MAC cut to its first 128 bits, RFC 8945 section 5.2.2.1), where BITS
// is a multiple of 8, at most the hash's output and at least max(80, half of it); the full
// length gives mac_bits 0.
struct TsigKeyAlgorithmChoice {
  TsigKeyAlgorithm algorithm = TsigKeyAlgorithm::kHmacSha256;
  uint16_t mac_bits = 0;
};
Result<TsigKeyAlgorithmChoice, std::string> ParseTsigKeyAlgorithmFor(const dns::Name& key,
                                                                     std::string_view text);
// Base64 (RFC 4648 section 4), surrounding white space ignored; empty is an error.
Result<TsigSecret, std::string> DecodeTsigSecret(const dns::Name& key, std::string_view base64);

// What is legal but unwise about a key, each line starting with its origin: a secret shorter
// than the hash output (RFC 8945 section 8), HMAC-MD5 (RFC 8945 section 6: MUST NOT use).
std::vector<std::string> TsigKeyWarnings(const TsigKeyConfig& key);

// A key file's or secret file's whole text, or why it cannot be read ("cannot read PATH: why").
Result<std::string, std::string> ReadKeyMaterial(const std::string& path);
// A warning when group or others have any access to `path` (mode & 077), as BIND and ssh give for
// private keys; nullopt when the mode is private or cannot be read.
std::optional<std::string> KeyFileModeWarning(const std::string& path);

}  // namespace redoubt::resolver
