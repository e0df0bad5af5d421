// A set of upstream server addresses with a remembered property (here: "has sent a verified
// CHECKSUM", specs/checksum.md section 8), shared by every worker thread so that what one
// worker learns protects the others at once: a downgrade attempt on a worker that has not yet
// talked to the server is still caught. Thread-safe; the lock is held only for a set lookup.
#pragma once

#include <mutex>
#include <set>

#include "net/base/endpoint.h"

namespace redoubt::resolver {

class SharedServerFlags {
 public:
  bool Contains(const IpAddress& address) const {
    std::lock_guard lock(mutex_);
    return set_.contains(address);
  }
  void Insert(const IpAddress& address) {
    std::lock_guard lock(mutex_);
    set_.insert(address);
  }
  void Erase(const IpAddress& address) {
    std::lock_guard lock(mutex_);
    set_.erase(address);
  }

 private:
  mutable std::mutex mutex_;
  std::set<IpAddress> set_;
};

}  // namespace redoubt::resolver
