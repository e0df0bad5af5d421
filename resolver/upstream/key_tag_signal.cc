#include "resolver/upstream/key_tag_signal.h"

#include <algorithm>
#include <array>
#include <span>

namespace redoubt::resolver {

std::string KeyTagLabel(std::vector<uint16_t> key_tags) {
  if (key_tags.empty()) return "";
  std::sort(key_tags.begin(), key_tags.end());
  key_tags.erase(std::unique(key_tags.begin(), key_tags.end()), key_tags.end());
  if (key_tags.size() > kMaxSignalledKeyTags) key_tags.resize(kMaxSignalledKeyTags);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string label = "_ta";
  for (uint16_t tag : key_tags) {
    label += '-';
    for (int shift = 12; shift >= 0; shift -= 4) label += kHex[(tag >> shift) & 0xF];
  }
  return label;
}

std::optional<dns::Question> KeyTagQueryFor(const dns::Question& asked, const std::vector<KeyTagSignal>& signals) {
  if (asked.qtype != dns::RrType::DNSKEY || asked.qclass != dns::RrClass::IN) return std::nullopt;
  auto signal = std::find_if(signals.begin(), signals.end(),
                             [&](const KeyTagSignal& s) { return s.zone == asked.qname; });
  if (signal == signals.end()) return std::nullopt;
  std::string label = KeyTagLabel(signal->key_tags);
  if (label.empty()) return std::nullopt;
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(label.data()), label.size());
  auto name = signal->zone.ToLower().Prepend(bytes);
  if (!name) return std::nullopt;  // Past 255 octets under a very long zone name.
  return dns::Question{std::move(*name), dns::RrType::NULL_, dns::RrClass::IN};
}

}  // namespace redoubt::resolver
