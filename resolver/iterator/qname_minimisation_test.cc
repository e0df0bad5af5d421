#include "resolver/iterator/qname_minimisation.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace redoubt::resolver {
namespace {

using dns::Name;
using dns::RrType;

Name N(const std::string& text) { return *Name::FromText(text); }

// Every question asked from `cut` down, each minimised name existing without being a cut
// (the worst case for the number of steps).
std::vector<std::string> Walk(const std::string& qname, RrType qtype, const std::string& cut) {
  std::vector<std::string> asked;
  Name zone = N(cut);
  for (uint32_t steps = 0; steps < 64; ++steps) {
    MinimisedQuestion q = NextMinimisedQuestion(N(qname), qtype, zone, steps);
    asked.push_back(q.qname.ToText() + (q.complete ? "" : "/A"));
    if (q.complete) break;
    zone = q.qname;
  }
  return asked;
}

TEST(QnameMinimisationTest, OneLabelAtATimeFromTheCut) {
  EXPECT_EQ(Walk("www.example.com.", RrType::AAAA, "."),
            (std::vector<std::string>{"com./A", "example.com./A", "www.example.com."}));
  EXPECT_EQ(Walk("www.example.com.", RrType::AAAA, "com."),
            (std::vector<std::string>{"example.com./A", "www.example.com."}));
}

TEST(QnameMinimisationTest, ChildOfTheCutIsAskedInFull) {
  MinimisedQuestion q = NextMinimisedQuestion(N("example.com."), RrType::MX, N("com."), 0);
  EXPECT_TRUE(q.complete);
  EXPECT_EQ(q.qtype, RrType::MX);
}

TEST(QnameMinimisationTest, LongNamesTakeAtMostTenSteps) {
  std::string name;
  for (int i = 0; i < 40; ++i) name += "l" + std::to_string(i) + ".";
  std::vector<std::string> asked = Walk(name, RrType::A, ".");
  EXPECT_LE(asked.size(), 11u);  // Ten minimised questions, then the full one.
  EXPECT_EQ(asked.back(), name);
  // The first four add one label each.
  EXPECT_EQ(asked[0], "l39./A");
  EXPECT_EQ(asked[3], "l36.l37.l38.l39./A");
}

TEST(QnameMinimisationTest, DsStopsAtTheParent) {
  std::vector<std::string> asked = Walk("a.b.example.", RrType::DS, ".");
  EXPECT_EQ(asked, (std::vector<std::string>{"example./A", "a.b.example."}));
}

TEST(QnameMinimisationTest, NameOutsideTheCutStartsFromTheRoot) {
  MinimisedQuestion q = NextMinimisedQuestion(N("www.example.com."), RrType::A, N("org."), 0);
  EXPECT_FALSE(q.complete);
  EXPECT_EQ(q.qname, N("com."));
}

TEST(QnameMinimisationTest, RepliesDecideTheNextStep) {
  EXPECT_EQ(AfterMinimisedReply(MinimisedOutcome::kExists, true), MinimisationStep::kContinue);
  EXPECT_EQ(AfterMinimisedReply(MinimisedOutcome::kNxDomain, true),
            MinimisationStep::kAskFullName);
  EXPECT_EQ(AfterMinimisedReply(MinimisedOutcome::kNxDomain, false), MinimisationStep::kNxDomain);
  EXPECT_EQ(AfterMinimisedReply(MinimisedOutcome::kUnexpected, false),
            MinimisationStep::kAskFullName);
}

}  // namespace
}  // namespace redoubt::resolver
