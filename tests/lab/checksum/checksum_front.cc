#include "tests/lab/checksum/checksum_front.h"

#include "crypto/checksum.h"
#include "net/dns/message_view.h"

namespace redoubt::lab {
namespace {

void AppendOption(std::vector<uint8_t>& wire, size_t rdlength_at, const dns::EdnsOption& option) {
  uint16_t rdlength = static_cast<uint16_t>((wire[rdlength_at] << 8) | wire[rdlength_at + 1]);
  rdlength = static_cast<uint16_t>(rdlength + 4 + option.data.size());
  wire[rdlength_at] = static_cast<uint8_t>(rdlength >> 8);
  wire[rdlength_at + 1] = static_cast<uint8_t>(rdlength);
  wire.push_back(static_cast<uint8_t>(option.code >> 8));
  wire.push_back(static_cast<uint8_t>(option.code));
  wire.push_back(static_cast<uint8_t>(option.data.size() >> 8));
  wire.push_back(static_cast<uint8_t>(option.data.size()));
  wire.insert(wire.end(), option.data.begin(), option.data.end());
}

}  // namespace

PathFault FaultForLabel(std::string_view label) {
  if (label == "strip") return PathFault::kStrip;
  if (label == "corrupt") return PathFault::kCorrupt;
  if (label == "nonce") return PathFault::kWrongNonce;
  if (label == "alg") return PathFault::kUnknownAlgorithm;
  if (label == "dup") return PathFault::kTwoOptions;
  return PathFault::kNone;
}

std::optional<dns::ChecksumNonce> QueryNonce(std::span<const uint8_t> query, uint16_t option_code) {
  auto found = dns::FindChecksumOption(query, option_code);
  if (!found || !*found || (*found)->count != 1 || (*found)->algorithm != 0) return std::nullopt;
  return (*found)->nonce;
}

Result<std::vector<uint8_t>> AddChecksum(std::span<const uint8_t> reply, const dns::ChecksumNonce& nonce,
                                         uint16_t option_code, PathFault fault) {
  ASSIGN_OR_RETURN(dns::MessageView view, dns::MessageView::Parse(reply));
  const dns::RecordView* opt = view.opt();
  if (!opt || opt->rdata_offset + opt->rdata_length != reply.size()) return Fail(Errc::kInvalidArgument);
  std::vector<uint8_t> wire(reply.size());
  std::copy(reply.begin(), reply.end(), wire.begin());
  if (fault == PathFault::kStrip) return wire;
  dns::ChecksumNonce sent = nonce;
  if (fault == PathFault::kWrongNonce) sent[7] ^= 0x5A;
  auto option = dns::MakeChecksumReplyOption(option_code, sent, dns::ChecksumAlgorithm::kSha256);
  size_t rdlength_at = opt->rdata_offset - 2;
  if (fault == PathFault::kUnknownAlgorithm) option.data[8] = 200;
  AppendOption(wire, rdlength_at, option);
  if (fault == PathFault::kTwoOptions) AppendOption(wire, rdlength_at, option);
  if (fault == PathFault::kUnknownAlgorithm || fault == PathFault::kTwoOptions) return wire;
  RETURN_IF_ERROR(crypto::SealChecksumOption(wire, option_code));
  // The last octet before the OPT record: inside the last answer or authority record.
  if (fault == PathFault::kCorrupt && opt->offset > 12) wire[opt->offset - 1] ^= 0x01;
  return wire;
}

}  // namespace redoubt::lab
