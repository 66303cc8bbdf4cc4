#include "http/metrics.hpp"

#include <gtest/gtest.h>

namespace confab::http {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Metrics m;
  m.counter("confab_errors_total", "Errors by kind");
  m.gauge("confab_rooms", "Open rooms", [] { return 3.0; });
  m.inc("confab_errors_total", "kind=\"protocol\"");
  m.inc("confab_errors_total", "kind=\"protocol\"", 2);
  m.counter("confab_messages_total", "Relayed");
  const std::string text = m.render();
  EXPECT_NE(text.find("# TYPE confab_errors_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("confab_errors_total{kind=\"protocol\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE confab_rooms gauge\nconfab_rooms 3\n"), std::string::npos);
  EXPECT_NE(text.find("confab_messages_total 0\n"), std::string::npos);
  EXPECT_EQ(m.value("confab_errors_total", "kind=\"protocol\""), 3u);
}

}  // namespace
}  // namespace confab::http
