#include "net/dns/checksum_option.h"

#include <algorithm>

#include "net/dns/message_view.h"

namespace redoubt::dns {

std::optional<size_t> ChecksumDigestLength(uint8_t algorithm) {
  switch (static_cast<ChecksumAlgorithm>(algorithm)) {
    case ChecksumAlgorithm::kEmpty: return 0;
    case ChecksumAlgorithm::kSha1: return 20;
    case ChecksumAlgorithm::kSha256: return 32;
  }
  return std::nullopt;
}

EdnsOption MakeChecksumQueryOption(uint16_t option_code, const ChecksumNonce& nonce) {
  EdnsOption o{option_code, {nonce.begin(), nonce.end()}};
  o.data.push_back(0);
  return o;
}

EdnsOption MakeChecksumReplyOption(uint16_t option_code, const ChecksumNonce& nonce,
                                   ChecksumAlgorithm algorithm) {
  EdnsOption o{option_code, {nonce.begin(), nonce.end()}};
  o.data.push_back(static_cast<uint8_t>(algorithm));
  o.data.resize(o.data.size() + ChecksumDigestLength(static_cast<uint8_t>(algorithm)).value_or(0), 0);
  return o;
}

Result<std::optional<ChecksumLocation>> FindChecksumOption(std::span<const uint8_t> message,
                                                           uint16_t option_code) {
  ASSIGN_OR_RETURN(MessageView view, MessageView::Parse(message));
  return FindChecksumOption(view, option_code);
}

Result<std::optional<ChecksumLocation>> FindChecksumOption(const MessageView& view, uint16_t option_code) {
  const RecordView* opt = view.opt();
  if (!opt) return std::optional<ChecksumLocation>();
  // Walk the options in the raw RDATA so offsets are absolute; Parse() already checked that
  // the option framing is consistent with RDLENGTH.
  WireReader r = view.RdataReader(*opt);
  std::optional<ChecksumLocation> found;
  int count = 0;
  while (!r.AtEnd()) {
    ASSIGN_OR_RETURN(uint16_t code, r.U16());
    ASSIGN_OR_RETURN(uint16_t length, r.U16());
    size_t data_offset = r.offset();
    ASSIGN_OR_RETURN(auto data, r.Bytes(length));
    if (code != option_code) continue;
    ++count;
    if (length < 9) return Fail(Errc::kBadEdnsOption, static_cast<uint32_t>(data_offset));
    if (found) continue;
    ChecksumLocation loc;
    std::copy(data.begin(), data.begin() + 8, loc.nonce.begin());
    loc.algorithm = data[8];
    loc.digest_offset = data_offset + 9;
    loc.digest_length = length - 9u;
    found = loc;
  }
  if (found) found->count = count;
  return found;
}

}  // namespace redoubt::dns
