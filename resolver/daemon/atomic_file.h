// Replacing a small state file so that a crash leaves the old content or the new, never half of
// either: the daemon's files of negative trust anchors (negative_anchor_file.h) and of RFC 5011
// managed keys (managed_anchor_file.h).
#pragma once

#include <string>

#include "net/base/result.h"

namespace redoubt::resolver {

// Writes `text` to "<path>.tmp" in the same directory (mode `mode`), fsyncs it, renames it over
// `path`, then fsyncs the directory so that the rename itself is durable. On failure the
// temporary file is removed, `path` is left as it was, and the error is "FILE: strerror".
Result<void, std::string> WriteFileAtomically(const std::string& path, const std::string& text,
                                              unsigned mode);

}  // namespace redoubt::resolver
