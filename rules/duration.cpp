// Durations and percentages of the rules file.
#include "rules/duration.hpp"

#include <iterator>
#include <limits>
#include <optional>

namespace slawatch::rules {
namespace {

constexpr std::int64_t max_seconds = std::numeric_limits<std::int64_t>::max();

struct unit {
  char letter;
  std::int64_t seconds;
};
// In the only order they may be written.
constexpr unit units[] = {{'d', 86400}, {'h', 3600}, {'m', 60}, {'s', 1}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

expected<std::int64_t> duration_error(std::string_view text, const std::string& why) {
  return expected<std::int64_t>::failure(
      "invalid duration " + quoted(text) + ": " + why +
      "; expected number-unit pairs such as 45s, 15m, 4h, 2h30m, 7d (units d h m s, each at most "
      "once, largest first) or a whole number of seconds");
}

/// Parses the decimal digits at `pos`; nothing on overflow.
std::optional<std::int64_t> read_number(std::string_view text, std::size_t& pos) {
  std::int64_t value = 0;
  while (pos < text.size() && is_digit(text[pos])) {
    const int digit = text[pos] - '0';
    if (value > (max_seconds - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
    ++pos;
  }
  return value;
}

}  // namespace

expected<std::int64_t> parse_duration(std::string_view text) {
  if (text.empty()) return duration_error(text, "it is empty");
  if (text.front() == '-') return duration_error(text, "it is negative");
  std::size_t pos = 0;
  std::int64_t total = 0;
  std::size_t next_unit = 0;  // index into `units` of the smallest unit still allowed
  bool bare_number = true;
  while (pos < text.size()) {
    if (!is_digit(text[pos])) return duration_error(text, "a number must come before each unit");
    const auto number = read_number(text, pos);
    if (!number) return duration_error(text, "it is too large");
    if (pos == text.size()) {
      if (!bare_number) return duration_error(text, "the last number has no unit");
      return *number;
    }
    bare_number = false;
    const char letter = text[pos++];
    std::size_t index = 0;
    while (index < std::size(units) && units[index].letter != letter) ++index;
    if (index == std::size(units)) {
      return duration_error(text, "unknown unit " + quoted(std::string_view(&letter, 1)));
    }
    if (index < next_unit) {
      return duration_error(
          text, "unit " + quoted(std::string_view(&letter, 1)) + " repeated or out of order");
    }
    next_unit = index + 1;
    const std::int64_t per_unit = units[index].seconds;
    if (*number > max_seconds / per_unit || total > max_seconds - *number * per_unit) {
      return duration_error(text, "it is too large");
    }
    total += *number * per_unit;
  }
  return total;
}

expected<std::int64_t> parse_percent_basis_points(std::string_view text) {
  const auto fail = [&](const std::string& why) {
    return expected<std::int64_t>::failure("invalid percentage " + quoted(text) + ": " + why +
                                           "; expected a number above 0 with at most two "
                                           "decimals followed by %, such as 75% or 12.5%");
  };
  if (text.empty() || text.back() != '%') return fail("it must end with %");
  const std::string_view number = text.substr(0, text.size() - 1);
  std::size_t pos = 0;
  if (number.empty() || !is_digit(number[0])) return fail("it must start with a digit");
  const auto whole = read_number(number, pos);
  constexpr std::int64_t per_percent = 100;  // basis points per percent
  if (!whole || *whole > max_seconds / per_percent - per_percent) return fail("it is too large");
  std::int64_t basis_points = *whole * per_percent;
  if (pos < number.size()) {
    if (number[pos] != '.') return fail("unexpected " + quoted(number.substr(pos, 1)));
    ++pos;
    const std::size_t decimals = number.size() - pos;
    if (decimals == 0 || decimals > 2) return fail("it needs one or two digits after the point");
    std::int64_t scale = 10;
    for (; pos < number.size(); ++pos) {
      if (!is_digit(number[pos])) return fail("unexpected " + quoted(number.substr(pos, 1)));
      basis_points += (number[pos] - '0') * scale;
      scale /= 10;
    }
  }
  if (basis_points <= 0) return fail("it must be above 0%");
  return basis_points;
}

std::string format_duration(std::int64_t seconds) {
  if (seconds == 0) return "0s";
  std::string out;
  // Unsigned so that the most negative value has a magnitude too.
  std::uint64_t rest = static_cast<std::uint64_t>(seconds);
  if (seconds < 0) {
    out = "-";
    rest = 0 - rest;
  }
  for (const unit& u : units) {
    const std::uint64_t count = rest / static_cast<std::uint64_t>(u.seconds);
    if (count == 0) continue;
    out += std::to_string(count);
    out += u.letter;
    rest -= count * static_cast<std::uint64_t>(u.seconds);
  }
  return out;
}

}  // namespace slawatch::rules
