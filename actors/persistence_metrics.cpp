#include "actors/persistence_metrics.hpp"

namespace slawatch::actors {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

persistence_metrics::persistence_metrics(prometheus::Registry& registry)
    : snapshots_written_(BuildCounter()
                             .Name("slawatch_snapshots_written_total")
                             .Help("Case snapshots saved to Redis, by case state")
                             .Register(registry)),
      snapshot_errors_(BuildCounter()
                           .Name("slawatch_snapshot_errors_total")
                           .Help("Snapshots found unreadable at recovery")
                           .Register(registry)
                           .Add({})),
      recovered_cases_(BuildGauge()
                           .Name("slawatch_recovered_cases")
                           .Help("Cases loaded from snapshots at the last recovery, by case state")
                           .Register(registry)),
      recovery_seconds_(BuildGauge()
                            .Name("slawatch_recovery_seconds")
                            .Help("Duration of the last recovery in seconds")
                            .Register(registry)
                            .Add({})),
      recovering_(BuildGauge()
                      .Name("slawatch_recovering")
                      .Help("1 until the snapshots are loaded and the case actors respawned")
                      .Register(registry)
                      .Add({})),
      late_records_(BuildCounter()
                        .Name("slawatch_late_records_total")
                        .Help("Records due before the daemon started, written late")
                        .Register(registry)),
      // From a second to a week: how long the daemon was down, roughly.
      detection_delay_(
          BuildHistogram()
              .Name("slawatch_detection_delay_seconds")
              .Help("Late records: wall time written minus due time")
              .Register(registry)
              .Add({},
                   prometheus::Histogram::BucketBoundaries{1, 5, 15, 60, 300, 900, 3600, 4 * 3600,
                                                           24 * 3600, 7 * 24 * 3600})),
      claimed_entries_(BuildCounter()
                           .Name("slawatch_claimed_entries_total")
                           .Help("Entries claimed from consumers idle past claim_idle")
                           .Register(registry)
                           .Add({})),
      trimmed_entries_(BuildCounter()
                           .Name("slawatch_trimmed_entries_total")
                           .Help("Output stream entries trimmed by age")
                           .Register(registry)),
      data_lost_total_(
          BuildCounter()
              .Name("slawatch_redis_data_lost_total")
              .Help("Times Redis was found without its data while the daemon held cases")
              .Register(registry)
              .Add({})),
      data_lost_gauge_(BuildGauge()
                           .Name("slawatch_redis_data_lost")
                           .Help("1 from a loss of Redis data until every case held is saved again")
                           .Register(registry)
                           .Add({})),
      partitions_gauge_(BuildGauge()
                            .Name("slawatch_partitions")
                            .Help("Partitions of the input as configured (streams.partitions)")
                            .Register(registry)
                            .Add({})),
      partitions_owned_gauge_(BuildGauge()
                                  .Name("slawatch_partitions_owned")
                                  .Help("Partitions whose lease this instance holds")
                                  .Register(registry)
                                  .Add({})),
      lease_acquisitions_(BuildCounter()
                              .Name("slawatch_lease_acquisitions_total")
                              .Help("Partition leases acquired")
                              .Register(registry)
                              .Add({})),
      lease_losses_(BuildCounter()
                        .Name("slawatch_lease_losses_total")
                        .Help("Partition leases found lost at renewal")
                        .Register(registry)
                        .Add({})) {
  recovering_.Set(1);
  for (const char* state : {"open", "closed"}) {
    snapshots_written_.Add({{"state", state}});
    recovered_cases_.Add({{"state", state}});
  }
}

void persistence_metrics::snapshot_written(bool open) {
  snapshots_written_.Add({{"state", open ? "open" : "closed"}}).Increment();
}

void persistence_metrics::snapshot_error() { snapshot_errors_.Increment(); }

void persistence_metrics::recovery_done(std::size_t open_cases, std::size_t closed_cases,
                                        std::chrono::duration<double> took) {
  recovered_cases_.Add({{"state", "open"}}).Set(static_cast<double>(open_cases));
  recovered_cases_.Add({{"state", "closed"}}).Set(static_cast<double>(closed_cases));
  recovery_seconds_.Set(took.count());
  recovering_.Set(0);
  recovered_.store(true);
}

void persistence_metrics::late_record(const std::string& record_kind,
                                      std::chrono::duration<double> delay) {
  late_records_.Add({{"record", record_kind}}).Increment();
  detection_delay_.Observe(std::max(0.0, delay.count()));
}

void persistence_metrics::claimed(std::size_t entries) {
  claimed_entries_.Increment(static_cast<double>(entries));
}

void persistence_metrics::trimmed(const std::string& stream, double entries) {
  trimmed_entries_.Add({{"stream", stream}}).Increment(entries);
}

void persistence_metrics::set_data_lost(bool lost) {
  if (lost && !data_lost_.exchange(true)) data_lost_total_.Increment();
  if (!lost) data_lost_.store(false);
  data_lost_gauge_.Set(lost ? 1 : 0);
}

}  // namespace slawatch::actors
