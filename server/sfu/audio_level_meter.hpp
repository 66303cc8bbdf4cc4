#pragma once
// How much a published audio stream carried speech over one report interval, from the
// RFC 6464 level each packet carries (-dBov: 0 loudest, 127 silence). The meeting picks the
// dominant speaker from these readings; the SFU itself never decodes audio.
#include <cstdint>

namespace confab::sfu {

class AudioLevelMeter {
 public:
  // Louder than -50 dBov counts as speech; room noise and comfort noise sit below it.
  static constexpr std::uint8_t kSpeechLevel = 50;

  struct Reading {
    std::uint8_t level = 127;  // the loudest packet's, -dBov
    float activity = 0;        // share of packets louder than kSpeechLevel, 0..1
  };

  void add(std::uint8_t level) {
    ++packets_;
    if (level <= kSpeechLevel) ++loud_;
    if (level < loudest_) loudest_ = level;
  }

  // The interval's reading; the next interval starts empty.
  Reading take() {
    Reading out;
    if (packets_ != 0) {
      out.level = loudest_;
      out.activity = static_cast<float>(loud_) / static_cast<float>(packets_);
    }
    *this = AudioLevelMeter{};
    return out;
  }

 private:
  std::uint32_t packets_ = 0;
  std::uint32_t loud_ = 0;
  std::uint8_t loudest_ = 127;
};

}  // namespace confab::sfu
