// The dominant-speaker rule on its own: smoothed activity, a margin to take over, and the
// spotlight kept through silence.
#include "meeting/dominant_speaker.hpp"

#include <gtest/gtest.h>

namespace confab::meeting {
namespace {

using Readings = std::vector<DominantSpeaker::Reading>;

// Feeds the same readings `times` times; returns the last change, if any.
std::optional<ParticipantId> feed(DominantSpeaker& speaker, const Readings& readings, int times) {
  std::optional<ParticipantId> changed;
  for (int i = 0; i < times; ++i) {
    if (auto now = speaker.update(readings)) changed = now;
  }
  return changed;
}

TEST(DominantSpeakerTest, SilenceNamesNobody) {
  DominantSpeaker speaker;
  EXPECT_EQ(feed(speaker, {{"a", 0}, {"b", 0}}, 20), std::nullopt);
  EXPECT_EQ(speaker.current(), std::nullopt);
}

TEST(DominantSpeakerTest, TheOneWhoSpeaksBecomesTheSpeakerOnce) {
  DominantSpeaker speaker;
  EXPECT_EQ(speaker.update({{"a", 0}, {"b", 0.8f}}), "b");
  // Announced once: further readings of the same speaker change nothing.
  EXPECT_EQ(feed(speaker, {{"a", 0}, {"b", 0.8f}}, 10), std::nullopt);
  EXPECT_EQ(speaker.current(), "b");
}

TEST(DominantSpeakerTest, TheSpeakerStaysThroughSilence) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.9f}, {"b", 0}}, 4);
  EXPECT_EQ(feed(speaker, {{"a", 0}, {"b", 0}}, 40), std::nullopt);
  EXPECT_EQ(speaker.current(), "a");
  // Nobody reporting at all is silence too.
  EXPECT_EQ(feed(speaker, {}, 40), std::nullopt);
  EXPECT_EQ(speaker.current(), "a");
}

TEST(DominantSpeakerTest, AShortInterjectionDoesNotTakeOver) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.9f}, {"b", 0}}, 10);
  // b says "yes" for a quarter of a second while a keeps talking.
  EXPECT_EQ(speaker.update({{"a", 0.9f}, {"b", 0.9f}}), std::nullopt);
  EXPECT_EQ(feed(speaker, {{"a", 0.9f}, {"b", 0}}, 10), std::nullopt);
  EXPECT_EQ(speaker.current(), "a");
}

TEST(DominantSpeakerTest, TheNextSpeakerTakesOverWithinAboutASecond) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.9f}, {"b", 0}}, 10);
  int intervals = 0;
  while (speaker.current() == "a" && intervals < 40) {
    speaker.update({{"a", 0}, {"b", 0.9f}});
    ++intervals;
  }
  EXPECT_EQ(speaker.current(), "b");
  EXPECT_LE(intervals, 4);  // readings come every 250 ms
}

TEST(DominantSpeakerTest, TheLouderOfTwoTalkingAtOnceWins) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.3f}, {"b", 0.9f}}, 10);
  EXPECT_EQ(speaker.current(), "b");
}

TEST(DominantSpeakerTest, ForgettingTheSpeakerLetsTheNextOneIn) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.9f}, {"b", 0.2f}}, 10);
  speaker.forget("a");
  EXPECT_EQ(speaker.current(), std::nullopt);
  EXPECT_EQ(speaker.update({{"b", 0.2f}}), "b");
}

TEST(DominantSpeakerTest, OutOfRangeReadingsAreClamped) {
  DominantSpeaker speaker;
  feed(speaker, {{"a", 0.5f}}, 10);
  // A reading above 1 cannot buy a one-interval takeover.
  EXPECT_EQ(speaker.update({{"a", 0.5f}, {"b", 1e9f}}), std::nullopt);
  EXPECT_EQ(speaker.update({{"a", 0.5f}, {"b", -5.0f}}), std::nullopt);
  EXPECT_EQ(speaker.current(), "a");
}

}  // namespace
}  // namespace confab::meeting
