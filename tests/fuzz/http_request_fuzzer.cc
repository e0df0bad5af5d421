// libFuzzer target: an HTTP/1.1 request head as a network client sends it to the metrics
// endpoint, parsed by http::ParseHttpRequest (RFC 9112), and the same bytes given to
// http::RenderHttpResponse as a handler-supplied Content-Type and field value.
//
// Input: the bytes of the head (and whatever follows it). They are parsed with the default
// limit (8192 octets) and with a small one (64 octets).
//
// Invariants (a violation traps): nothing crashes or reads outside the input; kComplete means
// 0 < consumed <= size and <= the limit, the head ends in LF, the method is not empty, the
// target starts with '/' and the version is 1.0 or 1.1; anything else consumes nothing; every
// prefix of a complete head is kIncomplete, and every longer prefix is kComplete with the same
// `consumed`; a prefix judged kBad stays kBad whatever follows; what completes under the small
// limit completes the same under the large one; a rendered response's head ends exactly where
// its body begins (no field value can split it).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "net/http/request.h"

namespace {

using namespace redoubt::http;

void Require(bool holds) {
  if (!holds) __builtin_trap();
}

void CheckOne(std::span<const uint8_t> in, size_t max, const HttpParse& p) {
  if (p.status != HttpParseStatus::kComplete) {
    Require(p.consumed == 0);
    return;
  }
  Require(p.consumed > 0 && p.consumed <= in.size() && p.consumed <= max);
  Require(in[p.consumed - 1] == '\n');
  Require(!p.request.method.empty());
  Require(!p.request.target.empty() && p.request.target.front() == '/');
  Require(p.request.minor_version == 0 || p.request.minor_version == 1);
}

// The prefix lengths to try: all of them for short inputs, an even sample of long ones.
void CheckPrefixes(std::span<const uint8_t> in, const HttpParse& whole) {
  size_t step = in.size() <= 512 ? 1 : in.size() / 128;
  for (size_t n = 0; n < in.size(); n += step) {
    HttpParse p = ParseHttpRequest(in.first(n));
    CheckOne(in.first(n), 8192, p);
    if (whole.status == HttpParseStatus::kComplete) {
      if (n < whole.consumed) Require(p.status == HttpParseStatus::kIncomplete);
      if (n >= whole.consumed) Require(p.status == HttpParseStatus::kComplete &&
                                       p.consumed == whole.consumed);
    }
    if (p.status == HttpParseStatus::kBad) Require(whole.status == HttpParseStatus::kBad);
  }
}

void CheckRender(std::span<const uint8_t> in) {
  std::string text(reinterpret_cast<const char*>(in.data()), in.size());
  HttpResponse r;
  r.status = in.empty() ? 200 : 100 + in[0] * 2;
  r.content_type = text;
  r.body = "body";
  r.headers = {{"X-Fuzz", text}, {text, "v"}};
  std::string out = RenderHttpResponse(r, false);
  size_t end = out.find("\r\n\r\n");
  Require(end != std::string::npos);
  bool has_body = out.size() >= 4 && out.compare(out.size() - 4, 4, "body") == 0 &&
                  end + 4 + 4 == out.size();
  Require(has_body || end + 4 == out.size());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> in(data, size);
  HttpParse whole = ParseHttpRequest(in);
  CheckOne(in, 8192, whole);
  HttpParse small = ParseHttpRequest(in, 64);
  CheckOne(in, 64, small);
  if (small.status == HttpParseStatus::kComplete) {
    Require(whole.status == HttpParseStatus::kComplete && whole.consumed == small.consumed);
  }
  CheckPrefixes(in, whole);
  CheckRender(in);
  return 0;
}
