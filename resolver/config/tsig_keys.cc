// Checking TSIG key parts (RFC 8945 sections 6 and 8) and reading key material from files.
#include "resolver/config/tsig_keys.h"

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "net/dns/base_encoding.h"

namespace redoubt::resolver {
namespace {

struct AlgorithmInfo {
  TsigKeyAlgorithm algorithm;
  std::string_view name;  // As BIND writes it.
  size_t output_size;     // RFC 8945 section 6 table.
};

// Listed from the recommended one down (RFC 8945 section 6: SHA-256 is RECOMMENDED, SHA-1 NOT
// RECOMMENDED, MD5 MUST NOT be used); this is also the order of the error's list.
constexpr AlgorithmInfo kAlgorithms[] = {
    {TsigKeyAlgorithm::kHmacSha256, "hmac-sha256", 32},
    {TsigKeyAlgorithm::kHmacSha384, "hmac-sha384", 48},
    {TsigKeyAlgorithm::kHmacSha512, "hmac-sha512", 64},
    {TsigKeyAlgorithm::kHmacSha224, "hmac-sha224", 28},
    {TsigKeyAlgorithm::kHmacSha1, "hmac-sha1", 20},
    {TsigKeyAlgorithm::kHmacMd5, "hmac-md5", 16},
};

const AlgorithmInfo& InfoOf(TsigKeyAlgorithm algorithm) {
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (info.algorithm == algorithm) return info;
  }
  return kAlgorithms[0];  // Unreachable: every enumerator is listed.
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (x != b[i]) return false;  // b is lower case.
  }
  return true;
}

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n";
  size_t first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kSpace) - first + 1);
}

}  // namespace

std::optional<TsigKeyAlgorithm> ParseTsigKeyAlgorithm(std::string_view text) {
  if (!text.empty() && text.back() == '.') text.remove_suffix(1);
  if (EqualsIgnoringCase(text, "hmac-md5.sig-alg.reg.int")) return TsigKeyAlgorithm::kHmacMd5;
  for (const AlgorithmInfo& info : kAlgorithms) {
    if (EqualsIgnoringCase(text, info.name)) return info.algorithm;
  }
  return std::nullopt;
}

std::string_view TsigKeyAlgorithmName(TsigKeyAlgorithm algorithm) { return InfoOf(algorithm).name; }

size_t TsigKeyAlgorithmOutputSize(TsigKeyAlgorithm algorithm) {
  return InfoOf(algorithm).output_size;
}

std::string TsigKeyAlgorithmChoices() {
  std::string text;
  constexpr size_t kCount = std::size(kAlgorithms);
  for (size_t i = 0; i < kCount; ++i) {
    if (i > 0) text += i + 1 == kCount ? " or " : ", ";
    text += kAlgorithms[i].name;
  }
  return text;
}

TsigSecret& TsigSecret::operator=(const TsigSecret& other) {
  if (this != &other) {
    Wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

TsigSecret& TsigSecret::operator=(TsigSecret&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

TsigSecret::~TsigSecret() { Wipe(); }

void TsigSecret::Wipe() noexcept {
  volatile uint8_t* octet = bytes_.data();  // volatile: the stores are not optimised away.
  for (size_t i = 0; i < bytes_.size(); ++i) octet[i] = 0;
  bytes_.clear();
}

Result<dns::Name, std::string> ParseTsigKeyName(std::string_view text) {
  auto name = dns::Name::FromText(text);  // Relative text is made absolute: "test" is "test.".
  if (!name || text.empty())
    return Unexpected("'" + std::string(text) + "' is not a TSIG key name (a domain name)");
  return *name;
}

Result<TsigKeyAlgorithmChoice, std::string> ParseTsigKeyAlgorithmFor(const dns::Name& key,
                                                                     std::string_view text) {
  if (auto algorithm = ParseTsigKeyAlgorithm(text)) return TsigKeyAlgorithmChoice{*algorithm, 0};
  std::string prefix = "TSIG key " + key.ToText() + ": ";
  size_t dash = text.rfind('-');
  std::string_view digits = dash == std::string_view::npos ? std::string_view() : text.substr(dash + 1);
  auto algorithm = dash == std::string_view::npos ? std::nullopt : ParseTsigKeyAlgorithm(text.substr(0, dash));
  bool numeric = !digits.empty() && digits.size() <= 4 &&
                 std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!algorithm || !numeric) {
    return Unexpected(prefix + "unknown algorithm (use " + TsigKeyAlgorithmChoices() +
                      ", or NAME-BITS for a truncated MAC)");
  }
  unsigned bits = static_cast<unsigned>(std::stoul(std::string(digits)));
  unsigned full = static_cast<unsigned>(TsigKeyAlgorithmOutputSize(*algorithm)) * 8;
  unsigned floor = std::max(80u, full / 2);
  if (bits % 8 != 0 || bits > full || bits < floor) {
    return Unexpected(prefix + "a truncated MAC must be a multiple of 8 bits from " +
                      std::to_string(floor) + " to " + std::to_string(full) +
                      " (RFC 8945 section 5.2.2.1)");
  }
  return TsigKeyAlgorithmChoice{*algorithm, static_cast<uint16_t>(bits == full ? 0 : bits)};
}

Result<TsigSecret, std::string> DecodeTsigSecret(const dns::Name& key, std::string_view base64) {
  base64 = TrimSpace(base64);
  if (base64.empty()) return Unexpected("TSIG key " + key.ToText() + ": the secret is empty");
  auto bytes = dns::DecodeBase64(base64);
  if (!bytes) return Unexpected("TSIG key " + key.ToText() + ": the secret is not valid base64");
  if (bytes->empty()) return Unexpected("TSIG key " + key.ToText() + ": the secret is empty");
  return TsigSecret(std::move(*bytes));
}

std::vector<std::string> TsigKeyWarnings(const TsigKeyConfig& key) {
  std::vector<std::string> warnings;
  std::string_view algorithm = TsigKeyAlgorithmName(key.algorithm);
  size_t wanted = TsigKeyAlgorithmOutputSize(key.algorithm);
  if (key.secret.size() < wanted) {
    warnings.push_back(key.origin + ": TSIG key " + key.name.ToText() + " has a " +
                       std::to_string(key.secret.size()) + "-octet secret, shorter than the " +
                       std::to_string(wanted) + "-octet output of " + std::string(algorithm) +
                       " (RFC 8945 section 8)");
  }
  if (key.algorithm == TsigKeyAlgorithm::kHmacMd5) {
    warnings.push_back(
        key.origin + ": TSIG key " + key.name.ToText() +
        " uses hmac-md5, which RFC 8945 section 6 says MUST NOT be used; prefer hmac-sha256");
  }
  return warnings;
}

Result<std::string, std::string> ReadKeyMaterial(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return Unexpected("cannot read " + path + ": it is a directory");
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Unexpected("cannot read " + path +
                      (errno != 0 ? ": " + std::string(std::strerror(errno)) : ""));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<std::string> KeyFileModeWarning(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::perms perms = fs::status(path, ec).permissions();
  if (ec || perms == fs::perms::unknown) return std::nullopt;
  unsigned mode = static_cast<unsigned>(perms & fs::perms::mask);
  if ((mode & 077) == 0) return std::nullopt;
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode);
  return path + " holds TSIG secrets but group or others may access it (mode " + octal +
         "); chmod 600 it, as BIND and ssh expect of private keys";
}

}  // namespace redoubt::resolver
