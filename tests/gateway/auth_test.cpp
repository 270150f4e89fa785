// Gateway authentication without HTTP: the master key and AES-256-GCM
// envelopes, client credentials, scopes, the request signature (against a
// Python reference signer), the authenticator's rules, rate limits, and the
// audit writer's group commit.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <thread>

#include "core/util/error.h"
#include "gateway/auth/rate_limiter.h"
#include "gateway/service/audit_writer.h"
#include "tests/gateway/gateway_test_support.h"

using namespace govsync;
using namespace govsync::gateway;
using govsync::gwtest::contains;
using govsync::gwtest::TempDir;

namespace {
std::unique_ptr<store::Store> sqliteStore(const TempDir& d) {
  store::StoreOptions o;
  o.sqlitePath = d.file("auth.db");
  return store::openStore(o);
}
}  // namespace

BOOST_AUTO_TEST_SUITE(gateway_auth)

BOOST_AUTO_TEST_CASE(the_master_key_encrypts_signing_keys_bound_to_their_owner) {
  const auto key = MasterKey::fromBytes(randomBytes(32));
  const auto blob = key.encrypt("the secret", "gk_1");
  BOOST_TEST(blob.size() == 1 + 12 + 10 + 16);
  BOOST_TEST(!contains(blob, "the secret"));
  BOOST_TEST(key.decrypt(blob, "gk_1").value_or("") == "the secret");
  BOOST_TEST(!key.decrypt(blob, "gk_2"));  // another client's row
  std::string flipped = blob;
  flipped[15] ^= 1;
  BOOST_TEST(!key.decrypt(flipped, "gk_1"));
  BOOST_TEST(!MasterKey::fromBytes(randomBytes(32)).decrypt(blob, "gk_1"));
  BOOST_TEST(!key.decrypt("short", "gk_1"));
  BOOST_TEST(key.encrypt("the secret", "gk_1") != blob);  // a fresh IV each time
}

BOOST_AUTO_TEST_CASE(the_master_key_file_is_made_once_and_kept_private) {
  TempDir d;
  const std::string dir = d.file("data");
  BOOST_CHECK_THROW(MasterKey::load("", dir, false), Error);
  const auto first = MasterKey::load("", dir, true);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat((dir + "/master_key").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0600u);
  BOOST_TEST(st.st_size == 32);
  const auto second = MasterKey::load("", dir, true);
  BOOST_TEST(second.decrypt(first.encrypt("x", "k"), "k").value_or("") == "x");
  ::chmod((dir + "/master_key").c_str(), 0644);
  try {
    MasterKey::load("", dir, true);
    BOOST_FAIL("a world-readable master key was accepted");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "chmod 600"), e.what());
  }
  // Configured: base64 or hex; anything else refused.
  const std::string raw = randomBytes(32);
  const auto b64 = MasterKey::load(base64Encode(raw), dir, false);
  const auto hex = MasterKey::load(toHex(reinterpret_cast<const uint8_t*>(raw.data()), raw.size()), dir, false);
  BOOST_TEST(hex.decrypt(b64.encrypt("y", "k"), "k").value_or("") == "y");
  BOOST_CHECK_THROW(MasterKey::load("too-short", dir, false), Error);
}

BOOST_AUTO_TEST_CASE(clients_get_a_random_secret_the_store_never_sees) {
  const auto key = MasterKey::fromBytes(randomBytes(32));
  const auto c = makeClient("hotline", "12345热线", {"push:hotline_12345", "pull:case", "pull:case", " pii "}, key);
  BOOST_TEST(c.client.keyId.rfind("gk_", 0) == 0);
  BOOST_TEST(c.client.keyId.size() == 19u);
  BOOST_TEST(c.secret.size() == 43u);  // 32 bytes, base64url without padding
  BOOST_TEST(c.secret.find_first_of("+/=.") == std::string::npos);
  BOOST_TEST(c.token() == c.client.keyId + "." + c.secret);
  BOOST_TEST((c.client.scopes == std::vector<std::string>{"push:hotline_12345", "pull:CASE", "pii"}));
  BOOST_TEST(!contains(c.client.secretHash, c.secret));
  BOOST_TEST(c.client.secretHash == sha256Hex(c.client.secretSalt + c.secret));
  BOOST_TEST(secretMatches(c.client, c.secret));
  BOOST_TEST(!secretMatches(c.client, c.secret + "x"));
  BOOST_TEST(key.decrypt(c.client.signingKeyEnc, c.client.keyId).value_or("") == c.secret);
  BOOST_TEST(makeClient("b", "d", {"admin"}, key).secret != c.secret);

  try {
    makeClient("", "d", {"root", "pull:PEOPLE", "push:../etc"}, key);
    BOOST_FAIL("bad client accepted");
  } catch (const Error& e) {
    std::string all;
    for (const auto& i : e.issues()) all += i.field + ": " + i.message + "\n";
    BOOST_TEST(contains(all, "name: required"), all);
    BOOST_TEST(contains(all, "root: unknown scope"), all);
    BOOST_TEST(contains(all, "pull:PEOPLE"), all);
    BOOST_TEST(contains(all, "push:../etc"), all);
  }
}

BOOST_AUTO_TEST_CASE(principals_are_allowed_only_what_their_scopes_say) {
  Principal p{"k", "n", "d", normalizeScopes({"push:water_fault", "pull:REVIEW"})};
  BOOST_TEST(p.canPush("water_fault"));
  BOOST_TEST(!p.canPush("water"));
  BOOST_TEST(!p.canPush("water_fault2"));
  BOOST_TEST(!p.canPush(""));
  BOOST_TEST(p.canPull(schema::RecordKind::REVIEW));
  BOOST_TEST(!p.canPull(schema::RecordKind::CASE));
  BOOST_TEST(!p.isAdmin());
  BOOST_TEST(!p.pii());
  Principal all{"k", "n", "d", normalizeScopes({"pull:*", "admin"})};
  BOOST_TEST(all.pullKinds().size() == 3u);
  BOOST_TEST(all.isAdmin());
  BOOST_TEST((splitList(" a, b,,c ") == std::vector<std::string>{"a", "b", "c"}));
}

BOOST_AUTO_TEST_CASE(the_signature_matches_a_python_reference_signer) {
  const std::string secret = "qN6OIQPwlf-g2jpRniRcZeGOoSFoYFUf5T-FNQmJ5Z8";
  const std::string body = "[{\"id\":\"A1\",\"title\":\"漏水\"}]";
  const std::string ours =
      Authenticator::sign(secret, "POST", "/v1/push/water_fault?x=1", "1790820030", "n-0001", sha256Hex(body));
  gwtest::TempDir d;
  const std::string script = d.write("sign.py", R"(import base64, hashlib, hmac, sys
secret, method, path, ts, nonce, body_file = sys.argv[1:]
body = open(body_file, 'rb').read()
text = '\n'.join([method, path, ts, nonce, hashlib.sha256(body).hexdigest()])
print(base64.b64encode(hmac.new(secret.encode(), text.encode(), hashlib.sha256).digest()).decode())
)");
  const auto run = gwtest::runProgram(
      {"python3", script, secret, "POST", "/v1/push/water_fault?x=1", "1790820030", "n-0001", d.write("body", body)});
  BOOST_TEST_REQUIRE(run.exit == 0, run);
  BOOST_TEST(run.out == ours + "\n");
  BOOST_TEST(Authenticator::stringToSign("GET", "/p?q", "1", "n", "h") == "GET\n/p?q\n1\nn\nh");
}

BOOST_AUTO_TEST_CASE(the_authenticator_checks_keys_windows_and_nonces) {
  TempDir d;
  auto store = sqliteStore(d);
  const auto key = MasterKey::fromBytes(randomBytes(32));
  const auto made = makeClient("c", "d", {"pull:*"}, key);
  store->addClient(made.client);
  Authenticator auth(*store, key, 300);
  Credentials bearer;
  bearer.authorization = "Bearer " + made.token();
  BOOST_TEST((bearer.form() == Credentials::Form::Bearer));
  BOOST_TEST(bearer.claimedKeyId() == made.client.keyId);
  const auto p = auth.authenticateBearer(bearer);
  BOOST_TEST(p.name == "c");
  BOOST_TEST(p.keyId == made.client.keyId);
  bearer.authorization = "bearer " + made.token();  // the scheme is case-insensitive
  BOOST_TEST(auth.authenticateBearer(bearer).name == "c");

  const int64_t now = nowMillis() / 1000;
  auto signedWith = [&](int64_t ts, const std::string& nonce) {
    Credentials c;
    c.keyId = made.client.keyId;
    c.timestamp = std::to_string(ts);
    c.nonce = nonce;
    c.signature = Authenticator::sign(made.secret, "GET", "/v1/records", c.timestamp, nonce, sha256Hex(""));
    return c;
  };
  auto ok = signedWith(now - 299, "nonce-000001");
  BOOST_TEST(auth.authenticateSignature(ok, "GET", "/v1/records", sha256Hex("")).name == "c");
  auto expectRefused = [&](const Credentials& c, const std::string& why) {
    try {
      auth.authenticateSignature(c, "GET", "/v1/records", sha256Hex(""));
      BOOST_FAIL("accepted: " << why);
    } catch (const Error& e) {
      BOOST_TEST((e.code() == ErrorCode::Unauthenticated));
      BOOST_TEST(contains(e.what(), why), e.what());
    }
  };
  expectRefused(ok, "nonce already used");
  expectRefused(signedWith(now - 301, "nonce-000002"), "outside the 300 s window");
  expectRefused(signedWith(now + 301, "nonce-000003"), "outside the 300 s window");
  expectRefused(signedWith(now, "short"), "malformed nonce");
  auto other = signedWith(now, "nonce-000004");
  other.signature =
      Authenticator::sign(made.secret, "GET", "/v1/records?x", other.timestamp, other.nonce, sha256Hex(""));
  expectRefused(other, "signature mismatch");
  // A refused request does not spend its nonce: signed right, it passes.
  BOOST_TEST(auth.authenticateSignature(signedWith(now, "nonce-000004"), "GET", "/v1/records", sha256Hex("")).name ==
             "c");
  // Another master key cannot recompute signatures.
  const auto otherKey = MasterKey::fromBytes(randomBytes(32));
  Authenticator wrongKey(*store, otherKey, 300);
  try {
    wrongKey.authenticateSignature(signedWith(now, "nonce-000005"), "GET", "/v1/records", sha256Hex(""));
    BOOST_FAIL("accepted under another master key");
  } catch (const Error& e) {
    BOOST_TEST(contains(e.what(), "does not decrypt"), e.what());
  }
  BOOST_TEST(store->revokeClient("c"));
  expectRefused(signedWith(now, "nonce-000006"), "revoked key");
}

BOOST_AUTO_TEST_CASE(nonces_expire_after_twice_the_window) {
  TempDir d;
  auto store = sqliteStore(d);
  const int64_t now = nowMillis();
  BOOST_TEST(store->recordNonce("k", "n1", now + 600000));
  BOOST_TEST(!store->recordNonce("k", "n1", now + 600000));
  BOOST_TEST(store->recordNonce("k2", "n1", now + 600000));  // per key
  BOOST_TEST(store->recordNonce("k", "old", now - 1));
  BOOST_TEST(store->recordNonce("k", "old", now + 600000));  // the expired one was purged
}

BOOST_AUTO_TEST_CASE(the_rate_limiter_is_a_token_bucket_per_key) {
  RateLimiter limiter(2, 3);
  int64_t retry = 0;
  for (int i = 0; i < 3; ++i) BOOST_TEST(limiter.allow("a", retry));
  BOOST_TEST(!limiter.allow("a", retry));
  BOOST_TEST(retry == 1);
  BOOST_TEST(limiter.allow("b", retry));
  BOOST_TEST(!limiter.allow("a", retry, false));  // looking takes nothing
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  BOOST_TEST(limiter.allow("a", retry));
  RateLimiter off(0, 0);
  for (int i = 0; i < 1000; ++i) BOOST_TEST_REQUIRE(off.allow("a", retry));
}

BOOST_AUTO_TEST_CASE(the_audit_writer_commits_groups_in_order) {
  TempDir d;
  auto store = sqliteStore(d);
  store->setAuditKey(MasterKey::fromBytes(randomBytes(32)).derive(store::kAuditKeyPurpose));
  {
    AuditWriter writer(*store, 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
      threads.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          store::AuditEntry e;
          e.actor = std::to_string(t);
          e.actor.insert(0, 1, 't');
          e.action = i % 2 ? "pull" : "push";
          e.target = std::to_string(i);
          if (i % 2)
            writer.enqueue(e);
          else
            writer.append(e);
        }
      });
    for (auto& t : threads) t.join();
    writer.flush();
    BOOST_TEST(store->listAudit(0, 1000).size() == 400u);
    for (int i = 0; i < 100; ++i) {
      store::AuditEntry e;
      e.actor = "flood";
      e.action = "refused";
      writer.post(e);
    }
  }
  // Written on stop (or dropped when the queue was full — never blocking).
  const auto all = store->listAudit(0, 10000);
  BOOST_TEST(all.size() >= 400u + 1u);
  BOOST_TEST(store->verifyAudit().ok);
  BOOST_TEST(store->verifyAudit().entries == static_cast<int64_t>(all.size()));
}

BOOST_AUTO_TEST_SUITE_END()
