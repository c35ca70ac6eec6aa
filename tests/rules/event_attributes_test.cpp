// The packed attributes of one event: the same contents, lookups and order as a std::map.
#include "rules/event_attributes.hpp"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

using namespace slawatch::rules;

TEST_CASE("event attributes hold what the map held, in name order", "[event_attributes]") {
  const attributes map{{"team", "billing"}, {"priority", "P1"}, {"customer_tier", "gold"}, {"empty", ""}};
  const event_attributes packed{map};
  CHECK(packed.size() == 4);
  CHECK_FALSE(packed.empty());
  CHECK(packed.to_map() == map);
  std::vector<std::string> names;
  for (const auto& [name, value] : packed) names.emplace_back(name);
  CHECK(names == std::vector<std::string>{"customer_tier", "empty", "priority", "team"});
  CHECK(packed.at("priority") == "P1");
  CHECK(packed.get("empty") == std::string_view{});
  CHECK(packed.get("empty").has_value());
  CHECK_FALSE(packed.get("status").has_value());
  CHECK(packed.count("team") == 1);
  CHECK(packed.count("zzz") == 0);
  CHECK_THROWS_AS(packed.at("status"), std::out_of_range);
  CHECK(event_attributes{}.empty());
  CHECK(event_attributes{}.size() == 0);
}

TEST_CASE("event attributes keep long texts and any byte", "[event_attributes]") {
  // Lengths of 128 bytes and more take two length bytes; 16,384 and more three.
  const std::string long_value(20000, 'x');
  const std::string name_of_200(200, 'n');
  const std::string bytes{"a\0b\x80\xff", 5};
  const attributes map{{name_of_200, long_value}, {"b", bytes}, {"c", std::string(127, 'c')}};
  const event_attributes packed{map};
  CHECK(packed.to_map() == map);
  CHECK(packed.at(name_of_200) == long_value);
  CHECK(packed.at("b") == bytes);
}

TEST_CASE("setting, inserting and erasing change the attributes as the map's operations do", "[event_attributes]") {
  event_attributes packed;
  attributes map;
  const auto both = [&](const char* name, const char* value) {
    packed.set(name, value);
    map[name] = value;
  };
  both("status", "open");
  both("assignee", "a1");
  both("team", "billing");
  both("status", "pending");  // replaced in place
  both("b", "");
  CHECK(packed.to_map() == map);
  CHECK_FALSE(packed.insert("team", "other"));  // present: kept
  CHECK(packed.insert("channel", "email"));
  map.insert({"channel", "email"});
  CHECK(packed.to_map() == map);
  packed.erase("assignee");
  packed.erase("absent");
  packed.erase("team");
  map.erase("assignee");
  map.erase("team");
  CHECK(packed.to_map() == map);
  // A name given twice in a list keeps its first value, as a map's list does.
  const event_attributes listed{{"x", "1"}, {"a", "2"}, {"x", "3"}};
  CHECK(listed.to_map() == attributes{{"a", "2"}, {"x", "1"}});
}

TEST_CASE("event attributes order and compare like maps", "[event_attributes]") {
  const std::vector<attributes> maps{
      {},
      {{"a", ""}},
      {{"a", "1"}},
      {{"a", "1"}, {"b", "2"}},
      {{"a", "2"}},
      {{"ab", "1"}},
      {{"b", "0"}},
      {{"a", std::string(200, 'z')}},
      {{std::string(130, 'a'), "1"}},
  };
  for (const auto& x : maps) {
    for (const auto& y : maps) {
      const event_attributes px{x};
      const event_attributes py{y};
      CHECK((px < py) == (x < y));
      CHECK((px == py) == (x == y));
      CHECK((px != py) == (x != y));
    }
  }
}
