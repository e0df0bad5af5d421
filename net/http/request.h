// A pure HTTP/1.1 request-head parser and response renderer for the metrics endpoint (no I/O).
//
// The server in net/io/http_server.h answers Prometheus scrapes (`GET /metrics`) and
// orchestrators' probes (`/health`, `/ready`). It is reachable from the network, so the parser is
// strict where RFC 9112 lets a recipient choose, and never throws or reads out of bounds:
//   - request-line (RFC 9112 section 3): method token, one SP, origin-form target only
//     (section 3.2.1: starts with '/'), one SP, "HTTP/1.0" or "HTTP/1.1";
//   - lines end in CRLF; a bare LF is tolerated (section 2.2), a bare CR is not;
//   - field lines (section 5): token ":" OWS value OWS, no whitespace before the colon
//     (section 5.1), no obs-fold (section 5.2), no CR, LF, NUL or other controls in values
//     (RFC 9110 section 5.5);
//   - no request content: Content-Length other than 0, a second Content-Length or any
//     Transfer-Encoding is refused (RFC 9112 section 6.3 makes CL + TE a smuggling vector; a GET
//     has no content, RFC 9110 section 9.3.1);
//   - Host: exactly one in HTTP/1.1, at most one in 1.0 (RFC 9112 section 3.2);
//   - percent-escapes are checked for syntax but not decoded: targets compare literally.
// A failed or incomplete parse consumes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace redoubt::http {

// At most this many field lines in a head (a header flood is answered 431).
inline constexpr size_t kMaxHeaderLines = 100;
// At most this many empty lines before the request-line (RFC 9112 section 2.2 asks a server to
// ignore "at least one").
inline constexpr size_t kMaxLeadingEmptyLines = 8;

// One parsed request head.
struct HttpRequest {
  std::string method;  // RFC 9110 section 9.1: case-sensitive token, as received.
  std::string target;  // The absolute-path of the origin-form target, without "?query".
  std::string query;   // After the first '?', without it; empty when there is none.
  int minor_version = 1;  // 0 or 1 (HTTP/1.0 or HTTP/1.1).
};

enum class HttpParseStatus {
  kComplete,    // A whole, valid head: `request` and `consumed` are set.
  kIncomplete,  // Valid so far; more bytes are needed.
  kBad,         // Malformed or refused: answer 400 (RFC 9112 section 3, 5).
  kTooLarge,    // Head over the octet limit or over kMaxHeaderLines: answer 431 (RFC 6585
                // section 5).
};

struct HttpParse {
  HttpParseStatus status = HttpParseStatus::kIncomplete;
  HttpRequest request;  // Set when status is kComplete.
  size_t consumed = 0;  // Octets of the head, final empty line included; 0 unless kComplete.
  std::string error;    // For kBad and kTooLarge: what was wrong, for logs (never echoed back).
};

// Parses the request head at the start of `bytes` (RFC 9112 sections 2 to 6). The head, leading
// empty lines included, may be at most `max_header_octets` long: kTooLarge when it is longer or
// when that many octets hold no complete head. Only complete lines are judged, so any prefix of
// a valid head is kIncomplete and a request split across reads parses the same once whole.
// Bytes after the head are not looked at. Never throws (beyond std::bad_alloc).
HttpParse ParseHttpRequest(std::span<const uint8_t> bytes, size_t max_header_octets = 8192);

// A response to render. Fields with names that are not tokens or values holding CR, LF, NUL
// or other controls are dropped, so a handler cannot split a response (RFC 9110 section 5.5).
struct HttpResponse {
  int status = 200;  // 200..599 (RFC 9110 section 15); anything else is rendered as 500.
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Extra fields (Allow, Date, ...).
};

// The reason phrase of a status code (RFC 9110 section 15), or "" for one not known here
// (RFC 9112 section 4 allows an empty reason-phrase).
const char* HttpReasonPhrase(int status) noexcept;

// Renders "HTTP/1.1 <status> <reason>", Content-Type, Content-Length, the extra fields,
// "Connection: close" (RFC 9112 section 9.6: one request per connection), an empty line and the
// body. With `head_only` (the answer to HEAD, RFC 9110 section 9.3.2) the body is left out but
// Content-Length still gives its length. 204 and 304 carry neither body nor Content-Length
// (RFC 9110 sections 8.6, 15.3.5, 15.4.5).
std::string RenderHttpResponse(const HttpResponse& response, bool head_only);

}  // namespace redoubt::http
