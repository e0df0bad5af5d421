#include "resolver/upstream/checksum_policy.h"

namespace redoubt::resolver {

ChecksumOutcome JudgeUdpReply(crypto::ChecksumVerdict verdict, uint16_t fragment_size,
                              bool server_capable) {
  using crypto::ChecksumVerdict;
  switch (verdict) {
    case ChecksumVerdict::kVerified:
      return ChecksumOutcome::kVerified;
    case ChecksumVerdict::kNonceMismatch:
      return ChecksumOutcome::kNonceMismatch;
    case ChecksumVerdict::kDigestMismatch:
      return ChecksumOutcome::kDigestMismatch;
    case ChecksumVerdict::kMalformed:
      return ChecksumOutcome::kMalformed;
    case ChecksumVerdict::kAbsent:
      break;
  }
  if (server_capable) return ChecksumOutcome::kDowngrade;
  if (fragment_size != 0) return ChecksumOutcome::kFragmentedUnverified;
  return ChecksumOutcome::kNotOffered;
}

}  // namespace redoubt::resolver
