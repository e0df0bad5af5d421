// Test helpers for drift tests, which fail when a table in docs/ and the code's table differ
// (settings_table_test, metric_table_test): the lines of a docs file between two marker lines,
// and the lines one text has that another lacks.
#pragma once

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

namespace redoubt::docs_testing {

// The lines of $REDOUBT_SOURCE_ROOT/`path` after the line `begin` and before the next line
// `end`, each ending with '\n'. On failure (no REDOUBT_SOURCE_ROOT, no file, no markers) sets
// `error` to the reason.
inline std::string LinesBetweenMarkers(const std::string& path, const std::string& begin,
                                       const std::string& end, std::string& error) {
  const char* root = std::getenv("REDOUBT_SOURCE_ROOT");
  if (root == nullptr) {
    error = "REDOUBT_SOURCE_ROOT is not set (meson test and scripts/test.sh set it)";
    return "";
  }
  std::ifstream in(std::string(root) + "/" + path);
  if (!in) {
    error = std::string("cannot read ") + root + "/" + path;
    return "";
  }
  std::string lines, line;
  bool inside = false, closed = false;
  while (std::getline(in, line)) {
    if (line == begin) { inside = true; continue; }
    if (line == end && inside) { closed = true; break; }
    if (inside) lines += line + "\n";
  }
  if (!closed) error = path + " lacks the lines " + begin + " ... " + end;
  return lines;
}

// The lines of `text` that `other` lacks, each after `tag` and ending with '\n'.
inline std::string LinesOnlyIn(const std::string& text, const std::string& other, const std::string& tag) {
  std::set<std::string> theirs;
  std::istringstream in_other(other);
  for (std::string line; std::getline(in_other, line);) theirs.insert(line);
  std::string out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!theirs.contains(line)) out += tag + line + "\n";
  }
  return out;
}

}  // namespace redoubt::docs_testing
