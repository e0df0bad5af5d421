// Messages, keys and TSIG surgery for the TSIG tests (crypto/tsig*_test.cc) and the TSIG
// fuzzer. Header-only; failures here are test bugs and CHECK-fail.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "crypto/tsig.h"
#include "net/dns/base_encoding.h"
#include "net/dns/message_builder.h"
#include "net/dns/message_view.h"

namespace redoubt::crypto::tsig_testing {

using Bytes = std::vector<uint8_t>;

// The clock of the tests (2023-11-14T22:13:20Z), as in tests/tsig/dnspython_tsig_vectors.py.
inline constexpr uint64_t kT0 = 1700000000;

inline Bytes Hex(std::string_view hex) { return dns::DecodeHex(hex).value(); }

inline dns::Name N(std::string_view text) { return dns::Name::FromText(text).value(); }

// A key whose secret is the octets 1..32, the secret of the dnspython vectors.
inline TsigKey MakeKey(TsigAlgorithm algorithm = TsigAlgorithm::kHmacSha256,
                       std::string_view name = "resolver1-fwd.example.") {
  Bytes secret(32);
  for (size_t i = 0; i < secret.size(); ++i) secret[i] = static_cast<uint8_t>(i + 1);
  return TsigKey{N(name), algorithm, secret};
}

// A query for `qname` A with RD and EDNS (1232 octets).
inline Bytes Query(uint16_t id = 0x1234, std::string_view qname = "www.example.") {
  dns::QueryOptions options;
  options.id = id;
  options.udp_size = 1232;
  return dns::BuildQuery(N(qname), dns::RrType::A, dns::RrClass::IN, options).value();
}

// A response to Query() with one A record and EDNS carrying `options` (e.g. CHECKSUM).
inline Bytes Response(uint16_t id = 0x1234, std::string_view qname = "www.example.",
                      uint8_t last_octet = 1, std::vector<dns::EdnsOption> options = {}) {
  dns::MessageBuilder builder(65535);
  builder.header().id = id;
  builder.header().qr = builder.header().rd = builder.header().ra = true;
  CHECK(builder.AddQuestion(N(qname), dns::RrType::A).has_value());
  dns::Edns edns;
  edns.udp_size = 1232;
  edns.options = std::move(options);
  CHECK(builder.SetEdns(edns).has_value());
  const std::array<uint8_t, 4> address = {192, 0, 2, last_octet};
  CHECK(builder.AddRecord(dns::Section::kAnswer, N(qname), dns::RrType::A, dns::RrClass::IN, 300,
                          address).has_value());
  return std::move(builder).Finish().value();
}

// A signed message taken apart: the bytes before its TSIG record (ARCOUNT no longer counting
// it, ID untouched), the record's owner and its RDATA.
struct TsigParts {
  Bytes before;
  dns::Name owner;
  dns::rdata::TSIG rdata;
};

inline TsigParts SplitTsig(const Bytes& message) {
  auto view = dns::MessageView::Parse(message).value();
  const dns::RecordView* record = view.tsig();
  CHECK(record != nullptr);
  TsigParts parts{Bytes(message.begin(), message.begin() + record->offset), record->owner,
                  std::get<dns::rdata::TSIG>(view.TypedRdata(*record).value())};
  uint16_t arcount = static_cast<uint16_t>((parts.before[10] << 8 | parts.before[11]) - 1);
  parts.before[10] = static_cast<uint8_t>(arcount >> 8);
  parts.before[11] = static_cast<uint8_t>(arcount);
  return parts;
}

// The signed message with its TSIG record replaced by `change(owner, rdata)` applied to it: a
// forger's edit, nothing is re-signed.
template <class Change>
Bytes EditTsig(const Bytes& message, Change change) {
  TsigParts parts = SplitTsig(message);
  change(parts.owner, parts.rdata);
  return AppendTsigRecord(parts.before, parts.owner, parts.rdata).value();
}

// Signing options at `time_signed`, chained to `request_mac` (empty: a request).
inline TsigSignOptions SignedAt(uint64_t time_signed, std::span<const uint8_t> request_mac = {}) {
  TsigSignOptions options;
  options.time_signed = time_signed;
  options.request_mac = request_mac;
  return options;
}

// The MAC a signed message carries.
inline Bytes MacOf(const Bytes& message) { return SplitTsig(message).rdata.mac.bytes; }

}  // namespace redoubt::crypto::tsig_testing
