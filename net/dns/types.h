// DNS registry types (IANA "Domain Name System (DNS) Parameters").
//
// Each registry is an enum class over its integer so that unknown values round-trip unchanged
// (RFC 3597). Enumerators use the IANA mnemonic verbatim, the one exception to Google naming,
// because grepping against RFC text matters more (design guide section 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace redoubt::dns {

// RR TYPEs (RFC 1035 section 3.2.2 and later registrations). Meta-types included.
enum class RrType : uint16_t {
  A = 1, NS = 2, MD = 3, MF = 4, CNAME = 5, SOA = 6, MB = 7, MG = 8, MR = 9, NULL_ = 10,
  WKS = 11, PTR = 12, HINFO = 13, MINFO = 14, MX = 15, TXT = 16, RP = 17, AFSDB = 18, X25 = 19,
  ISDN = 20, RT = 21, NSAP = 22, NSAP_PTR = 23, SIG = 24, KEY = 25, PX = 26, GPOS = 27,
  AAAA = 28, LOC = 29, NXT = 30, EID = 31, NIMLOC = 32, SRV = 33, ATMA = 34, NAPTR = 35, KX = 36,
  CERT = 37, A6 = 38, DNAME = 39, SINK = 40, OPT = 41, APL = 42, DS = 43, SSHFP = 44,
  IPSECKEY = 45, RRSIG = 46, NSEC = 47, DNSKEY = 48, DHCID = 49, NSEC3 = 50, NSEC3PARAM = 51,
  TLSA = 52, SMIMEA = 53, HIP = 55, CDS = 59, CDNSKEY = 60, OPENPGPKEY = 61, CSYNC = 62,
  ZONEMD = 63, SVCB = 64, HTTPS = 65, SPF = 99, TKEY = 249, TSIG = 250, IXFR = 251, AXFR = 252,
  MAILB = 253, MAILA = 254, ANY = 255, URI = 256, CAA = 257, DLV = 32769,
};

// CLASSes (RFC 1035 section 3.2.4, RFC 2136, RFC 6895).
enum class RrClass : uint16_t { IN = 1, CH = 3, HS = 4, NONE = 254, ANY = 255 };

// RCODEs, including the extended ones carried in OPT (RFC 6891) and TSIG (RFC 8945).
enum class Rcode : uint16_t {
  NOERROR = 0, FORMERR = 1, SERVFAIL = 2, NXDOMAIN = 3, NOTIMP = 4, REFUSED = 5, YXDOMAIN = 6,
  YXRRSET = 7, NXRRSET = 8, NOTAUTH = 9, NOTZONE = 10, DSOTYPENI = 11, BADVERS = 16,
  BADSIG = 16, BADKEY = 17, BADTIME = 18, BADMODE = 19, BADNAME = 20, BADALG = 21, BADTRUNC = 22,
  BADCOOKIE = 23,
};

// OPCODEs (RFC 1035 section 4.1.1, RFC 1996, RFC 2136).
enum class Opcode : uint8_t { QUERY = 0, IQUERY = 1, STATUS = 2, NOTIFY = 4, UPDATE = 5, DSO = 6 };

// EDNS(0) option codes (RFC 6891 section 9). CHECKSUM has no IANA code; redoubt uses a
// configurable private-use value (specs/checksum.md section 10), default kDefaultChecksumCode.
enum class EdnsOptionCode : uint16_t {
  LLQ = 1, UL = 2, NSID = 3, DAU = 5, DHU = 6, N3U = 7, CLIENT_SUBNET = 8, EXPIRE = 9,
  COOKIE = 10, TCP_KEEPALIVE = 11, PADDING = 12, CHAIN = 13, KEY_TAG = 14, EDE = 15,
};
inline constexpr uint16_t kDefaultChecksumCode = 65434;

// DNSSEC algorithm numbers (RFC 4034 Appendix A.1, RFC 2535 section 3.2, IANA "DNS Security
// Algorithm Numbers"): the algorithm field of DNSKEY, CDNSKEY, KEY, DS, CDS, DLV, RRSIG and SIG.
// DELETE is RFC 8078 section 4's "delete DS" in CDS/CDNSKEY; SM2SM3 is RFC 9563, ECC_GOST12
// RFC 9558. '-' in a mnemonic is '_' in the enumerator (DSA-NSEC3-SHA1).
enum class DnssecAlgorithm : uint8_t {
  DELETE = 0, RSAMD5 = 1, DH = 2, DSA = 3, RSASHA1 = 5, DSA_NSEC3_SHA1 = 6,
  RSASHA1_NSEC3_SHA1 = 7, RSASHA256 = 8, RSASHA512 = 10, ECC_GOST = 12, ECDSAP256SHA256 = 13,
  ECDSAP384SHA384 = 14, ED25519 = 15, ED448 = 16, SM2SM3 = 17, ECC_GOST12 = 23, INDIRECT = 252,
  PRIVATEDNS = 253, PRIVATEOID = 254,
};

// DS digest types (RFC 4034 section 5.1.3, RFC 4509, RFC 6605).
enum class DsDigestType : uint8_t { SHA1 = 1, SHA256 = 2, GOST = 3, SHA384 = 4 };

// NSEC3 hash algorithms (RFC 5155 section 11, IANA "DNSSEC NSEC3 Hash Algorithms").
enum class Nsec3HashAlgorithm : uint8_t { SHA1 = 1 };
// NSEC3 flags (RFC 5155 sections 3.1.2 and 11, IANA "DNSSEC NSEC3 Flags"): only Opt-Out is
// defined; a record with any other bit set is ignored by a validator (RFC 5155 section 8.2).
inline constexpr uint8_t kNsec3FlagOptOut = 0x01;

// Mnemonic for a type ("AAAA"), or "TYPE<n>" for types without one (RFC 3597 section 5).
std::string RrTypeToText(RrType type);
// Parses a mnemonic (case-insensitive) or "TYPE<n>". nullopt for anything else.
std::optional<RrType> RrTypeFromText(std::string_view text);
// "IN", "CH", ... or "CLASS<n>" (RFC 3597 section 5).
std::string RrClassToText(RrClass klass);
std::optional<RrClass> RrClassFromText(std::string_view text);
// "NOERROR", ... or the decimal value.
std::string RcodeToText(Rcode rcode);
std::string OpcodeToText(Opcode opcode);
// The algorithm field in presentation form: an unsigned decimal 0..255 or the registry mnemonic
// ("RSASHA256", "ECDSAP256SHA256", "DSA-NSEC3-SHA1"), case-insensitive, as RFC 4034 sections
// 2.2, 3.2 and 5.3 allow for DNSKEY, RRSIG and DS. nullopt for anything else. Printing stays
// numeric (TextFieldWriter), which every reader accepts.
std::optional<DnssecAlgorithm> DnssecAlgorithmFromText(std::string_view text);

// True for meta-types and QTYPEs that never appear as data in a zone (RFC 6895 section 3.1).
bool IsMetaType(RrType type);

}  // namespace redoubt::dns
