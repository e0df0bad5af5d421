// Running as a service: sd_notify and the switch from root to `user:` (service.h;
// docs/operations.md "Running as a service").
#include "resolver/daemon/service.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace redoubt::resolver {
namespace {

std::string Errno(const char* call) { return std::string(call) + ": " + std::strerror(errno); }

std::string Describe(const UserAccount& account) {
  return "user '" + account.name + "' (uid " + std::to_string(account.uid) + ")";
}

}  // namespace

std::string ReadyMessage(const std::vector<Endpoint>& listen, size_t workers,
                         const std::optional<Endpoint>& metrics) {
  std::string status = "STATUS=answering on";
  for (const Endpoint& endpoint : listen) status += " " + endpoint.ToString();
  status += " with " + std::to_string(workers) + (workers == 1 ? " worker" : " workers");
  if (metrics) status += "; metrics on " + metrics->ToString();
  return "READY=1\n" + status;
}

void NotifyReady(const std::vector<Endpoint>& listen, size_t workers, const std::optional<Endpoint>& metrics) {
  sd_notify(0, ReadyMessage(listen, workers, metrics).c_str());
}

void NotifyStopping() { sd_notify(0, "STOPPING=1\nSTATUS=shutting down"); }

void NotifyReloading() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  uint64_t usec = static_cast<uint64_t>(now.tv_sec) * 1000000u + static_cast<uint64_t>(now.tv_nsec) / 1000u;
  sd_notify(0, ("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec)).c_str());
}

void NotifyReloaded(const std::string& status) {
  std::string line = status.substr(0, status.find('\n'));  // One line: STATUS ends at a newline.
  sd_notify(0, ("READY=1\nSTATUS=" + line).c_str());
}

Result<UserAccount, std::string> LookUpUser(const std::string& name) {
  long size = sysconf(_SC_GETPW_R_SIZE_MAX);
  std::vector<char> buffer(size > 0 ? static_cast<size_t>(size) : 16384);
  passwd entry{}, *found = nullptr;
  int rc = 0;
  while ((rc = getpwnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
         buffer.size() < (1u << 20)) {
    buffer.resize(buffer.size() * 2);
  }
  if (rc != 0) return Unexpected("cannot look up user '" + name + "': " + std::strerror(rc));
  if (found == nullptr) return Unexpected("user '" + name + "' (setting user:) does not exist");
  UserAccount account{name, entry.pw_uid, entry.pw_gid, {}};
  int count = 64;
  std::vector<gid_t> groups(static_cast<size_t>(count));
  while (getgrouplist(name.c_str(), entry.pw_gid, groups.data(), &count) == -1) {
    groups.resize(static_cast<size_t>(count));
  }
  groups.resize(static_cast<size_t>(count));
  account.groups = std::move(groups);
  return account;
}

PrivilegeAction PlanPrivileges(uid_t effective_uid, const std::string& user, std::optional<uid_t> user_uid) {
  if (effective_uid == 0) return user.empty() ? PrivilegeAction::kWarnRoot : PrivilegeAction::kSwitch;
  if (user.empty()) return PrivilegeAction::kNone;
  return user_uid == effective_uid ? PrivilegeAction::kAlreadyThatUser : PrivilegeAction::kWarnOtherUser;
}

std::string PlanMessage(PrivilegeAction action, const std::string& user, uid_t effective_uid) {
  switch (action) {
    case PrivilegeAction::kWarnRoot:
      return "warning: running as root; set user: to drop privileges after binding";
    case PrivilegeAction::kAlreadyThatUser:
      return "running as user '" + user + "' already (uid " + std::to_string(effective_uid) +
             "): no switch needed";
    case PrivilegeAction::kWarnOtherUser:
      return "warning: user: is '" + user + "' but redoubt runs as uid " + std::to_string(effective_uid) +
             ", not root: cannot switch, carrying on as uid " + std::to_string(effective_uid);
    case PrivilegeAction::kNone:
    case PrivilegeAction::kSwitch:
      break;
  }
  return "";
}

bool WritableBy(const UserAccount& account, uid_t owner, gid_t group, mode_t mode, bool need_search) {
  mode_t want_owner = S_IWUSR | (need_search ? S_IXUSR : 0);
  mode_t want_group = S_IWGRP | (need_search ? S_IXGRP : 0);
  mode_t want_other = S_IWOTH | (need_search ? S_IXOTH : 0);
  if (account.uid == 0) return true;  // Root writes anywhere (CAP_DAC_OVERRIDE).
  // The kernel picks one class (owner, else group, else other) and looks at its bits only.
  if (account.uid == owner) return (mode & want_owner) == want_owner;
  bool member = account.gid == group ||
                std::find(account.groups.begin(), account.groups.end(), group) != account.groups.end();
  if (member) return (mode & want_group) == want_group;
  return (mode & want_other) == want_other;
}

Result<void, std::string> CheckCacheWritable(const std::string& directory, const UserAccount& account) {
  struct stat st {};
  if (stat(directory.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};  // Created as the user (RunAsUser), or the error says why not.
    return Unexpected("cache directory " + directory + ": " + std::strerror(errno));
  }
  auto refuse = [&](const std::string& path) {
    return Unexpected("cache directory " + directory + ": " + path + " is not writable by " + Describe(account) +
                      ", which redoubt switches to (user:); make it owned by that user, for example "
                      "chown -R " + account.name + " " + directory + ", or set cache.directory elsewhere");
  };
  if (!S_ISDIR(st.st_mode)) return Unexpected("cache directory " + directory + " is not a directory");
  if (!WritableBy(account, st.st_uid, st.st_gid, st.st_mode, true)) return refuse(directory);
  for (const char* file : {"data.mdb", "lock.mdb"}) {
    std::string path = directory + "/" + file;
    if (stat(path.c_str(), &st) != 0) continue;
    if (!WritableBy(account, st.st_uid, st.st_gid, st.st_mode, false)) return refuse(path);
  }
  return {};
}

Result<void, std::string> RunAsUser(const UserAccount& account,
                                    const std::function<Result<void, std::string>()>& body) {
  int count = getgroups(0, nullptr);
  std::vector<gid_t> saved_groups(static_cast<size_t>(std::max(count, 0)));
  if (count > 0 && getgroups(count, saved_groups.data()) < 0) return Unexpected(Errno("getgroups"));
  gid_t saved_gid = getegid();
  if (setgroups(account.groups.size(), account.groups.data()) != 0) return Unexpected(Errno("setgroups"));
  if (setegid(account.gid) != 0) return Unexpected(Errno("setegid"));
  if (seteuid(account.uid) != 0) return Unexpected(Errno("seteuid"));
  Result<void, std::string> result = body();
  // Back to root: the saved set-user-ID is still 0.
  if (seteuid(0) != 0) return Unexpected(Errno("seteuid(0)"));
  if (setegid(saved_gid) != 0) return Unexpected(Errno("setegid"));
  if (setgroups(saved_groups.size(), saved_groups.data()) != 0) return Unexpected(Errno("setgroups"));
  return result;
}

Result<void, std::string> DropPrivileges(const UserAccount& account) {
  // Groups first: once the user ID is not 0 they can no longer be changed.
  if (initgroups(account.name.c_str(), account.gid) != 0) return Unexpected(Errno("initgroups"));
  if (setresgid(account.gid, account.gid, account.gid) != 0) return Unexpected(Errno("setresgid"));
  if (setresuid(account.uid, account.uid, account.uid) != 0) return Unexpected(Errno("setresuid"));
  if (account.uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
    return Unexpected("switched to " + Describe(account) + " but could take root back: refusing to run");
  }
  if (account.gid != 0 && (setgid(0) == 0 || setegid(0) == 0)) {
    return Unexpected("switched to " + Describe(account) + " but could take group 0 back: refusing to run");
  }
  uid_t r = 0, e = 0, s = 0;
  gid_t gr = 0, ge = 0, gs = 0;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  if (r != account.uid || e != account.uid || s != account.uid || gr != account.gid || ge != account.gid ||
      gs != account.gid) {
    return Unexpected("the switch to " + Describe(account) + " left other IDs behind: refusing to run");
  }
  return {};
}

}  // namespace redoubt::resolver
