// Fuzzes the STUN parser and writer (sfu/stun_message.hpp) with what a peer may send to the
// media port.
//
// The input is used twice:
//  1. as one datagram for StunMessage::parse. What parses must be self-consistent (length,
//     type = method + class, every value inside the datagram), its integrity and fingerprint
//     checks must not crash, and its ICE attributes written again by StunWriter (same type and
//     transaction id, MESSAGE-INTEGRITY and FINGERPRINT) must parse back to the same values,
//     check with the key used and fail with another.
//  2. as writer operations: bytes 0-1 the type, 2-13 the transaction id, then records
//     [op][length][bytes]; op mod 9 picks username, software, priority, use-candidate,
//     ice-controlling, ice-controlled, xor-mapped-address (v4 or v6), error-code, or another
//     attribute. What finish() gives must parse, and show the first value of each attribute.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "sfu/packet_kind.hpp"
#include "sfu/stun_message.hpp"

namespace {

using confab::sfu::StunMessage;
using confab::sfu::StunWriter;
using confab::sfu::TransportAddress;

bool inside(std::span<const std::uint8_t> whole, std::string_view part) {
  const auto* begin = reinterpret_cast<const char*>(whole.data());
  return part.data() >= begin && part.data() + part.size() <= begin + whole.size();
}

std::uint16_t type_of(std::uint16_t method, std::uint8_t klass) {
  return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                    ((method & 0x0F80) << 2) | ((klass & 1) << 4) |
                                    ((klass & 2) << 7));
}

void check_parsed(std::span<const std::uint8_t> input) {
  const auto m = StunMessage::parse(input);
  if (!m) return;
  FUZZ_CHECK(input.size() >= 20 && (input.size() - 20) % 4 == 0);
  FUZZ_CHECK(confab::sfu::classify(input) == confab::sfu::PacketKind::Stun || input[0] > 3);
  FUZZ_CHECK(type_of(m->method(), m->message_class()) == m->type());
  FUZZ_CHECK(m->data().data() == input.data() && m->data().size() == input.size());
  FUZZ_CHECK(m->transaction_id().data() == input.data() + 8);
  if (const auto u = m->username()) FUZZ_CHECK(inside(input, *u));
  if (const auto s = m->software()) FUZZ_CHECK(inside(input, *s));
  if (const auto r = m->error_reason()) FUZZ_CHECK(inside(input, *r));
  if (const auto code = m->error_code()) FUZZ_CHECK(*code >= 300 && *code <= 699);
  const bool integrity = m->check_message_integrity("fuzz-key");
  FUZZ_CHECK(!integrity || m->has_message_integrity());
  const bool fingerprint = m->check_fingerprint();
  FUZZ_CHECK(!fingerprint || m->has_fingerprint());
  if (const auto u = m->username()) (void)m->check_message_integrity(*u);

  // Write the ICE attributes again and read them back.
  StunWriter w(m->type(), m->transaction_id());
  if (const auto u = m->username()) w.username(*u);
  if (const auto p = m->priority()) w.priority(*p);
  if (m->use_candidate()) w.use_candidate();
  if (const auto c = m->ice_controlling()) w.ice_controlling(*c);
  if (const auto c = m->ice_controlled()) w.ice_controlled(*c);
  if (const auto a = m->xor_mapped_address()) w.xor_mapped_address(*a);
  if (const auto code = m->error_code()) w.error_code(*code, *m->error_reason());
  const auto out = w.finish("fuzz-key");
  if (out.empty()) {
    // Only a username too long for the writer's buffer may make it fail (everything else
    // together takes under 300 bytes; the reason is cut to 128).
    FUZZ_CHECK(m->username().value_or("").size() > 800);
    return;
  }
  const auto again = StunMessage::parse(out);
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->type() == m->type());
  FUZZ_CHECK(std::equal(again->transaction_id().begin(), again->transaction_id().end(),
                        m->transaction_id().begin()));
  FUZZ_CHECK(again->username() == m->username());
  FUZZ_CHECK(again->priority() == m->priority());
  FUZZ_CHECK(again->use_candidate() == m->use_candidate());
  FUZZ_CHECK(again->ice_controlling() == m->ice_controlling());
  FUZZ_CHECK(again->ice_controlled() == m->ice_controlled());
  FUZZ_CHECK(again->xor_mapped_address() == m->xor_mapped_address());
  FUZZ_CHECK(again->error_code() == m->error_code());
  if (m->error_code()) {
    FUZZ_CHECK(again->error_reason() == m->error_reason()->substr(0, 128));
  }
  FUZZ_CHECK(again->check_message_integrity("fuzz-key"));
  FUZZ_CHECK(!again->check_message_integrity("fuzz-kez"));
  FUZZ_CHECK(again->check_fingerprint());
}

struct Expected {
  std::optional<std::string> username;
  std::optional<std::uint32_t> priority;
  bool use_candidate = false;
  std::optional<std::uint64_t> controlling;
  std::optional<std::uint64_t> controlled;
  std::optional<TransportAddress> address;
  std::optional<std::uint16_t> code;
};

std::uint64_t load(std::span<const std::uint8_t> b, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | (i < b.size() ? b[i] : 0);
  return v;
}

void check_written(std::span<const std::uint8_t> input) {
  if (input.size() < 14) return;
  const auto type = static_cast<std::uint16_t>(((input[0] << 8) | input[1]) & 0x3FFF);
  const std::span<const std::uint8_t, 12> tid = input.subspan<2, 12>();
  StunWriter w(type, tid);
  Expected e;
  std::size_t at = 14;
  while (at + 2 <= input.size()) {
    const std::uint8_t op = input[at] % 9;
    const std::size_t length = std::min<std::size_t>(input[at + 1], input.size() - at - 2);
    const auto value = input.subspan(at + 2, length);
    at += 2 + length;
    const std::string_view text(reinterpret_cast<const char*>(value.data()), value.size());
    switch (op) {
      case 0:
        w.username(text);
        if (!e.username) e.username = std::string(text);
        break;
      case 1:
        w.software(text);
        break;
      case 2:
        w.priority(static_cast<std::uint32_t>(load(value, 4)));
        if (!e.priority) e.priority = static_cast<std::uint32_t>(load(value, 4));
        break;
      case 3:
        w.use_candidate();
        e.use_candidate = true;
        break;
      case 4:
        w.ice_controlling(load(value, 8));
        if (!e.controlling) e.controlling = load(value, 8);
        break;
      case 5:
        w.ice_controlled(load(value, 8));
        if (!e.controlled) e.controlled = load(value, 8);
        break;
      case 6: {
        TransportAddress a;
        a.v6 = (load(value, 1) & 1) != 0;
        for (std::size_t i = 0; i < (a.v6 ? 16u : 4u); ++i) {
          a.ip[i] = 1 + i < value.size() ? value[1 + i] : 0;
        }
        a.port = static_cast<std::uint16_t>(load(value, 2));
        w.xor_mapped_address(a);
        if (!e.address) e.address = a;
        break;
      }
      case 7: {
        const int code = 300 + static_cast<int>(load(value, 2) % 400);
        w.error_code(code, text);
        if (!e.code) e.code = static_cast<std::uint16_t>(code);
        break;
      }
      default: {
        // Any comprehension-optional type but those with a meaning checked here.
        const auto t = static_cast<std::uint16_t>(0x8000 | load(value, 2));
        if (t == 0x8022 || t == 0x8028 || t == 0x8029 || t == 0x802A) break;
        w.attribute(t, value);
        break;
      }
    }
  }
  const bool with_key = (input[0] & 0x40) != 0;
  const auto out = w.finish(with_key ? std::optional<std::string_view>("k") : std::nullopt,
                            (input[0] & 0x80) != 0);
  if (out.empty()) return;  // did not fit
  const auto m = StunMessage::parse(out);
  FUZZ_CHECK(m);
  FUZZ_CHECK(m->type() == type);
  FUZZ_CHECK(m->username() == e.username);
  FUZZ_CHECK(m->priority() == e.priority);
  FUZZ_CHECK(m->use_candidate() == e.use_candidate);
  FUZZ_CHECK(m->ice_controlling() == e.controlling);
  FUZZ_CHECK(m->ice_controlled() == e.controlled);
  FUZZ_CHECK(m->xor_mapped_address() == e.address);
  FUZZ_CHECK(m->error_code() == e.code);
  FUZZ_CHECK(m->has_message_integrity() == with_key);
  FUZZ_CHECK(!with_key || m->check_message_integrity("k"));
  FUZZ_CHECK(m->has_fingerprint() == ((input[0] & 0x80) != 0));
  FUZZ_CHECK(!m->has_fingerprint() || m->check_fingerprint());
  FUZZ_CHECK(!m->unknown_required_attribute());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  check_parsed(input);
  check_written(input);
  return 0;
}
