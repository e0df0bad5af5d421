// Typed RDATA: one variant over every record type redoubt knows, plus Unknown (RFC 3597).
//
// Storage elsewhere (RdataSet, the cache) keeps RDATA as uncompressed wire bytes; the typed form
// is decoded on demand. Decoding checks that a type's fields consume RDLENGTH exactly and that
// names are compressed only where RFC 3597 section 4 allows; for every accepted input,
// Encode(Decode(x)) in uncompressed form gives x back octet for octet (the fuzzers check this).
#pragma once

#include <span>
#include <variant>
#include <vector>

#include "net/base/result.h"
#include "net/dns/rdata/core.h"
#include "net/dns/rdata/dnssec.h"
#include "net/dns/rdata/transaction.h"
#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::dns {

using Rdata = std::variant<
    rdata::A, rdata::NS, rdata::MD, rdata::MF, rdata::CNAME, rdata::SOA, rdata::MB, rdata::MG,
    rdata::MR, rdata::PTR, rdata::HINFO, rdata::MINFO, rdata::MX, rdata::TXT, rdata::RP,
    rdata::AFSDB, rdata::RT, rdata::SIG, rdata::KEY, rdata::AAAA, rdata::NXT, rdata::SRV,
    rdata::NAPTR, rdata::KX, rdata::DNAME, rdata::OPT, rdata::DS, rdata::SSHFP, rdata::RRSIG,
    rdata::NSEC, rdata::DNSKEY, rdata::NSEC3, rdata::NSEC3PARAM, rdata::TLSA, rdata::SMIMEA,
    rdata::CDS, rdata::CDNSKEY, rdata::OPENPGPKEY, rdata::CSYNC, rdata::ZONEMD, rdata::SVCB,
    rdata::HTTPS, rdata::SPF, rdata::TKEY, rdata::TSIG, rdata::URI, rdata::CAA, rdata::DLV,
    rdata::Unknown>;

// How RDATA is written.
enum class RdataForm : uint8_t {
  kMessage,       // In a message: names compressed where the type allows (RFC 3597 section 4).
  kUncompressed,  // Storage form: no compression, case preserved.
  kCanonical,     // RFC 4034 section 6.2: no compression, names lowercased where the type says.
};

// The type of a typed RDATA.
RrType TypeOf(const Rdata& rdata) noexcept;
// True when redoubt has a structure for `type` (else it is handled as Unknown).
bool IsKnownType(RrType type) noexcept;
// The NameRules bits of `type` (kNamesPlain for unknown types).
uint8_t NameRulesOf(RrType type) noexcept;

// Decodes RDATA of `type` from `reader`, which must be limited to exactly RDLENGTH octets
// (WireReader::Sub). Fails with the reader's error (kTruncated, kBadPointer, ...), kBadRdata for
// invalid field values, or kRdataLength when octets remain.
Result<Rdata> DecodeRdata(RrType type, WireReader reader);
// Decodes uncompressed RDATA bytes (storage form).
Result<Rdata> DecodeRdata(RrType type, std::span<const uint8_t> bytes);

// Appends RDATA (without RDLENGTH) to `writer`. Fails with kBufferFull (nothing useful written:
// the caller truncates to its mark) or kBadRdata for values that cannot be encoded.
Status EncodeRdata(const Rdata& rdata, WireWriter& writer, RdataForm form);
// The RDATA in uncompressed or canonical form as a byte vector.
Result<std::vector<uint8_t>> RdataToBytes(const Rdata& rdata, RdataForm form = RdataForm::kUncompressed);

// Reads RDATA of `type` from a message (possibly compressed) and returns its uncompressed
// storage form, validating it on the way. Unknown types are copied verbatim.
Result<std::vector<uint8_t>> UncompressRdata(RrType type, WireReader reader);

// Decodes a specific type from uncompressed bytes: Decode<rdata::RRSIG>(bytes).
template <class T>
Result<T> Decode(std::span<const uint8_t> bytes) {
  ASSIGN_OR_RETURN(Rdata any, DecodeRdata(T::kType, bytes));
  if (auto* typed = std::get_if<T>(&any)) return std::move(*typed);
  return Fail(Errc::kBadRdata);
}

}  // namespace redoubt::dns
