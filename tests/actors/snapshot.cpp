// Case snapshots, key names, the transaction commands that save them, lateness of records,
// trimming floors and XAUTOCLAIM replies: all without a server.
#include "actors/snapshot.hpp"

#include <catch2/catch.hpp>

#include "actors/keys.hpp"
#include "actors/recovery.hpp"
#include "actors/trim.hpp"
#include "actors/writer.hpp"
#include "rules/codec.hpp"
#include "tests/actors/resp.hpp"

using namespace slawatch;
using namespace slawatch::actors;
using test::bulk;
using test::parse_reply;

namespace {

rules::event event_of(const std::string& json) {
  auto e = rules::decode_event_json(json);
  REQUIRE(e);
  return *e;
}

case_archive sample_case() {
  case_archive a;
  a.case_id = "CS-20260302-0001";
  a.events.add(event_of(
      R"({"type":"case.created","case_id":"CS-20260302-0001","ts":"2026-03-02T09:00:00Z","event_id":"e1","priority":"P1","team":"billing \"east\"\tdesk"})"));
  a.events.add(event_of(
      R"({"type":"message.agent","case_id":"CS-20260302-0001","ts":"2026-03-02T09:10:00Z","event_id":"e2"})"));
  a.events.add(event_of(
      R"({"type":"case.status_changed","case_id":"CS-20260302-0001","ts":"2026-03-02T09:05:00Z","status":"pending\nline"})"));
  for (const char* id : {"CS-20260302-0001:first_response:1:outcome",
                         "CS-20260302-0001:audit:clock_started#2", "elsewhere:odd-id"})
    a.emitted.insert(id);
  a.open = true;
  a.fcr_counted = false;
  a.last_applied = {"slawatch:events", "1712000000000-3"};
  return a;
}



}  // namespace

TEST_CASE("a snapshot gives back the case it was made of", "[snapshot]") {
  const auto original = sample_case();
  auto bytes = encode_snapshot(original);
  REQUIRE(bytes);
  CHECK(bytes->rfind("slawatch-snapshot/2\n", 0) == 0);
  auto back = decode_snapshot(*bytes);
  REQUIRE(back);
  CHECK(back->case_id == original.case_id);
  CHECK(back->open == original.open);
  CHECK(back->fcr_counted == original.fcr_counted);
  CHECK(back->last_applied.stream == original.last_applied.stream);
  CHECK(back->last_applied.id == original.last_applied.id);
  CHECK(back->emitted == original.emitted);
  CHECK(back->emitted.contains("CS-20260302-0001:first_response:1:outcome"));
  CHECK_FALSE(back->emitted.contains("CS-20260302-0001:first_response:2:outcome"));
  REQUIRE(back->events.size() == original.events.size());
  for (std::size_t i = 0; i < original.events.size(); ++i) {
    const auto& a = original.events.events()[i];
    const auto& b = back->events.events()[i];
    CHECK(rules::encode_event_json(a) == rules::encode_event_json(b));
  }
  // Same state, same bytes: encoding again what was decoded changes nothing.
  auto again = encode_snapshot(*back);
  REQUIRE(again);
  CHECK(*again == *bytes);
}

TEST_CASE("a closed case without entries applied keeps its flags", "[snapshot]") {
  case_archive a;
  a.case_id = "X";
  a.open = false;
  a.fcr_counted = true;
  auto bytes = encode_snapshot(a);
  REQUIRE(bytes);
  auto back = decode_snapshot(*bytes);
  REQUIRE(back);
  CHECK_FALSE(back->open);
  CHECK(back->fcr_counted);
  CHECK(back->last_applied.id.empty());
  CHECK(back->events.empty());
  CHECK(back->emitted.empty());
}

TEST_CASE("a snapshot of another version is refused with the reason", "[snapshot]") {
  auto bytes = encode_snapshot(sample_case());
  REQUIRE(bytes);
  auto other = "slawatch-snapshot/3" + bytes->substr(bytes->find('\n'));
  auto back = decode_snapshot(other);
  REQUIRE_FALSE(back);
  CHECK(back.error().find("version 3") != std::string::npos);
}

TEST_CASE("a version 1 snapshot (record ids as text) is still read", "[snapshot]") {
  // As version 1 wrote sample_case(): ids without the case id prefix as `r`, others as `R`.
  const std::string v1 =
      "slawatch-snapshot/1\ncase\tCS-20260302-0001\nflags\t10\nlast\tslawatch:events\t1712000000000-3\n"
      "e\t{\"type\":\"case.created\",\"case_id\":\"CS-20260302-0001\",\"ts\":\"2026-03-02T09:00:00Z\","
      "\"event_id\":\"e1\",\"priority\":\"P1\"}\n"
      "r\taudit:clock_started#2\nr\tfirst_response:1:outcome\nR\telsewhere:odd-id\n";
  auto back = decode_snapshot(v1);
  REQUIRE(back);
  CHECK(back->emitted == sample_case().emitted);
  REQUIRE(back->events.size() == 1);
  CHECK(back->last_applied.id == "1712000000000-3");
  // Written again, it is a version 2 snapshot that reads back the same.
  auto bytes = encode_snapshot(*back);
  REQUIRE(bytes);
  CHECK(bytes->rfind("slawatch-snapshot/2\n", 0) == 0);
  auto again = decode_snapshot(*bytes);
  REQUIRE(again);
  CHECK(again->emitted == back->emitted);
  // Each version's record lines only in that version.
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/1\ncase\tX\nflags\t10\nh\t0123456789abcdef\n"));
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t10\nr\tfirst_response:1:outcome\n"));
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t10\nh\t0123456789ABCDEF\n"));
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t10\nh\t0123\n"));
  CHECK(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t10\nh\t0123456789abcdef\n"));
}

TEST_CASE("damaged snapshots are errors, never crashes", "[snapshot]") {
  auto bytes = encode_snapshot(sample_case());
  REQUIRE(bytes);
  CHECK_FALSE(decode_snapshot(""));
  CHECK_FALSE(decode_snapshot("hello\n"));
  CHECK_FALSE(decode_snapshot(bytes->substr(0, bytes->size() - 1)));  // no final line break
  CHECK_FALSE(decode_snapshot(bytes->substr(0, 25)));
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\nflags\t10\n"));                 // no case id
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t2x\n"));        // bad flags
  CHECK_FALSE(decode_snapshot("slawatch-snapshot/2\ncase\tX\nflags\t10\nz\t1\n"));  // unknown item
  CHECK_FALSE(
      decode_snapshot("slawatch-snapshot/1\ncase\tX\nflags\t10\ne\t{\"type\":\n"));  // bad event
  CHECK_FALSE(
      decode_snapshot("slawatch-snapshot/1\ncase\tX\nflags\t10\n"
                      "e\t{\"type\":\"case.created\",\"case_id\":\"Y\",\"ts\":\"2026-03-02T09:00:"
                      "00Z\"}\n"));  // other case
  // Every truncation and every single flipped byte: an error or a valid case, never a crash.
  for (std::size_t n = 0; n < bytes->size(); ++n) {
    (void)decode_snapshot(std::string_view{*bytes}.substr(0, n));
    auto flipped = *bytes;
    flipped[n] = static_cast<char>(flipped[n] ^ 0x5a);
    (void)decode_snapshot(flipped);
  }
}

TEST_CASE("text the format cannot hold is refused when encoding", "[snapshot]") {
  auto a = sample_case();
  a.case_id = "bad\tid";
  CHECK_FALSE(encode_snapshot(a));
  a = sample_case();
  a.last_applied.stream = "s\n";
  CHECK_FALSE(encode_snapshot(a));
}

TEST_CASE("every key of a partition carries its hash tag", "[keys]") {
  const auto tag = keys::partition_tag(7);
  CHECK(tag == "{slawatch:p7}");
  CHECK(keys::case_snapshot(tag, "CS-1") == "{slawatch:p7}:case:CS-1");
  CHECK(keys::open_index(tag) == "{slawatch:p7}:open");
  CHECK(keys::closed_index(tag) == "{slawatch:p7}:closed");
  CHECK(keys::marker(tag) == "{slawatch:p7}:marker");
  CHECK(keys::partition_tag(0) != keys::partition_tag(1));
  CHECK(keys::lease(tag) == "{slawatch:p7}:lease");
}

TEST_CASE("a case's keys carry the tag of its partition, partition 0 when there are none", "[keys]") {
  // Vectors of README "Partitions": CS-20250912-0042 is in partition 10 of 16, zendesk:35436 in 0.
  CHECK(keys::case_tag("CS-20250912-0042", 16) == "{slawatch:p10}");
  CHECK(keys::case_tag("CS-20250912-0043", 16) == "{slawatch:p13}");
  CHECK(keys::case_tag("zendesk:35436", 16) == "{slawatch:p0}");
  CHECK(keys::case_tag("CS-20250912-0042", 0) == "{slawatch:p0}");
}

TEST_CASE("saving a snapshot maintains the open and closed indexes", "[writer][snapshot]") {
  const std::chrono::system_clock::time_point now{std::chrono::seconds{1000}};
  const auto open = snapshot_commands({case_snapshot{"C1", "bytes", true}}, 0, std::chrono::hours{24}, now);
  CHECK(open == std::vector<redis_command>{{"SET", "{slawatch:p0}:case:C1", "bytes"},
                                           {"SADD", "{slawatch:p0}:open", "C1"},
                                           {"ZREM", "{slawatch:p0}:closed", "C1"}});
  const auto closed =
      snapshot_commands({case_snapshot{"C1", "bytes", false}}, 0, std::chrono::seconds{60}, now);
  CHECK(closed ==
        std::vector<redis_command>{{"SET", "{slawatch:p0}:case:C1", "bytes", "PX", "60000"},
                                   {"SREM", "{slawatch:p0}:open", "C1"},
                                   {"ZADD", "{slawatch:p0}:closed", "1060000", "C1"}});
  // A batch: every snapshot's SET, then one command per index for all of them.
  const auto both = snapshot_commands(
      {case_snapshot{"C1", "a", true}, case_snapshot{"C2", "b", false}, case_snapshot{"C3", "c", true}}, 0,
      std::chrono::seconds{60}, now);
  CHECK(both == std::vector<redis_command>{{"SET", "{slawatch:p0}:case:C1", "a"},
                                           {"SET", "{slawatch:p0}:case:C2", "b", "PX", "60000"},
                                           {"SET", "{slawatch:p0}:case:C3", "c"},
                                           {"SADD", "{slawatch:p0}:open", "C1", "C3"},
                                           {"ZREM", "{slawatch:p0}:closed", "C1", "C3"},
                                           {"SREM", "{slawatch:p0}:open", "C2"},
                                           {"ZADD", "{slawatch:p0}:closed", "1060000", "C2"}});
  CHECK(snapshot_commands({}, 0, std::chrono::seconds{60}, now).empty());
  // Partitioned: each case under its partition's tag, the indexes per partition.
  const auto split = snapshot_commands(
      {case_snapshot{"CS-20250912-0043", "a", true}, case_snapshot{"CS-20250912-0042", "b", true}}, 16,
      std::chrono::seconds{60}, now);
  CHECK(split == std::vector<redis_command>{{"SET", "{slawatch:p13}:case:CS-20250912-0043", "a"},
                                            {"SET", "{slawatch:p10}:case:CS-20250912-0042", "b"},
                                            {"SADD", "{slawatch:p10}:open", "CS-20250912-0042"},
                                            {"ZREM", "{slawatch:p10}:closed", "CS-20250912-0042"},
                                            {"SADD", "{slawatch:p13}:open", "CS-20250912-0043"},
                                            {"ZREM", "{slawatch:p13}:closed", "CS-20250912-0043"}});
}

TEST_CASE("records due before the daemon started are marked late, others are not", "[writer]") {
  rules::record r;
  r.type = rules::record::kind::notification;
  r.id = "C:first_response:1:breach:0";
  r.case_id = "C";
  r.at = rules::instant{std::chrono::seconds{1000}};
  const auto plain = rules::encode_record_json(r);
  const std::chrono::system_clock::time_point started{std::chrono::seconds{2000}};
  const std::chrono::system_clock::time_point written{std::chrono::milliseconds{2500900}};
  const auto late = record_json(r, started, written);
  CHECK(late ==
        plain.substr(0, plain.size() - 1) + ",\"late\":true,\"detection_delay_seconds\":1500}");
  r.at = rules::instant{std::chrono::seconds{2000}};
  CHECK(record_json(r, started, written) == rules::encode_record_json(r));
  CHECK(record_json(r, {}, written) == rules::encode_record_json(r));
}

TEST_CASE("trimming keeps what a consumer group has not read or still has pending", "[trim]") {
  const std::chrono::system_clock::time_point cutoff{std::chrono::milliseconds{5000}};
  CHECK(trim_min_id(cutoff, {}) == "5000-0");
  group_position read_all{"g", "9000-0", 0, std::nullopt};
  CHECK(trim_min_id(cutoff, {read_all}) == "5000-0");
  group_position behind{"h", "3000-4", 0, std::nullopt};
  CHECK(trim_min_id(cutoff, {read_all, behind}) == "3000-5");
  group_position pending{"p", "9000-0", 2, std::string{"1200-1"}};
  CHECK(trim_min_id(cutoff, {read_all, pending, behind}) == "1200-1");
  group_position confused{"q", "9000-0", 2, std::nullopt};
  CHECK(trim_min_id(cutoff, {confused}) == "0-0");
}

TEST_CASE("XINFO GROUPS and XPENDING replies give the groups' positions", "[trim]") {
  auto reply = parse_reply("*1\r\n*12\r\n" + bulk("name") + bulk("g") + bulk("consumers") + ":1\r\n" +
                     bulk("pending") + ":2\r\n" + bulk("last-delivered-id") + bulk("17-3") +
                     bulk("entries-read") + ":5\r\n" + bulk("lag") + ":0\r\n");
  auto groups = decode_xinfo_groups(reply.get());
  REQUIRE(groups);
  REQUIRE(groups->size() == 1);
  CHECK((*groups)[0].name == "g");
  CHECK((*groups)[0].pending == 2);
  CHECK((*groups)[0].last_delivered == "17-3");
  auto missing = parse_reply("-ERR no such key\r\n");
  auto none = decode_xinfo_groups(missing.get());
  REQUIRE(none);
  CHECK(none->empty());
  auto summary =
      parse_reply("*4\r\n:2\r\n" + bulk("15-0") + bulk("17-3") + "*1\r\n*2\r\n" + bulk("c") + bulk("2"));
  auto first = decode_first_pending(summary.get());
  REQUIRE(first);
  CHECK(*first == std::optional<std::string>{"15-0"});
  auto empty = parse_reply("*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n");
  auto nothing = decode_first_pending(empty.get());
  REQUIRE(nothing);
  CHECK_FALSE(nothing->has_value());
}

TEST_CASE("an XAUTOCLAIM reply gives the cursor and the claimed entries", "[recovery]") {
  auto reply =
      parse_reply("*3\r\n" + bulk("0-0") + "*2\r\n*2\r\n" + bulk("5-0") + "*2\r\n" + bulk("type") +
            bulk("case.created") + "*2\r\n" + bulk("6-0") + "*0\r\n" + "*1\r\n" + bulk("4-0"));
  auto claimed = decode_autoclaim(reply.get(), "events");
  REQUIRE(claimed);
  CHECK(claimed->next == "0-0");
  REQUIRE(claimed->entries.size() == 2);
  CHECK(claimed->entries[0].stream == "events");
  CHECK(claimed->entries[0].id == "5-0");
  CHECK(claimed->entries[0].fields.size() == 1);
  CHECK(claimed->entries[1].id == "6-0");
  auto error = parse_reply("-NOGROUP no such group\r\n");
  CHECK_FALSE(decode_autoclaim(error.get(), "events"));
  auto odd = parse_reply(":3\r\n");
  CHECK_FALSE(decode_autoclaim(odd.get(), "events"));
  CHECK(xautoclaim_command("s", "g", "c", std::chrono::seconds{60}, "0-0", 10) ==
        redis_command{"XAUTOCLAIM", "s", "g", "c", "60000", "0-0", "COUNT", "10"});
}
