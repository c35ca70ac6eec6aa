#include "actors/notifier.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include "actors/alert.hpp"
#include "rules/codec.hpp"

namespace slawatch::actors {

namespace {

using notifier_ptr = caf::stateful_actor<notifier_state>*;
using std::chrono::system_clock;

/// Active alerts are posted with `endsAt` this many resend periods ahead: a daemon that died
/// stops renewing them and Alertmanager resolves them by itself after that long.
constexpr int expiry_periods = 4;
/// Alerts per `POST /api/v2/alerts` when re-sending many.
constexpr std::size_t alerts_per_post = 500;
/// A claimed marker that was never marked `sent` (the daemon died mid-delivery) is kept this
/// long; within it a restart delivers again (receivers deduplicate), after it the marker is gone.
constexpr std::chrono::seconds pending_ttl{3600};

const char* alertmanager_channel = "alertmanager";
const char* webhook_channel = "webhook";

bool pages_alertmanager(const notifier_state& st) { return st.settings.channels != notify_channels::webhooks; }
bool pages_webhooks(const notifier_state& st) { return st.settings.channels != notify_channels::alertmanager; }

// ---- Redis: send markers and the dead-letter stream ------------------------------------------

/// Runs commands on the notifier's own connection, connecting first if needed. On failure the
/// connection is dropped (the next call reconnects) and nothing is returned.
std::optional<std::vector<reply_ptr>> run_redis(notifier_state& st, const std::vector<redis_command>& commands) {
  if (!st.connection) {
    // While Redis is away, pages go out without markers rather than wait for it; reconnecting
    // is tried with backoff, not before every delivery (a connect can block for its timeout).
    const auto now = std::chrono::steady_clock::now();
    if (now < st.reconnect_at) return std::nullopt;
    auto opened = redis_connection::open(st.settings.endpoint, std::chrono::milliseconds{5000});
    if (!opened) {
      if (!st.redis_warned) spdlog::warn("notifier: {}; delivering without send markers", opened.error());
      st.redis_warned = true;
      st.reconnect_at = now + st.reconnect_backoff.next();
      st.stats->redis_error("notifier");
      return std::nullopt;
    }
    st.connection.emplace(std::move(*opened));
    st.reconnect_backoff.reset();
    if (st.redis_warned) spdlog::info("notifier: connected to Redis again");
    st.redis_warned = false;
  }
  auto replies = st.connection->pipeline(commands);
  if (!replies) {
    spdlog::warn("notifier: {}; reconnecting", replies.error());
    st.connection.reset();
    st.stats->redis_error("notifier");
    return std::nullopt;
  }
  return std::move(*replies);
}

std::string marker_key(const notifier_state& st, const std::string& receiver, const std::string& channel,
                       const std::string& id) {
  return st.settings.config.key_prefix + ":sent:" + receiver + ":" + channel + ":" + id;
}

enum class claim_result { first, again, done };

/// Claims a marker before a first delivery. `done`: it was delivered (or dead-lettered) before;
/// `again`: a delivery was started and never finished (or Redis cannot tell): deliver, the
/// receiver deduplicates.
claim_result claim(notifier_state& st, const std::string& key) {
  auto replies = run_redis(st, {{"SET", key, "pending", "NX", "EX", std::to_string(pending_ttl.count())},
                                {"GET", key}});
  if (!replies || replies->size() != 2) return claim_result::again;
  const redisReply* set = (*replies)[0].get();
  if (set->type == REDIS_REPLY_STATUS) return claim_result::first;
  const redisReply* get = (*replies)[1].get();
  if (get->type == REDIS_REPLY_STRING) {
    const std::string value{get->str, get->len};
    if (value == "sent" || value == "dead_letter") return claim_result::done;
  }
  return claim_result::again;
}

void mark(notifier_state& st, const std::string& key, const char* value) {
  if (key.empty()) return;
  if (!run_redis(st, {{"SET", key, value, "EX", std::to_string(st.settings.config.sent_ttl.count())}}) &&
      !st.redis_warned)
    spdlog::warn("notifier: could not mark a delivery {}; a restart may deliver it again", value);
}

void dead_letter(notifier_state& st, const delivery& d, const std::string& reason) {
  redis_command cmd{"XADD",    st.settings.config.dead_letter, "*", "notification_id", d.notification_id,
                    "receiver", d.receiver, "channel", d.channel, "attempts", std::to_string(d.attempt),
                    "dead_letter_reason", reason};
  if (!d.record_json.empty()) {
    cmd.push_back("json");
    cmd.push_back(d.record_json);
  }
  if (!run_redis(st, {cmd}))
    spdlog::error("notifier: could not write the dead letter of notification {} to {}", d.notification_id,
                  d.receiver);
  mark(st, d.sent_key, "dead_letter");
}

// ---- HTTP deliveries -------------------------------------------------------------------------

std::chrono::seconds retry_delay(const notify_config& c, int attempt) {
  auto delay = c.backoff;
  for (int i = 1; i < attempt && delay < c.backoff_max; ++i) delay *= 2;
  return std::min(delay, c.backoff_max);
}

bool still_firing(const notifier_state& st, const delivery& d) {
  return d.firing_clock.empty() || st.active.count(d.firing_clock) != 0;
}

/// Makes one attempt; on a retryable failure schedules the next, after the last dead-letters.
void attempt(notifier_ptr self, delivery d) {
  auto& st = self->state;
  ++d.attempt;
  const auto started = std::chrono::steady_clock::now();
  const http_result result = st.transport(d.post, st.settings.config.timeout);
  st.stats->notify_request(d.channel, std::chrono::steady_clock::now() - started);
  if (result.ok()) {
    mark(st, d.sent_key, "sent");
    st.stats->notify_delivery(d.receiver, d.channel, d.result);
    if (d.due) st.stats->notify_due_to_sent(d.channel, st.now() - *d.due);
    spdlog::debug("notifier: {} {} to {} ({}) after {} attempt(s)", d.result, d.notification_id, d.receiver,
                  d.channel, d.attempt);
    return;
  }
  const std::string reason =
      result.status == 0 ? result.error : "HTTP " + std::to_string(result.status) +
                                              (result.error.empty() ? "" : ": " + result.error);
  if (result.retryable() && d.attempt <= st.settings.config.retries) {
    const auto delay = retry_delay(st.settings.config, d.attempt);
    spdlog::warn("notifier: {} to {} ({}) failed: {}; retry {} of {} in {}s", d.notification_id, d.receiver,
                 d.channel, reason, d.attempt, st.settings.config.retries, delay.count());
    st.stats->notify_delivery(d.receiver, d.channel, "retried");
    const auto seq = st.next_sequence++;
    st.waiting.emplace(seq, std::move(d));
    self->delayed_send(self, delay, retry_atom::value, seq);
    return;
  }
  spdlog::error("notifier: giving up on {} to {} ({}) after {} attempt(s): {}; written to {}", d.notification_id,
                d.receiver, d.channel, d.attempt, reason, st.settings.config.dead_letter);
  st.stats->notify_delivery(d.receiver, d.channel, "failed");
  dead_letter(st, d, reason);
}

// ---- Alerts ----------------------------------------------------------------------------------

std::chrono::system_clock::time_point active_until(const notifier_state& st) {
  return st.now() + expiry_periods * st.settings.config.resend_interval;
}

void arm_resend(notifier_ptr self) {
  auto& st = self->state;
  if (!pages_alertmanager(st)) return;  // the gauge is the Alertmanager notifier's
  st.stats->set_notify_active_alerts([&] {
    std::size_t n = 0;
    for (const auto& [key, alerts] : st.active) n += alerts.size();
    return static_cast<double>(n);
  }());
  if (st.resend_armed || st.active.empty()) return;
  st.resend_armed = true;
  self->delayed_send(self, st.settings.config.resend_interval, resend_atom::value);
}

/// Posts one alert to every Alertmanager (each its own delivery with retries).
void post_alert(notifier_ptr self, const active_alert& a, system_clock::time_point ends_at, const std::string& result,
                const std::string& sent_key, bool first) {
  auto& st = self->state;
  const std::string alert = alertmanager_alert(a.notification, a.context, a.receiver, a.severity,
                                               st.settings.config.case_api_base, ends_at);
  for (const auto& base : st.settings.config.alertmanagers) {
    delivery d;
    d.post = {alertmanager_alerts_url(base), alertmanager_body({alert}), {{"Content-Type", "application/json"}}};
    d.channel = alertmanager_channel;
    d.receiver = a.receiver;
    d.result = result;
    d.sent_key = sent_key;
    d.notification_id = a.notification.id;
    d.record_json = rules::encode_record_json(a.notification);
    if (first) d.due = system_clock::time_point{a.notification.at};
    if (result == "sent") d.firing_clock = clock_key(a.notification);
    attempt(self, std::move(d));
  }
}

void report_unconfigured(notifier_state& st, const std::string& receiver, const char* channel, const char* why) {
  st.stats->notify_delivery(receiver, channel, "unconfigured");
  if (st.reported_unconfigured.insert(receiver + "/" + channel).second)
    spdlog::warn("notifier: receiver {} cannot be paged by {}: {} (reported once)", receiver, channel, why);
}

/// The receiver of this name in the rules in use, else in the rules before the last reload.
const rules::receiver* receiver_named(const notifier_state& st, const std::string& name) {
  for (const auto* rules : {st.settings.rules.get(), st.previous_rules.get()}) {
    if (rules == nullptr) continue;
    auto it = rules->receivers.find(name);
    if (it != rules->receivers.end()) return &it->second;
  }
  return nullptr;
}

/// Pages one receiver of a new notification on each of its channels.
void page(notifier_ptr self, const rules::record& n, const case_context& context, const std::string& name) {
  auto& st = self->state;
  const rules::receiver* found = receiver_named(st, name);
  if (found == nullptr) {
    if (pages_webhooks(st)) report_unconfigured(st, name, webhook_channel, "not defined in the rules");
    return;
  }
  const rules::receiver& r = *found;

  if (r.alertmanager_severity && pages_alertmanager(st)) {
    if (st.settings.config.alertmanagers.empty()) {
      report_unconfigured(st, name, alertmanager_channel, "no notify.alertmanagers configured");
    } else {
      active_alert a{n, context, name, *r.alertmanager_severity};
      auto& alerts = st.active[clock_key(n)];
      const bool known = std::any_of(alerts.begin(), alerts.end(), [&](const active_alert& x) {
        return x.notification.id == n.id && x.receiver == name;
      });
      if (!known) alerts.push_back(a);
      const auto key = marker_key(st, name, alertmanager_channel, n.id);
      if (claim(st, key) == claim_result::done) {
        // Paged before a restart: the alert is kept alive by the resends, not paged again.
        st.stats->notify_delivery(name, alertmanager_channel, "duplicate");
      } else {
        post_alert(self, a, active_until(st), "sent", key, true);
      }
    }
  }

  if (r.webhook_url && pages_webhooks(st)) {
    std::optional<http_post> post;
    if (r.webhook_format == "pagerduty") {
      const auto key = st.settings.routing_keys.find(name);
      if (key == st.settings.routing_keys.end())
        report_unconfigured(st, name, webhook_channel, "no notify.routing_key_files entry for this PagerDuty receiver");
      else
        post = pagerduty_event(*r.webhook_url, key->second, n, context,
                               case_url(st.settings.config.case_api_base, n.case_id), false);
    } else if (st.settings.webhook_secret.empty()) {
      report_unconfigured(st, name, webhook_channel, "no notify.webhook_secret_file to sign webhooks with");
    } else {
      post = slawatch_webhook(*r.webhook_url, n, st.settings.webhook_secret);
    }
    if (post) {
      if (r.webhook_format == "pagerduty") st.incidents[clock_key(n)].emplace(name, n);
      const auto key = marker_key(st, name, webhook_channel, n.id);
      if (claim(st, key) == claim_result::done) {
        st.stats->notify_delivery(name, webhook_channel, "duplicate");
      } else {
        delivery d;
        d.post = std::move(*post);
        d.channel = webhook_channel;
        d.receiver = name;
        d.result = "sent";
        d.sent_key = key;
        d.notification_id = n.id;
        d.record_json = rules::encode_record_json(n);
        d.due = system_clock::time_point{n.at};
        attempt(self, std::move(d));
      }
    }
  }
}

/// Resolves the alerts and PagerDuty incidents an audit record ends.
void end_alerts(notifier_ptr self, const alert_scope& scope) {
  auto& st = self->state;
  const auto now = st.now();
  for (auto it = st.active.begin(); it != st.active.end();) {
    if (it->second.empty() || !in_scope(scope, it->second.front().notification)) {
      ++it;
      continue;
    }
    const auto alerts = std::move(it->second);
    it = st.active.erase(it);
    for (const auto& a : alerts) post_alert(self, a, now, "resolved", "", false);
  }
  for (auto it = st.incidents.begin(); it != st.incidents.end();) {
    if (it->second.empty() || !in_scope(scope, it->second.begin()->second)) {
      ++it;
      continue;
    }
    for (const auto& [name, n] : it->second) {
      const rules::receiver* r = receiver_named(st, name);
      if (r == nullptr || !r->webhook_url) continue;  // gone from the rules since it was paged
      const auto key = marker_key(st, name, webhook_channel, clock_key(n) + ":resolve");
      if (claim(st, key) == claim_result::done) continue;
      delivery d;
      d.post = pagerduty_event(*r->webhook_url, st.settings.routing_keys.at(name), n, {}, {}, true);
      d.channel = webhook_channel;
      d.receiver = name;
      d.result = "resolved";
      d.sent_key = key;
      d.notification_id = clock_key(n) + ":resolve";
      attempt(self, std::move(d));
    }
    it = st.incidents.erase(it);
  }
  arm_resend(self);
}

/// Re-posts every active alert to every Alertmanager, without retries: the next resend is one.
void resend(notifier_ptr self) {
  auto& st = self->state;
  const auto ends_at = active_until(st);
  std::vector<std::string> alerts;
  std::vector<std::string> receivers;
  const auto post_all = [&] {
    if (alerts.empty()) return;
    const std::string body = alertmanager_body(alerts);
    for (const auto& base : st.settings.config.alertmanagers) {
      const auto started = std::chrono::steady_clock::now();
      const auto result = st.transport({alertmanager_alerts_url(base), body, {{"Content-Type", "application/json"}}},
                                       st.settings.config.timeout);
      st.stats->notify_request(alertmanager_channel, std::chrono::steady_clock::now() - started);
      if (!result.ok())
        spdlog::warn("notifier: re-sending {} alerts failed: {}", alerts.size(),
                     result.status == 0 ? result.error : "HTTP " + std::to_string(result.status));
      for (const auto& r : receivers)
        st.stats->notify_delivery(r, alertmanager_channel, result.ok() ? "resent" : "resend_failed");
    }
    alerts.clear();
    receivers.clear();
  };
  for (const auto& [key, list] : st.active)
    for (const auto& a : list) {
      alerts.push_back(alertmanager_alert(a.notification, a.context, a.receiver, a.severity,
                                          st.settings.config.case_api_base, ends_at));
      receivers.push_back(a.receiver);
      if (alerts.size() >= alerts_per_post) post_all();
    }
  post_all();
}

/// Splits `http://host:port/path` into the part cpp-httplib's client takes and the path.
std::pair<std::string, std::string> split_url(const std::string& url) {
  const auto scheme_end = url.find("://");
  const auto path_start = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path_start == std::string::npos) return {url, "/"};
  return {url.substr(0, path_start), url.substr(path_start)};
}

}  // namespace

std::string alertmanager_alerts_url(const std::string& base) {
  std::string out = base;
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + "/api/v2/alerts";
}

http_transport httplib_transport() {
  return [](const http_post& post, std::chrono::seconds timeout) {
    const auto [origin, path] = split_url(post.url);
    httplib::Client client{origin};
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    httplib::Headers headers;
    std::string content_type = "application/json";
    for (const auto& [name, value] : post.headers) {
      if (name == "Content-Type")
        content_type = value;
      else
        headers.emplace(name, value);
    }
    auto response = client.Post(path, headers, post.body, content_type);
    if (!response) return http_result{0, httplib::to_string(response.error())};
    return http_result{response->status, response->status >= 300 ? response->body.substr(0, 200) : std::string{}};
  };
}

caf::behavior notifier_actor(notifier_ptr self, notifier_settings settings, std::shared_ptr<metrics> stats,
                             wall_time_source now, http_transport transport) {
  self->state.settings = std::move(settings);
  self->state.stats = std::move(stats);
  self->state.now = std::move(now);
  self->state.transport = std::move(transport);
  return {
      [=](notify_batch& batch) {
        for (const auto& r : batch.records) {
          if (r.type == rules::record::kind::notification) {
            const auto ctx = batch.cases.find(r.case_id);
            const case_context context = ctx == batch.cases.end() ? case_context{} : ctx->second;
            for (const auto& name : r.notify) page(self, r, context, name);
          } else if (auto scope = ended_by(r)) {
            end_alerts(self, *scope);
          }
        }
        arm_resend(self);
      },
      [=](rules_changed_msg& changed) {
        auto& st = self->state;
        st.previous_rules = std::move(st.settings.rules);
        st.settings.rules = std::move(changed.rules);
      },
      [=](resend_atom) {
        self->state.resend_armed = false;
        resend(self);
        arm_resend(self);
      },
      [=](retry_atom, std::uint64_t sequence) {
        auto& st = self->state;
        auto it = st.waiting.find(sequence);
        if (it == st.waiting.end()) return;
        delivery d = std::move(it->second);
        st.waiting.erase(it);
        if (!still_firing(st, d)) return;  // resolved meanwhile: a late firing post would re-open it
        attempt(self, std::move(d));
      },
      [=](stop_atom) {
        if (!self->state.waiting.empty())
          spdlog::warn("notifier: {} deliveries waiting for a retry at shutdown; left pending",
                       self->state.waiting.size());
        self->quit();
      },
  };
}

caf::behavior notify_fanout(caf::event_based_actor* self, std::vector<caf::actor> notifiers) {
  return {
      [=](notify_batch& batch) {
        for (const auto& n : notifiers) self->send(n, batch);
      },
      [=](rules_changed_msg& changed) {
        for (const auto& n : notifiers) self->send(n, changed);
      },
      [=](stop_atom) {
        for (const auto& n : notifiers) self->send(n, stop_atom::value);
        self->quit();
      },
  };
}

}  // namespace slawatch::actors
