#include "resolver/daemon/negative_anchor_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

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
  std::string text = anchors.Serialize();
  std::string temporary = path + ".tmp";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) return Unexpected(temporary + ": " + std::strerror(errno));
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  int saved_errno = errno;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::string why = std::strerror(written ? errno : saved_errno);
    ::unlink(temporary.c_str());
    return Unexpected(path + ": " + why);
  }
  return {};
}

}  // namespace redoubt::resolver
