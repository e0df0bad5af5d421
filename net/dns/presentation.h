// Presentation format of records (RFC 1035 section 5.1, RFC 3597 section 5).
//
// Text is produced in the layout ldns-read-zone prints ("owner<TAB>ttl<TAB>class<TAB>type<TAB>
// rdata"), with every field in the format BIND and ldns use, so their output and ours can be
// compared record for record (tests/corpus). Types redoubt has no structure for are printed in
// the generic form "TYPE<n> \# <len> <hex>"; the generic form is accepted for every type.
#pragma once

#include <span>
#include <string>

#include "net/base/result.h"
#include "net/dns/rdata.h"
#include "net/dns/rdata/text_codec.h"
#include "net/dns/record.h"

namespace redoubt::dns {

// The RDATA as presentation text (fields separated by single spaces).
std::string RdataToText(const Rdata& rdata);
// RDATA bytes (uncompressed) of `type` as text; bytes that do not decode as `type` are printed
// in the generic form.
std::string RdataBytesToText(RrType type, std::span<const uint8_t> rdata);
// "\# <len> <hex>" (RFC 3597 section 5); "\# 0" for empty RDATA.
std::string GenericRdataText(std::span<const uint8_t> rdata);

// Parses RDATA of `type` from its tokens (escapes still raw, see Token); relative names are
// completed with `origin` and "@" is the origin. Accepts the RFC 3597 generic form for any type
// (validated against the type's structure when redoubt knows it). Fails with the field's error
// (kSyntax, kBadNumber, kBadBase64, ...) or kSyntax when tokens are left over.
Result<Rdata> RdataFromText(RrType type, std::span<const Token> tokens, const Name& origin);
// The same, giving uncompressed wire bytes.
Result<std::vector<uint8_t>> RdataBytesFromText(RrType type, std::span<const Token> tokens,
                                                const Name& origin);

// One record as a zone-file line, without a trailing newline. With generic=true the RDATA is
// always in RFC 3597 form and the type as TYPE<n>.
std::string RecordToText(const Record& record, bool generic = false);

}  // namespace redoubt::dns
