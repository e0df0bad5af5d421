#include "cache/zone_store.h"

#include <cstring>
#include <filesystem>
#include <limits>
#include <string_view>

#include "net/dns/wire_reader.h"
#include "net/dns/wire_writer.h"

namespace redoubt::cache {
namespace {

constexpr uint8_t kMagic[3] = {'R', 'D', 'Z'};
constexpr size_t kImageHeaderSize = 12;               // Magic, version, serial, record count.
constexpr size_t kMinRecordSize = 1 + 2 + 2 + 4 + 2;  // Root owner, type, class, ttl, rdlength.
constexpr size_t kTimeValueSize = 9;
constexpr char kImagePrefix = 'Z';
constexpr char kTimePrefix = 'T';

Unexpected<std::string> Err(std::string why) { return Unexpected<std::string>(std::move(why)); }

std::string WireError(const Error& error) {
  return std::string(ErrcName(error.code)) + " at octet " + std::to_string(error.detail);
}

std::string Key(char prefix, const dns::Name& apex) { return prefix + apex.LookupKey(); }
MDB_val Val(const std::string& s) { return {s.size(), const_cast<char*>(s.data())}; }
MDB_val Val(std::span<const uint8_t> v) { return {v.size(), const_cast<uint8_t*>(v.data())}; }
std::span<const uint8_t> Span(const MDB_val& v) {
  return {static_cast<const uint8_t*>(v.mv_data), v.mv_size};
}

// The 'T' value: version, then the time as a u64, big-endian.
std::string TimeValue(uint64_t transferred_at) {
  std::string value(kTimeValueSize, '\0');
  value[0] = static_cast<char>(kZoneTimeVersion);
  for (size_t i = 0; i < 8; ++i) value[1 + i] = static_cast<char>(transferred_at >> (56 - 8 * i));
  return value;
}

Result<uint64_t, std::string> DecodeTimeValue(std::span<const uint8_t> value) {
  if (value.size() != kTimeValueSize)
    return Err("time value of " + std::to_string(value.size()) + " octets");
  if (value[0] != kZoneTimeVersion) return Err("time value version " + std::to_string(value[0]));
  uint64_t t = 0;
  for (size_t i = 1; i < kTimeValueSize; ++i) t = t << 8 | value[i];
  return t;
}

struct ImageHead {
  dns::Name apex;
  uint32_t serial = 0;
  uint32_t count = 0;
};

// Magic, version, serial, count and apex; leaves `r` at the first record.
Result<ImageHead, std::string> ReadHead(dns::WireReader& r) {
  std::span<const uint8_t> rest = r.buffer().subspan(r.offset(), r.remaining());
  if (rest.size() < sizeof kMagic || std::memcmp(rest.data(), kMagic, sizeof kMagic) != 0) {
    return Err("not a zone image (no RDZ magic)");
  }
  if (rest.size() > 3 && rest[3] != kZoneImageVersion) {
    return Err("zone image version " + std::to_string(rest[3]) + "; this build reads version " +
               std::to_string(kZoneImageVersion));
  }
  if (rest.size() < kImageHeaderSize) {
    return Err("zone image header truncated (" + std::to_string(rest.size()) + " octets)");
  }
  ImageHead head;
  // The length was checked above, so these reads cannot fail.
  (void)r.Skip(sizeof kMagic + 1);
  head.serial = r.U32().value();
  head.count = r.U32().value();
  auto apex = r.ReadName(false);
  if (!apex) return Err("zone image apex: " + WireError(apex.error()));
  head.apex = std::move(*apex);
  return head;
}

Result<dns::Record> ReadRecord(dns::WireReader& r) {
  dns::Record record;
  ASSIGN_OR_RETURN(record.owner, r.ReadName(false));
  ASSIGN_OR_RETURN(uint16_t type, r.U16());
  ASSIGN_OR_RETURN(uint16_t klass, r.U16());
  ASSIGN_OR_RETURN(record.ttl, r.U32());
  ASSIGN_OR_RETURN(uint16_t length, r.U16());
  ASSIGN_OR_RETURN(auto rdata, r.Bytes(length));
  record.type = static_cast<dns::RrType>(type);
  record.klass = static_cast<dns::RrClass>(klass);
  record.rdata.assign(rdata.begin(), rdata.end());
  return record;
}

Status WriteImage(dns::WireWriter& w, const StoredZone& zone) {
  RETURN_IF_ERROR(w.Bytes(kMagic));
  RETURN_IF_ERROR(w.U8(kZoneImageVersion));
  RETURN_IF_ERROR(w.U32(zone.serial));
  RETURN_IF_ERROR(w.U32(static_cast<uint32_t>(zone.records.size())));
  RETURN_IF_ERROR(w.WriteName(zone.apex, false));
  for (const dns::Record& record : zone.records) {
    RETURN_IF_ERROR(w.WriteName(record.owner, false));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(record.type)));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(record.klass)));
    RETURN_IF_ERROR(w.U32(record.ttl));
    RETURN_IF_ERROR(w.U16(static_cast<uint16_t>(record.rdata.size())));
    RETURN_IF_ERROR(w.Bytes(record.rdata));
  }
  return {};
}

}  // namespace

// --- The image -----------------------------------------------------------------------------

Result<std::vector<uint8_t>, std::string> EncodeZoneImage(const StoredZone& zone) {
  if (zone.records.size() > std::numeric_limits<uint32_t>::max()) {
    return Err(std::to_string(zone.records.size()) + " records: more than a zone image holds");
  }
  for (size_t i = 0; i < zone.records.size(); ++i) {
    if (zone.records[i].rdata.size() > 0xFFFF) {
      return Err("record " + std::to_string(i) + " (" + zone.records[i].owner.ToText() + ") has " +
                 std::to_string(zone.records[i].rdata.size()) + " octets of RDATA, over 65535");
    }
  }
  dns::WireWriter w(std::numeric_limits<size_t>::max());
  if (auto written = WriteImage(w, zone); !written) {
    return Err("zone image does not encode: " + WireError(written.error()));
  }
  return std::move(w).Release();
}

Result<StoredZone, std::string> DecodeZoneImage(std::span<const uint8_t> image) {
  auto r = dns::WireReader::ForBytes(image);
  auto head = ReadHead(r);
  if (!head) return Err(head.error());
  // A count that cannot fit in what is left is refused before anything is reserved for it.
  if (head->count > r.remaining() / kMinRecordSize) {
    return Err("record count " + std::to_string(head->count) + " cannot fit in the " +
               std::to_string(r.remaining()) + " octets after the header");
  }
  StoredZone zone;
  zone.apex = std::move(head->apex);
  zone.serial = head->serial;
  zone.records.reserve(head->count);
  for (uint32_t i = 0; i < head->count; ++i) {
    auto record = ReadRecord(r);
    if (!record) {
      return Err("record " + std::to_string(i) + " of " + std::to_string(head->count) + ": " +
                 WireError(record.error()));
    }
    zone.records.push_back(std::move(*record));
  }
  if (!r.AtEnd()) {
    return Err(std::to_string(r.remaining()) + " octets after the last of " +
               std::to_string(head->count) + " records (at octet " + std::to_string(r.offset()) +
               ")");
  }
  return zone;
}

// --- Opening -------------------------------------------------------------------------------

Result<std::unique_ptr<ZoneStore>, std::string> ZoneStore::Open(const ZoneStoreOptions& options) {
  if (options.directory.empty()) return Err("zone store: no directory given");
  std::error_code error;
  std::filesystem::create_directories(options.directory, error);
  if (error) return Err("zone store directory " + options.directory + ": " + error.message());
  std::unique_ptr<ZoneStore> store(new ZoneStore(options));
  if (auto opened = store->OpenEnvironment(); !opened) return Err(opened.error());
  return store;
}

Result<void, std::string> ZoneStore::OpenEnvironment() {
  int rc = mdb_env_create(&env_);
  if (rc == 0) rc = mdb_env_set_mapsize(env_, options_.map_size);
  // Default sync and a read-only map: a committed Save() survives kill -9 and power loss, and a
  // stray pointer write cannot reach the file. MDB_NOTLS: read transactions are not tied to a
  // thread (any thread may call Load()).
  if (rc == 0) rc = mdb_env_open(env_, options_.directory.c_str(), MDB_NOTLS, 0640);
  if (rc == 0) {
    int dead = 0;
    mdb_reader_check(env_, &dead);  // Reader slots left by a killed process.
    MDB_txn* txn = nullptr;
    rc = mdb_txn_begin(env_, nullptr, 0, &txn);
    if (rc == 0) rc = mdb_dbi_open(txn, nullptr, 0, &dbi_);
    if (rc == 0) {
      rc = mdb_txn_commit(txn);
    } else if (txn != nullptr) {
      mdb_txn_abort(txn);
    }
  }
  if (rc != 0) {
    if (env_ != nullptr) mdb_env_close(env_);
    env_ = nullptr;
    return Err("zone store " + options_.directory + ": " + mdb_strerror(rc));
  }
  return {};
}

ZoneStore::~ZoneStore() {
  if (env_ != nullptr) mdb_env_close(env_);
}

std::string ZoneStore::Describe(int rc, const dns::Name& apex, const std::string& doing) const {
  std::string why = "zone " + apex.ToText() + ": " + doing + " in the zone store " +
                    options_.directory + ": " + mdb_strerror(rc);
  if (rc == MDB_MAP_FULL) {
    why += " (the map of " + std::to_string(options_.map_size) +
           " octets is full; it must hold about twice the largest zone image)";
  }
  return why;
}

// --- Writing -------------------------------------------------------------------------------

namespace {
// Ends a write transaction: commits it when `rc` (the last put or delete) is 0, else aborts it,
// so a failed step leaves nothing behind. The transaction's final status.
int CommitOrAbort(MDB_txn* txn, int rc) {
  if (rc != 0) {
    mdb_txn_abort(txn);
    return rc;
  }
  return mdb_txn_commit(txn);
}
}  // namespace

Result<void, std::string> ZoneStore::PutBoth(const dns::Name& apex, std::span<const uint8_t> image,
                                             uint64_t transferred_at) {
  const std::string doing = "saving a " + std::to_string(image.size()) + "-octet image";
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn); rc != 0)
    return Err(Describe(rc, apex, doing));
  std::string image_key = Key(kImagePrefix, apex), time_key = Key(kTimePrefix, apex);
  std::string time = TimeValue(transferred_at);
  MDB_val k = Val(image_key), v = Val(image);
  int rc = mdb_put(txn, dbi_, &k, &v, 0);
  if (rc == 0) {
    k = Val(time_key);
    v = Val(time);
    rc = mdb_put(txn, dbi_, &k, &v, 0);
  }
  // A failed put or commit leaves nothing of this transaction behind: the old copy stays whole.
  rc = CommitOrAbort(txn, rc);
  if (rc != 0) return Err(Describe(rc, apex, doing) + "; the previous copy, if any, is kept");
  return {};
}

Result<void, std::string> ZoneStore::Save(const StoredZone& zone) {
  auto image = EncodeZoneImage(zone);
  if (!image)
    return Err("zone " + zone.apex.ToText() + ": " + image.error() +
               "; the previous copy, if any, is kept");
  return PutBoth(zone.apex, *image, zone.transferred_at);
}

Result<void, std::string> ZoneStore::PutRawImageForTest(const dns::Name& apex,
                                                        std::span<const uint8_t> image,
                                                        uint64_t transferred_at) {
  return PutBoth(apex, image, transferred_at);
}

Result<void, std::string> ZoneStore::Touch(const dns::Name& apex, uint64_t transferred_at) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn); rc != 0)
    return Err(Describe(rc, apex, "touching"));
  std::string image_key = Key(kImagePrefix, apex), time_key = Key(kTimePrefix, apex);
  std::string time = TimeValue(transferred_at);
  MDB_val k = Val(image_key), v;
  int rc = mdb_get(txn, dbi_, &k, &v);
  if (rc == MDB_NOTFOUND) {
    mdb_txn_abort(txn);
    return Err("zone " + apex.ToText() + ": no stored copy to touch");
  }
  if (rc == 0) {
    k = Val(time_key);
    v = Val(time);
    rc = mdb_put(txn, dbi_, &k, &v, 0);
  }
  rc = CommitOrAbort(txn, rc);
  if (rc != 0) return Err(Describe(rc, apex, "touching"));
  return {};
}

Result<void, std::string> ZoneStore::Remove(const dns::Name& apex) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, 0, &txn); rc != 0)
    return Err(Describe(rc, apex, "removing"));
  int rc = 0;
  for (char prefix : {kImagePrefix, kTimePrefix}) {
    std::string key = Key(prefix, apex);
    MDB_val k = Val(key);
    rc = mdb_del(txn, dbi_, &k, nullptr);
    if (rc == MDB_NOTFOUND) rc = 0;
    if (rc != 0) break;
  }
  rc = CommitOrAbort(txn, rc);
  if (rc != 0) return Err(Describe(rc, apex, "removing"));
  return {};
}

// --- Reading -------------------------------------------------------------------------------

Result<std::optional<StoredZone>, std::string> ZoneStore::Load(const dns::Name& apex) {
  MDB_txn* txn = nullptr;
  if (int rc = mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn); rc != 0)
    return Err(Describe(rc, apex, "loading"));
  std::string image_key = Key(kImagePrefix, apex), time_key = Key(kTimePrefix, apex);
  MDB_val k = Val(image_key), v;
  int rc = mdb_get(txn, dbi_, &k, &v);
  if (rc != 0) {
    mdb_txn_abort(txn);
    if (rc == MDB_NOTFOUND) return std::optional<StoredZone>();
    return Err(Describe(rc, apex, "loading"));
  }
  // Decoded while the read transaction keeps LMDB's pages in place; the result owns copies.
  auto zone = DecodeZoneImage(Span(v));
  k = Val(time_key);
  Result<uint64_t, std::string> time =
      mdb_get(txn, dbi_, &k, &v) == 0 ? DecodeTimeValue(Span(v)) : Err("no time value");
  mdb_txn_abort(txn);
  const std::string absent = "zone " + apex.ToText() + ": the stored copy does not decode (";
  if (!zone) return Err(absent + zone.error() + "); treated as absent");
  if (!(zone->apex == apex))
    return Err(absent + "its apex is " + zone->apex.ToText() + "); treated as absent");
  if (!time) return Err(absent + time.error() + "); treated as absent");
  zone->transferred_at = *time;
  return std::optional<StoredZone>(std::move(*zone));
}

std::vector<dns::Name> ZoneStore::Zones() {
  std::vector<dns::Name> zones;
  MDB_txn* txn = nullptr;
  if (mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn) != 0) return zones;
  MDB_cursor* cursor = nullptr;
  if (mdb_cursor_open(txn, dbi_, &cursor) == 0) {
    std::string first(1, kImagePrefix);
    MDB_val k = Val(first), v;
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE);
         rc == 0 && k.mv_size > 0 && static_cast<const char*>(k.mv_data)[0] == kImagePrefix;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      auto r = dns::WireReader::ForBytes(Span(v));
      if (auto head = ReadHead(r)) zones.push_back(std::move(head->apex));
    }
    mdb_cursor_close(cursor);
  }
  mdb_txn_abort(txn);
  return zones;
}

}  // namespace redoubt::cache
