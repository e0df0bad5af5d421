// redoubt: the daemon. Loads the configuration (built-in defaults when no file is given), starts
// one worker per core, switches to `user:` when started as root, tells systemd it is ready
// (sd_notify), serves until SIGTERM or SIGINT, then stops cleanly. Logs go to stderr, as text or
// JSON lines (resolver/daemon/log.h). Running as a service: docs/operations.md.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "resolver/config/config.h"
#include "resolver/config/settings_table.h"
#include "resolver/daemon/anchor_maintainer.h"
#include "resolver/daemon/daemon.h"
#include "resolver/daemon/log.h"
#include "resolver/daemon/managed_anchor_file.h"
#include "resolver/daemon/reloader.h"
#include "resolver/daemon/service.h"

namespace {

using redoubt::resolver::Config;

using redoubt::resolver::LogAt;  // Lines above `log-level` are left out; errors always print.

using redoubt::resolver::Log;  // resolver/daemon/log.h: LogAt at info, warning and error.
using redoubt::resolver::LogError;
using redoubt::resolver::LogWarning;

// The loader's warnings (unwise but legal settings, such as TSIG secrets others may read). They
// name keys and files, never secrets. --check-config prints them whatever the log level.
void LogConfigWarnings(const Config& config, bool always) {
  for (const std::string& warning : config.warnings) {
    LogAt(always ? redoubt::resolver::LogLevel::kError : redoubt::resolver::LogLevel::kWarning,
          "warning: " + warning);
  }
}

// tsig-keys (RFC 8945): how many, and how many forward zones sign with them. Names only.
void LogTsigKeys(const Config& config) {
  if (config.tsig_keys.empty()) return;
  size_t zones = 0;
  for (const auto& zone : config.forward_zones) zones += zone.tsig_key.has_value();
  Log("TSIG keys: " + std::to_string(config.tsig_keys.size()) + " loaded and checked, named by " +
      std::to_string(zones) + " forward zone(s): queries to those zones' servers are signed");
}

// managed-trust-anchors (RFC 5011): the maintained trust points, whose anchors replace the
// others of their zones in `settings`. Null without managed files; the error names the file.
redoubt::Result<std::unique_ptr<redoubt::resolver::AnchorMaintainer>, std::string> LoadManagedAnchors(
    redoubt::resolver::LiveSettings& settings) {
  const Config& config = *settings.config;
  if (config.managed_trust_anchors.empty()) return std::unique_ptr<redoubt::resolver::AnchorMaintainer>();
  std::vector<std::string> dropped;
  auto maintainer = redoubt::resolver::AnchorMaintainer::Load(
      config.managed_trust_anchors, redoubt::RealClock().WallSeconds(), config.validation_limits, &dropped);
  if (!maintainer) return maintainer;
  for (const std::string& line : dropped) LogWarning("warning: " + line);
  redoubt::resolver::ManagedAnchors anchors = (*maintainer)->Anchors();
  settings = redoubt::resolver::WithManagedAnchors(std::move(settings), anchors);
  std::string zones;
  for (const auto& zone : anchors.zones) zones += " " + zone.ToText();
  std::string states;
  for (const std::string& file : config.managed_trust_anchors) {
    states += (states.empty() ? "" : ", ") + redoubt::resolver::ManagedStatePath(file);
  }
  Log("managed trust anchors (RFC 5011) for" + zones + ": " + std::to_string(anchors.records.size()) +
      " trusted records; state in " + states);
  return maintainer;
}

void LogValidationState(const Config& config, const redoubt::resolver::AnchorCounts& counts) {
  Log(config.validation
          ? "DNSSEC validation on: " + std::to_string(counts.records) + " trust anchor records (root: " +
                counts.root_source + "), " + std::to_string(counts.legacy_keys) +
                " legacy (RFC 2065) trust anchor KEYs, " + std::to_string(config.negative_trust_anchors.size()) +
                " negative trust anchors"
          : std::string("DNSSEC validation off (validation: false)"));
}

// Loads and checks the configuration and everything it names, logs what was found, and looks up
// `user:`. The error is logged; nullopt then.
std::optional<redoubt::resolver::PreparedStart> Prepare(const std::string& config_path, bool check_only) {
  redoubt::resolver::AnchorCounts anchor_counts;
  auto loaded = redoubt::resolver::LoadLiveSettings(config_path, &anchor_counts);
  if (!loaded) {
    LogError(loaded.error());
    return std::nullopt;
  }
  auto maintainer = LoadManagedAnchors(*loaded);
  if (!maintainer) {
    LogError(maintainer.error());
    return std::nullopt;
  }
  const Config& config = *loaded->config;
  redoubt::resolver::SetLogOptions(config.log_format, config.log_level);
  LogConfigWarnings(config, check_only);
  if (!anchor_counts.root_warning.empty()) LogWarning(anchor_counts.root_warning);
  LogTsigKeys(config);
  std::optional<redoubt::resolver::UserAccount> account;  // `user:`, looked up now: a typo fails early.
  if (!config.user.empty()) {
    auto found = redoubt::resolver::LookUpUser(config.user);
    if (!found) {
      LogError(found.error());
      return std::nullopt;
    }
    account = std::move(*found);
  }
  if (!check_only) LogValidationState(config, anchor_counts);
  return redoubt::resolver::PreparedStart{std::move(*loaded), std::move(*maintainer), std::move(account)};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"redoubt: a recursive, validating DNS resolver"};
  std::string config_path;
  bool check_only = false;
  app.add_option("-c,--config", config_path, "YAML configuration file (default: built-in settings)");
  app.add_flag("--check-config", check_only,
               "check the configuration and root hints, print the settings that differ from the defaults, then exit");
  bool list_settings = false;
  app.add_flag("--list-settings", list_settings, "print every setting (type, default, range, reload, help), then exit");
  CLI11_PARSE(app, argc, argv);
  if (list_settings) {
    std::fputs(redoubt::resolver::SettingsListing().c_str(), stdout);
    return 0;
  }
  std::optional<redoubt::resolver::PreparedStart> prepared = Prepare(config_path, check_only);
  if (!prepared) return 1;
  if (check_only) {
    Log("configuration OK (" + (config_path.empty() ? std::string("built-in defaults") : config_path) + ")");
    for (const std::string& line : redoubt::resolver::SettingsDifferingFromDefaults(*prepared->settings.config)) {
      std::printf("  %s\n", line.c_str());
    }
    return 0;
  }
  redoubt::resolver::Daemon daemon(std::move(*prepared));
  return daemon.Run();
}
