#include "net/dns/types.h"

#include <array>
#include <charconv>
#include <utility>

namespace redoubt::dns {
namespace {

struct TypeName {
  RrType type;
  std::string_view name;
};

constexpr std::array kTypeNames{
    TypeName{RrType::A, "A"}, TypeName{RrType::NS, "NS"}, TypeName{RrType::MD, "MD"},
    TypeName{RrType::MF, "MF"}, TypeName{RrType::CNAME, "CNAME"}, TypeName{RrType::SOA, "SOA"},
    TypeName{RrType::MB, "MB"}, TypeName{RrType::MG, "MG"}, TypeName{RrType::MR, "MR"},
    TypeName{RrType::NULL_, "NULL"}, TypeName{RrType::WKS, "WKS"}, TypeName{RrType::PTR, "PTR"},
    TypeName{RrType::HINFO, "HINFO"}, TypeName{RrType::MINFO, "MINFO"},
    TypeName{RrType::MX, "MX"}, TypeName{RrType::TXT, "TXT"}, TypeName{RrType::RP, "RP"},
    TypeName{RrType::AFSDB, "AFSDB"}, TypeName{RrType::X25, "X25"},
    TypeName{RrType::ISDN, "ISDN"}, TypeName{RrType::RT, "RT"}, TypeName{RrType::NSAP, "NSAP"},
    TypeName{RrType::NSAP_PTR, "NSAP-PTR"}, TypeName{RrType::SIG, "SIG"},
    TypeName{RrType::KEY, "KEY"}, TypeName{RrType::PX, "PX"}, TypeName{RrType::GPOS, "GPOS"},
    TypeName{RrType::AAAA, "AAAA"}, TypeName{RrType::LOC, "LOC"}, TypeName{RrType::NXT, "NXT"},
    TypeName{RrType::EID, "EID"}, TypeName{RrType::NIMLOC, "NIMLOC"},
    TypeName{RrType::SRV, "SRV"}, TypeName{RrType::ATMA, "ATMA"},
    TypeName{RrType::NAPTR, "NAPTR"}, TypeName{RrType::KX, "KX"}, TypeName{RrType::CERT, "CERT"},
    TypeName{RrType::A6, "A6"}, TypeName{RrType::DNAME, "DNAME"}, TypeName{RrType::SINK, "SINK"},
    TypeName{RrType::OPT, "OPT"}, TypeName{RrType::APL, "APL"}, TypeName{RrType::DS, "DS"},
    TypeName{RrType::SSHFP, "SSHFP"}, TypeName{RrType::IPSECKEY, "IPSECKEY"},
    TypeName{RrType::RRSIG, "RRSIG"}, TypeName{RrType::NSEC, "NSEC"},
    TypeName{RrType::DNSKEY, "DNSKEY"}, TypeName{RrType::DHCID, "DHCID"},
    TypeName{RrType::NSEC3, "NSEC3"}, TypeName{RrType::NSEC3PARAM, "NSEC3PARAM"},
    TypeName{RrType::TLSA, "TLSA"}, TypeName{RrType::SMIMEA, "SMIMEA"},
    TypeName{RrType::HIP, "HIP"}, TypeName{RrType::CDS, "CDS"},
    TypeName{RrType::CDNSKEY, "CDNSKEY"}, TypeName{RrType::OPENPGPKEY, "OPENPGPKEY"},
    TypeName{RrType::CSYNC, "CSYNC"}, TypeName{RrType::ZONEMD, "ZONEMD"},
    TypeName{RrType::SVCB, "SVCB"}, TypeName{RrType::HTTPS, "HTTPS"},
    TypeName{RrType::SPF, "SPF"}, TypeName{RrType::TKEY, "TKEY"},
    TypeName{RrType::TSIG, "TSIG"}, TypeName{RrType::IXFR, "IXFR"},
    TypeName{RrType::AXFR, "AXFR"}, TypeName{RrType::MAILB, "MAILB"},
    TypeName{RrType::MAILA, "MAILA"}, TypeName{RrType::ANY, "ANY"}, TypeName{RrType::URI, "URI"},
    TypeName{RrType::CAA, "CAA"}, TypeName{RrType::DLV, "DLV"},
};

struct AlgorithmName {
  DnssecAlgorithm algorithm;
  std::string_view mnemonic;
};

// The IANA registry's mnemonics, which are what zone files and trust anchor files carry.
constexpr std::array kAlgorithmNames{
    AlgorithmName{DnssecAlgorithm::DELETE, "DELETE"},
    AlgorithmName{DnssecAlgorithm::RSAMD5, "RSAMD5"},
    AlgorithmName{DnssecAlgorithm::DH, "DH"},
    AlgorithmName{DnssecAlgorithm::DSA, "DSA"},
    AlgorithmName{DnssecAlgorithm::RSASHA1, "RSASHA1"},
    AlgorithmName{DnssecAlgorithm::DSA_NSEC3_SHA1, "DSA-NSEC3-SHA1"},
    AlgorithmName{DnssecAlgorithm::RSASHA1_NSEC3_SHA1, "RSASHA1-NSEC3-SHA1"},
    AlgorithmName{DnssecAlgorithm::RSASHA256, "RSASHA256"},
    AlgorithmName{DnssecAlgorithm::RSASHA512, "RSASHA512"},
    AlgorithmName{DnssecAlgorithm::ECC_GOST, "ECC-GOST"},
    AlgorithmName{DnssecAlgorithm::ECDSAP256SHA256, "ECDSAP256SHA256"},
    AlgorithmName{DnssecAlgorithm::ECDSAP384SHA384, "ECDSAP384SHA384"},
    AlgorithmName{DnssecAlgorithm::ED25519, "ED25519"},
    AlgorithmName{DnssecAlgorithm::ED448, "ED448"},
    AlgorithmName{DnssecAlgorithm::SM2SM3, "SM2SM3"},
    AlgorithmName{DnssecAlgorithm::ECC_GOST12, "ECC-GOST12"},
    AlgorithmName{DnssecAlgorithm::INDIRECT, "INDIRECT"},
    AlgorithmName{DnssecAlgorithm::PRIVATEDNS, "PRIVATEDNS"},
    AlgorithmName{DnssecAlgorithm::PRIVATEOID, "PRIVATEOID"},
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
    if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
    if (x != y) return false;
  }
  return true;
}

// Parses "<prefix><decimal 0..65535>", case-insensitive prefix (RFC 3597 section 5).
std::optional<uint16_t> ParseGenericNumber(std::string_view text, std::string_view prefix) {
  if (text.size() <= prefix.size() || !EqualsIgnoreCase(text.substr(0, prefix.size()), prefix)) {
    return std::nullopt;
  }
  std::string_view digits = text.substr(prefix.size());
  unsigned value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string RrTypeToText(RrType type) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return std::string(entry.name);
  }
  return "TYPE" + std::to_string(static_cast<uint16_t>(type));
}

std::optional<RrType> RrTypeFromText(std::string_view text) {
  for (const auto& entry : kTypeNames) {
    if (EqualsIgnoreCase(entry.name, text)) return entry.type;
  }
  if (auto n = ParseGenericNumber(text, "TYPE")) return static_cast<RrType>(*n);
  return std::nullopt;
}

std::string RrClassToText(RrClass klass) {
  switch (klass) {
    case RrClass::IN: return "IN";
    case RrClass::CH: return "CH";
    case RrClass::HS: return "HS";
    case RrClass::NONE: return "NONE";
    case RrClass::ANY: return "ANY";
  }
  return "CLASS" + std::to_string(static_cast<uint16_t>(klass));
}

std::optional<RrClass> RrClassFromText(std::string_view text) {
  for (RrClass c : {RrClass::IN, RrClass::CH, RrClass::HS, RrClass::NONE, RrClass::ANY}) {
    if (EqualsIgnoreCase(RrClassToText(c), text)) return c;
  }
  if (EqualsIgnoreCase(text, "CHAOS")) return RrClass::CH;
  if (auto n = ParseGenericNumber(text, "CLASS")) return static_cast<RrClass>(*n);
  return std::nullopt;
}

std::string RcodeToText(Rcode rcode) {
  static constexpr std::array<std::string_view, 24> kNames{
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
      "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI", "",       "",        "",         "",
      "BADVERS", "BADKEY",  "BADTIME",  "BADMODE",  "BADNAME", "BADALG",  "BADTRUNC", "BADCOOKIE"};
  auto v = static_cast<uint16_t>(rcode);
  if (v < kNames.size() && !kNames[v].empty()) return std::string(kNames[v]);
  return std::to_string(v);
}

std::string OpcodeToText(Opcode opcode) {
  switch (opcode) {
    case Opcode::QUERY: return "QUERY";
    case Opcode::IQUERY: return "IQUERY";
    case Opcode::STATUS: return "STATUS";
    case Opcode::NOTIFY: return "NOTIFY";
    case Opcode::UPDATE: return "UPDATE";
    case Opcode::DSO: return "DSO";
  }
  return std::to_string(static_cast<unsigned>(opcode));
}

std::optional<DnssecAlgorithm> DnssecAlgorithmFromText(std::string_view text) {
  for (const auto& entry : kAlgorithmNames) {
    if (EqualsIgnoreCase(entry.mnemonic, text)) return entry.algorithm;
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 255) {
    return std::nullopt;
  }
  return static_cast<DnssecAlgorithm>(value);
}

bool IsMetaType(RrType type) {
  auto v = static_cast<uint16_t>(type);
  return type == RrType::OPT || type == RrType::TSIG || type == RrType::TKEY ||
         (v >= 128 && v <= 255);
}

}  // namespace redoubt::dns
