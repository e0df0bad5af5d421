// The daemon's logger: text or JSON lines on stderr (log.h; docs/operations.md).
#include "resolver/daemon/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace redoubt::resolver {
namespace {

// Atomics: a reload (main or control thread) changes them while workers log.
std::atomic<LogFormat> g_format{LogFormat::kText};
std::atomic<LogLevel> g_level{LogLevel::kInfo};

// The length of the well-formed UTF-8 sequence at the start of `s` (RFC 3629 section 4), or 0.
size_t Utf8SequenceLength(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  uint8_t lead = byte(0);
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return continuation(1) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (lead == 0xE0 && byte(1) < 0xA0) return 0;   // Overlong.
    if (lead == 0xED && byte(1) >= 0xA0) return 0;  // UTF-16 surrogates.
    return 3;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (lead == 0xF0 && byte(1) < 0x90) return 0;   // Overlong.
    if (lead == 0xF4 && byte(1) >= 0x90) return 0;  // Past U+10FFFF.
    return 4;
  }
  return 0;  // A stray continuation byte, C0/C1 or F5-FF.
}

void AppendControl(std::string& out, uint8_t c) {
  switch (c) {
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    default: break;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\u00";
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

int64_t NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

void SetLogOptions(LogFormat format, LogLevel level) {
  g_format = format;
  g_level = level;
}

void LogAt(LogLevel level, std::string_view message) {
  if (level > g_level) return;
  Emit(level, message);
}

void Log(const std::string& line) { LogAt(LogLevel::kInfo, line); }
void LogWarning(const std::string& line) { LogAt(LogLevel::kWarning, line); }
void LogError(const std::string& line) { LogAt(LogLevel::kError, line); }

void Emit(LogLevel level, std::string_view message) {
  // One fwrite per line: stdio locks the stream, so lines from workers do not interleave.
  LogFormat format = g_format.load();
  std::string line = FormatLogLine(format, level, message, format == LogFormat::kJson ? NowMillis() : 0);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 8);
  while (!text.empty()) {
    auto c = static_cast<uint8_t>(text[0]);
    size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER, one per bad byte.
      length = 1;
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      AppendControl(out, c);
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  return out;
}

std::string Rfc3339Utc(int64_t unix_millis) {
  int64_t seconds = unix_millis / 1000, millis = unix_millis % 1000;
  if (millis < 0) {
    millis += 1000;
    --seconds;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char text[96];  // Room for any int the compiler can imagine in each field.
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "info";
}

std::string FormatLogLine(LogFormat format, LogLevel level, std::string_view message, int64_t unix_millis) {
  if (format == LogFormat::kText) return "redoubt: " + std::string(message) + "\n";
  return "{\"ts\":\"" + Rfc3339Utc(unix_millis) + "\",\"level\":\"" + std::string(LevelName(level)) +
         "\",\"msg\":\"" + JsonEscape(message) + "\"}\n";
}

}  // namespace redoubt::resolver
