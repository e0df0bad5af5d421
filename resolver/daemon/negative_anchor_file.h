// The file that keeps the negative trust anchors added at run time (nta add; RFC 7646) across
// restarts: <cache.directory>/negative-anchors, in RuntimeNegativeAnchors::Serialize's text.
#pragma once

#include <string>

#include "net/base/result.h"
#include "resolver/validator/runtime_negative_anchors.h"

namespace redoubt::resolver {

// Replaces `anchors` with the file's. A missing file is an empty set; an unreadable or
// malformed one fails with "PATH:LINE: reason" (or "PATH: reason") and leaves the set empty.
Result<void, std::string> LoadNegativeAnchorFile(const std::string& path, RuntimeNegativeAnchors& anchors);

// Writes the set atomically (atomic_file.h): a temporary file beside `path`, fsync, rename,
// fsync of the directory. A crash leaves the
// old file or the new one, never half of one.
Result<void, std::string> SaveNegativeAnchorFile(const std::string& path, const RuntimeNegativeAnchors& anchors);

}  // namespace redoubt::resolver
