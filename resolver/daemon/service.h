// Running as a service (docs/operations.md "Running as a service"; issue #16):
//  - systemd's readiness protocol (sd_notify(3), Type=notify in systemd.service(5)): READY=1 with
//    a STATUS= line once every worker listens and the metrics endpoint is up, STOPPING=1 when
//    SIGTERM or SIGINT arrives. Without NOTIFY_SOCKET in the environment nothing is sent.
//  - the switch from root to the configured `user:` once the listeners, the metrics endpoint and
//    the cache are open (the order of BIND's -u and Unbound's username:): supplementary groups
//    (initgroups), then real, effective and saved group and user IDs, then a check that root
//    cannot be taken back. The cache is opened with the user's effective IDs so that its files
//    belong to that user; a cache directory the user cannot write is an error at start.
// The decisions are pure functions, unit-tested in service_test.cc.
#pragma once

#include <sys/stat.h>
#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "resolver/config/config.h"

namespace redoubt::resolver {

// --- sd_notify --------------------------------------------------------------------------------

// "READY=1\nSTATUS=..." naming the addresses, the worker count and the metrics endpoint.
std::string ReadyMessage(const std::vector<Endpoint>& listen, size_t workers,
                         const std::optional<Endpoint>& metrics);
// Sends READY=1 (with ReadyMessage's STATUS) and STOPPING=1; no-ops without NOTIFY_SOCKET.
void NotifyReady(const std::vector<Endpoint>& listen, size_t workers, const std::optional<Endpoint>& metrics);
void NotifyStopping();
// Around a reload (SIGHUP, what `systemctl reload` sends): "RELOADING=1" with MONOTONIC_USEC
// (sd_notify(3); the unit shows "reloading"), then "READY=1" with `status` as STATUS=.
void NotifyReloading();
void NotifyReloaded(const std::string& status);

// --- The user switch ---------------------------------------------------------------------------

struct UserAccount {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // Supplementary groups (getgrouplist), the primary one included.
};

// getpwnam_r and getgrouplist; an unknown name is an error naming it.
Result<UserAccount, std::string> LookUpUser(const std::string& name);

enum class PrivilegeAction {
  kNone,            // Not root, no user: nothing to say.
  kWarnRoot,        // Root without `user:`: one warning line.
  kSwitch,          // Root with `user:`: switch after binding.
  kAlreadyThatUser, // Not root and already running as `user:`: say no switch is needed.
  kWarnOtherUser,   // Not root, running as someone else than `user:`: warn, carry on.
};
// `effective_uid`: geteuid(); `user`: the configured name; `user_uid`: its uid when known.
PrivilegeAction PlanPrivileges(uid_t effective_uid, const std::string& user, std::optional<uid_t> user_uid);
// The line to log for a plan (empty for kNone and kSwitch).
std::string PlanMessage(PrivilegeAction action, const std::string& user, uid_t effective_uid);

// Whether `account` may write into a directory or file with this owner and mode, by the
// classic owner/group/other bits (ACLs aside). For a directory, `need_search` asks for x too.
bool WritableBy(const UserAccount& account, uid_t owner, gid_t group, mode_t mode, bool need_search);

// Checks that `account` can write `directory` (when it exists) and the LMDB files in it
// (data.mdb, lock.mdb, when they exist); the error names the directory, the file and the user.
Result<void, std::string> CheckCacheWritable(const std::string& directory, const UserAccount& account);

// Runs `body` with the effective user, group and supplementary groups of `account`, then takes
// root's back (files created meanwhile belong to `account`). Root only.
Result<void, std::string> RunAsUser(const UserAccount& account, const std::function<Result<void, std::string>()>& body);

// Switches for good: initgroups, setresgid, setresuid, then verifies that setuid(0) and
// setgid(0) fail. Any failure is an error: the caller must exit.
Result<void, std::string> DropPrivileges(const UserAccount& account);

}  // namespace redoubt::resolver
