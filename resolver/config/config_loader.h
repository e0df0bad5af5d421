// The strict YAML loader behind LoadConfigText and LoadConfigFile (config.h), internal to
// resolver/config. The settings table (settings_table.h) decides which keys exist: simple rows
// are read by the generic reader of their type with the table's bounds and choices; composite
// rows (lists of zones, keys, addresses) by the custom readers of CustomReaders(). Three files:
// config_loader.cc (the table-driven core), config_readers.cc (value readers),
// config_zones.cc (forward and mirror zones, TSIG keys). yaml-cpp throws only while parsing the
// text, at start-up, and LoadConfigText turns that into a ConfigError (design guide section 3).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "resolver/config/config.h"
#include "resolver/config/settings_table.h"

namespace redoubt::resolver {

class ConfigLoader {
 public:
  // Reads one value; false after recording the first error.
  using Handler = std::function<bool(const YAML::Node&)>;

  // `file` names the text in errors; `is_file`: it is a file on disk, whose mode matters when
  // it holds a TSIG secret. The loader keeps pointers to itself in its readers: not movable.
  ConfigLoader(std::string file, bool is_file) : file_(std::move(file)), is_file_(is_file) {}
  ConfigLoader(const ConfigLoader&) = delete;
  ConfigLoader& operator=(const ConfigLoader&) = delete;

  // The configuration `root` (a parsed document) gives, or the first error in it.
  Result<Config, ConfigError> Load(const YAML::Node& root);

  // The dotted names of every setting this loader has a reader for (generic or custom, and the
  // keys of a composite entry that have rows of their own), for settings_table_test.
  std::vector<std::string> ReaderNames();

 private:
  // config_loader.cc: the table-driven core.
  ConfigError Error(const YAML::Node& node, std::string reason) const;
  bool Fails(const YAML::Node& node, std::string reason);
  bool Fails(ConfigError error);
  std::string Where(const YAML::Node& node) const;
  bool ReadMap(const YAML::Node& map, const std::map<std::string, Handler>& handlers,
               const char* redacted = nullptr);
  std::map<std::string, Handler> TopLevelHandlers();
  Handler SectionReader(const std::string& section, const std::vector<const SettingDefinition*>& rows);
  Handler ReaderFor(const SettingDefinition& setting);
  Handler GenericReader(const SettingDefinition& setting);

  // config_readers.cc: values.
  std::map<std::string, Handler> CustomReaders();
  bool Scalar(const YAML::Node& node, const std::string& what, std::string& out);
  bool Unsigned(const YAML::Node& node, const std::string& what, uint64_t max, uint64_t& out);
  Handler UnsignedInto(const std::string& what, uint64_t min, uint64_t max,
                       std::function<void(uint64_t)> store);
  Handler Bool(const std::string& what, bool& field);
  Handler AddressFamily(const std::string& what, bool& field);
  Handler OneOf(const SettingDefinition& setting);
  Handler String(const std::string& what, std::string& field);
  Handler Strings(const std::string& what, std::vector<std::string>& field);
  bool Sequence(const YAML::Node& node, const std::string& what,
                const std::function<bool(const YAML::Node&)>& each);
  bool EndpointFrom(const YAML::Node& node, const std::string& what, Endpoint& out);
  Handler Endpoints(const std::string& what, std::vector<Endpoint>& field);
  Handler Addresses(const std::string& what, std::vector<IpAddress>& field);
  bool Workers(const YAML::Node& node);
  bool NegativeTrustAnchors(const YAML::Node& node);
  bool AccessAllow(const YAML::Node& node);
  bool Size(const YAML::Node& node, const SettingDefinition& setting, uint64_t& out);
  bool MetricsListen(const YAML::Node& node);
  bool ControlSocket(const YAML::Node& node);

  // config_zones.cc: forward-zones, mirror-zones, tsig-keys.
  bool ZoneName(const YAML::Node& node, const std::string& list, std::string& text, dns::Name& out);
  template <class Zone>
  bool ZoneEntryFrom(const YAML::Node& node, const std::string& list, const std::string& what,
                     const std::string& servers_key, std::vector<Endpoint> Zone::*servers,
                     std::vector<Zone>& zones);
  bool ForwardZones(const YAML::Node& node);
  bool MirrorZones(const YAML::Node& node);
  bool TsigKeys(const YAML::Node& node);
  bool TsigKeyFrom(const YAML::Node& node);
  bool InlineKey(const YAML::Node& node, const dns::Name& name,
                 std::map<std::string, std::string>& parts);
  bool KeyFile(const YAML::Node& node, const std::string& path);
  bool WarnAboutMode(const YAML::Node& node, const std::string& path);
  bool AddTsigKey(TsigKeyConfig key, const YAML::Node& node, bool from_key_file);
  bool CheckTsigKeyReferences();

  std::string file_;
  bool is_file_ = false;
  bool warned_inline_secret_ = false;
  Config config_ = Config::Defaults();
  // Where a zone names a TSIG key, checked against tsig-keys once the file is read.
  struct TsigKeyReference {
    dns::Name key;
    YAML::Node node;
    std::string user;  // "forward zone NAME", "mirror zone NAME".
  };
  std::vector<TsigKeyReference> tsig_key_references_;
  std::map<std::string, Handler> custom_readers_;  // CustomReaders(), built once.
  std::optional<ConfigError> error_;
};

}  // namespace redoubt::resolver
