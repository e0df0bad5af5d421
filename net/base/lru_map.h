// A hash map with a fixed maximum number of entries that forgets its least recently used entry
// to make room. The infrastructure cache (delegation_cache.h) keeps zone cuts, RTTs and lame
// marks in three of these, so what the network can make it learn stays bounded per worker.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <list>
#include <unordered_map>
#include <utility>

namespace redoubt {

// Entries in a list kept in recency order (front: most recently used) and a hash index from key
// to list node, so Find, Put and Erase are O(1) on average and eviction is O(1). Not
// thread-safe: one per worker. A pointer returned by Find or Put stays valid until that entry is
// erased, evicted or the map destroyed (list nodes never move).
template <typename Key, typename Value, typename Hash = std::hash<Key>,
          typename KeyEqual = std::equal_to<Key>>
class LruMap {
 public:
  // What Put did: where the value now lives, and whether an older entry was evicted for it.
  struct PutResult {
    Value* value;
    bool evicted;
  };

  // Holds at most `capacity` entries; 0 is taken as 1 so Put always has room for the entry it
  // was given. `hash` is copied into the index (it may carry a seed).
  explicit LruMap(size_t capacity, Hash hash = Hash())
      : capacity_(std::max<size_t>(capacity, 1)), index_(0, std::move(hash)) {}

  LruMap(const LruMap&) = delete;
  LruMap& operator=(const LruMap&) = delete;

  // The value under `key`, which becomes the most recently used; nullptr when absent.
  Value* Find(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, found->second);
    return &found->second->second;
  }

  // The value under `key` without changing its recency; nullptr when absent.
  const Value* Peek(const Key& key) const {
    auto found = index_.find(key);
    return found == index_.end() ? nullptr : &found->second->second;
  }

  // Stores `value` under `key`, replacing any value there, as the most recently used entry.
  // When the key is new and the map is full, the least recently used entry is removed first.
  PutResult Put(const Key& key, Value value) {
    if (Value* existing = Find(key)) {
      *existing = std::move(value);
      return {existing, false};
    }
    bool evicted = false;
    if (order_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
      evicted = true;
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
    return {&order_.front().second, evicted};
  }

  // Removes the entry under `key`; returns whether there was one.
  bool Erase(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return false;
    order_.erase(found->second);
    index_.erase(found);
    return true;
  }

  // Removes every entry.
  void Clear() {
    index_.clear();
    order_.clear();
  }

  size_t size() const noexcept { return order_.size(); }
  size_t capacity() const noexcept { return capacity_; }

 private:
  using Order = std::list<std::pair<Key, Value>>;

  size_t capacity_;
  Order order_;
  std::unordered_map<Key, typename Order::iterator, Hash, KeyEqual> index_;
};

}  // namespace redoubt
