// Assertions in three strengths (design guide section 3):
//   CHECK(cond)          always on; logs file:line and aborts. For invariants whose failure means
//                        memory is no longer trustworthy.
//   DCHECK(cond)         debug builds only.
//   CHECK_OR_FAIL(cond)  recoverable: logs, counts an internal error and returns
//                        Fail(Errc::kInternal) from the enclosing function, which must return a
//                        Result. The request fails (SERVFAIL + EDE 0); the daemon lives on.
//                        Modelled on Knot Resolver's kr_fails_assert.
#pragma once

#include <atomic>
#include <cstdint>

namespace redoubt {

// Prints "CHECK failed: <expr> at <file>:<line>" to stderr and aborts. Never returns.
[[noreturn]] void CheckFailed(const char* expr, const char* file, int line) noexcept;

// Logs a recoverable check failure to stderr and counts it in InternalErrorCount().
void RecoverableCheckFailed(const char* expr, const char* file, int line) noexcept;

// Number of recoverable check failures since start (exported as a metric by resolver/metrics).
uint64_t InternalErrorCount() noexcept;

}  // namespace redoubt

#define CHECK(cond)                                                               \
  do {                                                                            \
    if (!(cond)) [[unlikely]]                                                     \
      ::redoubt::CheckFailed(#cond, __FILE__, __LINE__);                          \
  } while (0)

#ifdef NDEBUG
#define DCHECK(cond) \
  do {               \
    (void)sizeof(cond); \
  } while (0)
#else
#define DCHECK(cond) CHECK(cond)
#endif

#define CHECK_OR_FAIL(cond)                                                  \
  do {                                                                       \
    if (!(cond)) [[unlikely]] {                                              \
      ::redoubt::RecoverableCheckFailed(#cond, __FILE__, __LINE__);          \
      return ::redoubt::Unexpected<::redoubt::Error>(                        \
          ::redoubt::Error{::redoubt::Errc::kInternal, static_cast<uint32_t>(__LINE__)}); \
    }                                                                        \
  } while (0)
