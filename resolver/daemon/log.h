// The daemon's one logger (docs/operations.md "Running as a service"): every line the daemon
// writes goes to stderr through Emit(), as text ("redoubt: MESSAGE", unchanged since the first
// release: tests and operators grep it) or, with `log-format: json`, as one JSON object per line
// with the stable keys {"ts", "level", "msg"} (RFC 8259; "ts" is an RFC 3339 UTC timestamp),
// which journald, Loki or Elasticsearch take as they are.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "resolver/config/config.h"

namespace redoubt::resolver {

// Sets the format and the level above which LogAt() drops lines; until the first call lines are
// text at info. Thread-safe: a reload calls it again while workers log.
void SetLogOptions(LogFormat format, LogLevel level);

// Writes `message` at `level` when the configured level includes it (errors always print).
void LogAt(LogLevel level, std::string_view message);
// LogAt at info, warning and error: the daemon's start-up, shutdown and maintenance lines. Plain
// functions, so they serve where a std::function<void(const std::string&)> logger is wanted.
void Log(const std::string& line);
void LogWarning(const std::string& line);
void LogError(const std::string& line);
// Writes `message` whatever the configured level (the workers' query log and upstream notes,
// which have their own switches).
void Emit(LogLevel level, std::string_view message);

// --- Pure parts, unit-tested ------------------------------------------------------------------

// `text` as the inside of a JSON string (RFC 8259 section 7): quotes and backslashes escaped,
// control bytes as \n, \t... or \u00XX, and every byte that is not part of well-formed UTF-8
// (RFC 3629: no overlongs, no surrogates, nothing past U+10FFFF) replaced by U+FFFD.
std::string JsonEscape(std::string_view text);

// An RFC 3339 timestamp in UTC with milliseconds: "2026-12-02T20:01:40.123Z".
std::string Rfc3339Utc(int64_t unix_millis);

// "error", "warning", "info", "debug".
std::string_view LevelName(LogLevel level);

// One complete line, newline included.
std::string FormatLogLine(LogFormat format, LogLevel level, std::string_view message, int64_t unix_millis);

}  // namespace redoubt::resolver
