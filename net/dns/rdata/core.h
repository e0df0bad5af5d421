// RDATA of the RFC 1035 types and other common record types.
// Each struct lists its fields once, in wire order (see fields.h). kNameRules says how embedded
// names are compressed and canonicalised (RFC 3597 section 4, RFC 4034 section 6.2).
#pragma once

#include "net/dns/rdata/fields.h"

namespace redoubt::dns::rdata {

// RFC 1035 section 3.4.1.
struct A {
  static constexpr RrType kType = RrType::A;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Ipv4Address address;
  REDOUBT_RDATA_FIELDS(A, address);
};

// RFC 3596 section 2.2.
struct AAAA {
  static constexpr RrType kType = RrType::AAAA;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Ipv6Address address;
  REDOUBT_RDATA_FIELDS(AAAA, address);
};

// A record holding one name: NS, CNAME, PTR (RFC 1035 sections 3.3.11, 3.3.1, 3.3.12), the
// obsolete MB/MD/MF/MG/MR (RFC 1035 section 3.3), and DNAME (RFC 6672 section 2.1: the target is
// never compressed but is lowercased in canonical form).
template <RrType T, uint8_t Rules>
struct SingleName {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = Rules;
  Name target;
  REDOUBT_RDATA_FIELDS(SingleName, target);
};
using NS = SingleName<RrType::NS, kNamesRfc1035>;
using CNAME = SingleName<RrType::CNAME, kNamesRfc1035>;
using PTR = SingleName<RrType::PTR, kNamesRfc1035>;
using MB = SingleName<RrType::MB, kNamesRfc1035>;
using MD = SingleName<RrType::MD, kNamesRfc1035>;
using MF = SingleName<RrType::MF, kNamesRfc1035>;
using MG = SingleName<RrType::MG, kNamesRfc1035>;
using MR = SingleName<RrType::MR, kNamesRfc1035>;
using DNAME = SingleName<RrType::DNAME, kNamesLowercase>;

// RFC 1035 section 3.3.13.
struct SOA {
  static constexpr RrType kType = RrType::SOA;
  static constexpr uint8_t kNameRules = kNamesRfc1035;
  Name mname;
  Name rname;
  uint32_t serial = 0;
  uint32_t refresh = 0;
  uint32_t retry = 0;
  uint32_t expire = 0;
  uint32_t minimum = 0;
  REDOUBT_RDATA_FIELDS(SOA, mname, rname, serial, refresh, retry, expire, minimum);
};

// RFC 1035 section 3.3.9.
struct MX {
  static constexpr RrType kType = RrType::MX;
  static constexpr uint8_t kNameRules = kNamesRfc1035;
  uint16_t preference = 0;
  Name exchange;
  REDOUBT_RDATA_FIELDS(MX, preference, exchange);
};

// RFC 1035 section 3.3.7.
struct MINFO {
  static constexpr RrType kType = RrType::MINFO;
  static constexpr uint8_t kNameRules = kNamesRfc1035;
  Name rmailbx;
  Name emailbx;
  REDOUBT_RDATA_FIELDS(MINFO, rmailbx, emailbx);
};

// TXT (RFC 1035 section 3.3.14) and SPF (RFC 7208 section 3.1): one or more character-strings.
template <RrType T>
struct TextStrings {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = kNamesPlain;
  CharStringList strings;
  REDOUBT_RDATA_FIELDS(TextStrings, strings);
};
using TXT = TextStrings<RrType::TXT>;
using SPF = TextStrings<RrType::SPF>;

// RFC 1035 section 3.3.2.
struct HINFO {
  static constexpr RrType kType = RrType::HINFO;
  static constexpr uint8_t kNameRules = kNamesPlain;
  CharString cpu;
  CharString os;
  REDOUBT_RDATA_FIELDS(HINFO, cpu, os);
};

// RFC 1183 section 2.2.
struct RP {
  static constexpr RrType kType = RrType::RP;
  static constexpr uint8_t kNameRules = kNamesDecompress | kNamesLowercase;
  Name mbox;
  Name txt;
  REDOUBT_RDATA_FIELDS(RP, mbox, txt);
};

// AFSDB (RFC 1183 section 1), RT (RFC 1183 section 3.3) and KX (RFC 2230): a 16-bit number and
// a name. KX is not on RFC 3597's decompression list.
template <RrType T, uint8_t Rules>
struct NumberAndName {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = Rules;
  uint16_t preference = 0;
  Name host;
  REDOUBT_RDATA_FIELDS(NumberAndName, preference, host);
};
using AFSDB = NumberAndName<RrType::AFSDB, kNamesDecompress | kNamesLowercase>;
using RT = NumberAndName<RrType::RT, kNamesDecompress | kNamesLowercase>;
using KX = NumberAndName<RrType::KX, kNamesLowercase>;

// RFC 2782.
struct SRV {
  static constexpr RrType kType = RrType::SRV;
  static constexpr uint8_t kNameRules = kNamesDecompress | kNamesLowercase;
  uint16_t priority = 0;
  uint16_t weight = 0;
  uint16_t port = 0;
  Name target;
  REDOUBT_RDATA_FIELDS(SRV, priority, weight, port, target);
};

// RFC 3403 section 4.1.
struct NAPTR {
  static constexpr RrType kType = RrType::NAPTR;
  static constexpr uint8_t kNameRules = kNamesDecompress | kNamesLowercase;
  uint16_t order = 0;
  uint16_t preference = 0;
  CharString flags;
  CharString services;
  CharString regexp;
  Name replacement;
  REDOUBT_RDATA_FIELDS(NAPTR, order, preference, flags, services, regexp, replacement);
};

// RFC 7553 section 4.5.
struct URI {
  static constexpr RrType kType = RrType::URI;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint16_t priority = 0;
  uint16_t weight = 0;
  TextRest target;
  REDOUBT_RDATA_FIELDS(URI, priority, weight, target);
};

// RFC 8659 section 4.1. The tag is a character-string printed without quotes.
struct CAA {
  static constexpr RrType kType = RrType::CAA;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint8_t flags = 0;
  TokenString tag;
  TextRest value;
  REDOUBT_RDATA_FIELDS(CAA, flags, tag, value);
};

// RFC 4255 section 3.1.
struct SSHFP {
  static constexpr RrType kType = RrType::SSHFP;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint8_t algorithm = 0;
  uint8_t fp_type = 0;
  HexRest fingerprint;
  REDOUBT_RDATA_FIELDS(SSHFP, algorithm, fp_type, fingerprint);
};

// TLSA (RFC 6698 section 2.1) and SMIMEA (RFC 8162 section 2).
template <RrType T>
struct CertAssociation {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint8_t usage = 0;
  uint8_t selector = 0;
  uint8_t matching_type = 0;
  HexRest data;
  REDOUBT_RDATA_FIELDS(CertAssociation, usage, selector, matching_type, data);
};
using TLSA = CertAssociation<RrType::TLSA>;
using SMIMEA = CertAssociation<RrType::SMIMEA>;

// RFC 7929 section 2.1.
struct OPENPGPKEY {
  static constexpr RrType kType = RrType::OPENPGPKEY;
  static constexpr uint8_t kNameRules = kNamesPlain;
  Base64Rest key;
  REDOUBT_RDATA_FIELDS(OPENPGPKEY, key);
};

// SVCB and HTTPS (RFC 9460 section 2.2). The target is neither compressed nor lowercased.
template <RrType T>
struct ServiceBinding {
  static constexpr RrType kType = T;
  static constexpr uint8_t kNameRules = kNamesPlain;
  uint16_t priority = 0;
  Name target;
  SvcParams params;
  REDOUBT_RDATA_FIELDS(ServiceBinding, priority, target, params);
};
using SVCB = ServiceBinding<RrType::SVCB>;
using HTTPS = ServiceBinding<RrType::HTTPS>;

// The OPT pseudo-RR's RDATA (RFC 6891 section 6.1.2). See edns.h for typed options.
struct OPT {
  static constexpr RrType kType = RrType::OPT;
  static constexpr uint8_t kNameRules = kNamesPlain;
  EdnsOptionList options;
  REDOUBT_RDATA_FIELDS(OPT, options);
};

// Any type redoubt has no structure for (RFC 3597): opaque octets.
struct Unknown {
  RrType type = RrType{0};
  std::vector<uint8_t> bytes;
  friend bool operator==(const Unknown&, const Unknown&) = default;
};

}  // namespace redoubt::dns::rdata
