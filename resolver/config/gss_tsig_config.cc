#include "resolver/config/gss_tsig_config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <functional>
#include <map>
#include <set>

#include "crypto/gss_name.h"

namespace redoubt::resolver {
namespace {

using Problem = Unexpected<GssConfigProblem>;

// RETURN_IF_ERROR and ASSIGN_OR_RETURN for results whose error is a GssConfigProblem.
#define GSS_TRY(expr)                                                            \
  do {                                                                           \
    if (auto gss_result_ = (expr); !gss_result_.has_value()) return Problem(gss_result_.error()); \
  } while (0)
#define GSS_ASSIGN_IMPL(tmp, lhs, expr)                      \
  auto tmp = (expr);                                         \
  if (!tmp.has_value()) return Problem(tmp.error());         \
  lhs = std::move(tmp).value()
#define GSS_ASSIGN(lhs, expr) GSS_ASSIGN_IMPL(REDOUBT_CONCAT(gss_result_, __LINE__), lhs, expr)

Problem At(const YAML::Node& node, std::string reason) {
  return Problem(GssConfigProblem{static_cast<size_t>(node.Mark().line + 1), std::move(reason)});
}

Result<std::string, GssConfigProblem> Text(const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar() || node.Scalar().empty()) return At(node, what + " must be a non-empty single value");
  return node.Scalar();
}

Result<std::string, GssConfigProblem> Host(const YAML::Node& node, const std::string& what) {
  GSS_ASSIGN(std::string text, Text(node, what));
  auto host = crypto::NormaliseGssHostName(text);
  if (!host) return At(node, what + ": " + host.error());
  return *host;
}

Result<Endpoint, GssConfigProblem> Address(const YAML::Node& node, const std::string& what) {
  GSS_ASSIGN(std::string text, Text(node, what));
  auto endpoint = Endpoint::Parse(text);
  if (!endpoint) return At(node, "'" + text + "' is not an address or address:port");
  return *endpoint;
}

// Each element of a list through `each`.
Result<void, GssConfigProblem> EachOf(const YAML::Node& node, const std::string& what,
                                      const std::function<Result<void, GssConfigProblem>(const YAML::Node&)>& each) {
  if (!node.IsSequence()) return At(node, what + " must be a list");
  for (const auto& element : node) GSS_TRY(each(element));
  return {};
}

using Field = std::function<Result<void, GssConfigProblem>(const YAML::Node&)>;

// Every key known and given once.
Result<void, GssConfigProblem> Fields(const YAML::Node& map, const std::string& what,
                                      const std::map<std::string, Field>& fields) {
  if (!map.IsMap()) return At(map, what + " must be a mapping");
  std::set<std::string> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    std::string key = it->first.IsScalar() ? it->first.Scalar() : std::string();
    auto field = fields.find(key);
    if (field == fields.end()) return At(it->first, "unknown setting '" + key + "' in " + what);
    if (!seen.insert(key).second) return At(it->first, "'" + key + "' given twice in " + what);
    GSS_TRY(field->second(it->second));
  }
  return {};
}

Result<GssServer, GssConfigProblem> ServerFrom(const YAML::Node& node) {
  GssServer server;
  bool has_host = false, has_address = false;
  GSS_TRY(Fields(node, "a gss-tsig server", {
      {"host", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(server.host, Host(n, "gss-tsig.servers.host"));
        has_host = true;
        return {};
      }},
      {"address", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(server.address, Address(n, "gss-tsig.servers.address"));
        has_address = true;
        return {};
      }},
  }));
  if (!has_host || !has_address) return At(node, "a gss-tsig server needs host and address");
  return server;
}

Result<GssDiscovery, GssConfigProblem> DiscoveryFrom(const YAML::Node& node) {
  GssDiscovery discovery;
  GSS_TRY(Fields(node, "gss-tsig.discover", {
      {"from", [&](const YAML::Node& n) {
        return EachOf(n, "gss-tsig.discover.from", [&](const YAML::Node& e) -> Result<void, GssConfigProblem> {
          GSS_ASSIGN(Endpoint endpoint, Address(e, "gss-tsig.discover.from"));
          discovery.from.push_back(endpoint);
          return {};
        });
      }},
      {"srv", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(std::string text, Text(n, "gss-tsig.discover.srv"));
        auto name = dns::Name::FromText(text);
        if (!name) return At(n, "'" + text + "' is not a domain name");
        discovery.srv = *name;
        return {};
      }},
  }));
  if (discovery.from.empty()) return At(node, "gss-tsig.discover needs 'from': the servers to ask");
  return discovery;
}

Result<uint32_t, GssConfigProblem> Lifetime(const YAML::Node& node) {
  GSS_ASSIGN(std::string text, Text(node, "gss-tsig.key-lifetime"));
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 60 || value > 86400) {
    return At(node, "gss-tsig.key-lifetime must be a number of seconds from 60 to 86400");
  }
  return value;
}

}  // namespace

Result<GssTsigConfig, GssConfigProblem> ReadGssTsigConfig(const YAML::Node& node) {
  GssTsigConfig config;
  auto text_into = [](std::string& field, const char* what) -> Field {
    return [&field, what](const YAML::Node& n) -> Result<void, GssConfigProblem> {
      GSS_ASSIGN(field, Text(n, what));
      return {};
    };
  };
  GSS_TRY(Fields(node, "gss-tsig", {
      {"client-keytab", text_into(config.client_keytab, "gss-tsig.client-keytab")},
      {"credential-cache", text_into(config.credential_cache, "gss-tsig.credential-cache")},
      {"client-principal", text_into(config.client_principal, "gss-tsig.client-principal")},
      {"realm", text_into(config.realm, "gss-tsig.realm")},
      {"mechanism", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(std::string text, Text(n, "gss-tsig.mechanism"));
        if (text != "spnego" && text != "kerberos") return At(n, "gss-tsig.mechanism must be spnego or kerberos");
        config.spnego = text == "spnego";
        return {};
      }},
      {"servers", [&](const YAML::Node& n) {
        return EachOf(n, "gss-tsig.servers", [&](const YAML::Node& e) -> Result<void, GssConfigProblem> {
          GSS_ASSIGN(GssServer server, ServerFrom(e));
          config.servers.push_back(std::move(server));
          return {};
        });
      }},
      {"discover", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(config.discover, DiscoveryFrom(n));
        return {};
      }},
      {"host-based", [&](const YAML::Node& n) {
        return EachOf(n, "gss-tsig.host-based", [&](const YAML::Node& e) -> Result<void, GssConfigProblem> {
          GSS_ASSIGN(std::string host, Host(e, "gss-tsig.host-based"));
          config.host_based.push_back(std::move(host));
          return {};
        });
      }},
      {"key-lifetime", [&](const YAML::Node& n) -> Result<void, GssConfigProblem> {
        GSS_ASSIGN(config.key_lifetime, Lifetime(n));
        return {};
      }},
  }));
  if (!config.client_keytab.empty() && !config.credential_cache.empty()) {
    return At(node, "gss-tsig takes client-keytab or credential-cache, not both");
  }
  if (config.servers.empty() && !config.discover) {
    return At(node, "gss-tsig needs servers or discover");
  }
  return config;
}

}  // namespace redoubt::resolver
