#include "net/base/frame_pool.h"

#include <array>
#include <new>
#include <utility>

namespace redoubt::frame_pool {
namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kPooling = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kPooling = false;
#else
constexpr bool kPooling = true;
#endif
#else
constexpr bool kPooling = true;
#endif

constexpr size_t kStep = 64;
constexpr size_t kClasses = kMaxPooledSize / kStep;

struct FreeBlock {
  FreeBlock* next;
};

// One thread's free lists; class c holds blocks of (c + 1) * kStep octets.
class Lists {
 public:
  ~Lists() {
    gone_ = true;  // A frame freed later in this thread's exit goes straight to the heap.
    Release();
  }

  void Release() noexcept {
    for (FreeBlock*& head : heads_) {
      while (head != nullptr) ::operator delete(std::exchange(head, head->next));
    }
    cached_ = 0;
  }

  void* Take(size_t c) noexcept {
    FreeBlock* block = heads_[c];
    if (block == nullptr) return nullptr;
    heads_[c] = block->next;
    cached_ -= (c + 1) * kStep;
    return block;
  }

  bool Keep(void* block, size_t c) noexcept {
    size_t size = (c + 1) * kStep;
    if (gone_ || cached_ + size > kMaxCachedBytes) return false;
    heads_[c] = new (block) FreeBlock{heads_[c]};
    cached_ += size;
    return true;
  }

  size_t cached() const noexcept { return cached_; }

 private:
  std::array<FreeBlock*, kClasses> heads_{};
  size_t cached_ = 0;
  bool gone_ = false;
};

thread_local Lists lists;

size_t ClassOf(size_t size) noexcept { return (size + kStep - 1) / kStep - 1; }

}  // namespace

void* Allocate(size_t size) {
  if (!kPooling || size == 0 || size > kMaxPooledSize) return ::operator new(size);
  size_t c = ClassOf(size);
  if (void* block = lists.Take(c)) return block;
  return ::operator new((c + 1) * kStep);
}

void Free(void* block, size_t size) noexcept {
  if (block == nullptr) return;
  if (!kPooling || size == 0 || size > kMaxPooledSize) return ::operator delete(block);
  if (!lists.Keep(block, ClassOf(size))) ::operator delete(block);
}

size_t CachedBytes() noexcept { return lists.cached(); }

void ReleaseCached() noexcept { lists.Release(); }

bool Enabled() noexcept { return kPooling; }

}  // namespace redoubt::frame_pool
