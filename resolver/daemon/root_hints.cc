#include "resolver/daemon/root_hints.h"

#include <algorithm>

namespace redoubt::resolver {
namespace {

void AddAddress(Delegation& root, const dns::Record& record) {
  for (NameServer& server : root.servers) {
    if (!(server.name == record.owner)) continue;
    if (auto address = AddressFromRdata(record.type, record.rdata)) server.addresses.push_back(*address);
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
