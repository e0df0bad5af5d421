// Running blocking work off the event loop: a coroutine hands a function to libuv's thread pool
// (uv_queue_work) and is resumed on its loop's thread when the function has returned. For
// calls that may block on the network outside our control, such as GSS_Init_sec_context
// talking to a Kerberos KDC (specs/gss-tsig.md section 3: "the loop never waits on the KDC").
//
// The work runs to its end even when the waiting coroutine's frame is destroyed first (a
// shutdown): the shared state outlives both, and a gone waiter is simply not resumed. The
// function must therefore own or share everything it touches (capture shared_ptrs, not
// references into the frame).
#pragma once

#include <uv.h>

#include <functional>

#include "net/base/task.h"

namespace redoubt::io {

// Runs `work` on the libuv thread pool and resumes the caller on `loop`'s thread afterwards.
// `work` must not throw. Returns false when the work could not be queued (it then did not run).
Task<bool> RunOnThreadPool(uv_loop_t* loop, std::function<void()> work);

}  // namespace redoubt::io
