#include "crypto/gss_name.h"

#include <idn2.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace redoubt::crypto {
namespace {

using Failure = Unexpected<std::string>;

bool IsLdh(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

// RFC 5178 section 2 (after RFC 1123): LDH labels, no hyphen at either end, two labels at least.
std::string CheckLabels(std::string_view name) {
  if (name.empty() || name.size() > 253) return "must be 1 to 253 octets";
  size_t labels = 0;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('.', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view label = name.substr(start, end - start);
    if (label.empty() || label.size() > 63) return "has an empty label or one over 63 octets";
    if (!std::all_of(label.begin(), label.end(), IsLdh)) return "has a label that is not letters, digits and hyphens";
    if (label.front() == '-' || label.back() == '-') return "has a label starting or ending with a hyphen";
    ++labels;
    start = end + 1;
  }
  if (labels < 2) return "must have two labels at least";
  return {};
}

bool ValidService(std::string_view service) {
  return !service.empty() && service.size() <= 64 &&
         std::all_of(service.begin(), service.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_' || c == '.';
         });
}

}  // namespace

Result<std::string, std::string> NormaliseGssHostName(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  std::string input(name);
  if (input.empty() || input.find('\0') != std::string::npos) return Failure("'" + input + "' is empty");
  char* converted = nullptr;
  int rc = idn2_to_ascii_8z(input.c_str(), &converted, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
  std::unique_ptr<char, decltype(&idn2_free)> owned(converted, &idn2_free);
  if (rc != IDN2_OK || converted == nullptr) {
    return Failure("'" + input + "' is not a valid internationalised domain name (" + idn2_strerror(rc) + ")");
  }
  std::string ascii(converted);
  std::transform(ascii.begin(), ascii.end(), ascii.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  if (std::string problem = CheckLabels(ascii); !problem.empty()) {
    return Failure("'" + input + "' " + problem);
  }
  return ascii;
}

Result<GssTargetName, std::string> ParseGssTargetName(std::string_view text) {
  size_t first = text.find('@');
  if (first == std::string_view::npos) {
    return Failure("'" + std::string(text) + "' is not service@host or service@domain@host");
  }
  GssTargetName name;
  name.service = std::string(text.substr(0, first));
  if (!ValidService(name.service)) {
    return Failure("'" + name.service + "' is not a service name (letters, digits, '-', '_', '.')");
  }
  std::string_view rest = text.substr(first + 1);
  size_t second = rest.find('@');
  if (second != std::string_view::npos) {
    if (rest.find('@', second + 1) != std::string_view::npos) {
      return Failure("'" + std::string(text) + "' has more than two '@'");
    }
    auto domain = NormaliseGssHostName(rest.substr(0, second));
    if (!domain) return Failure("domain " + domain.error());
    name.kind = GssTargetName::Kind::kDomainBased;
    name.domain = std::move(*domain);
    rest = rest.substr(second + 1);
  }
  auto host = NormaliseGssHostName(rest);
  if (!host) return Failure("host " + host.error());
  name.host = std::move(*host);
  return name;
}

std::string GssTargetName::ToText() const {
  return kind == Kind::kDomainBased ? service + "@" + domain + "@" + host : service + "@" + host;
}

std::string GssTargetName::KerberosPrincipal(std::string_view realm) const {
  std::string principal = service + "/" + host;
  if (kind == Kind::kDomainBased) principal += "/" + domain;
  if (realm.empty()) return principal;  // Kerberos then applies the default realm.
  return principal + "@" + std::string(realm);
}

}  // namespace redoubt::crypto
