// redoubt-keytrap-sign: signs the lab's KeyTrap zone (keytrap_zone.h) with redoubt's own codec
// and crypto, printing the signed zone on standard output.
//
//   redoubt-keytrap-sign --zone NAME --ds FILE [--colliders N] [--signatures N]
//                        [--rsa-bits B] [--inception S] [--expiration S] ZONEFILE
//
// Keys are made fresh on every run: an RSASHA256 KSK and ZSK (RFC 5702) of B bits (default
// 2048), N colliding DNSKEYs with the ZSK's key tag (default 60), and N RRSIGs per RRset, the
// real one last (default 32). The parent's DS for the KSK (SHA-256) is written to FILE.
// Inception and expiration are seconds since the epoch (default: an hour ago, 30 days on).
// Errors go to standard error with exit status 1; bad arguments give status 2.
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "net/dns/presentation.h"
#include "net/dns/zone_parser.h"
#include "tests/lab/keytrap/keytrap_zone.h"

namespace {

using redoubt::crypto::DnssecSigningKey;
using redoubt::dns::Name;

struct Arguments {
  std::string zone, ds_file, input;
  unsigned long colliders = 60, signatures = 32, rsa_bits = 2048;
  long long inception = -1, expiration = -1;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "redoubt-keytrap-sign: %s\n", message.c_str());
  return 1;
}

int Usage() {
  std::fprintf(
      stderr,
      "usage: redoubt-keytrap-sign --zone NAME --ds FILE [--colliders N]\n"
      "       [--signatures N] [--rsa-bits B] [--inception S] [--expiration S] ZONEFILE\n");
  return 2;
}

bool ParseArguments(int argc, char** argv, Arguments& args) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    bool has_value = i + 1 < argc;
    if (arg == "--zone" && has_value) {
      args.zone = argv[++i];
    } else if (arg == "--ds" && has_value) {
      args.ds_file = argv[++i];
    } else if (arg == "--colliders" && has_value) {
      args.colliders = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--signatures" && has_value) {
      args.signatures = std::strtoul(argv[++i], nullptr, 10);
    } else if (arg == "--rsa-bits" && has_value) {
      args.rsa_bits = std::strtoul(argv[++i], nullptr, 10);
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
  return !args.zone.empty() && !args.ds_file.empty() && !args.input.empty() &&
         args.colliders <= 1000 && args.signatures >= 1 && args.signatures <= 1000;
}

// A KSK and ZSK pair KeyPairFits accepts (distinct tags, the ZSK's modulus above the
// colliders'); a few draws at most.
bool GenerateKeys(unsigned bits, std::optional<DnssecSigningKey>& ksk,
                  std::optional<DnssecSigningKey>& zsk) {
  using redoubt::dns::DnssecAlgorithm;
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto k = DnssecSigningKey::Generate(DnssecAlgorithm::RSASHA256, bits);
    auto z = DnssecSigningKey::Generate(DnssecAlgorithm::RSASHA256, bits);
    if (!k || !z) return false;
    if (redoubt::lab::KeyPairFits(*k, *z)) {
      ksk.emplace(std::move(*k));
      zsk.emplace(std::move(*z));
      return true;
    }
  }
  return false;
}

// The parent's DS for the KSK, one line of zone-file text in `path`.
int WriteDs(const redoubt::lab::KeyTrapSigner& signer, const std::string& path) {
  auto ds = redoubt::lab::KskDs(signer, 3600);
  if (!ds) return Fail("DS: " + std::string(redoubt::ErrcName(ds.error().code)));
  std::FILE* out = std::fopen(path.c_str(), "w");
  if (!out) return Fail("cannot write " + path);
  std::fprintf(out, "%s\n", redoubt::dns::RecordToText(*ds).c_str());
  return std::fclose(out) == 0 ? 0 : Fail("cannot write " + path);
}

int Run(const Arguments& args) {
  using namespace redoubt;
  auto apex = Name::FromText(args.zone);
  if (!apex) return Fail("bad zone name '" + args.zone + "'");
  std::optional<DnssecSigningKey> ksk, zsk;
  if (!GenerateKeys(static_cast<unsigned>(args.rsa_bits), ksk, zsk)) {
    return Fail("key generation failed");
  }
  long long now = static_cast<long long>(std::time(nullptr));
  lab::KeyTrapSigner signer{
      *apex,
      &*ksk,
      &*zsk,
      static_cast<uint32_t>(args.inception >= 0 ? args.inception : now - 3600),
      static_cast<uint32_t>(args.expiration >= 0 ? args.expiration : now + 30 * 86400),
      static_cast<unsigned>(args.colliders),
      static_cast<unsigned>(args.signatures)};
  dns::ZoneParseOptions options;
  options.origin = *apex;
  auto records = dns::ParseZoneFile(args.input, options);
  if (!records) return Fail(records.error().ToString());
  auto signed_records = lab::SignKeyTrapZone(std::move(*records), signer);
  if (!signed_records) {
    return Fail(args.input +
                ": signing failed: " + std::string(ErrcName(signed_records.error().code)));
  }
  if (int rc = WriteDs(signer, args.ds_file); rc != 0) return rc;
  for (const dns::Record& r : *signed_records) std::printf("%s\n", dns::RecordToText(r).c_str());
  return std::fflush(stdout) == 0 ? 0 : Fail("cannot write the zone");
}

}  // namespace

int main(int argc, char** argv) {
  Arguments args;
  if (!ParseArguments(argc, argv, args)) return Usage();
  return Run(args);
}
