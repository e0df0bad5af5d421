#include "resolver/daemon/root_hints.h"

#include <algorithm>
#include <array>

namespace redoubt::resolver {
namespace {

void AddAddress(Delegation& root, const dns::Record& record) {
  for (NameServer& server : root.servers) {
    if (!(server.name == record.owner)) continue;
    if (record.type == dns::RrType::A && record.rdata.size() == 4) {
      server.addresses.push_back(
          IpAddress::V4({record.rdata[0], record.rdata[1], record.rdata[2], record.rdata[3]}));
    } else if (record.type == dns::RrType::AAAA && record.rdata.size() == 16) {
      std::array<uint8_t, 16> bytes;
      std::copy(record.rdata.begin(), record.rdata.end(), bytes.begin());
      server.addresses.push_back(IpAddress::V6(bytes));
    }
  }
}

}  // namespace

Result<Delegation, dns::ZoneError> LoadRootHints(const std::string& path) {
  auto records = path.empty() ? dns::ParseZoneText(BuiltinRootHints(), "built-in root hints")
                              : dns::ParseZoneFile(path);
  if (!records) return Unexpected(records.error());
  Delegation root{dns::Name::Root(), {}};
  for (const dns::Record& record : *records) {
    if (record.type != dns::RrType::NS || !record.owner.IsRoot()) continue;
    auto name = dns::Name::FromWire(record.rdata);
    if (name) root.servers.push_back({*name, {}, false});
  }
  for (const dns::Record& record : *records) AddAddress(root, record);
  bool any = std::any_of(root.servers.begin(), root.servers.end(),
                         [](const NameServer& s) { return !s.addresses.empty(); });
  if (!any) {
    return Unexpected(dns::ZoneError{path.empty() ? "built-in root hints" : path, 0,
                                     Errc::kNotFound, "no root name server with an address"});
  }
  return root;
}

}  // namespace redoubt::resolver
