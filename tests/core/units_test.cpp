#include "engram/core/units.hpp"

#include <gtest/gtest.h>

namespace engram {

TEST(Units, ParsesQuantitiesIntoCanonicalUnits) {
  auto q = parse_quantity("20 ms");
  ASSERT_TRUE(q);
  EXPECT_EQ(q->dim, Dim::time);
  EXPECT_DOUBLE_EQ(q->value, 20.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 s")->value, 1000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("-65mV")->value, -65.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1 nA")->value, 1000.0);
  EXPECT_DOUBLE_EQ(parse_quantity("6 nS")->value, 6.0);
  EXPECT_DOUBLE_EQ(parse_quantity("0.25 nF")->value, 250.0);
  EXPECT_DOUBLE_EQ(parse_quantity("1.5e3 Hz")->value, 1500.0);
  EXPECT_DOUBLE_EQ(parse_quantity("2 kHz")->value, 2000.0);
  EXPECT_EQ(parse_quantity("0.3")->dim, Dim::none);
  EXPECT_EQ(parse_quantity("100 µm")->dim, Dim::length);
}

TEST(Units, RejectsMalformedOrUnknown) {
  EXPECT_FALSE(parse_quantity(""));
  EXPECT_FALSE(parse_quantity("ms"));
  EXPECT_FALSE(parse_quantity("20 parsecs"));
  EXPECT_FALSE(parse_quantity("20 m s"));
  EXPECT_FALSE(parse_quantity("nan ms"));
}

}  // namespace engram
