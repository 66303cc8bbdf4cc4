// Last-N: the speaker order and the cameras each subscriber receives.
#include "meeting/last_n.hpp"

#include <gmock/gmock.h>

namespace confab::meeting {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

using Set = std::unordered_set<ParticipantId>;

LastN room(std::size_t n, std::initializer_list<ParticipantId> members) {
  LastN last_n(n);
  for (const auto& member : members) last_n.joined(member);
  return last_n;
}

TEST(LastNTest, MembersWhoNeverSpokeAreInJoinOrder) {
  auto last_n = room(2, {"a", "b", "c"});
  last_n.joined("b");  // a second join of a known member changes nothing
  EXPECT_THAT(last_n.order(), ElementsAre("a", "b", "c"));
}

TEST(LastNTest, TheLatestSpeakerComesFirstAndTheRestKeepTheirOrder) {
  auto last_n = room(2, {"a", "b", "c", "d"});
  last_n.spoke("c");
  EXPECT_THAT(last_n.order(), ElementsAre("c", "a", "b", "d"));
  last_n.spoke("d");
  EXPECT_THAT(last_n.order(), ElementsAre("d", "c", "a", "b"));
  last_n.spoke("c");
  EXPECT_THAT(last_n.order(), ElementsAre("c", "d", "a", "b"));
  last_n.joined("e");  // after everyone, speakers or not
  EXPECT_THAT(last_n.order(), ElementsAre("c", "d", "a", "b", "e"));
}

TEST(LastNTest, ASubscriberGetsTheNMostRecentSpeakersOtherThanItself) {
  auto last_n = room(2, {"a", "b", "c", "d"});
  const Set all = {"a", "b", "c", "d"};
  EXPECT_THAT(last_n.cameras_for("a", all), UnorderedElementsAre("b", "c"));
  last_n.spoke("d");
  last_n.spoke("a");
  // a does not count itself: its two are d and b.
  EXPECT_THAT(last_n.cameras_for("a", all), UnorderedElementsAre("d", "b"));
  EXPECT_THAT(last_n.cameras_for("b", all), UnorderedElementsAre("a", "d"));
}

TEST(LastNTest, OnlyMembersWithACameraTakeASlot) {
  auto last_n = room(2, {"a", "b", "c", "d"});
  last_n.spoke("b");
  // b speaks with its camera off: the slots go to the next ones who show something.
  EXPECT_THAT(last_n.cameras_for("a", {"c", "d", "a"}), UnorderedElementsAre("c", "d"));
  EXPECT_THAT(last_n.cameras_for("a", {}), IsEmpty());
}

TEST(LastNTest, PinsComeOnTopOfTheN) {
  auto last_n = room(1, {"a", "b", "c", "d"});
  const Set all = {"a", "b", "c", "d"};
  const std::vector<ParticipantId> pins = {"d", "d", "c"};
  last_n.pin("a", pins);
  EXPECT_THAT(last_n.pins("a"), ElementsAre("d", "c"));
  EXPECT_THAT(last_n.cameras_for("a", all), UnorderedElementsAre("b", "c", "d"));
  // Only a's own view changes.
  EXPECT_THAT(last_n.cameras_for("b", all), UnorderedElementsAre("a"));
  // A pinned member without a camera gets nothing.
  EXPECT_THAT(last_n.cameras_for("a", {"b", "c"}), UnorderedElementsAre("b", "c"));
  last_n.pin("a", {});
  EXPECT_THAT(last_n.cameras_for("a", all), UnorderedElementsAre("b"));
}

TEST(LastNTest, PinsAreBounded) {
  auto last_n = room(1, {"a"});
  const std::vector<ParticipantId> many = {"1", "2", "3", "4", "5", "6"};
  last_n.pin("a", many);
  EXPECT_EQ(last_n.pins("a").size(), LastN::kMaxPins);
}

TEST(LastNTest, ALeavingMemberIsForgottenEverywhere) {
  auto last_n = room(2, {"a", "b", "c", "d"});
  last_n.spoke("b");
  const std::vector<ParticipantId> b = {"b"};
  last_n.pin("a", b);
  last_n.pin("b", b);
  last_n.left("b");
  EXPECT_THAT(last_n.order(), ElementsAre("a", "c", "d"));
  EXPECT_THAT(last_n.pins("a"), IsEmpty());
  EXPECT_THAT(last_n.pins("b"), IsEmpty());
  EXPECT_THAT(last_n.cameras_for("a", {"a", "c", "d"}), UnorderedElementsAre("c", "d"));
}

TEST(LastNTest, ASpeakerNotYetKnownComesFirst) {
  auto last_n = room(2, {"a"});
  last_n.spoke("z");
  EXPECT_THAT(last_n.order(), ElementsAre("z", "a"));
}

TEST(LastNTest, ZeroMeansEveryCamera) {
  auto last_n = room(0, {"a", "b", "c", "d"});
  EXPECT_THAT(last_n.cameras_for("a", {"a", "b", "c", "d"}), UnorderedElementsAre("b", "c", "d"));
}

}  // namespace
}  // namespace confab::meeting
