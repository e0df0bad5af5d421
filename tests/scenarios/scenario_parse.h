// The scenario reader's pieces (internal to tests/scenarios): words, numbers, names, records,
// and the parser of one scenario's lines. README.md is the grammar.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tests/scenarios/scenario.h"

namespace redoubt::resolver::scenario {

using Words = std::vector<std::string>;

// Sets `error` and returns false: `return Reject(error, "why");`.
inline bool Reject(std::string& error, std::string reason) {
  error = std::move(reason);
  return false;
}

std::string Trim(std::string_view text);
Words Split(std::string_view text);
// Everything of `line` after its first `count` words, trimmed.
std::string Rest(std::string_view line, size_t count);
// A decimal number, nothing else.
std::optional<uint64_t> ParseNumber(std::string_view text);
std::optional<dns::Name> ParseName(std::string_view text);
// A mnemonic or TYPEnnn.
std::optional<dns::RrType> ParseType(std::string_view text);
// "NOERROR", "SERVFAIL", ... (case-insensitive).
std::optional<dns::Rcode> ParseRcode(std::string_view text);
// One record in zone-file syntax; names are absolute (relative ones take the root as origin),
// TTL and class optional. An error is the zone parser's reason.
std::optional<dns::Record> ParseRecord(const std::string& text, const SourceLine& where,
                                       std::string& error);
// "<", "<=", "==", ">=", ">" then a number, or a lone number (==). Consumes words from `at`.
bool ParseComparison(const Words& words, size_t at, Comparison& op, uint64_t& value);

// One expectation line ("expect ..."); false with `error` set when it cannot be read.
bool ParseExpectation(const SourceLine& line, Expectation& out, std::string& error);

// A scenario from its lines (the file's shared world, then its own); errors go to
// Scenario::error.
Scenario ParseScenario(const std::vector<SourceLine>& lines);

}  // namespace redoubt::resolver::scenario
