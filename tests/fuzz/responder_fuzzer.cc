// libFuzzer target: any bytes sent to redoubt's client-facing side. The responder runs the whole
// pipeline against a fake network that serves one small zone, so some queries resolve and some fail. Whatever
// comes back must be a well-formed response to that query (QR set, same ID) no larger than a
// UDP client may receive, and nothing may crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "net/dns/message_view.h"
#include "resolver/server/responder.h"
#include "resolver/testing/pipeline_rig.h"

namespace {

using namespace redoubt;
using namespace redoubt::resolver;

struct World {
  testing::PipelineRig rig;
  ResponderStats stats;
  std::unique_ptr<Responder> responder;

  World() {
    rig.network.Serve("10.0.0.1", ".", "@ SOA a.root. h.root. 1 2 3 4 300\n@ NS a.root.\n"
                                   "a.root. A 10.0.0.1\nwww.example. A 192.0.2.1\n"
                                   "alias.example. CNAME www.example.\n");
    ResponderOptions options;
    options.allow = {*Prefix::Parse("127.0.0.0/8")};
    responder = std::make_unique<Responder>(rig.Build(), options, &stats);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World;
  std::vector<uint8_t> query(data, data + size);
  std::vector<uint8_t> reply;
  bool done = false;
  Detach([](Responder& r, std::vector<uint8_t> q, std::vector<uint8_t>& out, bool& finished) -> Task<void> {
    out = co_await r.Answer(std::move(q), {Endpoint{*IpAddress::Parse("127.0.0.1"), 5353}, false});
    finished = true;
  }(*world->responder, query, reply, done));
  if (!done) std::abort();  // The fake network never suspends.
  if (reply.empty()) return 0;
  auto view = dns::MessageView::Parse(reply);
  if (!view || !view->header().qr || reply.size() > 1232 || size < 2 ||
      reply[0] != data[0] || reply[1] != data[1]) {
    std::abort();
  }
  return 0;
}
