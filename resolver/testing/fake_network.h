// A fake upstream network for the iterator's tests: each address serves zones from zone-file
// text and answers like a small authoritative server (referrals with glue, answers, CNAMEs
// unchased, NXDOMAIN and NODATA with the SOA), or stays silent, or refuses. To a query with DO
// it adds the zone text's RRSIG records for each RRset sent, and to a negative answer every
// NSEC/NSEC3 of the zone with its RRSIGs (or, after MinimalDenials, only those a proof needs). Names below a DNAME get the DNAME and the CNAME it
// synthesises (RFC 6672 section 3.2). A question may also be scripted for one address: that
// address then sends exactly the scripted reply to it (forged or odd replies). Every question is
// logged so tests can check what was asked of whom. No sockets, no loop: Ask never suspends.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "net/dns/record.h"
#include "resolver/query/upstream.h"

namespace redoubt::resolver::testing {

class FakeNetwork final : public Upstream {
 public:
  // `address` serves the zone `apex` with the records in `text` ($TTL given, names relative
  // to the apex allowed).
  void Serve(const std::string& address, const std::string& apex, const std::string& text);
  // The same with records already built (a SignedZone from zone_signer.h).
  void ServeRecords(const std::string& address, const dns::Name& apex, std::vector<dns::Record> records) {
    servers_[*IpAddress::Parse(address)].push_back({apex, std::move(records)});
  }
  // Stops serving every zone at `address` (Serve() may then give it new ones).
  void Forget(const std::string& address) { servers_.erase(*IpAddress::Parse(address)); }
  void ForgetAll() { servers_.clear(); }
  void Silence(const std::string& address) { silent_.insert(*IpAddress::Parse(address)); }
  // Makes `address` answer like a non-minimal server: positive answers also carry the zone's
  // NS RRset in the authority section with their in-zone addresses.
  void SendZoneNs(const std::string& address) { non_minimal_.insert(*IpAddress::Parse(address)); }
  void Refuse(const std::string& address) { refusing_.insert(*IpAddress::Parse(address)); }
  // Replies from `address` arrive as reassembled fragments with nothing to verify them: given
  // out marked (UpstreamReply::unverified_fragments, logged with " +frag") when the asker
  // accepts that, else as a real upstream would, fetched whole (over TCP).
  void Fragment(const std::string& address) { fragmenting_.insert(*IpAddress::Parse(address)); }

  // A reply sent verbatim, DO or not (the scenario tests' forged and odd answers).
  struct ScriptedReply {
    dns::Rcode rcode = dns::Rcode::NOERROR;
    bool aa = true;
    std::vector<dns::Record> answer, authority, additional;
  };
  // From now on `address` answers `question` (name case aside) with `reply`, whatever it
  // serves; other questions and addresses are answered as before.
  void Script(const std::string& address, const dns::Question& question, ScriptedReply reply);

  // Makes `address` send denials as an authoritative server does (RFC 4035 section 3.1.3,
  // RFC 5155 section 7.2): only the NSEC/NSEC3 records that match or cover the names the proof
  // is about (the question name, its closest encloser, the next closer name, the wildcard).
  void MinimalDenials(const std::string& address) { minimal_.insert(*IpAddress::Parse(address)); }

  // While held, every Ask suspends until Release(), as a real network would.
  void Hold() { holding_ = true; }
  // Resumes every suspended Ask (and any that suspend while doing so) and stops holding.
  void Release();

  Task<UpstreamReply> Ask(Endpoint server, dns::Question question, AskOptions options) override;

  // "address qname TYPE" (with "+rd" when RD was set), in order.
  const std::vector<std::string>& log() const { return log_; }
  void ClearLog() { log_.clear(); }
  size_t AskedOf(const std::string& address) const;
  // The timeout of every Ask, in order.
  const std::vector<uint32_t>& timeouts() const { return timeouts_; }

 private:
  struct Zone {
    dns::Name apex;
    std::vector<dns::Record> records;
  };
  std::vector<uint8_t> Respond(const std::vector<Zone>& zones, const dns::Question& q,
                               bool dnssec_ok, bool zone_ns, bool minimal) const;

  const ScriptedReply* ScriptFor(const IpAddress& address, const dns::Question& q) const;

  std::map<IpAddress, std::vector<Zone>> servers_;
  std::map<std::string, ScriptedReply> scripts_;  // "address qname TYPE", qname lowercased.
  std::set<IpAddress> silent_, refusing_, non_minimal_, fragmenting_, minimal_;
  std::vector<std::string> log_;
  std::vector<uint32_t> timeouts_;
  bool holding_ = false;
  std::vector<std::coroutine_handle<>> held_;
};

}  // namespace redoubt::resolver::testing
