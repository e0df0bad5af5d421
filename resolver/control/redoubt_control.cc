// redoubt-control: the control client (docs/control.md, redoubt-control(8)). Sends one request
// over the daemon's Unix socket (control.socket; default /run/redoubt/control.sock), prints the
// reply and exits with its status:
//   0  the daemon did it          1  the daemon refused or failed (the reason is printed)
//   2  usage error                3  the daemon cannot be reached (not running, no socket,
//                                    no permission, or no reply in time)
#include <CLI/CLI.hpp>
#include <errno.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "resolver/control/control_request.h"

namespace {

using redoubt::resolver::ControlFormat;

constexpr int kExitRefused = 1, kExitUsage = 2, kExitUnreachable = 3;
constexpr const char* kDefaultSocket = "/run/redoubt/control.sock";

int Unreachable(const std::string& path, const std::string& why) {
  std::fprintf(stderr, "redoubt-control: cannot reach redoubt at %s: %s\n", path.c_str(), why.c_str());
  if (why.find("No such file") != std::string::npos || why.find("Connection refused") != std::string::npos) {
    std::fprintf(stderr, "redoubt-control: is redoubt running, and is control.socket set to this path? "
                         "(-s PATH chooses another)\n");
  }
  return kExitUnreachable;
}

// Connects, sends `request`, and reads the whole reply (the daemon closes after it).
int Exchange(const std::string& path, const std::string& request, int timeout_seconds, std::string& reply) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof address.sun_path) return Unreachable(path, "path empty or too long");
  std::memcpy(address.sun_path, path.data(), path.size());
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Unreachable(path, std::strerror(errno));
  timeval timeout{timeout_seconds, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    std::string why = std::strerror(errno);
    close(fd);
    return Unreachable(path, why);
  }
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
    std::string why = std::strerror(errno);
    close(fd);
    return Unreachable(path, why);
  }
  char buffer[65536];
  while (true) {
    ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      std::string why = errno == EAGAIN ? "no reply within " + std::to_string(timeout_seconds) + " s" : std::strerror(errno);
      close(fd);
      return Unreachable(path, why);
    }
    reply.append(buffer, static_cast<size_t>(got));
  }
  close(fd);
  return 0;
}

std::string CommandHelp() {
  return "COMMAND is one of:\n"
         "  status                 version, uptime, workers, listeners, cache occupancy\n"
         "  stats                  every metric (docs/metrics.md), summed over the workers\n"
         "  flush NAME             the cache entries of NAME (all types, NXDOMAIN)\n"
         "  flush-zone ZONE        ZONE and everything below it, and the learnt delegations\n"
         "  flush-all              the whole cache, and the learnt delegations\n"
         "  flush-bogus            remembered bogus answers and chain-of-trust verdicts\n"
         "  flush-negative         cached NXDOMAIN and NODATA answers\n"
         "  dump-cache             the cache as zone-file text with remaining TTLs\n"
         "  forward-zones          forward zones, their servers and signing\n"
         "  trust-anchors          trust anchor keys and negative trust anchors\n"
         "  mirror-refresh ZONE    refresh a mirrored zone now\n"
         "  nta add ZONE [LIFETIME] stop validating ZONE for LIFETIME (3600, 90s, 30m, 1h, 2d, 1w;\n"
         "                         default 1h, at most 1w): a negative trust anchor, RFC 7646\n"
         "  nta remove ZONE        validate ZONE again\n"
         "  nta list               the negative trust anchors added with nta add\n"
         "  reload                 re-read the configuration file, root hints and trust anchors;\n"
         "                         the cache is kept where still valid (refused: nothing changes)\n"
         "Exit status: 0 done, 1 refused by the daemon, 2 usage, 3 daemon unreachable.";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redoubt-control: control a running redoubt over its Unix socket"};
  app.footer(CommandHelp());
  std::string socket_path = kDefaultSocket;
  bool json = false;
  int timeout = 30;
  std::vector<std::string> words;
  app.add_option("-s,--socket", socket_path, "the daemon's control socket (control.socket)")->capture_default_str();
  app.add_flag("--json", json, "print the reply as JSON");
  app.add_option("-t,--timeout", timeout, "seconds to wait for the reply")->capture_default_str()->check(CLI::Range(1, 3600));
  app.add_option("command", words, "COMMAND [ARGUMENT]")->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  // "nta add ZONE" is the wire's "nta-add ZONE" (the protocol has one word per command).
  if (words[0] == "nta" && words.size() >= 2) {
    words[1] = "nta-" + words[1];
    words.erase(words.begin());
  }
  auto names = redoubt::resolver::ControlCommandNames();
  if (std::find(names.begin(), names.end(), words[0]) == names.end()) {
    std::fprintf(stderr, "redoubt-control: unknown command '%s'\n%s\n", words[0].c_str(), CommandHelp().c_str());
    return kExitUsage;
  }
  std::vector<std::string> arguments(words.begin() + 1, words.end());
  std::string request = redoubt::resolver::FormatControlRequest(json ? ControlFormat::kJson : ControlFormat::kText,
                                                                words[0], arguments);
  // The daemon's own grammar, checked here first so that a malformed request is a usage error
  // even when the daemon is down.
  if (auto parsed = redoubt::resolver::ParseControlRequest(request); !parsed) {
    std::fprintf(stderr, "redoubt-control: %s\n", parsed.error().c_str());
    return kExitUsage;
  }
  std::string reply;
  if (int failed = Exchange(socket_path, request, timeout, reply); failed != 0) return failed;
  size_t end = reply.find('\n');
  std::string status = end == std::string::npos ? reply : reply.substr(0, end);
  std::string body = end == std::string::npos ? "" : reply.substr(end + 1);
  if (status != "OK" && status != "ERROR") {
    return Unreachable(socket_path, "the reply is not from redoubt's control channel");
  }
  // Scripts (--json) read stdout whatever the outcome; people see a refusal on stderr.
  std::fwrite(body.data(), 1, body.size(), status == "OK" || json ? stdout : stderr);
  return status == "OK" ? 0 : kExitRefused;
}
