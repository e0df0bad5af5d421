// libFuzzer target: the LMDB cache's value decoder (cache/entry.h), which reads whatever a
// damaged or foreign cache file holds. The raw input is decoded as it is (the checksum almost
// always refuses it), then again with a correct checksum patched in so the fuzzer reaches the
// header and RRset decoding. Nothing may crash or read outside the buffer, and whatever decodes
// must encode and decode again to the same header and RRset count.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "cache/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace redoubt::cache;
  (void)DecodeEntry({data, size});
  std::vector<uint8_t> value(data, data + size);
  if (value.size() >= kEntryHeaderSize) {
    uint64_t sum = EntryChecksum(value);
    for (size_t i = 0; i < 8; ++i) value[24 + i] = static_cast<uint8_t>(sum >> (56 - 8 * i));
  }
  auto entry = DecodeEntry(value);
  if (!entry) return 0;
  auto again = EncodeEntry(*entry);
  if (!again) std::abort();
  auto back = DecodeEntry(*again);
  if (!back || back->kind != entry->kind || back->ttl != entry->ttl || back->stored != entry->stored ||
      back->rrsets.size() != entry->rrsets.size()) {
    std::abort();
  }
  return 0;
}
