// TSIG, secret key transaction authentication for DNS (RFC 8945), as pure functions over wire
// bytes: no I/O and no clock (the caller passes the time). The client signs a rendered request
// and verifies the reply to it; a responder (tests, the lab) signs replies the same way.
// specs/tsig.md is the digest this follows; security.md section D lists the attacks that
// tsig_test.cc stops, one test per row.
//
// Layering with the other message features (specs/tsig.md section 8): OPT and CHECKSUM are
// inside the signed message and TSIG is appended last. A reply is verified here first; CHECKSUM
// is then checked on the TSIG-stripped bytes that VerifyTsigReply returns.
//
// MAC inputs (RFC 8945 section 4.3), all concatenated:
//   request:              DNS Message . TSIG Variables
//   response:             Request MAC . DNS Message . TSIG Variables
//   later TCP message:    Prior MAC . unsigned messages since . DNS Message . TSIG Timers
// where a Request or Prior MAC is preceded by its 2-octet length, DNS Message is the message
// without its TSIG (ARCOUNT not counting it, ID = the TSIG's Original ID), TSIG Variables are
// key name and algorithm name (lowercase, uncompressed), CLASS ANY, TTL 0, Time Signed (48 bit),
// Fudge, Error, Other Len and Other Data, and TSIG Timers are Time Signed and Fudge alone.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/rdata/transaction.h"
#include "net/dns/types.h"

namespace redoubt::crypto {

// The customary permitted clock error, in seconds (RFC 8945 section 10).
inline constexpr uint16_t kDefaultTsigFudge = 300;
// Unsigned messages a client accepts in a row inside a TCP stream (RFC 8945 section 5.3.1).
inline constexpr uint32_t kMaxUnsignedTsigMessages = 99;

// The HMAC algorithms of RFC 8945 section 6, and GSS-TSIG (RFC 3645 section 2: "gss-tsig."),
// whose MAC is a GSS-API MIC token computed by a negotiated security context
// (TsigKey::mic_engine) rather than by a shared secret.
enum class TsigAlgorithm : uint8_t {
  kHmacMd5, kHmacSha1, kHmacSha224, kHmacSha256, kHmacSha384, kHmacSha512, kGssTsig,
};

// The longest GSS-TSIG MAC accepted: a Kerberos MIC token (RFC 4121 section 4.2.6.1) is 16
// octets of header and a checksum of at most 32; older token formats (RFC 1964) stay under 64.
// Anything longer is refused unread (kMacTooLong).
inline constexpr size_t kMaxGssMicLength = 1024;

// The part of a GSS-API security context TSIG uses (RFC 3645 section 5): GSS_GetMIC and
// GSS_VerifyMIC over the TSIG MAC input. A context is not safe for concurrent use; its owner
// calls these from one thread at a time.
class TsigMicEngine {
 public:
  virtual ~TsigMicEngine() = default;
  // GSS_GetMIC with the default QOP (RFC 2743 section 2.3.1): the MAC to send, never truncated.
  virtual Result<std::vector<uint8_t>> GetMic(std::span<const uint8_t> message) = 0;
  // GSS_VerifyMIC (RFC 2743 section 2.3.2): true only for GSS_S_COMPLETE without the
  // DUPLICATE_TOKEN or OLD_TOKEN supplementary bits (a replay).
  virtual bool VerifyMic(std::span<const uint8_t> message, std::span<const uint8_t> mic) = 0;
};

// An algorithm as a message or a configuration names it: the base algorithm and the MAC length
// the name implies, the full length except for the truncated names hmac-sha256-128 (16 octets),
// hmac-sha384-192 (24) and hmac-sha512-256 (32) of RFC 8945 section 6.
struct TsigAlgorithmSpec {
  TsigAlgorithm algorithm = TsigAlgorithm::kHmacSha256;
  size_t mac_length = 0;
  friend bool operator==(const TsigAlgorithmSpec&, const TsigAlgorithmSpec&) = default;
};

// The wire name in lower case: "hmac-md5.sig-alg.reg.int.", "hmac-sha1.", "hmac-sha224.",
// "hmac-sha256.", "hmac-sha384.", "hmac-sha512." (RFC 8945 section 6). SignTsig always sends
// this base name, also with a truncated MAC, as BIND does (specs/tsig.md section 3).
const dns::Name& TsigAlgorithmName(TsigAlgorithm algorithm) noexcept;
// The full MAC length L in octets: 16, 20, 28, 32, 48, 64; kMaxGssMicLength for GSS-TSIG, whose
// MIC has no fixed length and is never truncated.
size_t TsigMacLength(TsigAlgorithm algorithm) noexcept;
// The shortest MAC RFC 8945 section 5.2.2.1 allows for the algorithm: max(10, L/2) octets
// (GSS-TSIG: 1, any MIC the context verifies).
size_t TsigMinimumMacLength(TsigAlgorithm algorithm) noexcept;
// The algorithm a received Algorithm Name stands for, compared case-insensitively (RFC 8945
// section 6 lists the names; the truncated ones map to their base algorithm with a shorter
// mac_length); "gss-tsig." gives kGssTsig with mac_length 0. nullopt for any other name.
std::optional<TsigAlgorithmSpec> TsigAlgorithmFromName(const dns::Name& name);
// The algorithm a configuration names: the wire names above with or without the final dot,
// plus "hmac-md5" (BIND's and dig's spelling of hmac-md5.sig-alg.reg.int.), all
// case-insensitive ("HMAC-SHA256", "hmac-sha256-128"). nullopt for anything else, "gss-tsig"
// included: a GSS-TSIG key is negotiated (TKEY, RFC 3645 section 3), never configured.
std::optional<TsigAlgorithmSpec> TsigAlgorithmFromText(std::string_view text);

// A shared secret (RFC 8945 section 8). Deliberately not printable: there is no operator<< nor
// any text form, so that the secret cannot reach a log. The secret is wiped (OPENSSL_cleanse)
// when the key is destroyed (design guide section 6); copies are wiped when they die.
struct TsigKey {
  dns::Name name;
  TsigAlgorithm algorithm = TsigAlgorithm::kHmacSha256;
  std::vector<uint8_t> secret;
  // Octets of MAC this side sends and the fewest it accepts (RFC 8945 section 5.2.2.1; BIND's
  // hmac-sha256-128 is 16): 0 sends and requires the full length. A value outside the RFC's
  // range makes SignTsig fail.
  size_t mac_length = 0;
  // kGssTsig only: the established security context that computes and checks MACs (RFC 3645
  // section 5); `secret` stays empty. Copies of the key share the context. Signing or
  // verifying with kGssTsig and no engine fails (kInvalidArgument; kBadMac).
  std::shared_ptr<TsigMicEngine> mic_engine = nullptr;
  ~TsigKey();
};

// What a signature covers besides the message, and how it chains (RFC 8945 sections 4.3, 5.1,
// 5.3). The spans must stay valid for the call.
struct TsigSignOptions {
  uint64_t time_signed = 0;  // Seconds since 1970-01-01 UTC; must fit in 48 bits.
  uint16_t fudge = kDefaultTsigFudge;
  // A response: the request's MAC as it was received (truncated as sent), hashed first with its
  // 2-octet length (section 4.3.1). Empty for a request.
  std::span<const uint8_t> request_mac;
  // A later message of a TCP stream (section 5.3.1): the MAC of the previous signed message.
  // When set, the MAC covers Prior MAC, unsigned_messages, the message and the TSIG Timers.
  std::span<const uint8_t> prior_mac;
  // With prior_mac: the messages sent unsigned since that one, concatenated as sent.
  std::span<const uint8_t> unsigned_messages;
  // A signed error reply (section 5.3.2: BADTIME, BADTRUNC) and its Other Data (BADTIME: the
  // server's time, 6 octets).
  dns::Rcode error = dns::Rcode::NOERROR;
  std::span<const uint8_t> other_data;
  // Octets of MAC to send: 0 for the key's mac_length (the full length when that is 0 too),
  // else a truncation between TsigMinimumMacLength and TsigMacLength (section 5.2.2.1: never
  // shorter, never longer).
  size_t mac_length = 0;
};

struct TsigSigned {
  std::vector<uint8_t> message;  // The input with the TSIG RR appended and ARCOUNT + 1.
  std::vector<uint8_t> mac;      // The MAC as sent: the request MAC that the reply must chain to.
};

// Signs a rendered message (RFC 8945 sections 5.1 and 5.3): computes the MAC over the message
// as given (its ID becomes the Original ID; OPT and CHECKSUM already inside) and appends the
// TSIG RR: owner = the key name uncompressed, CLASS ANY, TTL 0, RDATA as dns::rdata::TSIG.
// Fails with kTruncated when `message` is shorter than a header, kInvalidArgument for options
// that break the rules above (time over 48 bits, both request_mac and prior_mac, unsigned
// messages without prior_mac, an illegal mac_length, Other Data over 65535 octets), kBufferFull
// when the result would exceed 65535 octets or ARCOUNT would overflow, kCryptoFailure when
// OpenSSL fails.
Result<TsigSigned> SignTsig(std::span<const uint8_t> message, const TsigKey& key,
                            const TsigSignOptions& options);

// Appends a TSIG RR with these exact fields (owner uncompressed, CLASS ANY, TTL 0) and
// increments ARCOUNT, computing nothing: the unsigned error replies of RFC 8945 section 5.3.2
// (BADKEY, BADSIG: MAC Size 0) and, in tests, forged TSIGs. Errors as SignTsig (kTruncated,
// kBufferFull; kBadRdata when `tsig` cannot be encoded).
Result<std::vector<uint8_t>> AppendTsigRecord(std::span<const uint8_t> message,
                                              const dns::Name& owner,
                                              const dns::rdata::TSIG& tsig);

// Why a reply was accepted or not (RFC 8945 section 5.4, client processing; the server's
// equivalents of section 5.2 in parentheses). Every value but kOk and kUnsignedInStream means
// "discard the message"; none is a reason to stop waiting for the real reply (specs/tsig.md
// section 6), except kServerError when its MAC verified.
enum class TsigVerdict : uint8_t {
  kOk,              // Signed with the key, MAC verified, time within the fudge.
  kUnsigned,        // No TSIG although the request was signed.
  kMisplaced,       // TSIG not the last record, two TSIGs, or TSIG outside the additional
                    // section (section 5.1; FORMERR).
  kMalformed,       // The message does not parse, or the TSIG's CLASS is not ANY or TTL not 0
                    // (section 4.2; FORMERR).
  kWrongKey,        // Signed with another key name (section 5.4.1; BADKEY).
  kWrongAlgorithm,  // An unknown algorithm or not the key's (section 5.4.1; BADKEY).
  kMacTooLong,      // MAC Size above the hash length (section 5.2.2.1; FORMERR; the
                    // CVE-2017-3142 class).
  kMacTooShort,     // MAC Size below max(10, L/2) (section 5.2.2.1; FORMERR) or below the
                    // local truncation policy (section 7; BADTRUNC).
  kBadMac,          // The MAC does not verify (section 5.4.2; BADSIG).
  kBadTime,         // |now - Time Signed| > Fudge (section 5.4.3; BADTIME).
  kServerError,     // The TSIG's Error is set: the server refused our request (sections 5.3.2,
                    // 5.4); see TsigVerification::error and mac_verified.
  kUnsignedInStream,  // Streams only: an unsigned message that the next signed one must cover
                      // (section 5.3.1); not authenticated until then.
  kTooManyUnsigned,   // Streams only: a 100th unsigned message in a row (section 5.3.1: assume
                      // a hijack, close the connection).
};

// The enumerator name without the leading 'k' ("BadMac"), for logs and metrics.
std::string_view TsigVerdictName(TsigVerdict verdict) noexcept;
// A TSIG Error field's mnemonic (RFC 8945 section 3; the IANA RCODE registry): 16 is BADSIG
// here, not BADVERS as in an OPT record; other values as dns::RcodeToText names them. It names a
// TKEY Error field too, which shares the registry (RFC 2930 section 2.6: 19 BADMODE, 20 BADNAME,
// 21 BADALG).
std::string TsigErrorName(dns::Rcode error);

// The local truncation policy (RFC 8945 section 7).
struct TsigPolicy {
  // The shortest MAC accepted, in octets: 0 (the default) accepts only full-length MACs; a
  // value below the RFC's floor max(10, L/2) does not lower the floor, one above L acts as L.
  // A key with a mac_length of its own uses that instead.
  size_t min_mac_length = 0;
};

struct TsigVerification {
  TsigVerdict verdict = TsigVerdict::kMalformed;
  // True when the TSIG's MAC verified under the key: with kOk, and with kBadTime and
  // kServerError when the reply itself is genuine (a BADTIME or BADTRUNC reply is signed; a
  // BADKEY or BADSIG reply carries no MAC and is never authenticated).
  bool mac_verified = false;
  // The TSIG's fields as received, whenever one was read (trust them only with mac_verified):
  // its Error, its Time Signed (kBadTime: log now - time_signed as the clock difference; never
  // set the clock from it, specs/tsig.md section 6), and a BADTIME reply's Other Data, the
  // server's clock (RFC 8945 section 5.2.3), when it is 6 octets long.
  dns::Rcode error = dns::Rcode::NOERROR;
  uint64_t time_signed = 0;
  std::optional<uint64_t> server_time;
  // kOk: the message without its TSIG, ARCOUNT decremented and the ID restored from the
  // Original ID, never longer than the input: what CHECKSUM and the parser see next.
  // kUnsignedInStream: the message as received.
  std::vector<uint8_t> message;
  // kOk: the MAC as received, the Prior MAC of the next message of a TCP stream.
  std::vector<uint8_t> mac;
};

// Verifies the reply to a signed request (RFC 8945 section 5.4), in the order of sections 5.2
// and 5.4: placement, key name, algorithm, MAC length rules, the local truncation policy, the
// MAC (compared in constant time over exactly the received MAC Size), the time, then the TSIG
// Error. A TSIG with MAC Size 0 and an Error set is an unsigned error reply (kServerError,
// mac_verified false). `request_mac` is the MAC our request was sent with (TsigSigned::mac):
// it binds the reply to that request, so a genuine reply to another query fails as kBadMac.
// The Fudge compared with is the reply's own, covered by its MAC. Never throws; never reads
// outside `reply`.
TsigVerification VerifyTsigReply(std::span<const uint8_t> reply, const TsigKey& key,
                                 std::span<const uint8_t> request_mac, uint64_t now,
                                 const TsigPolicy& policy = {});

// A client's position in a multi-message TCP answer such as AXFR (RFC 8945 section 5.3.1).
// Start with prior_mac = the request MAC (TsigSigned::mac), the rest default;
// VerifyTsigStreamMessage keeps it up to date.
struct TsigStreamState {
  // The MAC the next signed message chains to: the request MAC until the first message is
  // verified, then the MAC of the last signed message.
  std::vector<uint8_t> prior_mac;
  bool started = false;  // A first message has been verified.
  // Messages received unsigned since the last signed one, concatenated as received (at most
  // 99 of them, so under 6.5 MB), and their number.
  std::vector<uint8_t> unsigned_messages;
  uint32_t unsigned_count = 0;
};

// Verifies the next message of a TCP stream and advances `state` on success. The first message
// is checked as VerifyTsigReply does (unsigned: kUnsigned); later signed ones cover Prior MAC, the unsigned messages
// since and the TSIG Timers; an unsigned message after the first gives kUnsignedInStream (its
// bytes are kept for the next MAC) up to 99 in a row, then kTooManyUnsigned. Any other verdict
// leaves `state` as it was, and the caller closes the connection. At the end of the answer the
// last message must have been signed: state.unsigned_count == 0.
TsigVerification VerifyTsigStreamMessage(std::span<const uint8_t> message, const TsigKey& key,
                                         uint64_t now, TsigStreamState& state,
                                         const TsigPolicy& policy = {});

}  // namespace redoubt::crypto
