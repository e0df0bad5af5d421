// The TSIG MAC computation shared by signing and verification (RFC 8945 section 4.3). Internal
// to crypto/tsig*.cc; the public interface is crypto/tsig.h.
#pragma once

#include <cstdint>
#include <span>

#include "crypto/digest.h"
#include "crypto/tsig.h"
#include "net/base/result.h"

namespace redoubt::crypto {

// Everything the MAC covers besides the key (RFC 8945 sections 4.3.1-4.3.3, 5.3.1).
struct TsigMacInput {
  // The Request MAC of a response or the Prior MAC of a later stream message; hashed with its
  // 2-octet length before it. Empty: none (a request).
  std::span<const uint8_t> previous_mac;
  // Later stream messages: the unsigned messages since the prior MAC, as sent.
  std::span<const uint8_t> unsigned_messages;
  // The DNS Message: without the TSIG, ARCOUNT not counting it, ID = the Original ID.
  std::span<const uint8_t> message;
  // True for a later stream message: TSIG Timers instead of the TSIG Variables.
  bool timers_only = false;
  // The TSIG Variables: the algorithm name as it stands in the TSIG (hashed lowercased),
  // Time Signed (48 bits), Fudge, Error and Other Data. The key name comes from the key.
  const dns::Name* algorithm_name = nullptr;
  uint64_t time_signed = 0;
  uint16_t fudge = 0;
  uint16_t error = 0;
  std::span<const uint8_t> other_data;
};

// The MAC input as one string, in the order of RFC 8945 section 4.3 (a previous MAC with its
// 2-octet length, unsigned messages, the message, the variables or timers): what HMAC hashes
// and what GSS_GetMIC / GSS_VerifyMIC sign (RFC 3645 section 5). Fails with kInvalidArgument
// when algorithm_name is null or the previous MAC is over 65535 octets, kBufferFull when the
// variables cannot be encoded (Other Data too long).
Result<std::vector<uint8_t>> TsigMacInputBytes(const TsigKey& key, const TsigMacInput& input);

// The full-length HMAC of `input` under the key's secret and algorithm. Fails as
// TsigMacInputBytes, with kInvalidArgument for a kGssTsig key, kCryptoFailure when OpenSSL
// fails.
Result<Digest> ComputeTsigMac(const TsigKey& key, const TsigMacInput& input);

}  // namespace redoubt::crypto
