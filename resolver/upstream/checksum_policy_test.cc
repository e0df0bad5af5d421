#include "resolver/upstream/checksum_policy.h"

#include <gtest/gtest.h>

namespace redoubt::resolver {
namespace {

using crypto::ChecksumVerdict;
using O = ChecksumOutcome;

TEST(ChecksumPolicyTest, VerifiedReplyIsAcceptedEvenWhenReassembled) {
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kVerified, 0, false), O::kVerified);
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kVerified, 1276, false), O::kVerified);
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kVerified, 1276, true), O::kVerified);
  EXPECT_TRUE(Accepted(O::kVerified));
}

TEST(ChecksumPolicyTest, NonceOrDigestMismatchIsDiscardedWhateverTheServer) {
  for (bool capable : {false, true}) {
    for (uint16_t fragment : {uint16_t{0}, uint16_t{1276}}) {
      EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kNonceMismatch, fragment, capable), O::kNonceMismatch);
      EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kDigestMismatch, fragment, capable), O::kDigestMismatch);
      EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kMalformed, fragment, capable), O::kMalformed);
    }
  }
  EXPECT_FALSE(Accepted(O::kNonceMismatch));
  EXPECT_FALSE(Accepted(O::kDigestMismatch));
  EXPECT_FALSE(Accepted(O::kMalformed));
}

TEST(ChecksumPolicyTest, CapableServerWithoutOptionIsADowngrade) {
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kAbsent, 0, true), O::kDowngrade);
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kAbsent, 1276, true), O::kDowngrade);
  EXPECT_FALSE(Accepted(O::kDowngrade));
}

TEST(ChecksumPolicyTest, PlainServerIsAcceptedOnlyWhenTheDatagramCameWhole) {
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kAbsent, 0, false), O::kNotOffered);
  EXPECT_TRUE(Accepted(O::kNotOffered));
  EXPECT_EQ(JudgeUdpReply(ChecksumVerdict::kAbsent, 548, false), O::kFragmentedUnverified);
  EXPECT_FALSE(Accepted(O::kFragmentedUnverified));
}

}  // namespace
}  // namespace redoubt::resolver
