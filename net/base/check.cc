#include "net/base/check.h"

#include <cstdio>
#include <cstdlib>

namespace redoubt {
namespace {
std::atomic<uint64_t> internal_errors{0};
}  // namespace

void CheckFailed(const char* expr, const char* file, int line) noexcept {
  std::fprintf(stderr, "CHECK failed: %s at %s:%d\n", expr, file, line);
  std::fflush(stderr);
  std::abort();
}

void RecoverableCheckFailed(const char* expr, const char* file, int line) noexcept {
  internal_errors.fetch_add(1, std::memory_order_relaxed);
  std::fprintf(stderr, "internal error (request failed, daemon continues): %s at %s:%d\n", expr,
               file, line);
}

uint64_t InternalErrorCount() noexcept { return internal_errors.load(std::memory_order_relaxed); }

}  // namespace redoubt
