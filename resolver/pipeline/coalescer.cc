#include "resolver/pipeline/coalescer.h"

namespace redoubt::resolver {

std::string Coalescer::KeyFor(const RequestContext& context) {
  const dns::Question& q = context.question();
  std::string key = q.qname.LookupKey();
  key.reserve(key.size() + 20);  // Two numbers of up to 5 digits and the flags follow.
  key += '/';
  key += std::to_string(static_cast<uint16_t>(q.qtype));
  key += '/';
  key += std::to_string(static_cast<uint16_t>(q.qclass));
  key += context.client().dnssec_ok ? "/do" : "/-";
  key += context.client().checking_disabled ? "/cd" : "/-";
  return key;
}

std::shared_ptr<Coalescer::Entry> Coalescer::Joinable(const std::string& key) const {
  auto it = in_flight_.find(key);
  if (it == in_flight_.end() || it->second->waiters.size() >= max_waiters_) return nullptr;
  return it->second;
}

std::shared_ptr<Coalescer::Entry> Coalescer::Begin(const std::string& key) {
  auto entry = std::make_shared<Entry>();
  in_flight_[key] = entry;
  return entry;
}

void Coalescer::Finish(const std::string& key, const std::shared_ptr<Entry>& entry,
                       const Resolution& result) {
  if (auto it = in_flight_.find(key); it != in_flight_.end() && it->second == entry) {
    in_flight_.erase(it);
  }
  // Only a joined waiter (who holds the entry too) reads the result: nobody joined, no copy.
  if (entry.use_count() > 1) entry->result = result;
  entry->waiters.NotifyAll();
}

Task<bool> Coalescer::Wait(std::shared_ptr<Entry> entry, std::stop_token stop) {
  if (entry->result) co_return true;
  // Awaited into a named local: GCC 12 miscompiles some co_await expressions in conditions.
  bool notified = co_await entry->waiters.Wait(std::move(stop));
  co_return notified;
}

}  // namespace redoubt::resolver
