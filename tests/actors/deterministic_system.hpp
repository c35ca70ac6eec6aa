// A CAF actor system on the deterministic scheduler with a manual clock, for actor tests:
// timers fire when the test moves time, never by sleeping.
#pragma once

#include <date/date.h>

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>
#include <chrono>

#include "actors/messages.hpp"

namespace slawatch::test {

// caf/test/dsl.hpp reports through CAF's own unit-test engine (unit_test_impl.hpp brings a main),
// which Catch2 already provides; the deterministic coordinator and its clock are all we need.
struct deterministic_system {
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    cfg.set("logger.console-verbosity", caf::atom("quiet"));
    return cfg;
  }
  caf::actor_system_config cfg;
  caf::actor_system sys{configure(cfg)};
  caf::scheduler::test_coordinator& sched{
      dynamic_cast<caf::scheduler::test_coordinator&>(sys.scheduler())};
  caf::actor_clock::time_point start = sched.clock().now();
  /// Wall time 2026-03-02T09:00:00Z when the test starts; moves with the test clock.
  std::chrono::system_clock::time_point wall_start = std::chrono::system_clock::time_point{
      date::sys_days{date::March / 2 / 2026} + std::chrono::hours{9}};

  actors::wall_time_source time_source() {
    return [this] {
      return wall_start + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                              sched.clock().now() - start);
    };
  }
  void advance(caf::timespan d) {
    sched.clock().advance_time(d);
    sched.run();
  }
};

}  // namespace slawatch::test
