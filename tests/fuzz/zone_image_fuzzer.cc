// libFuzzer target: the zone store's image decoder (cache/zone_store.h), which reads whatever a
// damaged or foreign zone store file holds. Nothing may crash or read outside the buffer, and an
// image that decodes must encode back to exactly the input octets (the format has one encoding
// per zone: no slack, no trailing bytes, no compression).
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "cache/zone_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt::cache;
  auto zone = DecodeZoneImage({data, size});
  if (!zone) return 0;
  auto again = EncodeZoneImage(*zone);
  if (!again || again->size() != size ||
      (size > 0 && std::memcmp(again->data(), data, size) != 0)) {
    __builtin_trap();
  }
  return 0;
}
