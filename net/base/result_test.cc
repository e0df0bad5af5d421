#include "net/base/result.h"

#include <gtest/gtest.h>

#include <string>

namespace redoubt {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Fail(Errc::kInvalidArgument, static_cast<uint32_t>(v));
  return v / 2;
}

Result<int> Quarter(int v) {
  ASSIGN_OR_RETURN(int half, Half(v));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status MustBeEven(int v) {
  RETURN_IF_ERROR(Half(v));
  return {};
}

Result<int> GuardedDivide(int a, int b) {
  CHECK_OR_FAIL(b != 0);
  return a / b;
}

TEST(ResultTest, HoldsValue) {
  Result<std::string> r = std::string("abc");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, "abc");
  EXPECT_EQ(r->size(), 3u);
}

TEST(ResultTest, HoldsErrorWithDetail) {
  Result<int> r = Half(7);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kInvalidArgument);
  EXPECT_EQ(r.error().detail, 7u);
  EXPECT_EQ(r.value_or(-1), -1);
}

TEST(ResultTest, AssignOrReturnPropagatesFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);  // 6 -> 3 -> odd
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail, 3u);
}

TEST(ResultTest, StatusPropagates) {
  EXPECT_TRUE(MustBeEven(4).has_value());
  Status s = MustBeEven(5);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().code, Errc::kInvalidArgument);
}

TEST(ResultTest, RecoverableCheckFailsRequestAndCounts) {
  uint64_t before = InternalErrorCount();
  Result<int> r = GuardedDivide(1, 0);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::kInternal);
  EXPECT_EQ(InternalErrorCount(), before + 1);
  EXPECT_EQ(*GuardedDivide(6, 3), 2);
}

TEST(ResultDeathTest, ValueOfErrorAborts) {
  Result<int> r = Half(1);
  EXPECT_DEATH((void)r.value(), "CHECK failed");
}

TEST(ErrcTest, NamesAreReadable) {
  EXPECT_EQ(ErrcName(Errc::kPointerIntoHeader), "PointerIntoHeader");
  EXPECT_EQ(ErrcName(static_cast<Errc>(60000)), "Unknown");
}

}  // namespace
}  // namespace redoubt
