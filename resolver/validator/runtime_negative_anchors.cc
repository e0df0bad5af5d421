#include "resolver/validator/runtime_negative_anchors.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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

Result<void, std::string> RuntimeNegativeAnchors::Load(const std::string& path) {
  std::lock_guard lock(mutex_);
  Publish({});
  std::ifstream in(path);
  if (!in) return {};  // No state yet.
  Snapshot anchors;
  std::string line;
  for (size_t number = 1; std::getline(in, line); ++number) {
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    size_t space = line.find(' ');
    int64_t expires = 0;
    if (space == std::string::npos || !ParseInt64(std::string_view(line).substr(space + 1), expires)) {
      return Unexpected(where + "expected 'ZONE EXPIRES'");
    }
    auto zone = dns::Name::FromText(std::string_view(line).substr(0, space));
    if (!zone) return Unexpected(where + "'" + line.substr(0, space) + "' is not a domain name");
    if (anchors.size() >= kMaxRuntimeNegativeAnchors) return Unexpected(where + "too many negative trust anchors");
    anchors.push_back({zone->ToLower(), expires});
  }
  Publish(std::move(anchors));
  return {};
}

Result<void, std::string> RuntimeNegativeAnchors::Save(const std::string& path) const {
  std::string text = Serialize();
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Unexpected(temporary + ": " + std::strerror(errno));
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(written ? errno : saved_errno);
    ::unlink(temporary.c_str());
    return Unexpected(path + ": " + why);
  }
  return {};
}

}  // namespace redoubt::resolver
