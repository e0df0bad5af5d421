// redoubt-legacy-sign: the lab's RFC 2065 signer (KEY/SIG/NXT), built on redoubt's codec and
// crypto. It prints zone-file text on standard output.
//
//   redoubt-legacy-sign key   --signer NAME --key FILE.pem [--algorithm N] [--ttl T] [--no-key]
//                             [--generic]
//   redoubt-legacy-sign zone  --signer NAME --key FILE.pem [options] ZONEFILE
//   redoubt-legacy-sign sigs  --signer NAME --key FILE.pem [options] FILE
//
// key prints the zone KEY record (for the zone itself, its parent and trust anchors); zone signs
// a whole zone (apex KEY, SIGs, NXT chain); sigs prints SIGs over every RRset in FILE as it is
// (the parent signing a child's KEY). Options: --algorithm 1|5 (default 1, RSA/MD5),
// --inception and --expiration as seconds since the epoch (default: an hour ago, 30 days on).
// --generic prints every record in RFC 3597 text (TYPEnn, then the generic RDATA form); a KEY
// without key material is always printed that way, since NSD cannot read it otherwise.
// Keys come from `openssl genrsa`. Errors go to standard error with exit status 1.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <string_view>

#include "net/dns/presentation.h"
#include "net/dns/zone_parser.h"
#include "resolver/testing/legacy_zone.h"

namespace {

using redoubt::dns::Name;
using redoubt::dns::Record;

struct Arguments {
  std::string command, signer, key_file, input;
  unsigned algorithm = 1;
  unsigned long ttl = 3600;
  long long inception = -1, expiration = -1;
  bool no_key = false;
  bool generic = false;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "redoubt-legacy-sign: %s\n", message.c_str());
  return 1;
}

int Usage() {
  std::fprintf(stderr,
               "usage: redoubt-legacy-sign key|zone|sigs --signer NAME --key FILE.pem\n"
               "       [--algorithm 1|5] [--ttl T] [--no-key] [--generic] [--inception S]\n"
               "       [--expiration S] [FILE]\n");
  return 2;
}

bool ParseArguments(int argc, char** argv, Arguments& args) {
  if (argc < 2) return false;
  args.command = argv[1];
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--no-key") {
      args.no_key = true;
    } else if (arg == "--generic") {
      args.generic = true;
    } else if (arg == "--signer" && has_value) {
      args.signer = argv[++i];
    } else if (arg == "--key" && has_value) {
      args.key_file = argv[++i];
    } else if (arg == "--algorithm" && has_value) {
      args.algorithm = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--ttl" && has_value) {
      args.ttl = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--inception" && has_value) {
      args.inception = std::strtoll(argv[++i], nullptr, 10);
    } else if (arg == "--expiration" && has_value) {
      args.expiration = std::strtoll(argv[++i], nullptr, 10);
    } else if (!arg.empty() && arg[0] != '-' && args.input.empty()) {
      args.input = arg;
    } else {
      return false;
    }
  }
  return !args.signer.empty() && !args.key_file.empty() && args.algorithm <= 255;
}

void Print(const std::vector<Record>& records, bool generic) {
  for (const Record& r : records) {
    bool empty_key = r.type == redoubt::dns::RrType::KEY && r.rdata.size() == 4;
    std::printf("%s\n", redoubt::dns::RecordToText(r, generic || empty_key).c_str());
  }
}

int Run(const Arguments& args) {
  using namespace redoubt;
  auto signer_name = Name::FromText(args.signer);
  if (!signer_name) return Fail("bad signer name '" + args.signer + "'");
  auto key = crypto::RsaSigningKey::LoadPem(args.key_file);
  if (!key) return Fail("cannot read an RSA private key from " + args.key_file);
  long long now = static_cast<long long>(std::time(nullptr));
  resolver::testing::LegacySigner signer{*signer_name, static_cast<uint8_t>(args.algorithm),
                           static_cast<uint32_t>(args.inception >= 0 ? args.inception : now - 3600),
                           static_cast<uint32_t>(args.expiration >= 0 ? args.expiration
                                                                      : now + 30 * 86400),
                           &*key};
  if (!crypto::RsaAlgorithmFromNumber(signer.algorithm)) return Fail("algorithm must be RSA");
  if (args.command == "key") {
    Print({resolver::testing::ZoneKeyRecord(signer, static_cast<uint32_t>(args.ttl), args.no_key)}, args.generic);
    return 0;
  }
  if (args.input.empty()) return Usage();
  dns::ZoneParseOptions options;
  options.origin = *signer_name;
  auto records = dns::ParseZoneFile(args.input, options);
  if (!records) return Fail(records.error().ToString());
  auto signed_records = args.command == "zone" ? resolver::testing::SignZone(std::move(*records), signer)
                                               : resolver::testing::SignRrsets(*records, signer);
  if (!signed_records) {
    return Fail(args.input + ": signing failed: " +
                std::string(ErrcName(signed_records.error().code)));
  }
  Print(*signed_records, args.generic);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (!ParseArguments(argc, argv, args)) return Usage();
  if (args.command != "key" && args.command != "zone" && args.command != "sigs") return Usage();
  return Run(args);
}
