// libFuzzer target: the zone-file parser and the presentation printer. Every record parsed from
// the input is printed with RecordToText and parsed again; the second parse must give the same
// record (owner, type, class, TTL, RDATA octets) — a text round trip.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "net/dns/presentation.h"
#include "net/dns/zone_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt::dns;
  ZoneParseOptions options;
  options.origin = *Name::FromText("fuzz.example.");
  options.allow_include = false;  // The fuzzer must not read files.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto records = ParseZoneText(text, "fuzz", options);
  if (!records) return 0;
  for (const auto& r : *records) {
    for (bool generic : {false, true}) {
      std::string line = RecordToText(r, generic) + "\n";
      auto again = ParseZoneText(line, "reparse", options);
      if (!again || again->size() != 1) __builtin_trap();
      const Record& back = (*again)[0];
      if (!(back == r) || !back.owner.IdenticalTo(r.owner)) __builtin_trap();
    }
  }
  return 0;
}
