#include "net/http/request.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace redoubt::http {
namespace {

HttpParse Parse(std::string_view text, size_t max = 8192) {
  return ParseHttpRequest(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()), max);
}

constexpr std::string_view kScrape =
    "GET /metrics?match%5B%5D=up HTTP/1.1\r\nHost: 192.0.2.1:9153\r\n"
    "User-Agent: Prometheus/2.45.0\r\nAccept: text/plain;version=0.0.4;q=1,*/*;q=0.1\r\n\r\n";

TEST(HttpRequestTest, ParsesAPrometheusScrape) {
  auto p = Parse(kScrape);
  ASSERT_EQ(p.status, HttpParseStatus::kComplete) << p.error;
  EXPECT_EQ(p.request.method, "GET");
  EXPECT_EQ(p.request.target, "/metrics");
  EXPECT_EQ(p.request.query, "match%5B%5D=up");
  EXPECT_EQ(p.request.minor_version, 1);
  EXPECT_EQ(p.consumed, kScrape.size());
}

TEST(HttpRequestTest, ToleratesBareLfAndHttp10WithoutHost) {
  auto p = Parse("HEAD /health HTTP/1.0\nAccept: */*\n\n");
  ASSERT_EQ(p.status, HttpParseStatus::kComplete) << p.error;
  EXPECT_EQ(p.request.method, "HEAD");
  EXPECT_EQ(p.request.minor_version, 0);
}

TEST(HttpRequestTest, IgnoresALeadingEmptyLineButNotAFlood) {
  EXPECT_EQ(Parse("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kComplete);
  std::string flood(2 * (kMaxLeadingEmptyLines + 1), '\r');
  for (size_t i = 1; i < flood.size(); i += 2) flood[i] = '\n';
  EXPECT_EQ(Parse(flood + "GET / HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsBytesAfterTheHeadFromBeingRead) {
  std::string two = std::string(kScrape) + "GET /other HTTP/1.1\r\n";
  auto p = Parse(two);
  ASSERT_EQ(p.status, HttpParseStatus::kComplete);
  EXPECT_EQ(p.consumed, kScrape.size());
  EXPECT_EQ(p.request.target, "/metrics");
}

TEST(HttpRequestTest, StopsSplitRequestsFromParsingEarly) {
  // Every split of a request across reads is kIncomplete until the last byte.
  for (size_t n = 0; n < kScrape.size(); ++n) {
    auto p = Parse(kScrape.substr(0, n));
    EXPECT_EQ(p.status, HttpParseStatus::kIncomplete) << "prefix " << n << ": " << p.error;
    EXPECT_EQ(p.consumed, 0u);
  }
}

TEST(HttpRequestTest, StopsOversizedHeads) {
  std::string big = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(20000, 'a') + "\r\n\r\n";
  auto p = Parse(big);
  EXPECT_EQ(p.status, HttpParseStatus::kTooLarge);
  EXPECT_EQ(p.consumed, 0u);
  // Without a line end at all: still too large once the limit is reached, not incomplete.
  EXPECT_EQ(Parse(std::string(8192, 'G')).status, HttpParseStatus::kTooLarge);
  EXPECT_EQ(Parse(std::string(8191, 'G')).status, HttpParseStatus::kIncomplete);
  // A head of exactly the limit is accepted; one octet more is not.
  std::string exact = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(Parse(exact, exact.size()).status, HttpParseStatus::kComplete);
  EXPECT_EQ(Parse(exact, exact.size() - 1).status, HttpParseStatus::kTooLarge);
}

TEST(HttpRequestTest, StopsHeaderFloods) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (size_t i = 1; i < kMaxHeaderLines; ++i) head += "X: 1\r\n";
  EXPECT_EQ(Parse(head + "\r\n").status, HttpParseStatus::kComplete);
  EXPECT_EQ(Parse(head + "X: 1\r\n\r\n").status, HttpParseStatus::kTooLarge);
}

TEST(HttpRequestTest, StopsFoldedHeaders) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n").status,
            HttpParseStatus::kBad);
  // Whitespace between the request-line and the first field (RFC 9112 section 2.2).
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\n Host: a\r\n\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsWhitespaceBeforeTheColon) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost : a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n: empty-name\r\n\r\n").status,
            HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsAbsoluteFormAndOtherTargets) {
  EXPECT_EQ(Parse("GET http://evil.example/metrics HTTP/1.1\r\nHost: a\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("CONNECT evil.example:443 HTTP/1.1\r\nHost: a\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET /a\"<x> HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, KeepsPercentEscapesUndecoded) {
  auto p = Parse("GET /%6detrics?a=%2F HTTP/1.1\r\nHost: a\r\n\r\n");
  ASSERT_EQ(p.status, HttpParseStatus::kComplete);
  EXPECT_EQ(p.request.target, "/%6detrics");  // Not "/metrics": targets compare literally.
  EXPECT_EQ(p.request.query, "a=%2F");
  EXPECT_EQ(Parse("GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET /% HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsBadVersions) {
  for (const char* version : {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "http/1.1", "HTTP/1.1 ",
                              "HTTP/1", "HTTP/11.1", ""}) {
    std::string head = std::string("GET / ") + version + "\r\nHost: a\r\n\r\n";
    EXPECT_EQ(Parse(head).status, HttpParseStatus::kBad) << version;
  }
  EXPECT_EQ(Parse("GET /\r\n\r\n").status, HttpParseStatus::kBad);  // HTTP/0.9 simple request.
}

TEST(HttpRequestTest, StopsLooseRequestLines) {
  EXPECT_EQ(Parse("GET  / HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("G(T / HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse(" GET / HTTP/1.1\r\nHost: a\r\n\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsNulAndControlBytes) {
  using namespace std::string_literals;
  EXPECT_EQ(Parse("GET /\0 HTTP/1.1\r\nHost: a\r\n\r\n"s).status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n"s).status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: a\x1b[2J\r\n\r\n"s).status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHo\0st: a\r\n\r\n"s).status, HttpParseStatus::kBad);
  // obs-text is allowed in values (RFC 9110 section 5.5).
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: caf\xc3\xa9\r\n\r\n"s).status,
            HttpParseStatus::kComplete);
}

TEST(HttpRequestTest, StopsBinaryJunkBeforeItsLineEnds) {
  using namespace std::string_literals;
  // A TLS ClientHello has no line end: it is refused on its first octet, not left waiting.
  EXPECT_EQ(Parse("\x16\x03\x01\x00\xa5"s).status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: \0"s).status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET /\rx"s).status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r"s).status, HttpParseStatus::kIncomplete);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nX: caf\xc3"s).status, HttpParseStatus::kIncomplete);
}

TEST(HttpRequestTest, StopsBareCarriageReturns) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\rHost: a\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n").status, HttpParseStatus::kBad);
}

TEST(HttpRequestTest, StopsSmugglingWithContentLengthAndTransferEncoding) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n"
                  "Transfer-Encoding: chunked\r\n\r\nhello").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\ntransfer-encoding : chunked\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -0\r\n\r\n").status,
            HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0, 5\r\n\r\n").status,
            HttpParseStatus::kBad);
  // An empty body declared as such is harmless.
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").status,
            HttpParseStatus::kComplete);
}

TEST(HttpRequestTest, StopsMissingOrDuplicateHost) {
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n").status, HttpParseStatus::kBad);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost: [::1]:9153\r\n\r\n").status,
            HttpParseStatus::kComplete);
  EXPECT_EQ(Parse("GET / HTTP/1.1\r\nHost:\r\n\r\n").status, HttpParseStatus::kComplete);
}

TEST(HttpRequestTest, RendersFramingTheHandlerCannotOverride) {
  HttpResponse r;
  r.body = "up 1\n";
  r.headers = {{"Allow", "GET, HEAD"},
               {"X-Split", "a\r\nSet-Cookie: evil"},
               {"Content-Length", "999"},
               {"Bad Name", "x"}};
  EXPECT_EQ(RenderHttpResponse(r, false),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\nup 1\n");
  EXPECT_EQ(RenderHttpResponse(r, true),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 5\r\nAllow: GET, HEAD\r\nConnection: close\r\n\r\n");
}

TEST(HttpRequestTest, RendersOutOfRangeStatusAs500AndNoContentWithoutBody) {
  HttpResponse r;
  r.status = 42;
  EXPECT_EQ(RenderHttpResponse(r, false).rfind("HTTP/1.1 500 Internal Server Error\r\n", 0), 0u);
  r.status = 204;
  r.body = "ignored";
  EXPECT_EQ(RenderHttpResponse(r, false), "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
  r.status = 299;
  EXPECT_EQ(RenderHttpResponse(r, false).rfind("HTTP/1.1 299 \r\n", 0), 0u);
}

}  // namespace
}  // namespace redoubt::http
