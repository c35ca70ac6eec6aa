// Realistic live case events for demos and load tests (`slawatch generate`). Pure: the caller
// gives the wall time; the same seed and times give the same events.
//
// Shares follow the real logs in ../shared/data (see each SOURCE.md), rounded:
// - priority: P1 1 %, P2 3 %, P3 70 %, P4 26 % (ServiceNow log: 1 %/2 %/94 %/3 %; Volvo log impact
//   High 3 %, Medium 54 %, Low 43 %; a blend, so that P4 is not negligible);
// - channel: phone 60 %, email 15 %, portal 15 %, chat 8 %, social 2 % (ServiceNow is 99 % phone;
//   tilted toward other channels so that channel-specific policies have cases);
// - a third of cases wait on the customer (`pending`) once (Volvo: 2,495 of 7,554 have Wait-User);
// - a quarter are solved at first contact (Volvo: 1,882 end "In Call");
// - 4 % of resolved cases reopen (Volvo 6.8 %, ServiceNow 1.1 %);
// - a quarter of closed cases answer a CSAT survey, 60 % of those also give an NPS score (no real
//   log has surveys; the score shares are typical of contact centres).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "actors/redis_reply.hpp"

namespace slawatch::actors {

/// Not thread-safe.
class event_generator {
 public:
  /// `open_cases`: how many cases are open at once once started (new cases replace closed ones).
  event_generator(std::uint64_t seed, std::size_t open_cases);

  /// The next event, stamped `now` (UTC, to the second), as stream fields. A case advances one
  /// step each time it is picked, so it moves about every open_cases / rate seconds.
  entry_fields next(std::chrono::system_clock::time_point now);

  /// Changes how many cases are open at once from now on: more are created until there are
  /// that many; with fewer, cases are only advanced until enough of them have finished.
  void set_open_cases(std::size_t open_cases) noexcept { open_cases_ = std::max<std::size_t>(open_cases, 1); }

  /// Cases open now.
  std::size_t open_now() const noexcept { return open_.size(); }

  /// Cases created so far.
  std::uint64_t cases_created() const noexcept { return created_; }

 private:
  enum class stage { created, assigned, replied, waiting, pending, resolved, closed };
  struct live_case {
    std::string id;
    std::string customer_id;
    stage at = stage::created;
    bool first_contact = false;   ///< resolved right after the first reply
    bool will_pend = false;       ///< waits on the customer once
    int rounds_left = 0;          ///< customer/agent exchanges before resolution
    bool survey = false;          ///< answers CSAT after closing
  };

  entry_fields create(const std::string& ts, std::chrono::system_clock::time_point now);
  entry_fields advance(live_case& c, const std::string& ts, bool& finished);
  entry_fields base(const char* type, const live_case& c, const std::string& ts);
  std::string uuid();
  bool chance(double p) { return std::bernoulli_distribution{p}(rng_); }
  template <class T>
  const T& pick(const std::vector<std::pair<T, double>>& weighted);

  std::mt19937_64 rng_;
  std::uint64_t seed_;
  std::size_t open_cases_;
  std::vector<live_case> open_;
  std::uint64_t created_ = 0;
  std::uint64_t events_ = 0;
};

}  // namespace slawatch::actors
