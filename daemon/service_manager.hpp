// Talking to systemd (sd_notify): readiness, watchdog, reload and stop. Every call does nothing
// when the process was not started by a service manager (no NOTIFY_SOCKET).
#pragma once

#include <chrono>
#include <optional>

namespace slawatch::cli {

/// READY=1 with a STATUS line: Redis is connected and the metrics exposer is bound.
void notify_ready();
/// RELOADING=1: a SIGHUP is being handled; end it with notify_ready().
void notify_reloading();
/// STOPPING=1: graceful shutdown has begun.
void notify_stopping();
/// WATCHDOG=1: the event loop is alive.
void notify_watchdog();
/// STATUS=text, shown by `systemctl status`.
void notify_status(const char* text);

/// How often to ping the watchdog (half of WatchdogSec), if the unit asks for pings.
std::optional<std::chrono::milliseconds> watchdog_ping_interval();

}  // namespace slawatch::cli
