#include "net/dns/edns.h"

#include <arpa/inet.h>

#include <array>

#include "net/dns/base_encoding.h"
#include "net/dns/rdata/wire_codec.h"

namespace redoubt::dns {

std::vector<const EdnsOption*> Edns::Find(uint16_t code) const {
  std::vector<const EdnsOption*> found;
  for (const auto& o : options) {
    if (o.code == code) found.push_back(&o);
  }
  return found;
}

Result<Edns> ReadEdns(const MessageView& message, const RecordView& opt) {
  Edns edns;
  edns.udp_size = static_cast<uint16_t>(opt.klass);
  edns.extended_rcode = static_cast<uint8_t>(opt.ttl >> 24);
  edns.version = static_cast<uint8_t>(opt.ttl >> 16);
  edns.dnssec_ok = (opt.ttl & 0x8000) != 0;
  edns.z = static_cast<uint16_t>(opt.ttl & 0x7FFF);
  ASSIGN_OR_RETURN(Rdata rdata, message.TypedRdata(opt));
  edns.options = std::move(std::get<rdata::OPT>(rdata).options.options);
  return edns;
}

Result<std::optional<Edns>> ReadEdns(const MessageView& message) {
  if (!message.opt()) return std::optional<Edns>();
  ASSIGN_OR_RETURN(Edns edns, ReadEdns(message, *message.opt()));
  return std::optional<Edns>(std::move(edns));
}

size_t OptWireSize(const Edns& edns) {
  size_t size = 11;  // Root owner, type, class, TTL, RDLENGTH.
  for (const auto& o : edns.options) size += 4 + o.data.size();
  return size;
}

Status WriteOpt(WireWriter& writer, const Edns& edns) {
  size_t size = OptWireSize(edns);
  if (size - 11 > 65535) return Fail(Errc::kBadEdnsOption);
  if (writer.Available() < size) return Fail(Errc::kBufferFull);
  RETURN_IF_ERROR(writer.U8(0));
  RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(RrType::OPT)));
  RETURN_IF_ERROR(writer.U16(edns.udp_size));
  uint32_t ttl = static_cast<uint32_t>(edns.extended_rcode) << 24 |
                 static_cast<uint32_t>(edns.version) << 16 | (edns.dnssec_ok ? 0x8000u : 0u) |
                 (edns.z & 0x7FFFu);
  RETURN_IF_ERROR(writer.U32(ttl));
  RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(size - 11)));
  for (const auto& o : edns.options) {  // Sizes checked above (OptWireSize).
    RETURN_IF_ERROR(writer.U16(o.code));
    RETURN_IF_ERROR(writer.U16(static_cast<uint16_t>(o.data.size())));
    RETURN_IF_ERROR(writer.Bytes(o.data));
  }
  return {};
}

Result<Cookie> ParseCookie(std::span<const uint8_t> data) {
  // RFC 7873 section 5.2.2: 8 octets (client only) or 16..40 (client + 8..32 server).
  if (data.size() != 8 && (data.size() < 16 || data.size() > 40)) return Fail(Errc::kBadEdnsOption);
  Cookie c;
  std::copy(data.begin(), data.begin() + 8, c.client.begin());
  c.server.assign(data.begin() + 8, data.end());
  return c;
}

EdnsOption MakeCookieOption(const Cookie& cookie) {
  EdnsOption o{static_cast<uint16_t>(EdnsOptionCode::COOKIE),
               std::vector<uint8_t>(8 + cookie.server.size())};
  std::copy(cookie.client.begin(), cookie.client.end(), o.data.begin());
  std::copy(cookie.server.begin(), cookie.server.end(), o.data.begin() + 8);
  return o;
}

std::string_view EdeName(uint16_t code) {
  static constexpr std::array<std::string_view, 31> kNames{
      "Other Error", "Unsupported DNSKEY Algorithm", "Unsupported DS Digest Type",
      "Stale Answer", "Forged Answer", "DNSSEC Indeterminate", "DNSSEC Bogus",
      "Signature Expired", "Signature Not Yet Valid", "DNSKEY Missing", "RRSIGs Missing",
      "No Zone Key Bit Set", "NSEC Missing", "Cached Error", "Not Ready", "Blocked", "Censored",
      "Filtered", "Prohibited", "Stale NXDomain Answer", "Not Authoritative", "Not Supported",
      "No Reachable Authority", "Network Error", "Invalid Data", "Signature Expired before Valid",
      "Too Early", "Unsupported NSEC3 Iterations Value", "Unable to conform to policy",
      "Synthesized", "Invalid Query Type"};
  return code < kNames.size() ? kNames[code] : std::string_view("Unknown");
}

Result<ExtendedError> ParseExtendedError(std::span<const uint8_t> data) {
  if (data.size() < 2) return Fail(Errc::kBadEdnsOption);
  ExtendedError e;
  e.info_code = static_cast<uint16_t>(data[0] << 8 | data[1]);
  e.extra_text.assign(data.begin() + 2, data.end());
  // RFC 8914 section 2: the text is not NUL-terminated; a trailing NUL from a sloppy sender is dropped.
  while (!e.extra_text.empty() && e.extra_text.back() == '\0') e.extra_text.pop_back();
  return e;
}

EdnsOption MakeExtendedErrorOption(const ExtendedError& ede) {
  EdnsOption o{static_cast<uint16_t>(EdnsOptionCode::EDE),
               std::vector<uint8_t>(2 + ede.extra_text.size())};
  o.data[0] = static_cast<uint8_t>(ede.info_code >> 8);
  o.data[1] = static_cast<uint8_t>(ede.info_code);
  std::copy(ede.extra_text.begin(), ede.extra_text.end(), o.data.begin() + 2);
  return o;
}

EdnsOption MakePaddingOption(size_t length) {
  return {static_cast<uint16_t>(EdnsOptionCode::PADDING), std::vector<uint8_t>(length, 0)};
}

size_t PaddingFor(size_t message_size, size_t block) {
  if (block == 0) return 0;
  size_t with_header = message_size + 4;
  return (block - with_header % block) % block;
}

Result<ClientSubnet> ParseClientSubnet(std::span<const uint8_t> data) {
  if (data.size() < 4) return Fail(Errc::kBadEdnsOption);
  ClientSubnet s;
  s.family = static_cast<uint16_t>(data[0] << 8 | data[1]);
  s.source_prefix = data[2];
  s.scope_prefix = data[3];
  unsigned max_bits = s.family == 1 ? 32 : s.family == 2 ? 128 : 0;
  if (max_bits == 0 || s.source_prefix > max_bits || s.scope_prefix > max_bits) {
    return Fail(Errc::kBadEdnsOption);
  }
  size_t octets = (s.source_prefix + 7u) / 8u;
  if (data.size() - 4 != octets) return Fail(Errc::kBadEdnsOption);
  s.address.assign(data.begin() + 4, data.end());
  if (s.source_prefix % 8 != 0) {
    auto mask = static_cast<uint8_t>(0xFF >> (s.source_prefix % 8));
    if (s.address.back() & mask) return Fail(Errc::kBadEdnsOption);  // Bits beyond the prefix.
  }
  return s;
}

EdnsOption MakeClientSubnetOption(const ClientSubnet& s) {
  EdnsOption o{static_cast<uint16_t>(EdnsOptionCode::CLIENT_SUBNET),
               std::vector<uint8_t>(4 + s.address.size())};
  o.data[0] = static_cast<uint8_t>(s.family >> 8);
  o.data[1] = static_cast<uint8_t>(s.family);
  o.data[2] = s.source_prefix;
  o.data[3] = s.scope_prefix;
  std::copy(s.address.begin(), s.address.end(), o.data.begin() + 4);
  return o;
}

namespace {

std::string OptionText(const EdnsOption& o, uint16_t checksum_code) {
  auto code = static_cast<EdnsOptionCode>(o.code);
  if (code == EdnsOptionCode::NSID) {
    std::string printable;
    for (uint8_t c : o.data) printable.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.');
    return "; NSID: " + EncodeHex(o.data) + " (\"" + printable + "\")";
  }
  if (code == EdnsOptionCode::COOKIE) return "; COOKIE: " + EncodeHex(o.data);
  if (code == EdnsOptionCode::PADDING) return "; PADDING: " + std::to_string(o.data.size()) + " octets";
  if (code == EdnsOptionCode::EDE) {
    auto e = ParseExtendedError(o.data);
    if (!e) return "; EDE: (malformed) " + EncodeHex(o.data);
    return "; EDE: " + std::to_string(e->info_code) + " (" + std::string(EdeName(e->info_code)) +
           ")" + (e->extra_text.empty() ? "" : ": (" + e->extra_text + ")");
  }
  if (code == EdnsOptionCode::CLIENT_SUBNET) {
    auto s = ParseClientSubnet(o.data);
    if (!s) return "; CLIENT-SUBNET: (malformed) " + EncodeHex(o.data);
    uint8_t addr[16] = {};
    std::copy(s->address.begin(), s->address.end(), addr);
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(s->family == 1 ? AF_INET : AF_INET6, addr, buf, sizeof buf);
    return "; CLIENT-SUBNET: " + std::string(buf) + "/" + std::to_string(s->source_prefix) + "/" +
           std::to_string(s->scope_prefix);
  }
  if (o.code == checksum_code && o.data.size() >= 9) {
    return "; CHECKSUM: nonce=" + EncodeHex(std::span(o.data).first(8)) +
           " alg=" + std::to_string(o.data[8]) + " digest=" + EncodeHex(std::span(o.data).subspan(9));
  }
  return "; OPT=" + std::to_string(o.code) + ": " + EncodeHex(o.data);
}

}  // namespace

std::string EdnsToText(const Edns& edns, uint16_t checksum_code) {
  std::string out = "; EDNS: version: " + std::to_string(edns.version) +
                    ", flags:" + (edns.dnssec_ok ? " do" : "") +
                    "; udp: " + std::to_string(edns.udp_size) + "\n";
  for (const auto& o : edns.options) out += OptionText(o, checksum_code) + "\n";
  return out;
}

}  // namespace redoubt::dns
