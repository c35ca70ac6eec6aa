#include "bridge/signature.hpp"

#include <catch2/catch.hpp>

#include "rules/time.hpp"
#include "tests/bridge/fixture_support.hpp"

namespace slawatch::bridge {
namespace {

using clock = std::chrono::system_clock;

const clock::time_point now = *rules::parse_iso8601("2025-09-12T14:00:30Z");

signature_settings settings_for(signature_scheme scheme) {
  signature_settings s;
  s.scheme = scheme;
  s.secret = "dGhpcyBpcyBhIHRlc3Qgc2VjcmV0";
  return s;
}

}  // namespace

TEST_CASE("HMAC and encodings match published test vectors", "[bridge][signature]") {
  // RFC 4231 test case 2 and RFC 2202 test case 2.
  CHECK(hex_encode(hmac_sha256("Jefe", "what do ya want for nothing?")) ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  CHECK(hex_encode(hmac_sha1("Jefe", "what do ya want for nothing?")) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  // RFC 4648 section 10.
  CHECK(base64_encode("") == "");
  CHECK(base64_encode("f") == "Zg==");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK(base64_encode("foo") == "Zm9v");
  CHECK(base64_encode("foob") == "Zm9vYg==");
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(constant_time_equal("abc", "abc"));
  CHECK_FALSE(constant_time_equal("abc", "abd"));
  CHECK_FALSE(constant_time_equal("abc", "abcd"));
}

TEST_CASE("a signed request passes and a tampered one is refused, for every scheme", "[bridge][signature]") {
  const std::string body = test::slurp(test::fixture_dir("zendesk") / "01_created.json");
  for (const auto scheme : {signature_scheme::zendesk_hmac_sha256, signature_scheme::hub_hmac_sha1,
                            signature_scheme::hub_hmac_sha256, signature_scheme::shared_token}) {
    INFO(to_string(scheme));
    const auto s = settings_for(scheme);
    const std::string timestamp = "2025-09-12T14:00:00Z";
    const auto header = sign(s, body, timestamp);
    test::header_map headers;
    headers.set(header.name, header.value);
    headers.set("X-Zendesk-Webhook-Signature-Timestamp", timestamp);
    CHECK(verify_signature(s, headers.lookup(), body, now) == signature_verdict::ok);

    std::string tampered = body;
    tampered.replace(tampered.find("HIGH"), 4, "LOW ");
    const bool body_is_signed = scheme != signature_scheme::shared_token;
    CHECK((verify_signature(s, headers.lookup(), tampered, now) == signature_verdict::ok) == !body_is_signed);

    auto wrong_secret = s;
    wrong_secret.secret = "another secret";
    CHECK(verify_signature(wrong_secret, headers.lookup(), body, now) == signature_verdict::mismatch);

    CHECK(verify_signature(s, test::header_map{}.lookup(), body, now) == signature_verdict::missing);
  }
}

TEST_CASE("zammad and jira signatures have their documented shape", "[bridge][signature]") {
  auto s = settings_for(signature_scheme::hub_hmac_sha1);
  s.secret = "Jefe";
  CHECK(sign(s, "what do ya want for nothing?").value == "sha1=effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  // Upper-case hex from a proxy is the same signature.
  test::header_map headers;
  headers.set("x-hub-signature", "sha1=EFFCDF6AE5EB2FA2D27416D5F184DF9C259A7C79");
  CHECK(verify_signature(s, headers.lookup(), "what do ya want for nothing?", now) == signature_verdict::ok);
  s.scheme = signature_scheme::hub_hmac_sha256;
  CHECK(sign(s, "what do ya want for nothing?").value ==
        "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("zendesk: the signature covers the timestamp, and old timestamps are refused", "[bridge][signature]") {
  const auto s = settings_for(signature_scheme::zendesk_hmac_sha256);
  const std::string body = R"({"type":"zen:event-type:ticket.created"})";
  test::header_map headers;
  headers.set("X-Zendesk-Webhook-Signature", sign(s, body, "2025-09-12T14:00:00Z").value);
  headers.set("X-Zendesk-Webhook-Signature-Timestamp", "2025-09-12T14:00:01Z");
  CHECK(verify_signature(s, headers.lookup(), body, now) == signature_verdict::mismatch);

  const std::string old = "2025-09-12T13:00:00Z";
  headers.set("X-Zendesk-Webhook-Signature", sign(s, body, old).value);
  headers.set("X-Zendesk-Webhook-Signature-Timestamp", old);
  CHECK(verify_signature(s, headers.lookup(), body, now) == signature_verdict::stale);
  auto lenient = s;
  lenient.max_clock_skew = std::chrono::seconds{0};
  CHECK(verify_signature(lenient, headers.lookup(), body, now) == signature_verdict::ok);
}

TEST_CASE("shared tokens are read from the configured header", "[bridge][signature]") {
  auto s = settings_for(signature_scheme::shared_token);
  s.token_header = "X-Freshdesk-Token";
  test::header_map headers;
  headers.set("x-freshdesk-token", s.secret);
  CHECK(verify_signature(s, headers.lookup(), "{}", now) == signature_verdict::ok);
  headers.set("x-freshdesk-token", s.secret + "x");
  CHECK(verify_signature(s, headers.lookup(), "{}", now) == signature_verdict::mismatch);
}

}  // namespace slawatch::bridge
