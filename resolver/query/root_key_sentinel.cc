#include "resolver/query/root_key_sentinel.h"

#include <algorithm>
#include <string_view>

namespace redoubt::resolver {
namespace {

constexpr std::string_view kIsTa = "root-key-sentinel-is-ta-";
constexpr std::string_view kNotTa = "root-key-sentinel-not-ta-";
constexpr size_t kDigits = 5;  // RFC 8509 section 2: "exactly five decimal digits".

// `label` is `prefix` (any case) followed by exactly five digits: their value, else -1.
int32_t TagAfter(std::span<const uint8_t> label, std::string_view prefix) {
  if (label.size() != prefix.size() + kDigits) return -1;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (dns::AsciiLower(label[i]) != static_cast<uint8_t>(prefix[i])) return -1;
  }
  int32_t value = 0;
  for (size_t i = prefix.size(); i < label.size(); ++i) {
    if (label[i] < '0' || label[i] > '9') return -1;
    value = value * 10 + (label[i] - '0');
  }
  return value <= 0xFFFF ? value : -1;
}

}  // namespace

SentinelLabel ParseSentinelLabel(const dns::Name& qname) {
  if (qname.LabelCount() == 0) return {};
  std::span<const uint8_t> label = qname.Label(0);
  if (int32_t tag = TagAfter(label, kIsTa); tag >= 0) return {SentinelKind::kIsTa, static_cast<uint16_t>(tag)};
  if (int32_t tag = TagAfter(label, kNotTa); tag >= 0) return {SentinelKind::kNotTa, static_cast<uint16_t>(tag)};
  return {};
}

bool SentinelRefuses(const SentinelLabel& label, dns::RrType qtype, dns::Rcode rcode, dns::Security security,
                     std::span<const uint16_t> root_key_tags) {
  if (label.kind == SentinelKind::kNone || rcode != dns::Rcode::NOERROR) return false;
  if (qtype != dns::RrType::A && qtype != dns::RrType::AAAA) return false;
  if (security != dns::Security::kSecure) return false;
  bool trusted = std::find(root_key_tags.begin(), root_key_tags.end(), label.key_tag) != root_key_tags.end();
  return label.kind == SentinelKind::kIsTa ? !trusted : trusted;
}

}  // namespace redoubt::resolver
