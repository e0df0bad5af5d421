#include "net/http/request.h"

#include <algorithm>
#include <string_view>

namespace redoubt::http {
namespace {

// tchar (RFC 9110 section 5.6.2).
bool IsTchar(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool IsToken(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return IsTchar(c); });
}

bool IsHex(unsigned char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// unreserved / sub-delims / ":" / "@" (RFC 3986 sections 2.2, 2.3, 3.3), '%' excluded.
bool IsPcharNoPercent(unsigned char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("-._~!$&'()*+,;=:@").find(static_cast<char>(c)) !=
         std::string_view::npos;
}

// Checks `s` against *( pchar / extra ), pct-encoded being "%" HEXDIG HEXDIG (RFC 3986 2.1).
bool IsUriPart(std::string_view s, std::string_view extra) noexcept {
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '%') {
      if (s.size() - i < 3) return false;
      if (!IsHex(static_cast<unsigned char>(s[i + 1])) ||
          !IsHex(static_cast<unsigned char>(s[i + 2])))
        return false;
      i += 2;
    } else if (!IsPcharNoPercent(c) && extra.find(s[i]) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// field-vchar, SP or HTAB (RFC 9110 section 5.5): no NUL, CR, LF or other control.
bool IsFieldValueChar(unsigned char c) noexcept {
  return c == '\t' || c == ' ' || (c >= 0x21 && c != 0x7F);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What the parser learns from the field lines that matter to it.
struct FieldState {
  size_t lines = 0;
  int hosts = 0;
};

HttpParse Failure(HttpParseStatus status, std::string error) {
  HttpParse parse;
  parse.status = status;
  parse.error = std::move(error);
  return parse;
}

// request-target in origin-form (RFC 9112 section 3.2.1): absolute-path [ "?" query ].
bool ParseTarget(std::string_view target, HttpRequest& request, std::string& error) {
  if (target.empty() || target.front() != '/') {
    error = "request-target is not in origin-form (RFC 9112 section 3.2.1)";
    return false;
  }
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);
  if (!IsUriPart(path, "/") || !IsUriPart(query, "/?")) {
    error = "invalid character or percent-escape in request-target (RFC 3986 section 3.3)";
    return false;
  }
  request.target.assign(path);
  request.query.assign(query);
  return true;
}

// HTTP-version = "HTTP/" DIGIT "." DIGIT (RFC 9112 section 2.3), 1.0 and 1.1 only.
bool ParseVersion(std::string_view version, HttpRequest& request, std::string& error) {
  if (version == "HTTP/1.1" || version == "HTTP/1.0") {
    request.minor_version = version.back() - '0';
    return true;
  }
  error = "unsupported or malformed HTTP-version (RFC 9112 section 2.3)";
  return false;
}

// request-line = method SP request-target SP HTTP-version (RFC 9112 section 3), single SPs.
bool ParseRequestLine(std::string_view line, HttpRequest& request, std::string& error) {
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    error = "request-line is not method SP target SP version (RFC 9112 section 3)";
    return false;
  }
  std::string_view method = line.substr(0, sp1);
  if (!IsToken(method)) {
    error = "method is not a token (RFC 9110 section 9.1)";
    return false;
  }
  request.method.assign(method);
  return ParseTarget(line.substr(sp1 + 1, sp2 - sp1 - 1), request, error) &&
         ParseVersion(line.substr(sp2 + 1), request, error);
}

// Content-Length: only 1*DIGIT of value zero (no request content, RFC 9112 section 6.3).
bool IsZeroLength(std::string_view value) noexcept {
  return !value.empty() && std::all_of(value.begin(), value.end(), [](char c) { return c == '0'; });
}

// Host = uri-host [ ":" port ] (RFC 9110 section 7.2), checked by character only.
bool IsHostValue(std::string_view value) noexcept {
  return IsUriPart(value, "[]");
}

// A field line: field-name ":" OWS field-value OWS (RFC 9112 section 5).
bool ParseField(std::string_view line, FieldState& fields, std::string& error) {
  if (line.front() == ' ' || line.front() == '\t') {
    error = "obs-fold or whitespace before a field line (RFC 9112 sections 2.2, 5.2)";
    return false;
  }
  size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  if (colon == std::string_view::npos || !IsToken(name)) {
    error = "field-name is not a token followed by ':' (RFC 9112 section 5.1)";
    return false;
  }
  std::string_view value = TrimOws(line.substr(colon + 1));
  if (!std::all_of(value.begin(), value.end(),
                   [](char c) { return IsFieldValueChar(static_cast<unsigned char>(c)); })) {
    error = "control character in a field value (RFC 9110 section 5.5)";
    return false;
  }
  if (EqualsIgnoreCase(name, "transfer-encoding") ||
      (EqualsIgnoreCase(name, "content-length") && !IsZeroLength(value))) {
    error = "request content is refused (RFC 9112 section 6.3)";
    return false;
  }
  if (EqualsIgnoreCase(name, "host") && (++fields.hosts > 1 || !IsHostValue(value))) {
    error = "more than one Host or an invalid Host (RFC 9112 section 3.2)";
    return false;
  }
  return true;
}

// The next line from `pos` within `window`: its content (CR of a CRLF removed) and the offset
// after its LF. False when no LF is in the window yet.
bool NextLine(std::string_view window, size_t pos, std::string_view& line, size_t& next) noexcept {
  size_t lf = window.find('\n', pos);
  if (lf == std::string_view::npos) return false;
  line = window.substr(pos, lf - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  next = lf + 1;
  return true;
}

// Whether a line not yet ended can still become valid: a request-line holds only SP and VCHAR,
// a field line no controls but HTAB; a CR may only be its last octet so far. Judging this early
// answers a TLS ClientHello or binary junk at once instead of after the request timeout, and
// keeps every prefix of a valid head valid.
bool IsPlausiblePartialLine(std::string_view partial, bool in_fields) noexcept {
  for (size_t i = 0; i < partial.size(); ++i) {
    auto c = static_cast<unsigned char>(partial[i]);
    if (c == '\r' && i + 1 == partial.size()) return true;
    bool ok = in_fields ? IsFieldValueChar(c) : (c >= 0x20 && c <= 0x7E);
    if (!ok) return false;
  }
  return true;
}

}  // namespace

HttpParse ParseHttpRequest(std::span<const uint8_t> bytes, size_t max_header_octets) {
  std::string_view window(reinterpret_cast<const char*>(bytes.data()),
                          std::min(bytes.size(), max_header_octets));
  HttpParse parse;
  std::string error;
  FieldState fields;
  bool have_request_line = false;
  size_t leading_empty = 0;
  size_t pos = 0;
  std::string_view line;
  size_t next = 0;
  while (NextLine(window, pos, line, next)) {
    pos = next;
    if (line.find('\r') != std::string_view::npos) {
      return Failure(HttpParseStatus::kBad, "bare CR in the head (RFC 9112 section 2.2)");
    }
    if (!have_request_line) {
      if (line.empty()) {
        if (++leading_empty > kMaxLeadingEmptyLines) {
          return Failure(HttpParseStatus::kBad, "too many empty lines before the request-line");
        }
        continue;
      }
      if (!ParseRequestLine(line, parse.request, error)) {
        return Failure(HttpParseStatus::kBad, std::move(error));
      }
      have_request_line = true;
      continue;
    }
    if (line.empty()) {
      if (parse.request.minor_version == 1 && fields.hosts == 0) {
        return Failure(HttpParseStatus::kBad, "HTTP/1.1 request without Host (RFC 9112 3.2)");
      }
      parse.status = HttpParseStatus::kComplete;
      parse.consumed = pos;
      return parse;
    }
    if (++fields.lines > kMaxHeaderLines) {
      return Failure(HttpParseStatus::kTooLarge, "more than 100 field lines");
    }
    if (!ParseField(line, fields, error)) return Failure(HttpParseStatus::kBad, std::move(error));
  }
  if (!IsPlausiblePartialLine(window.substr(pos), have_request_line)) {
    return Failure(HttpParseStatus::kBad, "invalid octet in the head (RFC 9112 sections 3, 5)");
  }
  if (bytes.size() >= max_header_octets) {
    return Failure(HttpParseStatus::kTooLarge, "request head larger than the limit");
  }
  return Failure(HttpParseStatus::kIncomplete, "");
}

const char* HttpReasonPhrase(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

namespace {

bool IsSafeFieldValue(std::string_view value) noexcept {
  return std::all_of(value.begin(), value.end(),
                     [](char c) { return IsFieldValueChar(static_cast<unsigned char>(c)); });
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  if (!IsToken(name) || !IsSafeFieldValue(value)) return;
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string RenderHttpResponse(const HttpResponse& response, bool head_only) {
  int status = response.status >= 200 && response.status <= 599 ? response.status : 500;
  bool no_content = status == 204 || status == 304;
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + HttpReasonPhrase(status) + "\r\n";
  if (!no_content) {
    if (!response.content_type.empty()) AppendField(out, "Content-Type", response.content_type);
    AppendField(out, "Content-Length", std::to_string(response.body.size()));
  }
  for (const auto& [name, value] : response.headers) {
    if (EqualsIgnoreCase(name, "content-length") || EqualsIgnoreCase(name, "connection") ||
        EqualsIgnoreCase(name, "transfer-encoding")) {
      continue;  // Framing is this function's alone.
    }
    AppendField(out, name, value);
  }
  out.append("Connection: close\r\n\r\n");
  if (!head_only && !no_content) out.append(response.body);
  return out;
}

}  // namespace redoubt::http
