// Error codes shared by every layer of redoubt.
//
// An Error is a small, trivially copyable value: a code and a numeric detail (for wire errors,
// the byte offset where the problem was found). No heap strings travel with errors on the hot
// path; context is logged where a failure happens (design guide section 3).
#pragma once

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace redoubt {

// Error codes, grouped by the layer that raises them. Values are stable only within a build.
enum class Errc : uint16_t {
  kOk = 0,
  // General.
  kInvalidArgument,
  kOutOfRange,
  kNotFound,
  kInternal,  // A recoverable internal check failed (CHECK_OR_FAIL).
  kUnsupported,
  // Wire format (RFC 1035 section 4, RFC 6891, RFC 8945).
  kTruncated,            // A read ran past the end of the buffer.
  kLabelTooLong,         // A label over 63 octets (RFC 1035 section 2.3.4).
  kNameTooLong,          // A name over 255 octets (RFC 1035 section 2.3.4).
  kBadLabelType,         // Reserved label types 0b01 / 0b10 (RFC 6891 section 5).
  kBadPointer,           // Compression pointer not to an earlier name (RFC 1035 section 4.1.4).
  kPointerIntoHeader,    // Compression pointer into the 12-octet header.
  kTooManyPointers,      // Decompression jump budget exhausted.
  kRdataLength,          // RDATA not consumed exactly or RDLENGTH past the end.
  kBadRdata,             // RDATA fields invalid for the type.
  kCountMismatch,        // Section counts larger than the records present.
  kTrailingData,         // Bytes after the last record.
  kOptMisplaced,         // OPT outside the additional section or not owned by the root.
  kOptDuplicate,         // More than one OPT RR (RFC 6891 section 6.1.1).
  kTsigMisplaced,        // TSIG not the last record of the additional section (RFC 8945 5.1).
  kBadEdnsOption,        // An EDNS option whose length does not fit its contents.
  kBufferFull,           // A writer's bounded buffer cannot take more.
  // Presentation format (RFC 1035 section 5).
  kSyntax,
  kBadEscape,
  kBadNumber,
  kBadBase64,
  kBadHex,
  kBadBase32,
  kBadTime,
  kUnknownType,
  kUnknownClass,
  kUnknownAlgorithm,     // Neither a number nor a DNSSEC algorithm mnemonic (RFC 4034 A.1).
  kIncludeDepth,
  kIo,
  // Crypto.
  kCryptoFailure,
  kDigestMismatch,
  kNonceMismatch,
  // Cache.
  kCorruptEntry,         // A stored entry failed its checksum or does not decode.
  kCacheFull,            // The map is full even after eviction.
};

// Returns the enumerator name without the leading 'k' ("Truncated"); never null.
std::string_view ErrcName(Errc code) noexcept;

// A failure: what went wrong and, for wire errors, the byte offset at which it was detected.
struct Error {
  Errc code = Errc::kInternal;
  uint32_t detail = 0;

  friend bool operator==(const Error&, const Error&) = default;
};
static_assert(std::is_trivially_copyable_v<Error>);

}  // namespace redoubt
