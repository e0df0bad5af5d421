#include "net/dns/base_encoding.h"

#include <gtest/gtest.h>

#include <string>

namespace redoubt::dns {
namespace {

std::vector<uint8_t> B(std::string_view s) { return {s.begin(), s.end()}; }

// RFC 4648 section 10 test vectors.
TEST(BaseEncodingTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(EncodeBase64(B(plain)), encoded);
    EXPECT_EQ(DecodeBase64(encoded).value(), B(plain));
  }
}

TEST(BaseEncodingTest, Base64RejectsJunkAndBadPadding) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "Zm9v=Zm8", "Zm9v Yg==", "Zh==", "Zm9*"}) {
    EXPECT_EQ(DecodeBase64(bad).error().code, Errc::kBadBase64) << bad;
  }
}

TEST(BaseEncodingTest, Base32HexRfc4648VectorsWithoutPadding) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "co"}, {"fo", "cpng"}, {"foo", "cpnmu"},
      {"foob", "cpnmuog"}, {"fooba", "cpnmuoj1"}, {"foobar", "cpnmuoj1e8"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(EncodeBase32Hex(B(plain)), encoded);
    EXPECT_EQ(DecodeBase32Hex(encoded).value(), B(plain));
  }
  EXPECT_EQ(DecodeBase32Hex("CPNMUOJ1E8").value(), B("foobar"));  // Case-insensitive.
  for (const char* bad : {"c", "cpn", "cpnmuo", "cpnmuoj1e8======", "wxyz", "cp"}) {
    EXPECT_FALSE(DecodeBase32Hex(bad).has_value()) << bad;
  }
}

TEST(BaseEncodingTest, Hex) {
  EXPECT_EQ(EncodeHex(B("\x01\xab\xff")), "01abff");
  EXPECT_EQ(DecodeHex("01ABff").value(), B("\x01\xab\xff"));
  EXPECT_EQ(DecodeHex("abc").error().code, Errc::kBadHex);
  EXPECT_EQ(DecodeHex("zz").error().code, Errc::kBadHex);
}

}  // namespace
}  // namespace redoubt::dns
