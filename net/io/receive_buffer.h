// The one receive buffer of a loop's thread (internal to net/io). Every socket a loop reads
// (upstream UDP exchanges, pooled upstream TCP connections, client listeners) receives into it
// and copies out only the octets that arrived, so what a pending exchange or an idle connection
// holds is its small state, not a worst-case reply: 10,000 queries in flight would otherwise
// pin 640 MB (tests/bench/inflight_bench.cc measures it).
#pragma once

#include <cstddef>
#include <span>

namespace redoubt::io {

// The largest DNS message: 65535 octets, the most a TCP length prefix can announce (RFC 1035
// section 4.2.2), and more than a UDP datagram carries over IPv4 or IPv6 (65507 and 65527
// octets; RFC 768, RFC 8200). A larger datagram (an IPv6 jumbogram, RFC 2675) is truncated by
// the kernel (MSG_TRUNC) and refused, as before.
inline constexpr size_t kMaxMessageSize = 65535;

// The calling thread's buffer of kMaxMessageSize octets, allocated (untouched) on first use
// and kept for the thread's lifetime. Valid only until the caller returns to the loop: libuv
// runs one callback at a time on a thread, so a read callback may use it between its read and
// its return, and must copy out whatever it keeps. Never hand it to anything that outlives
// the callback (a coroutine resumed later, a write request).
std::span<char> ReceiveBuffer();

// A client listener's batch read (recvmmsg(2) through libuv's UV_UDP_RECVMMSG): libuv cuts the
// buffer it is given into slots of kDatagramSlot octets, one datagram per slot, and reads as
// many datagrams in one system call as there are slots.
inline constexpr size_t kDatagramSlot = 64 * 1024;  // libuv's UV__UDP_DGRAM_MAXSIZE.
inline constexpr size_t kDatagramsPerRead = 16;

// The calling thread's batch buffer of kDatagramsPerRead slots (1 MiB of address space; a slot
// touches only the pages its datagram fills). The same lifetime rules as ReceiveBuffer, and a
// separate buffer, so a listener's batch never shares octets with an upstream read.
std::span<char> ReceiveBatchBuffer();

}  // namespace redoubt::io
