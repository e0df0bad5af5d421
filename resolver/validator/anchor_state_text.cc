#include "resolver/validator/anchor_state_text.h"

#include <algorithm>
#include <charconv>

#include "net/dns/canonical.h"
#include "net/dns/presentation.h"
#include "net/dns/zone_parser.h"

namespace redoubt::resolver {
namespace {

constexpr std::string_view kHeader =
    "; redoubt-managed-keys v1 (RFC 5011): trusted keys are DNSKEY lines, the rest commented out";
constexpr std::string_view kHeaderPrefix = "; redoubt-managed-keys ";
constexpr std::string_view kTrustPoint = "; trust-point ";
constexpr std::string_view kCommentedKey = ";; ";
constexpr std::string_view kStateMarker = " ; state=";

bool ParseTime(std::string_view text, int64_t& value) {
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value >= 0;
}

// One key with or without the REVOKE bit (RFC 5011 section 2.1): the state machine tracks it once.
bool SameKey(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  if (a.size() != b.size() || a.size() < 2) return a == b;
  return a[0] == b[0] && (a[1] | kDnskeyRevokeFlag) == (b[1] | kDnskeyRevokeFlag) &&
         std::equal(a.begin() + 2, a.end(), b.begin() + 2);
}

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  while (!text.empty()) {
    size_t start = text.find_first_not_of(' ');
    if (start == std::string_view::npos) break;
    text.remove_prefix(start);
    size_t end = std::min(text.find(' '), text.size());
    words.push_back(text.substr(0, end));
    text.remove_prefix(end);
  }
  return words;
}

std::string KeyLine(const dns::Name& zone, const ManagedKey& key) {
  dns::Record record{zone, dns::RrType::DNSKEY, dns::RrClass::IN, 0, key.rdata};
  std::string line = IsTrusted(key.state) ? "" : std::string(kCommentedKey);
  line += dns::RecordToText(record);
  line += std::string(kStateMarker) + std::string(KeyStateName(key.state)) +
          " tag=" + std::to_string(key.Tag()) + " first-seen=" + std::to_string(key.first_seen) +
          " last-seen=" + std::to_string(key.last_seen) +
          " changed=" + std::to_string(key.changed) +
          " hold-down-until=" + std::to_string(key.hold_down_until);
  return line;
}

// The "name=value" fields after the state marker, into `key`.
Result<void, std::string> ParseFields(std::string_view fields, ManagedKey& key) {
  std::vector<std::string_view> words = Words(fields);
  if (words.empty()) return Unexpected(std::string("no state"));
  auto state = KeyStateFromName(words[0]);
  if (!state || *state == KeyState::kStart)
    return Unexpected("unknown state '" + std::string(words[0]) + "'");
  key.state = *state;
  constexpr std::array<std::string_view, 5> kNames = {"tag", "first-seen", "last-seen", "changed",
                                                      "hold-down-until"};
  std::array<int64_t, 5> values{};
  if (words.size() != 1 + kNames.size())
    return Unexpected(std::string("expected tag, first-seen, last-seen, changed, hold-down-until"));
  for (size_t i = 0; i < kNames.size(); ++i) {
    std::string_view word = words[i + 1];
    size_t eq = word.find('=');
    if (eq == std::string_view::npos || word.substr(0, eq) != kNames[i] ||
        !ParseTime(word.substr(eq + 1), values[i])) {
      return Unexpected("expected " + std::string(kNames[i]) + "=NUMBER, got '" +
                        std::string(word) + "'");
    }
  }
  if (values[0] != key.Tag())
    return Unexpected("tag=" + std::to_string(values[0]) + " is not the key's tag " +
                      std::to_string(key.Tag()));
  key.first_seen = values[1];
  key.last_seen = values[2];
  key.changed = values[3];
  key.hold_down_until = values[4];
  return {};
}

Result<ManagedKey, std::string> ParseKeyLine(std::string_view line, const dns::Name& zone,
                                             const std::string& where) {
  bool commented = line.starts_with(kCommentedKey);
  if (commented) line.remove_prefix(kCommentedKey.size());
  size_t marker = line.find(kStateMarker);
  if (marker == std::string_view::npos)
    return Unexpected(std::string("a DNSKEY line without its '; state=' comment"));
  dns::ZoneParseOptions options;
  options.allow_include = false;
  options.default_ttl = 0;
  auto records = dns::ParseZoneText(line.substr(0, marker), where, options);
  if (!records) return Unexpected(records.error().reason);
  if (records->size() != 1 || (*records)[0].type != dns::RrType::DNSKEY ||
      !((*records)[0].owner == zone)) {
    return Unexpected("expected one DNSKEY record of " + zone.ToText());
  }
  ManagedKey key;
  key.rdata = std::move((*records)[0].rdata);
  if (!dns::Decode<dns::rdata::DNSKEY>(key.rdata))
    return Unexpected(std::string("the DNSKEY does not decode"));
  if (auto ok = ParseFields(line.substr(marker + kStateMarker.size()), key); !ok)
    return Unexpected(ok.error());
  if (commented == IsTrusted(key.state)) {
    return Unexpected("a key in state " + std::string(KeyStateName(key.state)) +
                      (commented ? " must not be commented out" : " must be commented out ';; '"));
  }
  return key;
}

Result<TrustPointState, std::string> ParseTrustPointLine(std::string_view line) {
  std::vector<std::string_view> words = Words(line.substr(kTrustPoint.size()));
  int64_t refresh = 0, inception = 0;
  if (words.size() != 5 || words[1] != "last-refresh" || !ParseTime(words[2], refresh) ||
      words[3] != "last-inception" || !ParseTime(words[4], inception) || inception > UINT32_MAX) {
    return Unexpected(
        std::string("expected '; trust-point ZONE last-refresh SECONDS last-inception SERIAL'"));
  }
  auto zone = dns::Name::FromText(words[0]);
  if (!zone) return Unexpected("'" + std::string(words[0]) + "' is not a domain name");
  return TrustPointState{zone->ToLower(), {}, refresh, static_cast<uint32_t>(inception)};
}

// One non-empty line after the header, into `points`.
Result<void, std::string> ParseLine(std::string_view line, std::vector<TrustPointState>& points,
                                    const std::string& where) {
  if (line.starts_with(kTrustPoint)) {
    auto point = ParseTrustPointLine(line);
    if (!point) return Unexpected(point.error());
    if (points.size() >= kMaxManagedTrustPoints)
      return Unexpected(std::string("too many trust points"));
    for (const TrustPointState& p : points) {
      if (p.zone == point->zone)
        return Unexpected("trust point " + p.zone.ToText() + " given twice");
    }
    points.push_back(std::move(*point));
    return {};
  }
  if (line[0] == ';' && !line.starts_with(kCommentedKey)) return {};  // A comment.
  if (line.starts_with(kCommentedKey) && line.find(kStateMarker) == std::string_view::npos)
    return {};
  if (points.empty()) return Unexpected(std::string("a key before any '; trust-point' line"));
  TrustPointState& point = points.back();
  auto key = ParseKeyLine(line, point.zone, where);
  if (!key) return Unexpected(key.error());
  if (point.keys.size() >= kMaxManagedKeysPerTrustPoint)
    return Unexpected(std::string("too many keys in one trust point"));
  for (const ManagedKey& k : point.keys) {
    if (SameKey(k.rdata, key->rdata))
      return Unexpected("key " + std::to_string(k.Tag()) + " given twice");
  }
  point.keys.push_back(std::move(*key));
  return {};
}

}  // namespace

std::string SerializeManagedAnchors(std::span<const TrustPointState> points) {
  std::string text = std::string(kHeader) + "\n";
  for (const TrustPointState& point : points) {
    text += std::string(kTrustPoint) + point.zone.ToText() + " last-refresh " +
            std::to_string(point.last_refresh) + " last-inception " +
            std::to_string(point.last_inception) + "\n";
    for (const ManagedKey& key : point.keys) text += KeyLine(point.zone, key) + "\n";
  }
  return text;
}

Result<std::vector<TrustPointState>, std::string> ParseManagedAnchors(std::string_view text,
                                                                      const std::string& where) {
  std::vector<TrustPointState> points;
  size_t number = 0;
  bool header_seen = false;
  while (!text.empty()) {
    ++number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string at = where + ":" + std::to_string(number) + ": ";
    if (!header_seen) {
      if (!line.starts_with(kHeaderPrefix))
        return Unexpected(at + "not a redoubt managed-keys file (no header)");
      std::vector<std::string_view> words = Words(line.substr(kHeaderPrefix.size()));
      if (words.empty() || words[0] != "v1")
        return Unexpected(at + "unsupported managed-keys version");
      header_seen = true;
      continue;
    }
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (auto ok = ParseLine(line, points, where); !ok) return Unexpected(at + ok.error());
  }
  if (!header_seen) return Unexpected(where + ":1: empty managed-keys text (no header)");
  return points;
}

}  // namespace redoubt::resolver
