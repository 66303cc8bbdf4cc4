#include "sfu/ice_lite.hpp"

#include <gtest/gtest.h>

namespace confab::sfu {
namespace {

using Clock = std::chrono::steady_clock;

TransportAddress at(std::uint16_t port) {
  TransportAddress a;
  a.ip = {192, 0, 2, 1};
  a.port = port;
  return a;
}

std::vector<std::uint8_t> request(std::string_view username, std::string_view pwd, bool nominate,
                                  bool controlling = true) {
  const std::array<std::uint8_t, 12> tid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  StunWriter w(kStunBindingRequest, tid);
  w.username(username).priority(100);
  if (controlling) w.ice_controlling(42);
  if (nominate) w.use_candidate();
  return w.finish(pwd, true);
}

class IceLiteTest : public ::testing::Test {
 protected:
  Clock::time_point t0 = Clock::now();
  IceLite ice{"ufrag1", "a-password-of-24-chars!!", t0};

  IceLite::Outcome handle(const std::vector<std::uint8_t>& bytes, std::uint16_t port,
                          Clock::time_point now) {
    const auto message = StunMessage::parse(bytes);
    EXPECT_TRUE(message.has_value());
    return ice.handle_request(*message, at(port), now);
  }
};

TEST_F(IceLiteTest, AValidRequestIsAnsweredWithTheMappedAddressAndIntegrity) {
  const auto outcome = handle(request("ufrag1:peer", "a-password-of-24-chars!!", false), 5000, t0);
  ASSERT_FALSE(outcome.response.empty());
  const auto response = StunMessage::parse(outcome.response);
  ASSERT_TRUE(response);
  EXPECT_TRUE(response->is_binding_success());
  EXPECT_TRUE(response->check_message_integrity("a-password-of-24-chars!!"));
  EXPECT_TRUE(response->check_fingerprint());
  EXPECT_EQ(response->xor_mapped_address(), at(5000));
  EXPECT_TRUE(ice.validated(at(5000)));
  EXPECT_FALSE(ice.selected()) << "not nominated yet";
}

TEST_F(IceLiteTest, UseCandidateSelectsAndTheSelectionFollowsANewNomination) {
  EXPECT_TRUE(
      handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 5000, t0).selected_changed);
  EXPECT_EQ(ice.selected(), at(5000));
  EXPECT_FALSE(
      handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 5000, t0).selected_changed);
  // The client moved to another network.
  EXPECT_TRUE(
      handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 6000, t0).selected_changed);
  EXPECT_EQ(ice.selected(), at(6000));
}

TEST_F(IceLiteTest, WrongPasswordUfragOrRoleIsIgnored) {
  EXPECT_TRUE(
      handle(request("ufrag1:peer", "wrong-password-xxxxxxxxx", true), 5000, t0).response.empty());
  EXPECT_TRUE(
      handle(request("other:peer", "a-password-of-24-chars!!", true), 5000, t0).response.empty());
  EXPECT_TRUE(handle(request("ufrag1:peer", "a-password-of-24-chars!!", true, false), 5000, t0)
                  .response.empty());
  EXPECT_FALSE(ice.validated(at(5000)));
  EXPECT_FALSE(ice.selected());
}

TEST_F(IceLiteTest, ConsentExpiresWithoutValidRequests) {
  handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 5000, t0);
  EXPECT_FALSE(ice.consent_expired(t0 + std::chrono::seconds(29)));
  handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 5000,
         t0 + std::chrono::seconds(20));
  EXPECT_FALSE(ice.consent_expired(t0 + std::chrono::seconds(45)));
  // Bad requests do not refresh consent.
  handle(request("ufrag1:peer", "nope-nope-nope-nope-nope", true), 5000,
         t0 + std::chrono::seconds(40));
  EXPECT_TRUE(ice.consent_expired(t0 + std::chrono::seconds(51)));
}

TEST_F(IceLiteTest, RestartMakesTheOldCredentialsUseless) {
  ice.restart("ufrag2", "another-password-of-24!!", t0);
  EXPECT_TRUE(
      handle(request("ufrag1:peer", "a-password-of-24-chars!!", true), 5000, t0).response.empty());
  EXPECT_FALSE(
      handle(request("ufrag2:peer", "another-password-of-24!!", true), 5000, t0).response.empty());
}

TEST(LocalUfrag, IsThePartBeforeTheColon) {
  const std::array<std::uint8_t, 12> tid{};
  const auto bytes = StunWriter(kStunBindingRequest, tid).username("abc:def").finish(std::nullopt);
  EXPECT_EQ(local_ufrag(*StunMessage::parse(bytes)), "abc");
  const auto bare = StunWriter(kStunBindingRequest, tid).username("abc").finish(std::nullopt);
  EXPECT_FALSE(local_ufrag(*StunMessage::parse(bare)));
}

}  // namespace
}  // namespace confab::sfu
