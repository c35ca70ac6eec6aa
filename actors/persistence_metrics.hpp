// Metrics and readiness of persistence and recovery: snapshots, recovery, late records, claimed
// entries, trimming and lost Redis data. Registered on the daemon's registry next to `metrics`
// (actors/metrics.hpp); kept apart so that the two evolve without touching each other.
//
// clang-format off
// name                               type       labels  meaning
// ---------------------------------- ---------- ------- ---------------------------------------
// slawatch_snapshots_written_total   counter    state   case snapshots saved; open | closed
// slawatch_snapshot_errors_total     counter    -       snapshots found unreadable at recovery
//                                                       (version, damage); the case is left out
//                                                       and its key kept for inspection
// slawatch_recovered_cases           gauge      state   cases loaded from snapshots at the last
//                                                       recovery; open | closed
// slawatch_recovery_seconds          gauge      -       duration of the last recovery (load +
//                                                       respawn), seconds
// slawatch_recovering                gauge      -       1 from start until recovery is done
//                                                       (not ready meanwhile)
// slawatch_late_records_total        counter    record  records due while the daemon was down,
//                                                       written at once and marked "late": true
// slawatch_detection_delay_seconds   histogram  -       late records: wall time written minus
//                                                       due time
// slawatch_claimed_entries_total     counter    -       entries claimed from consumers idle past
//                                                       claim_idle (XAUTOCLAIM)
// slawatch_trimmed_entries_total     counter    stream  output entries trimmed by age (MINID)
// slawatch_redis_data_lost_total     counter    -       times Redis was found without the
//                                                       daemon's marker key while it held cases
//                                                       (restarted empty, flushed)
// slawatch_redis_data_lost           gauge      -       1 from such a loss until every case held
//                                                       is saved again
// slawatch_partitions                gauge      -       streams.partitions as configured (0: one
//                                                       unpartitioned input)
// slawatch_partitions_owned          gauge      -       partitions whose lease this instance
//                                                       holds (streams.partitions > 0)
// slawatch_lease_acquisitions_total  counter    -       partition leases acquired (free ones and
//                                                       takeovers of expired ones)
// slawatch_lease_losses_total        counter    -       leases found lost at renewal (the
//                                                       instance then exits)
// clang-format on
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace slawatch::actors {

/// Thread-safe: every member may be called from any thread.
class persistence_metrics {
 public:
  /// Registers the families on `registry`.
  explicit persistence_metrics(prometheus::Registry& registry);
  persistence_metrics(const persistence_metrics&) = delete;
  persistence_metrics& operator=(const persistence_metrics&) = delete;

  void snapshot_written(bool open);
  void snapshot_error();
  /// Recovery is done: how many cases it loaded and how long it took. Sets recovered().
  void recovery_done(std::size_t open_cases, std::size_t closed_cases,
                     std::chrono::duration<double> took);
  void late_record(const std::string& record_kind, std::chrono::duration<double> delay);
  void claimed(std::size_t entries);
  void trimmed(const std::string& stream, double entries);
  /// Redis lost its data (true) or every case held was saved again (false).
  void set_data_lost(bool lost);
  /// The configured number of partitions (streams.partitions), so that an alert can compare
  /// the sum of the partitions owned by every instance with it.
  void set_partitions(std::uint32_t count) { partitions_gauge_.Set(static_cast<double>(count)); }
  /// Leases: one acquired, one found lost, how many partitions are owned now.
  void lease_acquired() { lease_acquisitions_.Increment(); }
  void lease_lost() { lease_losses_.Increment(); }
  void set_partitions_owned(std::size_t count) {
    partitions_owned_gauge_.Set(static_cast<double>(count));
    partitions_owned_.store(count);
  }
  std::size_t partitions_owned() const noexcept { return partitions_owned_.load(); }
  /// Until when (steady clock) every lease this instance holds is surely its own: the start of
  /// the last lease round that renewed them all, plus the TTL. The ingest reads no partition
  /// stream past it, so an instance that was stalled (SIGSTOP, a long pause) takes no entry of a
  /// partition that may have been taken over meanwhile. Without leases: never.
  void set_leases_valid_until(std::chrono::steady_clock::time_point t) {
    leases_valid_until_.store(t.time_since_epoch().count());
  }
  std::chrono::steady_clock::time_point leases_valid_until() const noexcept {
    return std::chrono::steady_clock::time_point{std::chrono::steady_clock::duration{leases_valid_until_.load()}};
  }

  /// The writer could not write its last batch (Redis away or refusing) and retries.
  void set_writer_failing(bool failing) { writer_failing_.store(failing); }
  bool writer_failing() const noexcept { return writer_failing_.load(); }

  /// Snapshots loaded and case actors respawned; reading may start.
  bool recovered() const noexcept { return recovered_.load(); }
  /// Redis was found empty while cases were held, and they are not all saved again yet.
  bool data_lost() const noexcept { return data_lost_.load(); }

 private:
  prometheus::Family<prometheus::Counter>& snapshots_written_;
  prometheus::Counter& snapshot_errors_;
  prometheus::Family<prometheus::Gauge>& recovered_cases_;
  prometheus::Gauge& recovery_seconds_;
  prometheus::Gauge& recovering_;
  prometheus::Family<prometheus::Counter>& late_records_;
  prometheus::Histogram& detection_delay_;
  prometheus::Counter& claimed_entries_;
  prometheus::Family<prometheus::Counter>& trimmed_entries_;
  prometheus::Counter& data_lost_total_;
  prometheus::Gauge& data_lost_gauge_;
  prometheus::Gauge& partitions_gauge_;
  prometheus::Gauge& partitions_owned_gauge_;
  prometheus::Counter& lease_acquisitions_;
  prometheus::Counter& lease_losses_;
  std::atomic<std::size_t> partitions_owned_{0};
  std::atomic<std::chrono::steady_clock::rep> leases_valid_until_{
      std::chrono::steady_clock::time_point::max().time_since_epoch().count()};
  std::atomic<bool> recovered_{false};
  std::atomic<bool> data_lost_{false};
  std::atomic<bool> writer_failing_{false};
};

}  // namespace slawatch::actors
