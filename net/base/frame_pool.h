// FramePool: where coroutine frames (Task, Detached; task.h) get their memory. A resolution runs
// a dozen nested coroutines, each a heap frame, and the same sizes come back query after query;
// each thread keeps the frames it freed in lists by size class (64-octet steps up to 8 KiB) and
// hands them out again, so a frame costs no malloc once the thread has warmed up.
//
// Sizes: a cold resolution allocates about 23 frames, 41 KB in all, two just over 4 KiB (the
// frames Iterator::AskZone and ChainResolver::ResolveLink call into); a worker with 256
// resolutions in flight holds about 10 MB of frames. With 4 KiB / 256 KiB most frames missed the
// pool and mimalloc's slower paths took about 3% of a cold query's CPU; 8 KiB / 2 MiB took 1.5-3%
// off a cold query.
//
// Bounded: at most kMaxCachedBytes of free frames per thread (beyond that a freed frame goes
// back to the heap), and a thread's lists are returned to the heap when it exits. A frame may be
// freed on another thread than the one that allocated it (it then joins that thread's lists).
// Under AddressSanitizer every frame comes from and goes back to the heap, so that a use after
// free of a frame is still reported.
#pragma once

#include <cstddef>

namespace redoubt::frame_pool {

// Frames above this size are not pooled (the largest measured is 4272 octets).
inline constexpr size_t kMaxPooledSize = 8192;
// Free frames one thread keeps, in octets (so at most this much of a worker's RSS).
inline constexpr size_t kMaxCachedBytes = 2 * 1024 * 1024;

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
