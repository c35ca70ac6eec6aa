// sd_notify through libsystemd: it speaks the protocol (abstract sockets, credentials) exactly.
#include "daemon/service_manager.hpp"

#include <systemd/sd-daemon.h>

#include <string>

namespace slawatch::cli {

void notify_ready() { sd_notify(0, "READY=1\nSTATUS=watching SLAs"); }

void notify_reloading() { sd_notify(0, "RELOADING=1\nSTATUS=reloading rules"); }

void notify_stopping() { sd_notify(0, "STOPPING=1\nSTATUS=draining in-flight events"); }

void notify_watchdog() { sd_notify(0, "WATCHDOG=1"); }

void notify_status(const char* text) { sd_notify(0, (std::string("STATUS=") + text).c_str()); }

std::optional<std::chrono::milliseconds> watchdog_ping_interval() {
  std::uint64_t usec = 0;
  // 0 unset_environment: children (none) may see it; >0 when WatchdogSec is set for us.
  if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return std::nullopt;
  return std::chrono::milliseconds(usec / 2000);
}

}  // namespace slawatch::cli
