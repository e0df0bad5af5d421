// redoubt-checksum-proxy: a CHECKSUM-speaking authoritative for the lab (specs/checksum.md
// section 7). It listens on UDP and TCP at --listen, relays each query unchanged to the real
// server at --upstream (which ignores the unknown option, RFC 6891 section 6.1.2), and adds a
// sealed CHECKSUM option to the reply when the query carried one. Over UDP the question's first
// label may ask for a path fault (checksum_front.h); over TCP every reply is honest, as it is
// for an off-path attacker. One line per query goes to stdout: "udp|tcp QNAME checksum|plain
// FAULT". A thread per query keeps it simple; it is a lab tool, not a server.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "net/dns/message_view.h"
#include "net/io/address.h"
#include "tests/lab/checksum/checksum_front.h"
#include "tools/blocking_exchange.h"

namespace {

using namespace redoubt;
using namespace std::chrono_literals;

struct Settings {
  Endpoint listen;
  Endpoint upstream;
  uint16_t option_code = 65434;
};

std::mutex log_mutex;

const char* FaultName(lab::PathFault f) {
  static const char* names[] = {"none", "strip", "corrupt", "nonce", "alg", "dup"};
  return names[static_cast<int>(f)];
}

// The reply to `query`, with the option added as the transport and question ask.
std::vector<uint8_t> Relay(const Settings& s, const std::vector<uint8_t>& query, bool tcp) {
  auto view = dns::MessageView::Parse(query);
  if (!view || view->questions().empty()) return {};
  std::string qname = view->questions().front().qname.ToText();
  auto reply = tcp ? tools::ExchangeTcp(s.upstream, query, 2000ms) : tools::ExchangeUdp(s.upstream, query, 2000ms);
  if (!reply) return {};
  auto nonce = lab::QueryNonce(query, s.option_code);
  lab::PathFault fault = lab::PathFault::kNone;
  if (!tcp && view->questions().front().qname.LabelCount() > 0) {
    std::string first = view->questions().front().qname.ToLower().ToText();
    fault = lab::FaultForLabel(first.substr(0, first.find('.')));
  }
  std::vector<uint8_t> out = *reply;
  if (nonce) {
    if (auto sealed = lab::AddChecksum(*reply, *nonce, s.option_code, fault)) out = *sealed;
  }
  std::lock_guard lock(log_mutex);
  std::printf("%s %s %s %s\n", tcp ? "tcp" : "udp", qname.c_str(), nonce ? "checksum" : "plain", FaultName(fault));
  std::fflush(stdout);
  return out;
}

int Bound(int type, const Endpoint& at) {
  sockaddr_storage address;
  socklen_t length = io::ToSockaddr(at, address);
  int fd = socket(address.ss_family, type | SOCK_CLOEXEC, 0);
  int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    std::perror("bind");
    std::exit(1);
  }
  return fd;
}

bool ReadExactly(int fd, uint8_t* out, size_t n) {
  while (n > 0) {
    ssize_t got = read(fd, out, n);
    if (got <= 0) return false;
    out += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

void ServeConnection(const Settings& s, int fd) {
  timeval idle{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
  uint8_t prefix[2];
  while (ReadExactly(fd, prefix, 2)) {
    std::vector<uint8_t> query(static_cast<size_t>(prefix[0] << 8 | prefix[1]));
    if (!ReadExactly(fd, query.data(), query.size())) break;
    std::vector<uint8_t> reply = Relay(s, query, true);
    if (reply.empty()) break;
    uint8_t length[2] = {static_cast<uint8_t>(reply.size() >> 8), static_cast<uint8_t>(reply.size())};
    if (write(fd, length, 2) != 2 || write(fd, reply.data(), reply.size()) != static_cast<ssize_t>(reply.size())) break;
  }
  close(fd);
}

void ServeTcp(const Settings& s) {
  int listener = Bound(SOCK_STREAM, s.listen);
  listen(listener, 64);
  for (;;) {
    int fd = accept(listener, nullptr, nullptr);
    if (fd >= 0) std::thread(ServeConnection, std::cref(s), fd).detach();
  }
}

void ServeUdp(const Settings& s) {
  int fd = Bound(SOCK_DGRAM, s.listen);
  std::vector<uint8_t> buffer(65535);
  for (;;) {
    sockaddr_storage from;
    socklen_t from_length = sizeof(from);
    ssize_t n = recvfrom(fd, buffer.data(), buffer.size(), 0, reinterpret_cast<sockaddr*>(&from), &from_length);
    if (n <= 0) continue;
    std::thread([&s, fd, from, from_length](std::vector<uint8_t> query) {
      std::vector<uint8_t> reply = Relay(s, query, false);
      if (!reply.empty()) sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), from_length);
    }, std::vector<uint8_t>(buffer.begin(), buffer.begin() + n)).detach();
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redoubt-checksum-proxy: adds CHECKSUM to a lab authoritative's replies"};
  std::string listen_text, upstream_text;
  Settings settings;
  app.add_option("--listen", listen_text, "address to serve on (port 53)")->required();
  app.add_option("--upstream", upstream_text, "the real authoritative server (port 53)")->required();
  app.add_option("--option-code", settings.option_code, "CHECKSUM option code");
  CLI11_PARSE(app, argc, argv);
  auto listen_address = IpAddress::Parse(listen_text);
  auto upstream_address = IpAddress::Parse(upstream_text);
  if (!listen_address || !upstream_address) {
    std::fprintf(stderr, "redoubt-checksum-proxy: bad address\n");
    return 1;
  }
  settings.listen = {*listen_address, 53};
  settings.upstream = {*upstream_address, 53};
  std::thread tcp(ServeTcp, std::cref(settings));
  ServeUdp(settings);
}
