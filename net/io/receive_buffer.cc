#include "net/io/receive_buffer.h"

#include <memory>

namespace redoubt::io {

std::span<char> ReceiveBuffer() {
  // Not zeroed: the kernel writes before anyone reads, and untouched pages cost no memory
  // until the first large reply.
  thread_local std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kMaxMessageSize);
  return {buffer.get(), kMaxMessageSize};
}

std::span<char> ReceiveBatchBuffer() {
  constexpr size_t kSize = kDatagramSlot * kDatagramsPerRead;
  thread_local std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kSize);
  return {buffer.get(), kSize};
}

}  // namespace redoubt::io
