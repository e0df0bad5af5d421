// The scenario runner: one gtest case per scenario of tests/scenarios/*.scn (README.md), named
// after the file and the scenario's title. Each case builds its world with fresh keys, runs the
// steps in order and reports every expectation that does not hold with its file:line, the
// step, and the reply as it came. A scenario marked "known-failure:" is run and reported as
// skipped with the reason (and whether it still fails).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <ostream>

#include "tests/scenarios/scenario.h"
#include "tests/scenarios/scenario_check.h"
#include "tests/scenarios/scenario_world.h"

namespace redoubt::resolver::scenario {

// gtest prints the parameter of a failing case: the scenario's place and title.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.where.Where() << " \"" << s.title << "\""; }

namespace {

// REDOUBT_SCENARIO_DIR, else the source tree's tests/scenarios (REDOUBT_SOURCE_ROOT, which meson
// test and scripts/test.sh set, else the directory compiled in).
std::string ScenarioDirectory() {
  if (const char* dir = std::getenv("REDOUBT_SCENARIO_DIR")) return dir;
  if (const char* root = std::getenv("REDOUBT_SOURCE_ROOT")) return std::string(root) + "/tests/scenarios";
  return REDOUBT_SCENARIO_SOURCE_DIR;
}

// One message per query step whose expectations do not all hold.
std::vector<std::string> RunSteps(const Scenario& s, World& world) {
  std::vector<std::string> failures;
  for (const Step& step : s.steps) {
    if (step.kind == Step::Kind::kTime) {
      world.Advance(step.seconds);
      continue;
    }
    size_t before = world.UpstreamLog().size();
    Outcome outcome;
    outcome.reply = world.Ask(step);
    outcome.upstream.assign(world.UpstreamLog().begin() + static_cast<ptrdiff_t>(before),
                            world.UpstreamLog().end());
    std::string failed;
    for (const Expectation& e : step.expectations) {
      if (auto why = Check(e, outcome)) failed += e.where.Where() + ": " + e.where.text + "\n    found: " + *why + "\n";
    }
    if (failed.empty()) continue;
    failures.push_back(failed + "  after " + step.where.Where() + ": " + step.where.text + "\n" + Describe(outcome));
  }
  return failures;
}

class ScenarioTest : public ::testing::TestWithParam<Scenario> {};

TEST_P(ScenarioTest, Holds) {
  const Scenario& s = GetParam();
  ASSERT_TRUE(s.error.empty()) << s.error;
  std::filesystem::path directory = std::filesystem::temp_directory_path() /
                                    ("redoubt-scenario-" + std::to_string(getpid()) + "-" + s.name);
  auto world = World::Make(s, directory);
  ASSERT_TRUE(world.has_value()) << world.error();
  std::vector<std::string> failures = RunSteps(s, **world);
  std::string title = s.where.Where() + ": scenario: " + s.title + "\n";
  if (!s.known_failure.empty()) {
    GTEST_SKIP() << title << "  known failure: " << s.known_failure << "\n"
                 << (failures.empty() ? "  every expectation held this run: is it fixed?"
                                      : "  still fails: " + failures.front());
  }
  for (const std::string& failure : failures) ADD_FAILURE() << title << failure;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, ScenarioTest, ::testing::ValuesIn(LoadScenarioDirectory(ScenarioDirectory())),
                         [](const ::testing::TestParamInfo<Scenario>& info) { return info.param.name; });

}  // namespace
}  // namespace redoubt::resolver::scenario
