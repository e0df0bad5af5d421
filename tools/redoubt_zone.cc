// redoubt-zone: reads zone files with redoubt's parser and prints the records.
//
//   redoubt-zone [--origin NAME] [--generic] [--quiet] FILE...
//
// Trust anchors, root hints, local data and whole signed zones all read the same way. Errors are
// printed as "file:line: reason" and the exit status is 1. --generic prints every record in the
// RFC 3597 form (TYPE<n> \# <len> <hex>), which is the wire form and compares across tools.
// --quiet prints only a count.
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "net/dns/presentation.h"
#include "net/dns/zone_parser.h"

namespace {

int Usage() {
  std::fprintf(stderr, "usage: redoubt-zone [--origin NAME] [--generic] [--quiet] FILE...\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace redoubt::dns;
  ZoneParseOptions options;
  bool generic = false, quiet = false;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--origin" && i + 1 < argc) {
      auto origin = Name::FromText(argv[++i]);
      if (!origin) {
        std::fprintf(stderr, "redoubt-zone: bad origin '%s'\n", argv[i]);
        return 2;
      }
      options.origin = *origin;
    } else if (arg == "--generic") {
      generic = true;
    } else if (arg == "--quiet") {
      quiet = true;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else {
      files.emplace_back(arg);
    }
  }
  if (files.empty()) return Usage();
  size_t total = 0;
  for (const auto& file : files) {
    auto records = ParseZoneFile(file, options);
    if (!records) {
      std::fprintf(stderr, "%s\n", records.error().ToString().c_str());
      return 1;
    }
    total += records->size();
    if (quiet) continue;
    std::string out;
    for (const auto& r : *records) {
      out += RecordToText(r, generic);
      out += '\n';
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  if (quiet) std::printf("%zu records\n", total);
  return 0;
}
