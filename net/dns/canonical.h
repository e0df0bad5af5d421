// DNSSEC canonical form and the data a signature covers.
//
// RFC 4034 section 6.2 (canonical RR form: uncompressed, names lowercased for the listed types,
// the list as amended by RFC 6840 section 5.1), section 6.3 (canonical RR order within an RRset:
// RDATA compared as left-justified octet strings, duplicates removed), and section 3.1.8.1
// (signed data = RRSIG RDATA without the signature | canonical RRs). The legacy SIG uses the same
// construction (RFC 2535 section 4.1.8; specs/dnssec-legacy.md section 2.4). The bytes are built
// here, in the codec; the signature check itself lives in crypto/ (design guide section 6).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/rdata.h"

namespace redoubt::dns {

using RdataBytes = std::vector<uint8_t>;

// The canonical form of one RDATA given in uncompressed storage form. Unknown types are returned
// as they are. Fails when the bytes are not valid RDATA of `type`.
Result<RdataBytes> CanonicalRdata(RrType type, std::span<const uint8_t> rdata);

// The RRset's RDATA in canonical form and canonical order, duplicates removed
// (RFC 4034 section 6.3).
Result<std::vector<RdataBytes>> CanonicalRdataSet(RrType type, std::span<const RdataBytes> rdatas);

// The owner name a signature was computed over: the owner lowercased, or, when the signature's
// Labels field is smaller than the owner's label count, "*." + the rightmost `labels` labels
// (RFC 4035 section 5.3.2). Fails with kBadRdata when labels exceeds the owner's label count.
Result<Name> SignedOwner(const Name& owner, uint8_t labels);

// The octets an RRSIG or SIG signs over `rdatas` (uncompressed storage form) at `owner`/`klass`:
// the signature RDATA up to and excluding the Signature field, with the signer lowercased,
// then each RR as owner | type | class | original TTL | RDLENGTH | canonical RDATA, in canonical
// order (RFC 4034 section 3.1.8.1, RFC 2535 section 4.1.8.1). Fails with kBadRdata on a
// label count the owner cannot have, or the RDATA's own decoding error.
Result<std::vector<uint8_t>> SignedData(const rdata::RRSIG& sig, const Name& owner, RrClass klass,
                                        std::span<const RdataBytes> rdatas);
Result<std::vector<uint8_t>> SignedData(const rdata::SIG& sig, const Name& owner, RrClass klass,
                                        std::span<const RdataBytes> rdatas);

// RFC 4034 Appendix B key tag over DNSKEY/KEY RDATA; for algorithm 1 (RSA/MD5) the legacy rule
// of RFC 2537 / specs/dnssec-legacy.md section 1.6 (octets n-3 and n-2 of the modulus).
uint16_t KeyTag(std::span<const uint8_t> key_rdata) noexcept;

}  // namespace redoubt::dns
