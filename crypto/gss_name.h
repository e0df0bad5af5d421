// The GSS-API target names of GSS-TSIG (RFC 3645 section 3.1.1) and how Kerberos spells them:
// a host-based service name `DNS@ns1.corp.example` (GSS_C_NT_HOSTBASED_SERVICE, the principal
// DNS/ns1.corp.example@REALM), and a domain-based service name
// `DNS@corp.example@ns1.corp.example` (RFC 5178 section 2; GSS_C_NT_DOMAINBASED_SERVICE), which
// RFC 5179 section 2 maps to the three-part principal DNS/ns1.corp.example/corp.example@REALM.
// A domain-based name proves that the host is authorised to serve the domain, not merely that
// it is some host (RFC 5178 section 1); MIT krb5 has no name type for it, so redoubt imports the
// RFC 5179 principal explicitly (specs/gss-tsig.md section 4).
//
// Domains and hosts are taken in UTF-8 or in A-labels and kept as A-labels in lower case
// (RFC 5178 section 5: display and compare in ASCII), converted with libidn2 (IDNA 2008,
// non-transitional, NFC input). Pure functions: no GSS call, no DNS lookup.
#pragma once

#include <string>
#include <string_view>

#include "net/base/result.h"

namespace redoubt::crypto {

struct GssTargetName {
  enum class Kind : uint8_t { kHostBased, kDomainBased };
  Kind kind = Kind::kHostBased;
  std::string service;  // "DNS": letters, digits, '-', '_' or '.' (RFC 2743 section 4.1).
  std::string domain;   // kDomainBased: A-labels, lower case, no final dot.
  std::string host;     // A-labels, lower case, no final dot.

  // "DNS@ns1.corp.example" or "DNS@corp.example@ns1.corp.example" (GSS_Display_name form).
  std::string ToText() const;
  // The Kerberos principal in `realm`: "DNS/ns1.corp.example@REALM" (host-based) or
  // "DNS/ns1.corp.example/corp.example@REALM" (RFC 5179 section 2, NT-SRV-HST-DOMAIN); with
  // an empty realm no "@REALM" (the Kerberos library's default realm applies).
  std::string KerberosPrincipal(std::string_view realm) const;

  friend bool operator==(const GssTargetName&, const GssTargetName&) = default;
};

// Parses "service@host" (host-based) or "service@domain@host" (domain-based, RFC 5178
// section 2). Domain and host must be domain names of at least two labels (RFC 5178's ABNF),
// each label letters, digits and hyphens, not starting or ending with a hyphen, at most 63
// octets, at most 253 in all; UTF-8 is converted to A-labels, a final dot dropped, and the
// result lower-cased. Fails with a reason that quotes the offending part.
Result<GssTargetName, std::string> ParseGssTargetName(std::string_view text);

// A domain or host name as GssTargetName keeps it (A-labels, lower case, no final dot), or a
// reason: the conversion ParseGssTargetName applies to each name.
Result<std::string, std::string> NormaliseGssHostName(std::string_view name);

}  // namespace redoubt::crypto
