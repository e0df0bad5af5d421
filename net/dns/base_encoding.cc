#include "net/dns/base_encoding.h"

namespace redoubt::dns {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kBase32Hex[] = "0123456789abcdefghijklmnopqrstuv";
constexpr char kHex[] = "0123456789abcdef";

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

int Base32HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'v') return c - 'a' + 10;
  if (c >= 'A' && c <= 'V') return c - 'A' + 10;
  return -1;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string EncodeBase64(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = static_cast<uint32_t>(bytes[i]) << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    for (int s = 18; s >= 0; s -= 6) out.push_back(kBase64[(v >> s) & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t v = static_cast<uint32_t>(bytes[i]) << 16 | (rest == 2 ? bytes[i + 1] << 8 : 0);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kBase64[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

Result<std::vector<uint8_t>> DecodeBase64(std::string_view text) {
  if (text.size() % 4 != 0) return Fail(Errc::kBadBase64);
  std::vector<uint8_t> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + static_cast<size_t>(k)];
      if (c == '=') {
        // Padding only in the last quartet, only in its last two places, and contiguous.
        if (i + 4 != text.size() || k < 2) return Fail(Errc::kBadBase64, static_cast<uint32_t>(i));
        ++pad;
        v[k] = 0;
        continue;
      }
      if (pad > 0) return Fail(Errc::kBadBase64, static_cast<uint32_t>(i));
      v[k] = Base64Value(c);
      if (v[k] < 0) return Fail(Errc::kBadBase64, static_cast<uint32_t>(i + static_cast<size_t>(k)));
    }
    uint32_t n = static_cast<uint32_t>(v[0] << 18 | v[1] << 12 | v[2] << 6 | v[3]);
    out.push_back(static_cast<uint8_t>(n >> 16));
    if (pad < 2) out.push_back(static_cast<uint8_t>(n >> 8));
    if (pad < 1) out.push_back(static_cast<uint8_t>(n));
    // Non-canonical encodings (bits set in the padding) are rejected.
    if ((pad == 1 && (n & 0xFF)) || (pad == 2 && (n & 0xFFFF))) return Fail(Errc::kBadBase64);
  }
  return out;
}

std::string EncodeBase32Hex(std::span<const uint8_t> bytes) {
  std::string out;
  uint64_t buffer = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    buffer = buffer << 8 | b;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Hex[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kBase32Hex[(buffer << (5 - bits)) & 31]);
  return out;
}

Result<std::vector<uint8_t>> DecodeBase32Hex(std::string_view text) {
  // Valid unpadded lengths leave 0, 2, 4, 5 or 7 characters in the last group of 8.
  size_t tail = text.size() % 8;
  if (tail == 1 || tail == 3 || tail == 6) return Fail(Errc::kBadBase32);
  std::vector<uint8_t> out;
  uint64_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int v = Base32HexValue(text[i]);
    if (v < 0) return Fail(Errc::kBadBase32, static_cast<uint32_t>(i));
    buffer = buffer << 5 | static_cast<uint64_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<uint8_t>(buffer >> (bits - 8)));
      bits -= 8;
    }
  }
  if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0) return Fail(Errc::kBadBase32);
  return out;
}

std::string EncodeHex(std::span<const uint8_t> bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<std::vector<uint8_t>> DecodeHex(std::string_view text) {
  if (text.size() % 2 != 0) return Fail(Errc::kBadHex, static_cast<uint32_t>(text.size()));
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(text[2 * i]), lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return Fail(Errc::kBadHex, static_cast<uint32_t>(2 * i));
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace redoubt::dns
