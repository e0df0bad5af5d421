// The zone store: a small persistent home for mirrored zones (zone mirroring through AXFR,
// RFC 8806 local root, internal zones), so a restart serves the last good copy at once instead
// of waiting for a transfer. Its own LMDB environment, apart from the answer cache
// (cache/lmdb_cache.h): zones are few, large, rarely written and must survive, where cache
// entries are many, small and disposable.
//
// Keys (one unnamed LMDB database):
//   'Z' LookupKey(apex)  ->  the zone image (EncodeZoneImage below: apex, serial, records)
//   'T' LookupKey(apex)  ->  transferred_at: version (u8, kZoneTimeVersion) then u64 big-endian
// The time lives in its own 9-octet value so Touch() (a refresh that found the serial unchanged)
// never rewrites a multi-megabyte image. Save() writes both in one transaction; a copy missing
// either, or whose either value does not decode, is reported and treated as absent.
//
// Crash safety: every change is one LMDB write transaction, committed with the default sync
// (no MDB_NOSYNC, no MDB_WRITEMAP): after kill -9, or an operating-system crash once Save()
// has returned, the store holds either the old copy or the new one, never a mix.
//
// Room: the map must hold about twice the largest image (a replaced image's pages are freed only
// once the replacing transaction commits). A Save() that does not fit fails and the old copy
// stays; nothing is evicted.
//
// Threads: every call runs its own transaction (MDB_NOTLS), so a ZoneStore may be used from
// several threads at once; writers are serialised by LMDB.
#pragma once

#include <lmdb.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "net/base/result.h"
#include "net/dns/name.h"
#include "net/dns/record.h"

namespace redoubt::cache {

inline constexpr uint8_t kZoneImageVersion = 1;
inline constexpr uint8_t kZoneTimeVersion = 1;

// One stored copy of a zone.
struct StoredZone {
  dns::Name apex;
  // The SOA serial of the copy (RFC 1982 serial arithmetic is the caller's).
  uint32_t serial = 0;
  // Unix seconds when the copy was last transferred or confirmed fresh (stored apart from the
  // image, see above).
  uint64_t transferred_at = 0;
  // Every record of the zone, SOA included, in the order given.
  std::vector<dns::Record> records;

  friend bool operator==(const StoredZone&, const StoredZone&) = default;
};

// The zone image, version 1 (all integers big-endian; names uncompressed wire form, case kept):
//
//   0  magic "RDZ"   3  version (u8, kZoneImageVersion)   4  serial (u32)   8  record count (u32)
//  12  apex (name)
//      then `record count` records, each: owner (name), type (u16), class (u16), ttl (u32),
//      rdlength (u16), rdata (rdlength octets)
//
// Nothing may follow the last record. transferred_at is not part of the image (see above).
// The store does not judge a zone's contents (SOA present, owners under the apex): that is the
// transfer code's job; the image keeps whatever records it is given, in order.

// The image of `zone` (its transferred_at is ignored). Fails with a reason when a record's RDATA
// is over 65535 octets or there are more than 2^32-1 records.
Result<std::vector<uint8_t>, std::string> EncodeZoneImage(const StoredZone& zone);

// Decodes an image; transferred_at is left 0. Fails with a reason (naming the version for an
// image of another version, the record and octet offset for a short or malformed one) when the
// magic or version is wrong, any length runs past the end, a name is malformed or compressed,
// fewer records than the count are present, or octets follow the last record. Never reads
// outside `image` and never throws; an image that decodes encodes back to the same octets.
Result<StoredZone, std::string> DecodeZoneImage(std::span<const uint8_t> image);

struct ZoneStoreOptions {
  // Its own LMDB environment (data.mdb, lock.mdb), created if missing.
  std::string directory;
  // LMDB map size: the store never grows past it (a sparse file).
  size_t map_size = size_t{4} << 30;
};

class ZoneStore {
 public:
  // Opens (or creates) the store in options.directory. Fails with a reason naming the directory
  // when it cannot be created or LMDB cannot open it (a damaged or foreign file is not moved
  // aside: the caller decides, e.g. log and run without persistence).
  static Result<std::unique_ptr<ZoneStore>, std::string> Open(const ZoneStoreOptions& options);
  ~ZoneStore();
  ZoneStore(const ZoneStore&) = delete;
  ZoneStore& operator=(const ZoneStore&) = delete;

  // Replaces the copy of zone.apex (image and time) in one write transaction. Fails with a
  // reason (the image does not encode, the map is full, a disk error); then the old copy, if
  // any, stays as it was.
  Result<void, std::string> Save(const StoredZone& zone);

  // Sets only transferred_at of the stored copy (a refresh found the serial unchanged); does not
  // touch the image, so it costs the same for any zone size. Fails when no copy of `apex` is
  // stored, or on an LMDB error.
  Result<void, std::string> Touch(const dns::Name& apex, uint64_t transferred_at);

  // The stored copy, or nullopt when there is none. A copy that does not decode (another
  // version, truncated, garbage, a missing or bad time, an apex that is not `apex`) is an error
  // whose reason names the zone; callers treat it as absent (and a later Save() replaces it).
  // Never throws, never reads outside LMDB's value.
  Result<std::optional<StoredZone>, std::string> Load(const dns::Name& apex);

  // Removes the copy of `apex` (image and time). Removing an absent zone succeeds.
  Result<void, std::string> Remove(const dns::Name& apex);

  // The apexes stored, in key order (parents before children), case as saved. An image whose
  // header and apex do not decode (another version, garbage) is left out; Load() reports it.
  // Empty when LMDB cannot begin a read transaction.
  std::vector<dns::Name> Zones();

  // Stores raw octets as the image of `apex`, with a valid time, bypassing encoding: for tests
  // that plant damaged or future-version images.
  Result<void, std::string> PutRawImageForTest(const dns::Name& apex,
                                               std::span<const uint8_t> image,
                                               uint64_t transferred_at = 0);

 private:
  explicit ZoneStore(ZoneStoreOptions options) : options_(std::move(options)) {}
  Result<void, std::string> OpenEnvironment();
  // Writes image and time at apex's keys in one transaction.
  Result<void, std::string> PutBoth(const dns::Name& apex, std::span<const uint8_t> image,
                                    uint64_t transferred_at);
  std::string Describe(int rc, const dns::Name& apex, const std::string& doing) const;

  ZoneStoreOptions options_;
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

}  // namespace redoubt::cache
