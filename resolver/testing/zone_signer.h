// Signs a zone for tests, the way dnssec-signzone would (RFC 4035 section 2): DNSKEY at the
// apex, an NSEC chain (RFC 4034 section 4) or an NSEC3 chain with NSEC3PARAM (RFC 5155 section
// 7.1, opt-out optional), and an RRSIG over every authoritative RRset, DS and NSEC at cuts
// included, glue excluded. Keys are generated on the spot for any algorithm the crypto layer
// can sign with. The result is plain records to serve (FakeNetwork::ServeRecords), and the DS
// or DNSKEY for the parent or a trust anchor. Knobs make the broken zones the validator must
// reject: a window in the past or future, a corrupt signature, missing signatures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "crypto/dnssec_signing_key.h"
#include "net/base/result.h"
#include "net/dns/record.h"

namespace redoubt::resolver::testing {

struct SignerOptions {
  dns::DnssecAlgorithm algorithm = dns::DnssecAlgorithm::ECDSAP256SHA256;
  bool separate_ksk = false;        // A KSK (257) signing only the DNSKEY set, a ZSK the rest.
  bool nsec3 = false;
  uint16_t nsec3_iterations = 0;
  std::vector<uint8_t> nsec3_salt;
  bool opt_out = false;             // NSEC3 opt-out: insecure delegations get no NSEC3.
  uint32_t inception = 1'699'000'000;   // Before SimulatedClock's default start.
  uint32_t expiration = 1'702'000'000;  // About a month after it.
  uint32_t ttl_override = 0;        // Non-zero: serve every record with this TTL after signing.
  // The KSK's DNSKEY flags (RFC 4034 section 2.1.1): Zone Key (256) and SEP (1). Without the
  // Zone Key bit the key must not validate anything (EDE 11, RFC 8914 section 4.12).
  uint16_t ksk_flags = 257;
};

class SignedZone {
 public:
  // Parses `text` (zone file syntax, origin `apex`, $TTL 3600 assumed), adds `extra` (the DS
  // records of signed children, say) and signs it all.
  static Result<SignedZone> Make(const std::string& apex, const std::string& text,
                                 const SignerOptions& options = {},
                                 const std::vector<dns::Record>& extra = {});

  // Every record to serve: data, DNSKEY, NSEC/NSEC3(PARAM) and RRSIGs.
  const std::vector<dns::Record>& records() const noexcept { return records_; }
  std::vector<dns::Record>& mutable_records() noexcept { return records_; }
  // The DS record for the parent (digest type 2, SHA-256) naming the KSK.
  dns::Record Ds(uint8_t digest_type = 2) const;
  // The KSK's DNSKEY record, for a trust anchor.
  dns::Record KskDnskey() const;
  const dns::Name& apex() const noexcept { return apex_; }

  // Breakers (each applies to the RRSIGs over `owner`/`covered`; RrType{0} means all):
  // flips a bit of the signature (RFC 4034 section 3.1.8: it no longer verifies).
  void CorruptSignatures(const std::string& owner, dns::RrType covered);
  // removes the RRSIGs.
  void StripSignatures(const std::string& owner, dns::RrType covered);
  // removes the records of a type at an owner (its RRSIGs too).
  void Remove(const std::string& owner, dns::RrType type);
  // removes every record of `type` in the zone and the RRSIGs over them (every NSEC, say: a
  // zone whose negative answers carry no proof, RFC 4035 section 3.1.3).
  void RemoveType(dns::RrType type);
  // serves the RRset and its RRSIGs with `ttl`; the RRSIGs' Original TTL field keeps the
  // signed value (RFC 4035 section 5.3.3 caps the TTL with it).
  void SetTtl(const std::string& owner, dns::RrType type, uint32_t ttl);
  // replaces the RRSIGs over `owner`/`covered` with `count` copies that name the right key but
  // do not verify (a flipped signature bit, distinct inceptions so they are distinct records):
  // the many-signatures form of KeyTrap (CVE-2023-50387).
  void ReplaceWithForgedSignatures(const std::string& owner, dns::RrType covered, int count);

 private:
  dns::Name apex_;
  std::vector<dns::Record> records_;
  std::vector<uint8_t> ksk_rdata_;
};

}  // namespace redoubt::resolver::testing
