#include "tests/scenarios/scenario.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "net/base/clock.h"
#include "net/dns/base_encoding.h"
#include "tests/scenarios/scenario_parse.h"

namespace redoubt::resolver::scenario {
namespace {

constexpr int kMaxIncludeDepth = 8;

std::string StripComment(std::string_view line) {
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(line[i - 1])))) {
      line = line.substr(0, i);
      break;
    }
  }
  return Trim(line);
}

// The file's non-blank lines, "include" lines replaced by the included file's (relative to the
// including file). An error is "file:line: reason".
bool ReadLines(const std::string& path, int depth, std::vector<SourceLine>& out, std::string& error) {
  std::ifstream in(path);
  if (!in) {
    error = path + ": cannot be read";
    return false;
  }
  std::error_code ec;
  // Short in messages: relative to the working directory unless that climbs far.
  std::string shown = std::filesystem::proximate(path, ec).string();
  if (ec || shown.starts_with("../..")) shown = std::filesystem::absolute(path, ec).string();
  std::string raw;
  for (size_t number = 1; std::getline(in, raw); ++number) {
    SourceLine line{shown, number, StripComment(raw)};
    if (line.text.empty()) continue;
    Words words = Split(line.text);
    if (words[0] != "include") {
      out.push_back(std::move(line));
      continue;
    }
    if (words.size() != 2 || depth >= kMaxIncludeDepth) {
      error = line.Where() + ": include takes one file (and nests at most 8 deep)";
      return false;
    }
    std::filesystem::path included = std::filesystem::path(path).parent_path() / words[1];
    if (!ReadLines(included.string(), depth + 1, out, error)) return false;
  }
  return true;
}

// "wildcard answer without its NSEC proof" -> "WildcardAnswerWithoutItsNSECProof".
std::string CamelCase(std::string_view title) {
  std::string out;
  bool start = true;
  for (char c : title) {
    if (!std::isalnum(static_cast<unsigned char>(c))) {
      start = true;
      continue;
    }
    out += start ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    start = false;
  }
  return out;
}

std::string GtestSafe(std::string_view text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

Scenario ErrorScenario(const std::string& path, const std::string& error) {
  Scenario s;
  s.title = "unreadable " + path;
  s.name = GtestSafe(std::filesystem::path(path).stem().string()) + "_Unreadable";
  s.error = error;
  return s;
}

}  // namespace

std::optional<int64_t> ParseDuration(std::string_view text) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  int64_t unit = 1;
  if (!text.empty() && !std::isdigit(static_cast<unsigned char>(text.back()))) {
    static const std::map<char, int64_t> kUnits = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
    auto found = kUnits.find(text.back());
    if (found == kUnits.end()) return std::nullopt;
    unit = found->second;
    text.remove_suffix(1);
  }
  std::optional<uint64_t> number = ParseNumber(text);
  if (!number) return std::nullopt;
  return static_cast<int64_t>(*number) * unit;
}

std::vector<Scenario> LoadScenarioFile(const std::string& path) {
  std::vector<SourceLine> lines;
  std::string error;
  if (!ReadLines(path, 0, lines, error)) return {ErrorScenario(path, error)};
  std::vector<SourceLine> shared;
  std::vector<std::vector<SourceLine>> chunks;
  for (SourceLine& line : lines) {
    if (line.text.starts_with("scenario:")) chunks.emplace_back();
    (chunks.empty() ? shared : chunks.back()).push_back(std::move(line));
  }
  if (chunks.empty()) return {ErrorScenario(path, path + ": no \"scenario:\" line")};
  std::string stem = GtestSafe(std::filesystem::path(path).stem().string());
  std::vector<Scenario> out;
  for (const auto& chunk : chunks) {
    std::vector<SourceLine> all = shared;
    all.insert(all.end(), chunk.begin(), chunk.end());
    Scenario s = ParseScenario(all);
    s.name = stem + "_" + CamelCase(s.title);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Scenario> LoadScenarioDirectory(const std::string& directory) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".scn") paths.push_back(entry.path().string());
  }
  std::sort(paths.begin(), paths.end());
  if (paths.empty()) return {ErrorScenario(directory, directory + ": no *.scn scenario files")};
  std::vector<Scenario> out;
  std::set<std::string> names;
  for (const std::string& path : paths) {
    for (Scenario& s : LoadScenarioFile(path)) {
      if (!names.insert(s.name).second) {
        s.error = s.where.Where() + ": another scenario is already named " + s.name;
        s.name += "_Duplicate" + std::to_string(out.size());
      }
      out.push_back(std::move(s));
    }
  }
  return out;
}

}  // namespace redoubt::resolver::scenario
