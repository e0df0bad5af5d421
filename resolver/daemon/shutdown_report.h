// The lines redoubt logs when it stops: what it served and how (queries and rcodes, upstream
// traffic, the fragment defence, DNSSEC validation, the cache, and TSIG, GSS-TSIG and mirrored
// zones when configured). Integration tests read these lines; their wording is an interface.
#pragma once

#include <memory>
#include <vector>

#include "cache/lmdb_cache.h"
#include "resolver/config/config.h"
#include "resolver/daemon/worker.h"
#include "resolver/mirror/mirror_service.h"

namespace redoubt::resolver {

// Logs the totals of `workers` (summed over them), `cache` (null: no cache line) and
// `mirror_service` (null: no mirror line) at level info. Call once the workers have stopped.
void LogShutdownReport(const Config& config, const std::vector<std::unique_ptr<Worker>>& workers,
                       cache::LmdbCache* cache, const MirrorService* mirror_service);

}  // namespace redoubt::resolver
