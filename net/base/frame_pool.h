// FramePool: where coroutine frames (Task, Detached; task.h) get their memory. A resolution runs
// a dozen nested coroutines, each a heap frame, and the same sizes come back query after query;
// each thread keeps the frames it freed in lists by size class (64-octet steps up to 4 KiB) and
// hands them out again, so a frame costs no malloc once the thread has warmed up.
//
// Bounded: at most kMaxCachedBytes of free frames per thread (beyond that a freed frame goes
// back to the heap), and a thread's lists are returned to the heap when it exits. A frame may be
// freed on another thread than the one that allocated it (it then joins that thread's lists).
// Under AddressSanitizer every frame comes from and goes back to the heap, so that a use after
// free of a frame is still reported.
#pragma once

#include <cstddef>

namespace redoubt::frame_pool {

// Frames above this size are not pooled.
inline constexpr size_t kMaxPooledSize = 4096;
// Free frames one thread keeps, in octets.
inline constexpr size_t kMaxCachedBytes = 256 * 1024;

// A block of at least `size` octets, aligned like ::operator new (throws std::bad_alloc as it).
void* Allocate(size_t size);
// Gives back a block from Allocate(size), with the same `size`.
void Free(void* block, size_t size) noexcept;

// This thread's free frames, in octets (for tests).
size_t CachedBytes() noexcept;
// Gives this thread's free frames back to the heap (tests start from empty lists with it).
void ReleaseCached() noexcept;
// False in AddressSanitizer builds, where every frame goes to the heap.
bool Enabled() noexcept;

}  // namespace redoubt::frame_pool
