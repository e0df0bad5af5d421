// The state file of RFC 5011 managed trust points (resolver/validator/anchor_state_text.h's
// text): kept beside a writable anchor file so that hold-down timers and revocations survive
// restarts (RFC 5011 section 2.4: the timers are in wall-clock time, not uptime).
#pragma once

#include <string>
#include <vector>

#include "net/base/result.h"
#include "resolver/validator/anchor_maintenance.h"

namespace redoubt::resolver {

// Where the state of the anchor file `anchor_path` is kept: "<anchor_path>.state", in the
// same directory (so that the daemon's write access to that directory is all it needs).
std::string ManagedStatePath(const std::string& anchor_path);

// Reads the state file `path`. A missing file is nullopt (no state yet: the caller starts from
// the configured anchors with InitialTrustPoint); an unreadable or malformed one fails with
// "PATH:LINE: reason" (or "PATH: reason").
Result<std::optional<std::vector<TrustPointState>>, std::string> LoadManagedAnchorFile(
    const std::string& path);

// Writes `points` atomically: a temporary file in the same directory, fsync, rename over
// `path`, fsync of the directory. A crash leaves the old file or the new one, never half of one;
// on failure the temporary file is removed and the old file is untouched.
Result<void, std::string> SaveManagedAnchorFile(const std::string& path,
                                                const std::vector<TrustPointState>& points);

}  // namespace redoubt::resolver
