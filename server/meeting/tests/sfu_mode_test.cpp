// Room modes: mesh up to mesh_max members, SFU past it; what the acks say; mesh relays refused
// in SFU rooms.
#include <gmock/gmock.h>

#include "meeting/tests/sfu_fixture.hpp"

namespace confab::meeting::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const json kOffer = {{"other_user_id", "b"}, {"offer", {{"type", "offer"}, {"sdp", "v=0"}}}};

class SfuModeTest : public SfuTest {
 protected:
  SfuModeTest() { config.mesh_max = 4; }
};

using SfuMeshOnlyTest = MeetingTest;

TEST_F(SfuMeshOnlyTest, WithoutARouterRoomsStayMeshAndSfuIsUnavailable) {
  for (const char* id : {"a", "b", "c", "d", "e", "f"}) {
    const auto ack = join(id, "r");
    EXPECT_EQ(ack["mode"], "mesh") << id;
    EXPECT_FALSE(ack.contains("producers"));
  }
  EXPECT_THAT(outbox.recipients_of("room_mode"), IsEmpty());
  EXPECT_EQ(error_code(call("a", "offer", kOffer)), "ok");
  EXPECT_EQ(error_code(call("a", "sfu_capabilities", json::object())), "sfu_unavailable");
  EXPECT_EQ(error_code(call("a", "sfu_create_transport", {{"direction", "send"}})),
            "sfu_unavailable");
}

TEST_F(SfuModeTest, UpToMeshMaxMembersTheRoomIsAMesh) {
  for (const char* id : {"a", "b", "c", "d"}) {
    const auto ack = join(id, "r");
    EXPECT_EQ(ack["mode"], "mesh") << id;
    EXPECT_FALSE(ack.contains("producers"));
  }
  EXPECT_THAT(outbox.recipients_of("room_mode"), IsEmpty());
  EXPECT_EQ(error_code(call("a", "offer", kOffer)), "ok");
  EXPECT_EQ(error_code(call("a", "sfu_capabilities", json::object())), "sfu_unavailable");
  EXPECT_THAT(router.log, IsEmpty());
}

TEST_F(SfuModeTest, TheMemberAfterMeshMaxSwitchesTheRoomToSfu) {
  for (const char* id : {"a", "b", "c", "d"}) join_quietly(id, "r");
  join_quietly("x", "elsewhere");
  outbox.clear();
  const auto ack = join("e", "r");
  EXPECT_EQ(ack["mode"], "sfu");
  EXPECT_EQ(ack["producers"], json::array());
  EXPECT_THAT(outbox.recipients_of("room_mode"), UnorderedElementsAre("a", "b", "c", "d"));
  for (const char* id : {"a", "b", "c", "d"}) {
    // room_mode comes first, so nobody starts a mesh connection to the newcomer.
    EXPECT_THAT(events_to(id), ElementsAre("room_mode", "new_user")) << id;
    EXPECT_EQ(outbox.to(id)[0].data, json({{"mode", "sfu"}}));
  }
  EXPECT_THAT(events_to("e"), IsEmpty());  // its ack says it
  EXPECT_THAT(events_to("x"), IsEmpty());
}

TEST_F(SfuModeTest, AnSfuRoomStaysSfuWhileItLives) {
  for (const char* id : {"a", "b", "c", "d", "e"}) join_quietly(id, "r");
  call("e", "leave_room", json::object());
  call("d", "leave_room", json::object());
  outbox.clear();
  EXPECT_EQ(join("f", "r")["mode"], "sfu");
  EXPECT_THAT(outbox.recipients_of("room_mode"), IsEmpty());
  // Once empty, the room is gone; a new one starts as a mesh.
  for (const char* id : {"a", "b", "c", "f"}) call(id, "leave_room", json::object());
  EXPECT_EQ(join("a", "r")["mode"], "mesh");
}

TEST_F(SfuModeTest, MeshRelaysAreRefusedInAnSfuRoom) {
  for (const char* id : {"a", "b", "c", "d", "e"}) join_quietly(id, "r");
  const auto ack = call("a", "offer", kOffer);
  EXPECT_EQ(error_code(ack), "wrong_mode");
  EXPECT_EQ(
      error_code(call("a", "answer",
                      {{"other_user_id", "b"}, {"answer", {{"type", "answer"}, {"sdp", "x"}}}})),
      "wrong_mode");
  EXPECT_EQ(
      error_code(call("a", "ice_candidate", {{"other_user_id", "b"}, {"candidate", nullptr}})),
      "wrong_mode");
  // The socket's text path too.
  const auto text_ack =
      meeting().relay_text("a", Signal::ice_candidate, R"({"other_user_id":"b","candidate":null})");
  ASSERT_TRUE(text_ack.has_value());
  EXPECT_EQ(error_code(*text_ack), "wrong_mode");
  EXPECT_THAT(outbox.sent, IsEmpty());
  EXPECT_EQ(meeting().stats().messages_relayed, 0u);
  EXPECT_EQ(meeting().stats().errors_by_code.at("wrong_mode"), 4u);
}

TEST_F(SfuModeTest, MeshMaxZeroMakesEveryRoomSfuFromItsFirstMember) {
  config.mesh_max = 0;
  const auto ack = join("a", "r");
  EXPECT_EQ(ack["mode"], "sfu");
  EXPECT_EQ(ack["producers"], json::array());
  EXPECT_EQ(join("b", "r")["mode"], "sfu");
  EXPECT_THAT(outbox.recipients_of("room_mode"), IsEmpty());
  EXPECT_EQ(error_code(call("a", "sfu_capabilities", nullptr)), "ok");
}

TEST_F(SfuTest, TheJoinAckListsTheOtherMembersProducers) {
  join_quietly("a", "r");
  join_quietly("b", "r");
  const std::string send_a = transport("a", "send");
  const std::string camera = produce("a", send_a, "camera", chrome_vp8_parameters());
  const std::string mic = produce("a", send_a, "mic", chrome_opus_parameters());
  const std::string send_b = transport("b", "send");
  const std::string screen = produce("b", send_b, "screen", chrome_vp8_parameters(5, 6));

  const auto ack = join("c", "r");
  EXPECT_EQ(ack["mode"], "sfu");
  EXPECT_EQ(
      ack["producers"],
      json::array(
          {{{"producer_id", mic}, {"user_id", "a"}, {"kind", "audio"}, {"source", "mic"}},
           {{"producer_id", camera}, {"user_id", "a"}, {"kind", "video"}, {"source", "camera"}},
           {{"producer_id", screen}, {"user_id", "b"}, {"kind", "video"}, {"source", "screen"}}}));
  // A repeated join of a producer leaves its own out.
  const auto again = join("a", "r");
  EXPECT_EQ(
      again["producers"],
      json::array(
          {{{"producer_id", screen}, {"user_id", "b"}, {"kind", "video"}, {"source", "screen"}}}));
}

TEST_F(SfuModeTest, AdmittedFromTheWaitingRoomCarriesTheModeAndProducers) {
  for (const char* id : {"a", "b", "c", "d", "e"}) join_quietly(id, "r");
  ASSERT_EQ(error_code(call("a", "set_waiting_room", {{"enabled", true}})), "ok");
  const std::string camera =
      produce("b", transport("b", "send"), "camera", chrome_vp8_parameters());
  ASSERT_EQ(call("w", "join_room", {{"room", "r"}, {"name", "W"}})["waiting"], true);
  outbox.clear();
  ASSERT_EQ(error_code(call("a", "admit", {{"user_id", "w"}})), "ok");
  const auto admitted = outbox.to("w");
  ASSERT_EQ(admitted.size(), 1u);
  EXPECT_EQ(admitted[0].event, "admitted");
  EXPECT_EQ(admitted[0].data["mode"], "sfu");
  EXPECT_EQ(
      admitted[0].data["producers"],
      json::array(
          {{{"producer_id", camera}, {"user_id", "b"}, {"kind", "video"}, {"source", "camera"}}}));
}

TEST_F(SfuModeTest, AdmissionCanSwitchTheRoom) {
  for (const char* id : {"a", "b", "c", "d"}) join_quietly(id, "r");
  ASSERT_EQ(error_code(call("a", "set_waiting_room", {{"enabled", true}})), "ok");
  call("w", "join_room", {{"room", "r"}, {"name", "W"}});
  outbox.clear();
  ASSERT_EQ(error_code(call("a", "admit", {{"user_id", "w"}})), "ok");
  EXPECT_THAT(outbox.recipients_of("room_mode"), UnorderedElementsAre("a", "b", "c", "d"));
  EXPECT_EQ(outbox.to("w").back().data["mode"], "sfu");
}

TEST_F(SfuTest, SfuEventsNeedARoom) {
  EXPECT_EQ(error_code(call("z", "sfu_capabilities", json::object())), "not_in_room");
  EXPECT_EQ(error_code(call("z", "sfu_create_transport", {{"direction", "send"}})), "not_in_room");
  EXPECT_THAT(router.log, IsEmpty());
}

}  // namespace
}  // namespace confab::meeting::testing
