// Test helpers for the configuration tests: text loaded as "test.yaml", giving the Config or the
// error as "test.yaml:LINE: reason".
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "resolver/config/config.h"

namespace redoubt::resolver::config_testing {

// The configuration `text` gives; a load error fails the test.
inline Config Load(const std::string& text) {
  auto config = LoadConfigText(text, "test.yaml");
  EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().ToString());
  return config ? *config : Config{};
}

// The error `text` gives; loading without one fails the test.
inline std::string ErrorOf(const std::string& text) {
  auto config = LoadConfigText(text, "test.yaml");
  EXPECT_FALSE(config.has_value()) << text;
  return config ? "" : config.error().ToString();
}

}  // namespace redoubt::resolver::config_testing
