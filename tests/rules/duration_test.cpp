#include "rules/duration.hpp"

#include <catch2/catch.hpp>

using namespace slawatch::rules;

TEST_CASE("parse_duration reads number-unit pairs", "[duration]") {
  CHECK(*parse_duration("45s") == 45);
  CHECK(*parse_duration("15m") == 900);
  CHECK(*parse_duration("4h") == 14400);
  CHECK(*parse_duration("2h30m") == 9000);
  CHECK(*parse_duration("7d") == 604800);
  CHECK(*parse_duration("1d12h") == 129600);
  CHECK(*parse_duration("1d2h3m4s") == 93784);
  CHECK(*parse_duration("90m") == 5400);
  CHECK(*parse_duration("0s") == 0);
  CHECK(*parse_duration("0") == 0);
  CHECK(*parse_duration("3600") == 3600);
}

TEST_CASE("parse_duration rejects bad text with a message", "[duration]") {
  for (const char* text :
       {"", "-5m", "5x", "5M", "m", "1h1h", "30m2h", "1s1m", "2h30", "1.5h", " 5m", "5m ", "+5m",
        "5 m", "99999999999999999999", "9223372036854775807d", "h5"}) {
    INFO(text);
    const auto parsed = parse_duration(text);
    CHECK_FALSE(parsed);
    if (!parsed) CHECK_THAT(parsed.error(), Catch::Contains("expected"));
  }
}

TEST_CASE("parse_duration accepts the largest value and not one more", "[duration]") {
  CHECK(*parse_duration("9223372036854775807") == INT64_MAX);
  CHECK_FALSE(parse_duration("9223372036854775808"));
  CHECK_FALSE(parse_duration("106751991167301d"));
  CHECK(*parse_duration("106751991167300d") == 106751991167300LL * 86400);
}

TEST_CASE("parse_percent_basis_points", "[duration]") {
  CHECK(*parse_percent_basis_points("75%") == 7500);
  CHECK(*parse_percent_basis_points("12.5%") == 1250);
  CHECK(*parse_percent_basis_points("12.25%") == 1225);
  CHECK(*parse_percent_basis_points("0.01%") == 1);
  CHECK(*parse_percent_basis_points("100%") == 10000);
  CHECK(*parse_percent_basis_points("150%") == 15000);
  for (const char* text : {"", "%", "75", "0%", "0.00%", "-5%", "12.345%", "12.%", ".5%", "7 5%",
                           "75%%", "1e2%", "99999999999999999999%"}) {
    INFO(text);
    CHECK_FALSE(parse_percent_basis_points(text));
  }
}

TEST_CASE("format_duration is the inverse of parse_duration", "[duration]") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(9000) == "2h30m");
  CHECK(format_duration(900) == "15m");
  CHECK(format_duration(45) == "45s");
  CHECK(format_duration(86400 + 61) == "1d1m1s");
  CHECK(format_duration(-90) == "-1m30s");
  const std::int64_t samples[] = {1, 59, 60, 3599, 3600, 86399, 86400, 604800, 1234567, INT64_MAX};
  for (std::int64_t s : samples) {
    INFO(s);
    CHECK(*parse_duration(format_duration(s)) == s);
  }
}
