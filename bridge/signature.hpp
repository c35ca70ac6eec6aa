// Webhook authenticity: the signature schemes the supported helpdesks use, as pure functions of
// the secret, the request headers and the raw body. No I/O, no clock (`now` is an argument).
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace slawatch::bridge {

/// How a platform proves a request is its own.
enum class signature_scheme {
  /// Zendesk: `X-Zendesk-Webhook-Signature` = base64(HMAC-SHA256(secret, timestamp + body)) with
  /// the timestamp in `X-Zendesk-Webhook-Signature-Timestamp`.
  zendesk_hmac_sha256,
  /// Zammad: `X-Hub-Signature` = `sha1=` + hex(HMAC-SHA1(secret, body)).
  hub_hmac_sha1,
  /// Jira Cloud admin webhooks with a secret: `X-Hub-Signature` = `sha256=` + hex(HMAC-SHA256).
  hub_hmac_sha256,
  /// Freshdesk and ServiceNow send no signature of their own; the rule or business rule sends a
  /// shared token in a header of our choosing, compared in constant time.
  shared_token,
};

/// Stable text for logs and config: `zendesk_hmac_sha256`, `hub_hmac_sha1`, ...
const char* to_string(signature_scheme s);

/// What the check needs about a platform.
struct signature_settings {
  signature_scheme scheme = signature_scheme::shared_token;
  std::string secret;
  /// Header carrying the token for `shared_token` (case-insensitive).
  std::string token_header = "X-Slawatch-Token";
  /// Zendesk only: a signed timestamp older or newer than this is refused (replays). 0: no check.
  std::chrono::seconds max_clock_skew{300};
};

/// Why a request was refused; `ok` when it was not.
enum class signature_verdict { ok, missing, mismatch, stale };

/// `ok`, `missing`, `mismatch`, `stale`: the `reason` label of the refusal metric.
const char* to_string(signature_verdict v);

/// Looks a request header up by name (case-insensitive); empty when absent.
using header_lookup = std::function<std::string(std::string_view name)>;

/// Checks one request. `now` is wall time (UTC), used only for the Zendesk timestamp window.
signature_verdict verify_signature(const signature_settings& settings, const header_lookup& header,
                                   std::string_view body, std::chrono::system_clock::time_point now);

/// The header name and value `settings` expects for `body` (and `timestamp`, Zendesk only):
/// what a platform would send. For tests, the e2e script and `slawatch bridge --sign`.
struct signed_header {
  std::string name;
  std::string value;
};
signed_header sign(const signature_settings& settings, std::string_view body, std::string_view timestamp = {});

/// HMAC-SHA256 / HMAC-SHA1 of `message` under `key`, raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);
std::string hmac_sha1(std::string_view key, std::string_view message);

/// Standard base64 with padding; lower-case hex.
std::string base64_encode(std::string_view bytes);
std::string hex_encode(std::string_view bytes);

/// Compares in time that depends only on the lengths, not on where the texts differ.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace slawatch::bridge
