// MessageBuilder: writes a DNS message into a bounded buffer (RFC 1035 section 4.1) with name
// compression.
//
// Room for the OPT record (and a TSIG record of a stated size) is reserved from the start, so
// they are always present even when the message is truncated (RFC 6891 section 7). Records are
// added section by section (answer, authority, additional). When an answer or authority record
// or RRset does not fit, the builder rolls back to the last whole RRset, sets TC and accepts no
// more answer/authority data (RFC 2181 section 9); an additional record that does not fit is
// simply left out, without TC.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "net/base/result.h"
#include "net/dns/edns.h"
#include "net/dns/header.h"
#include "net/dns/message_view.h"
#include "net/dns/rdata.h"
#include "net/dns/wire_writer.h"

namespace redoubt::dns {

struct RRset;

class MessageBuilder {
 public:
  // capacity: the largest message allowed (512 without EDNS, the client's EDNS size with it,
  // 65535 over TCP).
  explicit MessageBuilder(size_t capacity = 512);

  Header& header() noexcept { return header_; }

  // Adds a question; must come before any record. kBufferFull when it does not fit.
  Status AddQuestion(const Name& qname, RrType qtype, RrClass qclass = RrClass::IN);
  // Sets the OPT record written at the end and reserves its room now. Must be called before any
  // record is added; fails with kBufferFull when not even the OPT record fits.
  Status SetEdns(Edns edns);
  // Reserves `size` octets at the end for a TSIG record appended after Finish().
  Status ReserveTail(size_t size);

  // Adds one record with RDATA given in uncompressed storage form (names inside are compressed
  // where the type allows). Sections must come in order (else kInvalidArgument). Returns
  // kBufferFull when the record did not fit (TC is then set for answer/authority).
  Status AddRecord(Section section, const Name& owner, RrType type, RrClass klass, uint32_t ttl,
                   std::span<const uint8_t> rdata);
  // The same with typed RDATA.
  Status AddRecord(Section section, const Name& owner, RrClass klass, uint32_t ttl,
                   const Rdata& rdata);
  // Adds a whole RRset and its signatures, all or nothing.
  Status AddRRset(Section section, const RRset& rrset);

  bool truncated() const noexcept { return header_.tc; }
  size_t size() const noexcept { return writer_.size(); }

  // Patches the counts, writes OPT, and returns the message.
  Result<std::vector<uint8_t>> Finish() &&;

 private:
  Status BeginSection(Section section);
  Status WriteRecord(const Name& owner, RrType type, RrClass klass, uint32_t ttl,
                     std::span<const uint8_t> rdata);
  Status Overflow(Section section, size_t mark, uint16_t count_before);
  uint16_t& Count(Section section);

  WireWriter writer_;
  Header header_;
  size_t capacity_;
  size_t reserved_ = 0;
  std::optional<Edns> edns_;
  int current_section_ = -1;  // -1: questions.
  bool closed_ = false;       // No more answer/authority records after TC.
};

// A query (RFC 1035 section 4.1) with RD, optional CD, and EDNS with the given buffer size, DO
// bit and options (edns=false gives a plain 512-octet query).
struct QueryOptions {
  uint16_t id = 0;
  bool recursion_desired = true;
  bool checking_disabled = false;
  bool edns = true;
  uint16_t udp_size = kDefaultEdnsBufferSize;
  bool dnssec_ok = false;
  std::vector<EdnsOption> options;
};
Result<std::vector<uint8_t>> BuildQuery(const Name& qname, RrType qtype, RrClass qclass,
                                        QueryOptions options);

}  // namespace redoubt::dns
