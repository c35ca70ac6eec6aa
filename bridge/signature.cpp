#include "bridge/signature.hpp"

#include <cctype>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "rules/time.hpp"

namespace slawatch::bridge {

namespace {

std::string hmac(const EVP_MD* md, std::string_view key, std::string_view message) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int out_len = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), out, &out_len);
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

const char* to_string(signature_scheme s) {
  switch (s) {
    case signature_scheme::zendesk_hmac_sha256:
      return "zendesk_hmac_sha256";
    case signature_scheme::hub_hmac_sha1:
      return "hub_hmac_sha1";
    case signature_scheme::hub_hmac_sha256:
      return "hub_hmac_sha256";
    case signature_scheme::shared_token:
      return "shared_token";
  }
  return "unknown";
}

const char* to_string(signature_verdict v) {
  switch (v) {
    case signature_verdict::ok:
      return "ok";
    case signature_verdict::missing:
      return "missing";
    case signature_verdict::mismatch:
      return "mismatch";
    case signature_verdict::stale:
      return "stale";
  }
  return "unknown";
}

std::string hmac_sha256(std::string_view key, std::string_view message) { return hmac(EVP_sha256(), key, message); }
std::string hmac_sha1(std::string_view key, std::string_view message) { return hmac(EVP_sha1(), key, message); }

std::string base64_encode(std::string_view bytes) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (two ? static_cast<unsigned char>(bytes[i + 1]) << 8 : 0);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += two ? alphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

signed_header sign(const signature_settings& settings, std::string_view body, std::string_view timestamp) {
  switch (settings.scheme) {
    case signature_scheme::zendesk_hmac_sha256:
      return {"X-Zendesk-Webhook-Signature",
              base64_encode(hmac_sha256(settings.secret, std::string{timestamp} + std::string{body}))};
    case signature_scheme::hub_hmac_sha1:
      return {"X-Hub-Signature", "sha1=" + hex_encode(hmac_sha1(settings.secret, body))};
    case signature_scheme::hub_hmac_sha256:
      return {"X-Hub-Signature", "sha256=" + hex_encode(hmac_sha256(settings.secret, body))};
    case signature_scheme::shared_token:
      return {settings.token_header, settings.secret};
  }
  return {};
}

signature_verdict verify_signature(const signature_settings& settings, const header_lookup& header,
                                   std::string_view body, std::chrono::system_clock::time_point now) {
  switch (settings.scheme) {
    case signature_scheme::zendesk_hmac_sha256: {
      const auto given = trim(header("X-Zendesk-Webhook-Signature"));
      const auto timestamp = trim(header("X-Zendesk-Webhook-Signature-Timestamp"));
      if (given.empty() || timestamp.empty()) return signature_verdict::missing;
      if (!constant_time_equal(given, sign(settings, body, timestamp).value)) return signature_verdict::mismatch;
      if (settings.max_clock_skew.count() > 0) {
        // Checked after the HMAC so that a forged timestamp reads as a forgery, not as lateness.
        const auto at = rules::parse_iso8601(timestamp);
        if (!at) return signature_verdict::stale;
        const auto skew = std::chrono::abs(std::chrono::floor<std::chrono::seconds>(now) - *at);
        if (skew > settings.max_clock_skew) return signature_verdict::stale;
      }
      return signature_verdict::ok;
    }
    case signature_scheme::hub_hmac_sha1:
    case signature_scheme::hub_hmac_sha256: {
      auto given = trim(header("X-Hub-Signature"));
      if (given.empty()) return signature_verdict::missing;
      // Hex digits may come in either case; ours are lower-case.
      for (auto& c : given) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      return constant_time_equal(given, sign(settings, body).value) ? signature_verdict::ok
                                                                    : signature_verdict::mismatch;
    }
    case signature_scheme::shared_token: {
      const auto given = trim(header(settings.token_header));
      if (given.empty()) return signature_verdict::missing;
      return constant_time_equal(given, settings.secret) ? signature_verdict::ok : signature_verdict::mismatch;
    }
  }
  return signature_verdict::mismatch;
}

}  // namespace slawatch::bridge
