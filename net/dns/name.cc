#include "net/dns/name.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace redoubt::dns {

namespace {

// Eight octets as one word (alignment and byte order do not matter to the uses below: each
// compares or mixes words built the same way).
uint64_t Load8(const uint8_t* p) noexcept {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}

// The first n (1 to 7) octets at p in a word, the rest zero. `readable` says whether all of
// p[0..8) is set memory of the object (a name's inline array: Name() and FromValidatedWire set
// the whole word that holds the last octet), which allows one load and a mask, not n loads.
uint64_t LoadUpTo8(const uint8_t* p, size_t n, bool readable) noexcept {
  if (readable) {
    static_assert(std::endian::native == std::endian::little, "the mask keeps the low-addressed octets");
    return Load8(p) & ((uint64_t{1} << (8 * n)) - 1);
  }
  uint64_t w = 0;
  for (size_t k = 0; k < n; ++k) w |= static_cast<uint64_t>(p[k]) << (8 * k);
  return w;
}

// AsciiLower on each octet of a word at once: 'A'..'Z' gain 0x20, every other octet (0x80 and
// above included) is unchanged.
constexpr uint64_t AsciiLower8(uint64_t w) noexcept {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  uint64_t low7 = w & (0x7F * kOnes);
  uint64_t above_z = low7 + (0x7F - 'Z') * kOnes;    // High bit set where low7 > 'Z'.
  uint64_t from_a = low7 + (0x80 - 'A') * kOnes;     // High bit set where low7 >= 'A'.
  uint64_t upper = from_a & ~above_z & ~w & (0x80 * kOnes);
  return w | (upper >> 2);
}
static_assert(AsciiLower8(0x415A5B40C1617A00ULL) == 0x617A5B40C1617A00ULL);

// Lowercases n octets at p in place, a word at a time.
void LowerInPlace(uint8_t* p, size_t n) noexcept {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = AsciiLower8(Load8(p + i));
    std::memcpy(p + i, &w, 8);
  }
  for (; i < n; ++i) p[i] = AsciiLower(p[i]);
}

}  // namespace

// The inline array is set only up to the end of the eight-octet word holding the name's last
// octet (zeros after the name): the word-at-a-time reads below never read an unset octet.
Name::Name() noexcept { std::memset(inline_.data(), 0, 8); }

Name Name::FromValidatedWire(std::span<const uint8_t> wire, size_t labels) {
  Name n;
  n.size_ = static_cast<uint16_t>(wire.size());
  n.labels_ = static_cast<uint8_t>(labels);
  if (wire.size() <= kInline) {
    size_t last_word = (wire.size() - 1) & ~size_t{7};
    std::memset(n.inline_.data() + last_word, 0, 8);
    std::memcpy(n.inline_.data(), wire.data(), wire.size());
  } else {
    n.heap_.assign(wire.begin(), wire.end());
  }
  return n;
}

Result<Name> Name::FromWire(std::span<const uint8_t> wire) {
  size_t pos = 0, labels = 0;
  while (true) {
    if (pos >= wire.size()) return Fail(Errc::kTruncated, static_cast<uint32_t>(pos));
    uint8_t len = wire[pos];
    if ((len & 0xC0) != 0) return Fail(Errc::kBadLabelType, static_cast<uint32_t>(pos));
    if (pos + 1 + len > kMaxNameLength) return Fail(Errc::kNameTooLong, static_cast<uint32_t>(pos));
    if (len == 0) break;
    if (pos + 1 + len > wire.size()) return Fail(Errc::kTruncated, static_cast<uint32_t>(pos));
    pos += 1 + len;
    ++labels;
  }
  if (pos + 1 != wire.size()) return Fail(Errc::kTrailingData, static_cast<uint32_t>(pos + 1));
  return FromValidatedWire(wire, labels);
}

namespace {

// Decodes one escape at text[i] == '\\'; advances i past it. RFC 1035 section 5.1.
Result<uint8_t> DecodeEscape(std::string_view text, size_t& i) {
  if (i + 1 >= text.size()) return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
  char c = text[i + 1];
  if (c >= '0' && c <= '9') {
    unsigned value = 0;
    for (size_t k = 1; k <= 3; ++k) {
      if (i + k >= text.size() || text[i + k] < '0' || text[i + k] > '9') {
        return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
      }
      value = value * 10 + static_cast<unsigned>(text[i + k] - '0');
    }
    if (value > 255) return Fail(Errc::kBadEscape, static_cast<uint32_t>(i));
    i += 4;
    return static_cast<uint8_t>(value);
  }
  i += 2;
  return static_cast<uint8_t>(c);
}

}  // namespace

Result<Name> Name::FromText(std::string_view text, const Name& origin) {
  if (text.empty()) return Fail(Errc::kSyntax);
  if (text == ".") return Name();
  std::vector<uint8_t> wire;
  wire.reserve(text.size() + 2);
  size_t label_start = 0, labels = 0, i = 0;
  wire.push_back(0);
  bool absolute = false;
  while (i < text.size()) {
    char c = text[i];
    if (c == '.') {
      size_t len = wire.size() - label_start - 1;
      if (len == 0) return Fail(Errc::kSyntax, static_cast<uint32_t>(i));
      wire[label_start] = static_cast<uint8_t>(len);
      ++labels;
      ++i;
      if (i == text.size()) {
        absolute = true;
        break;
      }
      label_start = wire.size();
      wire.push_back(0);
      continue;
    }
    uint8_t octet = 0;
    if (c == '\\') {
      ASSIGN_OR_RETURN(octet, DecodeEscape(text, i));
    } else {
      octet = static_cast<uint8_t>(c);
      ++i;
    }
    if (wire.size() - label_start - 1 >= kMaxLabelLength) {
      return Fail(Errc::kLabelTooLong, static_cast<uint32_t>(i));
    }
    wire.push_back(octet);
    if (wire.size() + 1 > kMaxNameLength) return Fail(Errc::kNameTooLong, static_cast<uint32_t>(i));
  }
  if (!absolute) {
    wire[label_start] = static_cast<uint8_t>(wire.size() - label_start - 1);
    ++labels;
    if (wire.size() - 1 + origin.size_ > kMaxNameLength) return Fail(Errc::kNameTooLong);
    wire.insert(wire.end(), origin.data(), origin.data() + origin.size_);
    return FromValidatedWire(wire, labels + origin.labels_);
  }
  wire.push_back(0);
  return FromValidatedWire(wire, labels);
}

Result<Name> Name::FromLabels(std::span<const std::string_view> labels) {
  std::vector<uint8_t> wire;
  for (std::string_view label : labels) {
    if (label.empty()) return Fail(Errc::kSyntax);
    if (label.size() > kMaxLabelLength) return Fail(Errc::kLabelTooLong);
    wire.push_back(static_cast<uint8_t>(label.size()));
    wire.insert(wire.end(), label.begin(), label.end());
  }
  wire.push_back(0);
  if (wire.size() > kMaxNameLength) return Fail(Errc::kNameTooLong);
  return FromValidatedWire(wire, labels.size());
}

bool Name::IsWildcard() const noexcept {
  return labels_ > 0 && data()[0] == 1 && data()[1] == '*';
}

std::span<const uint8_t> Name::Label(size_t i) const noexcept {
  const uint8_t* p = data();
  for (size_t k = 0; k < i; ++k) p += 1 + *p;
  return {p + 1, *p};
}

bool operator==(const Name& a, const Name& b) noexcept {
  if (a.size_ != b.size_ || a.labels_ != b.labels_) return false;
  const uint8_t* x = a.data();
  const uint8_t* y = b.data();
  if (std::memcmp(x, y, a.size_) == 0) return true;  // Most equal names agree in case too.
  // 0x20-randomised replies (draft-vixie-dnsext-dns0x20) make the rest common: eight octets at
  // a time, lowercased.
  size_t i = 0;
  for (; i + 8 <= a.size_; i += 8) {
    if (AsciiLower8(Load8(x + i)) != AsciiLower8(Load8(y + i))) return false;
  }
  size_t rest = a.size_ - i;
  bool inline_store = a.size_ <= Name::kInline;  // Both: the sizes are equal.
  return rest == 0 ||
         AsciiLower8(LoadUpTo8(x + i, rest, inline_store)) == AsciiLower8(LoadUpTo8(y + i, rest, inline_store));
}

size_t Name::Hash() const noexcept {
  // FNV-1a over the lowercased wire form, a 64-bit word at a time, then a final avalanche
  // (MurmurHash3's fmix64) so that every octet reaches the low bits the tables use.
  uint64_t h = 1469598103934665603ULL;
  const uint8_t* p = data();
  size_t i = 0;
  for (; i + 8 <= size_; i += 8) {
    h ^= AsciiLower8(Load8(p + i));
    h *= 1099511628211ULL;
  }
  if (i < size_) {
    h ^= AsciiLower8(LoadUpTo8(p + i, size_ - i, size_ <= kInline));
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return static_cast<size_t>(h);
}

bool Name::IdenticalTo(const Name& other) const noexcept {
  return size_ == other.size_ && std::memcmp(data(), other.data(), size_) == 0;
}

std::weak_ordering Name::CanonicalCompare(const Name& other) const noexcept {
  // Collect label offsets so labels can be walked right to left.
  std::array<uint8_t, 128> mine{}, theirs{};
  auto offsets = [](const Name& n, std::array<uint8_t, 128>& out) {
    const uint8_t* p = n.data();
    size_t pos = 0;
    for (size_t k = 0; k < n.labels_; ++k) {
      out[k] = static_cast<uint8_t>(pos);
      pos += 1 + p[pos];
    }
  };
  offsets(*this, mine);
  offsets(other, theirs);
  size_t a = labels_, b = other.labels_;
  while (a > 0 && b > 0) {
    --a;
    --b;
    const uint8_t* la = data() + mine[a];
    const uint8_t* lb = other.data() + theirs[b];
    size_t n = std::min(la[0], lb[0]);
    for (size_t i = 1; i <= n; ++i) {
      uint8_t x = AsciiLower(la[i]), y = AsciiLower(lb[i]);
      if (x != y) return x < y ? std::weak_ordering::less : std::weak_ordering::greater;
    }
    if (la[0] != lb[0]) {
      return la[0] < lb[0] ? std::weak_ordering::less : std::weak_ordering::greater;
    }
  }
  if (a == b) return std::weak_ordering::equivalent;
  return a < b ? std::weak_ordering::less : std::weak_ordering::greater;
}

bool Name::IsSubdomainOf(const Name& ancestor) const noexcept {
  if (ancestor.labels_ > labels_) return false;
  return Suffix(ancestor.labels_) == ancestor;
}

Name Name::Parent() const {
  if (labels_ == 0) return Name();
  const uint8_t* p = data();
  return FromValidatedWire({p + 1 + p[0], size_ - 1u - p[0]}, labels_ - 1u);
}

Name Name::Suffix(size_t n) const {
  if (n >= labels_) return *this;
  const uint8_t* p = data();
  size_t pos = 0;
  for (size_t k = 0; k < labels_ - n; ++k) pos += 1 + p[pos];
  return FromValidatedWire({p + pos, size_ - pos}, n);
}

Result<Name> Name::Prepend(std::span<const uint8_t> label) const {
  if (label.empty()) return Fail(Errc::kSyntax);
  if (label.size() > kMaxLabelLength) return Fail(Errc::kLabelTooLong);
  if (size_ + 1 + label.size() > kMaxNameLength) return Fail(Errc::kNameTooLong);
  std::vector<uint8_t> wire;
  wire.reserve(size_ + 1 + label.size());
  wire.push_back(static_cast<uint8_t>(label.size()));
  wire.insert(wire.end(), label.begin(), label.end());
  wire.insert(wire.end(), data(), data() + size_);
  return FromValidatedWire(wire, labels_ + 1u);
}

Result<Name> Name::Wildcard() const {
  static constexpr uint8_t kStar[] = {'*'};
  return Prepend(kStar);
}

Result<Name> Name::Concat(const Name& suffix) const {
  if (size_ - 1u + suffix.size_ > kMaxNameLength) return Fail(Errc::kNameTooLong);
  std::vector<uint8_t> wire(data(), data() + size_ - 1);
  wire.insert(wire.end(), suffix.data(), suffix.data() + suffix.size_);
  return FromValidatedWire(wire, labels_ + suffix.labels_);
}

Name Name::ToLower() const {
  std::vector<uint8_t> wire(data(), data() + size_);
  for (auto& c : wire) c = AsciiLower(c);
  // Length octets are < 64 and so never in 'A'..'Z'.
  return FromValidatedWire(wire, labels_);
}

std::string Name::ToText() const {
  if (labels_ == 0) return ".";
  std::string out;
  out.reserve(size_ + 8);
  const uint8_t* p = data();
  size_t pos = 0;
  while (p[pos] != 0) {
    uint8_t len = p[pos];
    for (size_t i = 1; i <= len; ++i) {
      uint8_t c = p[pos + i];
      if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' || c == ';' || c == '@' ||
          c == '$') {
        out.push_back('\\');
        out.push_back(static_cast<char>(c));
      } else if (c <= 0x20 || c >= 0x7F) {
        char buf[5];
        buf[0] = '\\';
        buf[1] = static_cast<char>('0' + c / 100);
        buf[2] = static_cast<char>('0' + (c / 10) % 10);
        buf[3] = static_cast<char>('0' + c % 10);
        buf[4] = '\0';
        out += buf;
      } else {
        out.push_back(static_cast<char>(c));
      }
    }
    out.push_back('.');
    pos += 1 + len;
  }
  return out;
}

std::string Name::LookupKey() const {
  std::string key;
  key.reserve(size_);
  AppendLookupKey(key);
  return key;
}

void Name::AppendLookupKey(std::string& out) const {
  // One pass to find the labels, one to write them right to left: each label's octets and a 0
  // take as much room as its length octet and octets did, so the key is size_ - 1 long.
  const uint8_t* wire = data();
  constexpr size_t kMaxLabelCount = (kMaxNameLength - 1) / 2;  // 127 one-octet labels and the root.
  std::array<uint8_t, kMaxLabelCount> starts;
  size_t count = 0;
  for (size_t pos = 0; wire[pos] != 0; pos += 1 + wire[pos]) starts[count++] = static_cast<uint8_t>(pos);
  size_t at = out.size();
  out.resize(at + size_ - 1);
  char* write = out.data() + at;
  for (size_t k = count; k > 0; --k) {
    const uint8_t* label = wire + starts[k - 1];
    std::memcpy(write, label + 1, label[0]);
    write += label[0];
    *write++ = '\0';
  }
  LowerInPlace(reinterpret_cast<uint8_t*>(out.data() + at), size_ - 1);  // The 0 separators stay 0.
}

}  // namespace redoubt::dns
