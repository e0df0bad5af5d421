// SvcParams presentation format (RFC 9460 section 2.1 and Appendix A).
#include <arpa/inet.h>

#include <algorithm>
#include <string>

#include "net/dns/base_encoding.h"
#include "net/dns/rdata/text_codec.h"
#include "net/dns/rdata/wire_codec.h"

namespace redoubt::dns {
namespace {

constexpr std::string_view kKeyNames[] = {"mandatory", "alpn", "no-default-alpn", "port",
                                          "ipv4hint", "ech", "ipv6hint", "dohpath", "ohttp"};

std::string KeyName(uint16_t key) {
  if (key < std::size(kKeyNames)) return std::string(kKeyNames[key]);
  return "key" + std::to_string(key);
}

Result<uint16_t> KeyFromName(std::string_view name) {
  for (size_t i = 0; i < std::size(kKeyNames); ++i) {
    if (kKeyNames[i] == name) return static_cast<uint16_t>(i);
  }
  if (name.size() > 3 && name.substr(0, 3) == "key") {
    ASSIGN_OR_RETURN(uint64_t n, ParseNumber(name.substr(3), 65535, false));
    return static_cast<uint16_t>(n);
  }
  return Fail(Errc::kSyntax);
}

// Escapes one value-list item: ',' and '\' get a backslash (Appendix A.1), the rest as QuoteString.
std::string EscapeItem(std::string_view item) {
  std::string out;
  for (char c : item) {
    if (c == ',') {
      out += "\\\\,";  // Item-level "\," then char-level escaping of the backslash.
    } else if (c == '\\') {
      out += "\\\\\\\\";
    } else {
      std::string q = QuoteString(std::string_view(&c, 1));
      out += q.substr(1, q.size() - 2);
    }
  }
  return out;
}

std::string ValueText(uint16_t key, const std::vector<uint8_t>& v) {
  switch (static_cast<SvcParamKey>(key)) {
    case SvcParamKey::mandatory: {
      std::string out;
      for (size_t i = 0; i + 1 < v.size(); i += 2) {
        if (!out.empty()) out += ",";
        out += KeyName(static_cast<uint16_t>(v[i] << 8 | v[i + 1]));
      }
      return out;
    }
    case SvcParamKey::alpn: {
      std::string out = "\"";
      for (size_t i = 0; i < v.size(); i += 1 + v[i]) {
        if (i > 0) out += ",";
        out += EscapeItem({reinterpret_cast<const char*>(&v[i + 1]), v[i]});
      }
      return out + "\"";
    }
    case SvcParamKey::port:
      return std::to_string(v[0] << 8 | v[1]);
    case SvcParamKey::ipv4hint:
    case SvcParamKey::ipv6hint: {
      bool v4 = key == static_cast<uint16_t>(SvcParamKey::ipv4hint);
      size_t step = v4 ? 4 : 16;
      std::string out;
      for (size_t i = 0; i + step <= v.size(); i += step) {
        char buf[INET6_ADDRSTRLEN];
        inet_ntop(v4 ? AF_INET : AF_INET6, &v[i], buf, sizeof buf);
        if (!out.empty()) out += ",";
        out += buf;
      }
      return out;
    }
    case SvcParamKey::ech:
      return EncodeBase64(v);
    default:
      return QuoteString({reinterpret_cast<const char*>(v.data()), v.size()});
  }
}

// Splits a value-list (after char-string unescaping) at bare commas; "\X" inside an item
// stands for X (RFC 9460 Appendix A.1).
std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> items(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      items.back().push_back(text[++i]);
    } else if (text[i] == ',') {
      items.emplace_back();
    } else {
      items.back().push_back(text[i]);
    }
  }
  return items;
}

Result<std::vector<uint8_t>> ValueFromText(uint16_t key, std::string_view raw) {
  ASSIGN_OR_RETURN(std::string text, UnescapeString(raw));
  std::vector<uint8_t> out;
  switch (static_cast<SvcParamKey>(key)) {
    case SvcParamKey::mandatory: {
      std::vector<uint16_t> keys;
      for (const auto& item : SplitList(text)) {
        ASSIGN_OR_RETURN(uint16_t k, KeyFromName(item));
        keys.push_back(k);
      }
      std::sort(keys.begin(), keys.end());
      if (std::adjacent_find(keys.begin(), keys.end()) != keys.end()) return Fail(Errc::kSyntax);
      for (uint16_t k : keys) {
        out.push_back(static_cast<uint8_t>(k >> 8));
        out.push_back(static_cast<uint8_t>(k));
      }
      return out;
    }
    case SvcParamKey::alpn:
      for (const auto& id : SplitList(text)) {
        if (id.empty() || id.size() > 255) return Fail(Errc::kSyntax);
        out.push_back(static_cast<uint8_t>(id.size()));
        out.insert(out.end(), id.begin(), id.end());
      }
      return out;
    case SvcParamKey::port: {
      ASSIGN_OR_RETURN(uint64_t port, ParseNumber(text, 65535, false));
      return std::vector<uint8_t>{static_cast<uint8_t>(port >> 8), static_cast<uint8_t>(port)};
    }
    case SvcParamKey::ipv4hint:
    case SvcParamKey::ipv6hint: {
      bool v4 = key == static_cast<uint16_t>(SvcParamKey::ipv4hint);
      for (const auto& item : SplitList(text)) {
        uint8_t buf[16];
        if (inet_pton(v4 ? AF_INET : AF_INET6, item.c_str(), buf) != 1) return Fail(Errc::kSyntax);
        out.insert(out.end(), buf, buf + (v4 ? 4 : 16));
      }
      return out;
    }
    case SvcParamKey::ech:
      return DecodeBase64(text);
    default:
      return std::vector<uint8_t>(text.begin(), text.end());
  }
}

}  // namespace

std::string SvcParamsToText(const SvcParams& params) {
  std::string out;
  for (const auto& p : params.params) {
    if (!out.empty()) out += " ";
    out += KeyName(p.key);
    bool flag = p.value.empty() && (p.key == static_cast<uint16_t>(SvcParamKey::no_default_alpn) ||
                                    p.key == static_cast<uint16_t>(SvcParamKey::ohttp) ||
                                    p.key > static_cast<uint16_t>(SvcParamKey::ohttp));
    if (!flag) out += "=" + ValueText(p.key, p.value);
  }
  return out;
}

Result<SvcParams> SvcParamsFromText(std::span<const Token> tokens) {
  SvcParams params;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string text = tokens[i].text;
    size_t eq = text.find('=');
    std::string name = text.substr(0, eq);
    std::string value;
    if (eq != std::string::npos) {
      value = text.substr(eq + 1);
      // "key=" followed by a separate quoted token.
      if (value.empty() && i + 1 < tokens.size() && tokens[i + 1].quoted) value = tokens[++i].text;
    }
    ASSIGN_OR_RETURN(uint16_t key, KeyFromName(name));
    std::vector<uint8_t> wire;
    if (eq != std::string::npos) {
      ASSIGN_OR_RETURN(wire, ValueFromText(key, value));
    }
    RETURN_IF_ERROR(ValidateSvcParamValue(key, wire));
    params.params.push_back({key, std::move(wire)});
  }
  std::sort(params.params.begin(), params.params.end(),
            [](const SvcParam& a, const SvcParam& b) { return a.key < b.key; });
  for (size_t i = 1; i < params.params.size(); ++i) {
    if (params.params[i - 1].key == params.params[i].key) return Fail(Errc::kSyntax);
  }
  return params;
}

}  // namespace redoubt::dns
