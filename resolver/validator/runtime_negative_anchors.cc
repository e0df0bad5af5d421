#include "resolver/validator/runtime_negative_anchors.h"

#include <algorithm>
#include <charconv>

namespace redoubt::resolver {
namespace {

constexpr std::string_view kStateHeader = "# redoubt negative trust anchors v1: ZONE EXPIRES (seconds since the epoch)";

bool ParseInt64(std::string_view text, int64_t& value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

RuntimeNegativeAnchors::RuntimeNegativeAnchors(std::function<int64_t()> now)
    : now_(std::move(now)), snapshot_(std::make_shared<const Snapshot>()) {}

void RuntimeNegativeAnchors::Publish(Snapshot anchors) {
  std::sort(anchors.begin(), anchors.end(), [](const RuntimeNegativeAnchor& a, const RuntimeNegativeAnchor& b) {
    return a.zone.CanonicalCompare(b.zone) < 0;
  });
  count_.store(anchors.size(), std::memory_order_release);
  snapshot_.store(std::make_shared<const Snapshot>(std::move(anchors)));
}

bool RuntimeNegativeAnchors::Add(const dns::Name& zone, uint32_t lifetime_seconds) {
  std::lock_guard lock(mutex_);
  Snapshot anchors = *snapshot_.load();
  dns::Name lower = zone.ToLower();
  int64_t expires = now_() + lifetime_seconds;
  auto it = std::find_if(anchors.begin(), anchors.end(), [&](const RuntimeNegativeAnchor& a) { return a.zone == lower; });
  if (it != anchors.end()) {
    it->expires = expires;
  } else {
    if (anchors.size() >= kMaxRuntimeNegativeAnchors) return false;
    anchors.push_back({lower, expires});
  }
  Publish(std::move(anchors));
  return true;
}

bool RuntimeNegativeAnchors::Remove(const dns::Name& zone) {
  std::lock_guard lock(mutex_);
  Snapshot anchors = *snapshot_.load();
  dns::Name lower = zone.ToLower();
  auto removed = std::erase_if(anchors, [&](const RuntimeNegativeAnchor& a) { return a.zone == lower; });
  if (removed == 0) return false;
  Publish(std::move(anchors));
  return true;
}

std::vector<RuntimeNegativeAnchor> RuntimeNegativeAnchors::List() const {
  int64_t now = now_();
  std::vector<RuntimeNegativeAnchor> live;
  for (const RuntimeNegativeAnchor& anchor : *snapshot_.load()) {
    if (anchor.expires > now) live.push_back(anchor);
  }
  return live;
}

bool RuntimeNegativeAnchors::Covers(const dns::Name& name) const {
  if (count_.load(std::memory_order_acquire) == 0) return false;
  int64_t now = now_();
  auto anchors = snapshot_.load();
  return std::any_of(anchors->begin(), anchors->end(), [&](const RuntimeNegativeAnchor& a) {
    return a.expires > now && name.IsSubdomainOf(a.zone);
  });
}

std::vector<dns::Name> RuntimeNegativeAnchors::TakeExpired() {
  if (count_.load(std::memory_order_acquire) == 0) return {};
  std::lock_guard lock(mutex_);
  int64_t now = now_();
  Snapshot anchors = *snapshot_.load();
  std::vector<dns::Name> expired;
  std::erase_if(anchors, [&](const RuntimeNegativeAnchor& a) {
    if (a.expires > now) return false;
    expired.push_back(a.zone);
    return true;
  });
  if (!expired.empty()) Publish(std::move(anchors));
  return expired;
}

std::string RuntimeNegativeAnchors::Serialize() const {
  std::string text = std::string(kStateHeader) + "\n";
  for (const RuntimeNegativeAnchor& anchor : *snapshot_.load()) {
    text += anchor.zone.ToText() + " " + std::to_string(anchor.expires) + "\n";
  }
  return text;
}

Result<void, std::string> RuntimeNegativeAnchors::Restore(std::string_view text, const std::string& where) {
  std::lock_guard lock(mutex_);
  Publish({});
  Snapshot anchors;
  size_t number = 0;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (line.empty() || line[0] == '#') continue;
    const std::string at = where + ":" + std::to_string(number) + ": ";
    size_t space = line.find(' ');
    int64_t expires = 0;
    if (space == std::string_view::npos || !ParseInt64(line.substr(space + 1), expires)) {
      return Unexpected(at + "expected 'ZONE EXPIRES'");
    }
    auto zone = dns::Name::FromText(line.substr(0, space));
    if (!zone) return Unexpected(at + "'" + std::string(line.substr(0, space)) + "' is not a domain name");
    if (anchors.size() >= kMaxRuntimeNegativeAnchors) return Unexpected(at + "too many negative trust anchors");
    anchors.push_back({zone->ToLower(), expires});
  }
  Publish(std::move(anchors));
  return {};
}

}  // namespace redoubt::resolver
