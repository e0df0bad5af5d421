#include "resolver/daemon/managed_anchor_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "resolver/daemon/atomic_file.h"
#include "resolver/validator/anchor_state_text.h"

namespace redoubt::resolver {

std::string ManagedStatePath(const std::string& anchor_path) { return anchor_path + ".state"; }

Result<std::optional<std::vector<TrustPointState>>, std::string> LoadManagedAnchorFile(
    const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<std::vector<TrustPointState>>();
    return Unexpected(path + ": " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto points = ParseManagedAnchors(text.str(), path);
  if (!points) return Unexpected(points.error());
  return std::optional<std::vector<TrustPointState>>(std::move(*points));
}

// 0644: the file holds public keys only, and tools (or a second resolver) may read it as an
// anchor file.
Result<void, std::string> SaveManagedAnchorFile(const std::string& path,
                                                const std::vector<TrustPointState>& points) {
  return WriteFileAtomically(path, SerializeManagedAnchors(points), 0644);
}

}  // namespace redoubt::resolver
