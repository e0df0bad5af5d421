#include "resolver/daemon/negative_anchor_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "resolver/daemon/atomic_file.h"

namespace redoubt::resolver {

Result<void, std::string> LoadNegativeAnchorFile(const std::string& path, RuntimeNegativeAnchors& anchors) {
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return anchors.Restore("", path);  // No state yet.
    std::string why = std::strerror(errno);
    (void)anchors.Restore("", path);
    return Unexpected(path + ": " + why);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return anchors.Restore(text.str(), path);
}

Result<void, std::string> SaveNegativeAnchorFile(const std::string& path, const RuntimeNegativeAnchors& anchors) {
  return WriteFileAtomically(path, anchors.Serialize(), 0640);
}

}  // namespace redoubt::resolver
