// How the settings table's rows (settings_table.cc) reach their values: the composite rows'
// renderers, as --check-config shows them (lists in full where they are short and plain:
// addresses, prefixes, names; zones and keys summarised as counts, a TSIG secret never), and the
// builders of simple rows' accessors. Internal to resolver/config.
#pragma once

#include <string>
#include <type_traits>

#include "resolver/config/config.h"
#include "resolver/config/settings_table.h"

namespace redoubt::resolver::setting_values {

std::string ShowListen(const Config& config);                // "127.0.0.1:53, [::1]:53".
std::string ShowWorkers(const Config& config);               // "auto" or the number.
std::string ShowNegativeTrustAnchors(const Config& config);  // Names, or "none".
std::string ShowOutgoingInterfaces(const Config& config);    // Addresses, or "none".
std::string ShowAccessAllow(const Config& config);           // "127.0.0.0/8, ::1/128".
std::string ShowForwardZones(const Config& config);          // "2 zones".
std::string ShowForwardZoneKeys(const Config& config);       // Zones with a tsig-key: "1 zone".
std::string ShowForwardZoneGss(const Config& config);        // Zones with gss-tsig.
std::string ShowMirrorZones(const Config& config);           // "1 zone".
std::string ShowTsigKeys(const Config& config);              // "3 keys".
std::string ShowMetricsListen(const Config& config);         // The endpoint, or "none".

// True when both have the same mirror zones: names, primaries in order, tsig-key names.
bool SameMirrorZones(const Config& a, const Config& b);
// True when every TSIG key a mirror zone of either names is the same in both (present in both
// or neither; algorithm, MAC length and secret equal).
bool SameMirrorKeys(const Config& a, const Config& b);

// Row builders: how a row of settings_table.cc reaches its value (SettingAccess).

// The field `Path...` leads to from a Config: Num<&Config::bogus_ttl> or, nested,
// Num<&Config::limits, &QueryLimits::referrals>.
template <auto... Path>
uint64_t GetNumber(const Config& config) {
  return (config .* ... .* Path);
}
template <auto... Path>
void SetNumber(Config& config, uint64_t value) {
  auto& field = (config .* ... .* Path);
  field = static_cast<std::remove_reference_t<decltype(field)>>(value);
}
template <auto... Path>
SettingAccess Num() {
  return {.number = GetNumber<Path...>, .set_number = SetNumber<Path...>};
}

inline SettingAccess Flag(bool Config::*field) { return {.flag = field}; }
inline SettingAccess Text(std::string Config::*field) { return {.text = field}; }
inline SettingAccess Texts(std::vector<std::string> Config::*field) { return {.texts = field}; }
inline SettingAccess Show(std::string (*show)(const Config&),
                          bool (*same)(const Config&, const Config&) = nullptr) {
  return {.show = show, .same = same};
}

// A word setting whose enum's enumerators are in the order of the row's choices (checked by
// settings_table_test: each choice loads and shows as itself).
template <auto Field>
size_t GetChoice(const Config& config) {
  return static_cast<size_t>(config.*Field);
}
template <auto Field>
void SetChoice(Config& config, size_t index) {
  using Enum = std::remove_reference_t<decltype(config.*Field)>;
  config.*Field = static_cast<Enum>(index);
}
template <auto Field>
SettingAccess Choice() {
  return {.choice = GetChoice<Field>, .set_choice = SetChoice<Field>};
}

}  // namespace redoubt::resolver::setting_values
