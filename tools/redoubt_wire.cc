// redoubt-wire: sends one query built by redoubt's codec and prints the parsed reply.
//
//   redoubt-wire SERVER NAME TYPE [--tcp] [--dnssec] [--sections answer,authority,additional]
//                [--bufsize N] [--timeout-ms N]
//
// It exercises the codec against real servers: the reply is parsed with MessageView, every
// record is re-encoded with MessageBuilder and parsed again, and the two record lists must be
// identical (exit 3 otherwise). A truncated UDP reply is retried over TCP, as a resolver would.
// Records of the chosen sections are printed in zone-file form. Exit 0 on success, 1 on a usage
// error, 2 on a network or parse failure, 3 on a round-trip mismatch.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "net/base/endpoint.h"
#include "tools/blocking_exchange.h"
#include "tools/wire_roundtrip.h"

namespace redoubt::tools {
namespace {

struct Options {
  Endpoint server;
  std::string qname;
  std::string qtype;
  bool tcp = false;
  bool dnssec = false;
  uint16_t bufsize = 1232;
  int timeout_ms = 3000;
  std::set<std::string> sections = {"answer", "authority", "additional"};
};

int Usage() {
  std::fprintf(stderr,
               "usage: redoubt-wire SERVER NAME TYPE [--tcp] [--dnssec] "
               "[--sections answer,authority,additional] [--bufsize N] [--timeout-ms N]\n");
  return 1;
}

bool ParseArgs(int argc, char** argv, Options& o) {
  std::vector<std::string_view> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--tcp") {
      o.tcp = true;
    } else if (a == "--dnssec") {
      o.dnssec = true;
    } else if (a == "--sections") {
      const char* v = next();
      if (!v) return false;
      o.sections.clear();
      std::string list = v;
      for (size_t start = 0; start <= list.size();) {
        size_t comma = list.find(',', start);
        if (comma == std::string::npos) comma = list.size();
        o.sections.insert(list.substr(start, comma - start));
        start = comma + 1;
      }
    } else if (a == "--bufsize" || a == "--timeout-ms") {
      const char* v = next();
      if (!v) return false;
      long n = std::strtol(v, nullptr, 10);
      if (n <= 0 || n > 65535) return false;
      if (a == "--bufsize") o.bufsize = static_cast<uint16_t>(n);
      else o.timeout_ms = static_cast<int>(n);
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 3) return false;
  auto server = Endpoint::Parse(positional[0]);
  if (!server) return false;
  o.server = *server;
  o.qname = positional[1];
  o.qtype = positional[2];
  return true;
}

int Run(const Options& o) {
  QuerySpec spec{o.qname, o.qtype, o.dnssec, o.bufsize};
  auto query = BuildQuery(spec);
  if (!query) {
    std::fprintf(stderr, "redoubt-wire: cannot build the query: %s\n", query.error().c_str());
    return 1;
  }
  auto timeout = std::chrono::milliseconds(o.timeout_ms);
  auto reply = o.tcp ? ExchangeTcp(o.server, query->bytes, timeout)
                     : ExchangeUdp(o.server, query->bytes, timeout);
  if (reply && !o.tcp && IsTruncated(*reply)) {
    reply = ExchangeTcp(o.server, query->bytes, timeout);  // TC: ask again over TCP.
  }
  if (!reply) {
    std::fprintf(stderr, "redoubt-wire: no reply from %s\n", o.server.ToString().c_str());
    return 2;
  }
  auto checked = ParseAndRoundTrip(*reply, query->id);
  if (!checked) {
    std::fprintf(stderr, "redoubt-wire: %s\n", checked.error().c_str());
    return checked.error().rfind("round trip", 0) == 0 ? 3 : 2;
  }
  std::fputs(checked->FormatSections(o.sections).c_str(), stdout);
  return 0;
}

}  // namespace
}  // namespace redoubt::tools

int main(int argc, char** argv) {
  redoubt::tools::Options options;
  if (!redoubt::tools::ParseArgs(argc, argv, options)) return redoubt::tools::Usage();
  return redoubt::tools::Run(options);
}
