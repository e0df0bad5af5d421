#include "resolver/mirror/mirror_service.h"

#include <algorithm>
#include <utility>

#include "net/io/exchange.h"
#include "resolver/mirror/transfer_client.h"

namespace redoubt::resolver {

struct MirrorService::Slot {
  MirrorZoneConfig config;
  const crypto::TsigKey* key = nullptr;
  std::shared_ptr<const MirrorZone> copy;  // The last good copy (published while not expired).
  int64_t fresh_at = 0;                    // Wall time of the last successful refresh.
  bool published = false;
  std::atomic<bool> refresh_now{false};
};

namespace {

constexpr uint32_t kDefaultRetryS = 60;  // Before the first copy: no SOA to take RETRY from.

}  // namespace

MirrorService::MirrorService(MirrorSet& set, MirrorServiceOptions options, const Clock& clock)
    : set_(set), options_(std::move(options)), clock_(clock) {
  for (const MirrorZoneConfig& zone : options_.zones) {
    auto slot = std::make_unique<Slot>();
    slot->config = zone;
    if (zone.tsig_key) {
      for (const crypto::TsigKey& key : options_.keys) {
        if (key.name == *zone.tsig_key) slot->key = &key;
      }
    }
    slots_.push_back(std::move(slot));
  }
}

MirrorService::~MirrorService() { Stop(); }

void MirrorService::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

Result<void, std::string> MirrorService::Start() {
  auto store = cache::ZoneStore::Open(cache::ZoneStoreOptions{options_.directory});
  if (!store) return Unexpected<std::string>("mirror zone store: " + store.error());
  store_ = std::move(*store);
  for (auto& slot : slots_) {
    auto stored = store_->Load(slot->config.name);
    if (!stored) {
      Log("mirror " + slot->config.name.ToText() + ": the stored copy is unusable (" + stored.error() + ")");
      continue;
    }
    if (!*stored) continue;
    auto built = MirrorZone::Build(slot->config.name, std::move((*stored)->records));
    if (!built) {
      Log("mirror " + slot->config.name.ToText() + ": the stored copy is not a valid zone (" + built.error() + ")");
      continue;
    }
    slot->copy = *built;
    slot->fresh_at = static_cast<int64_t>((*stored)->transferred_at);
    set_.Publish(slot->config.name, slot->copy);
    slot->published = true;
    WithdrawIfExpired(*slot);
    if (slot->published) {
      Log("mirror " + slot->config.name.ToText() + ": serving the stored copy, serial " +
          std::to_string(slot->copy->soa().serial));
    }
  }
  uv_loop_init(&loop_);
  uv_async_init(&loop_, &stop_async_, [](uv_async_t* async) {
    auto* service = static_cast<MirrorService*>(async->data);
    service->stopping_.request_stop();  // On the loop thread: transfers in flight end now.
    uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
  });
  stop_async_.data = this;
  for (auto& slot : slots_) Detach(KeepZone(*slot));
  thread_ = std::thread([this] { uv_run(&loop_, UV_RUN_DEFAULT); });
  started_ = true;
  return {};
}

void MirrorService::Stop() {
  if (!started_) return;
  started_ = false;
  stop_requested_ = true;
  uv_async_send(&stop_async_);
  thread_.join();
  uv_loop_close(&loop_);
}

void MirrorService::RefreshNow(const dns::Name& zone) {
  for (auto& slot : slots_) {
    if (slot->config.name == zone) slot->refresh_now = true;
  }
}

Task<void> MirrorService::KeepZone(Slot& slot) {
  while (!stop_requested_) {
    bool ok = co_await RefreshOnce(slot);
    if (stop_requested_) break;
    WithdrawIfExpired(slot);
    uint32_t wait = slot.copy ? (ok ? slot.copy->soa().refresh : slot.copy->soa().retry) : kDefaultRetryS;
    wait = std::clamp(wait, options_.min_wait_s, options_.max_wait_s);
    co_await WaitUntil(slot, clock_.WallSeconds() + wait);
  }
}

// Sleeps in short steps so that a stop, a NOTIFY or an expiry is seen within a quarter second.
Task<void> MirrorService::WaitUntil(Slot& slot, int64_t when) {
  constexpr uint64_t kStepMs = 250;
  while (!stop_requested_ && clock_.WallSeconds() < when) {
    if (slot.refresh_now.exchange(false)) co_return;
    WithdrawIfExpired(slot);
    co_await io::Sleep(&loop_, kStepMs);
  }
}

void MirrorService::WithdrawIfExpired(Slot& slot) {
  if (!slot.published || !slot.copy) return;
  if (clock_.WallSeconds() - slot.fresh_at <= static_cast<int64_t>(slot.copy->soa().expire)) return;
  set_.Publish(slot.config.name, nullptr);
  slot.published = false;
  ++stats_.expired;
  Log("mirror " + slot.config.name.ToText() + ": the copy expired (no refresh for " +
      std::to_string(slot.copy->soa().expire) + " s); resolving the zone from the network");
}

Task<bool> MirrorService::RefreshOnce(Slot& slot) {
  for (const Endpoint& primary : slot.config.primaries) {
    if (stop_requested_) co_return false;
    dns::RrType type = slot.copy ? dns::RrType::IXFR : dns::RrType::AXFR;
    bool done = co_await TransferFrom(slot, primary, type);
    if (done) co_return true;
    if (type != dns::RrType::IXFR || stop_requested_) continue;
    done = co_await TransferFrom(slot, primary, dns::RrType::AXFR);
    if (done) co_return true;
  }
  co_return false;
}

Task<bool> MirrorService::TransferFrom(Slot& slot, const Endpoint& primary, dns::RrType type) {
  std::string where = "mirror " + slot.config.name.ToText() + " from " + primary.ToString();
  if (slot.config.tsig_key && slot.key == nullptr) {
    ++stats_.failures;
    Log(where + ": TSIG key " + slot.config.tsig_key->ToText() + " is not loaded");
    co_return false;
  }
  TransferRequest request;
  request.zone = slot.config.name;
  request.type = type;
  if (type == dns::RrType::IXFR) {
    std::vector<dns::Record> soa_only = slot.copy->Records();
    for (dns::Record& record : soa_only) {
      if (record.type == dns::RrType::SOA) request.current_soa = std::move(record);
    }
  }
  request.key = slot.key;
  request.stop = stopping_.get_token();
  Result<dns::ZoneTransfer, std::string> result = co_await TransferZone(&loop_, primary, request, clock_);
  if (!result) {
    ++stats_.failures;
    Log(where + ": " + dns::RrTypeToText(type) + " failed: " + result.error() + "; the copy is kept");
    co_return false;
  }
  dns::ZoneTransfer& transfer = *result;
  if (transfer.kind == dns::TransferKind::kUpToDate) {
    if (!slot.copy || dns::SerialNewer(transfer.serial, slot.copy->soa().serial)) co_return false;
    ++stats_.up_to_date;
    slot.fresh_at = clock_.WallSeconds();
    (void)store_->Touch(slot.config.name, static_cast<uint64_t>(slot.fresh_at));
    if (!slot.published) set_.Publish(slot.config.name, slot.copy);
    slot.published = true;
    co_return true;
  }
  if (transfer.kind == dns::TransferKind::kIncremental) {
    auto applied = dns::ApplyZoneDiffs(slot.copy->Records(), transfer);
    if (!applied) {
      ++stats_.failures;
      Log(where + ": IXFR not applied: " + applied.error());
      co_return false;
    }
    ++stats_.incremental_transfers;
    co_return Adopt(slot, std::move(*applied), where + ": IXFR");
  }
  ++stats_.full_transfers;
  std::string how = type == dns::RrType::IXFR ? ": IXFR answered with the whole zone" : ": AXFR";
  co_return Adopt(slot, std::move(transfer.records), where + how);
}

bool MirrorService::Adopt(Slot& slot, std::vector<dns::Record> records, const std::string& how) {
  size_t count = records.size();
  auto built = MirrorZone::Build(slot.config.name, records);
  if (!built) {
    ++stats_.failures;
    Log(how + " gave an invalid zone (" + built.error() + "); the copy is kept");
    return false;
  }
  slot.copy = *built;
  slot.fresh_at = clock_.WallSeconds();
  set_.Publish(slot.config.name, slot.copy);
  slot.published = true;
  cache::StoredZone stored{slot.config.name, slot.copy->soa().serial,
                           static_cast<uint64_t>(slot.fresh_at), std::move(records)};
  auto saved = store_->Save(stored);
  Log(how + ": serial " + std::to_string(slot.copy->soa().serial) + ", " + std::to_string(count) +
      " records" + (saved ? "" : "; not stored: " + saved.error()));
  return true;
}

}  // namespace redoubt::resolver
