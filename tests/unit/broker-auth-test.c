/* Login checks: the right password passes; a wrong password and an unknown user get the same
 * answer through the same path (one argon2 verification each, against a dummy hash with the
 * real hashes' cost); back-off doubles and lock-out holds, both driven by a fake clock; and no
 * password byte ever reaches the log. */
#include "config.h"
#include "broker/auth.h"
#include "common/log.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define OPS crypto_pwhash_OPSLIMIT_MIN
#define MEM crypto_pwhash_MEMLIMIT_MIN

struct fixture {
	struct tsr_policy policy;
	struct tsr_policy_user users[2];
	char hash[2][crypto_pwhash_STRBYTES];
	struct tsr_fake_clock *clock;
	struct tsr_auth *auth;
	char *logbuf;
	size_t loglen;
	FILE *log;
};

static struct tsr_secret *secret(const char *s)
{
	struct tsr_secret *p = tsr_secret_new(TSR_SECRET_MAX);
	g_assert_nonnull(p);
	p->len = strlen(s);
	memcpy(p->bytes, s, p->len);
	return p;
}

static enum tsr_auth_result check(struct fixture *f, const char *user, const char *pw,
				  int64_t *retry)
{
	struct tsr_secret *s = secret(pw);
	enum tsr_auth_result r = tsr_auth_check(f->auth, &f->policy, user, s, retry);
	tsr_secret_free(s);
	return r;
}

static void setup(struct fixture *f, gconstpointer unused)
{
	g_assert_cmpint(sodium_init(), >=, 0);
	g_assert_cmpint(crypto_pwhash_str(f->hash[0], "Zebra-Quartz-1234", 17, OPS, MEM), ==, 0);
	g_assert_cmpint(crypto_pwhash_str(f->hash[1], "other", 5, OPS, MEM), ==, 0);
	f->users[0].name = (char *)"alice";
	f->users[0].password_hash = f->hash[0];
	f->users[1].name = (char *)"bob";
	f->users[1].password_hash = f->hash[1];
	f->policy.users = f->users;
	f->policy.n_users = 2;
	f->policy.lockout.attempts = 5;
	f->policy.lockout.lock_seconds = 300;
	f->policy.lockout.delay_ms = 1000;
	f->clock = tsr_fake_clock_create(1000 * G_USEC_PER_SEC);
	f->auth = tsr_auth_create(tsr_fake_clock_get(f->clock));
	g_assert_nonnull(f->auth);
	g_assert_true(tsr_auth_set_policy(f->auth, &f->policy));
	f->log = open_memstream(&f->logbuf, &f->loglen);
	tsr_log_set_stream(f->log);
	tsr_log_set_level(TSR_LOG_DEBUG);
}

static void teardown(struct fixture *f, gconstpointer unused)
{
	tsr_log_set_stream(NULL);
	fclose(f->log);
	/* Nothing that was typed as a password is in the log. */
	g_assert_null(memmem(f->logbuf, f->loglen, "Zebra-Quartz", 12));
	g_assert_null(memmem(f->logbuf, f->loglen, "wrong-guess", 11));
	free(f->logbuf);
	tsr_auth_destroy(f->auth);
	tsr_fake_clock_destroy(f->clock);
}

static void test_right(struct fixture *f, gconstpointer unused)
{
	int64_t retry = -1;

	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_OK);
	g_assert_cmpint(retry, ==, 0);
	g_assert_cmpint(check(f, "bob", "other", &retry), ==, TSR_AUTH_OK);
	/* One user's password is not another's. */
	tsr_fake_clock_advance(f->clock, 10 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "bob", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_DENIED);
}

static void test_wrong_and_unknown_alike(struct fixture *f, gconstpointer unused)
{
	int64_t retry_wrong = -1, retry_unknown = -1;
	uint64_t v0 = tsr_auth_verify_count(f->auth);

	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry_wrong), ==, TSR_AUTH_DENIED);
	g_assert_cmpuint(tsr_auth_verify_count(f->auth), ==, v0 + 1);
	g_assert_cmpint(check(f, "mallory", "wrong-guess", &retry_unknown), ==, TSR_AUTH_DENIED);
	g_assert_cmpuint(tsr_auth_verify_count(f->auth), ==, v0 + 2);
	/* The same back-off for both. */
	g_assert_cmpint(retry_wrong, ==, retry_unknown);
	g_assert_cmpint(retry_wrong, ==, 1000 * 1000);
	/* The dummy hash costs what the real ones cost. */
	char prefix[64];
	g_snprintf(prefix, sizeof(prefix), "$argon2id$v=19$m=%zu,t=%llu,p=1$", (size_t)MEM / 1024,
		   (unsigned long long)OPS);
	g_assert_true(g_str_has_prefix(f->hash[0], prefix));
	g_assert_true(g_str_has_prefix(tsr_auth_dummy_hash(f->auth), prefix));
	/* A user with no usable hash: denied, never OK with the dummy. */
	f->users[1].password_hash = NULL;
	tsr_fake_clock_advance(f->clock, 10 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "bob", "", NULL), ==, TSR_AUTH_DENIED);
	/* Garbage user names are just unknown users. */
	g_assert_cmpint(check(f, "../../etc/passwd\n", "x", NULL), ==, TSR_AUTH_DENIED);
}

static void test_backoff(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;
	uint64_t v;

	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 1 * G_USEC_PER_SEC);
	/* Too soon: not even the right password is checked. */
	v = tsr_auth_verify_count(f->auth);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_WAIT);
	g_assert_cmpuint(tsr_auth_verify_count(f->auth), ==, v);
	g_assert_cmpint(retry, ==, 1 * G_USEC_PER_SEC);
	tsr_fake_clock_advance(f->clock, 999999);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_WAIT);
	g_assert_cmpint(retry, ==, 1);
	tsr_fake_clock_advance(f->clock, 1);
	/* Doubling: 2 s, then 4 s. */
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 2 * G_USEC_PER_SEC);
	tsr_fake_clock_advance(f->clock, 2 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 4 * G_USEC_PER_SEC);
	/* Others are not held up by alice's failures. */
	g_assert_cmpint(check(f, "bob", "other", NULL), ==, TSR_AUTH_OK);
	/* Success clears the count. */
	tsr_fake_clock_advance(f->clock, 4 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_OK);
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 1 * G_USEC_PER_SEC);
}

static void test_lockout(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;

	for (int i = 0; i < 4; i++) {
		g_assert_cmpint(check(f, "mallory", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
		tsr_fake_clock_advance(f->clock, retry);
	}
	for (int i = 0; i < 5; i++) {
		g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
		tsr_fake_clock_advance(f->clock, retry);
		if (i < 4)
			g_assert_cmpint(retry, <, 300 * G_USEC_PER_SEC);
	}
	/* Fifth failure: locked for lock_seconds (the loop already waited it out); go back. */
	g_assert_cmpint(retry, ==, 300 * G_USEC_PER_SEC);
	tsr_fake_clock_advance(f->clock, -retry + 1);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_LOCKED);
	g_assert_cmpint(retry, ==, 300 * G_USEC_PER_SEC - 1);
	/* The unknown name locks the same way. */
	g_assert_cmpint(check(f, "mallory", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 300 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "mallory", "x", &retry), ==, TSR_AUTH_LOCKED);
	/* After the lock: a fresh start, and the right password works. */
	tsr_fake_clock_advance(f->clock, 300 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", &retry), ==, TSR_AUTH_OK);
}

static void test_table_full(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;

	/* Filling the table with names cannot flush alice's record: new names are told to wait. */
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	f->policy.lockout.delay_ms = 60000;
	g_assert_true(tsr_auth_set_policy(f->auth, &f->policy));
	for (int i = 1; i < TSR_AUTH_MAX_TRACKED; i++) {
		g_autofree char *n = g_strdup_printf("u%d", i);
		/* Paced under the global rate limit, so only the table can refuse. */
		tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC / TSR_AUTH_RATE_PER_SECOND);
		g_assert_cmpint(check(f, n, "x", NULL), ==, TSR_AUTH_DENIED);
	}
	g_assert_cmpint(check(f, "one-more", "x", &retry), ==, TSR_AUTH_WAIT);
	/* alice's record is still there: her second failure doubles the back-off. */
	tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 120 * G_USEC_PER_SEC);
}

static void test_flood_keeps_count(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;

	/* alice is one failure from the lock; her back-off has run out. */
	for (int i = 0; i < 4; i++) {
		g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
		tsr_fake_clock_advance(f->clock, retry);
	}
	/* More names than the table holds, each failing once, paced under the rate limit, all
	 * inside the time alice's failures count. */
	for (int i = 0; i < TSR_AUTH_MAX_TRACKED + 40; i++) {
		g_autofree char *n = g_strdup_printf("flood%d", i);
		tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC / TSR_AUTH_RATE_PER_SECOND / 2);
		enum tsr_auth_result r = check(f, n, "x", NULL);
		g_assert_true(r == TSR_AUTH_DENIED || r == TSR_AUTH_WAIT);
	}
	/* Her count survived: the next failure locks her. */
	tsr_fake_clock_advance(f->clock, G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 300 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "Zebra-Quartz-1234", NULL), ==, TSR_AUTH_LOCKED);
}

static void test_rate_limit(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;
	uint64_t before = tsr_auth_verify_count(f->auth);
	int denied = 0;

	/* Distinct names, no time passing: the burst is checked, then everyone waits. */
	for (int i = 0; i < TSR_AUTH_BURST + 10; i++) {
		g_autofree char *n = g_strdup_printf("burst%d", i);
		denied += check(f, n, "x", &retry) == TSR_AUTH_DENIED;
	}
	g_assert_cmpint(denied, ==, TSR_AUTH_BURST);
	g_assert_cmpuint(tsr_auth_verify_count(f->auth) - before, ==, TSR_AUTH_BURST);
	/* A real user too, with the right password, until a token comes back. */
	g_assert_cmpint(check(f, "bob", "other", &retry), ==, TSR_AUTH_WAIT);
	g_assert_cmpint(retry, >, 0);
	g_assert_cmpint(retry, <=, G_USEC_PER_SEC / TSR_AUTH_RATE_PER_SECOND);
	tsr_fake_clock_advance(f->clock, retry);
	g_assert_cmpint(check(f, "bob", "other", NULL), ==, TSR_AUTH_OK);
}

static void test_old_failures_forgotten(struct fixture *f, gconstpointer unused)
{
	int64_t retry = 0;

	/* Failures count for lock-seconds; after that a name starts afresh. */
	for (int i = 0; i < 4; i++) {
		g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
		tsr_fake_clock_advance(f->clock, retry);
	}
	tsr_fake_clock_advance(f->clock, 300 * G_USEC_PER_SEC);
	g_assert_cmpint(check(f, "alice", "wrong-guess", &retry), ==, TSR_AUTH_DENIED);
	g_assert_cmpint(retry, ==, 1 * G_USEC_PER_SEC);
}

struct async_result {
	bool called;
	enum tsr_auth_result result;
	GMainLoop *loop;
};

static void async_done(enum tsr_auth_result result, int64_t retry_us, void *data)
{
	struct async_result *a = data;

	a->called = true;
	a->result = result;
	g_main_loop_quit(a->loop);
}

static gboolean tick(gpointer data)
{
	(*(unsigned *)data)++;
	return G_SOURCE_CONTINUE;
}

static void test_async(struct fixture *f, gconstpointer unused)
{
	char heavy[crypto_pwhash_STRBYTES];
	struct async_result a = { .loop = g_main_loop_new(NULL, FALSE) };
	struct tsr_secret *pw = secret("Heavy-Quartz-99");
	unsigned ticks = 0;
	int64_t retry = 0;

	/* A hash with the interactive cost (64 MiB): long enough to see the loop run. */
	g_assert_cmpint(crypto_pwhash_str(heavy, "Heavy-Quartz-99", 15,
					  crypto_pwhash_OPSLIMIT_INTERACTIVE,
					  crypto_pwhash_MEMLIMIT_INTERACTIVE), ==, 0);
	f->users[0].password_hash = heavy;
	guint timer = g_timeout_add(1, tick, &ticks);
	tsr_auth_check_async(f->auth, &f->policy, "alice", pw, async_done, &a);
	/* The caller's copy may go at once: the check has its own. */
	tsr_secret_free(pw);
	g_assert_false(a.called);
	g_assert_true(tsr_auth_busy(f->auth));
	/* Meanwhile another check is told to wait, without a verification of its own. */
	uint64_t before = tsr_auth_verify_count(f->auth);
	g_assert_cmpint(check(f, "bob", "other", &retry), ==, TSR_AUTH_WAIT);
	g_assert_cmpint(retry, ==, TSR_AUTH_BUSY_RETRY_US);
	g_assert_cmpuint(tsr_auth_verify_count(f->auth), ==, before);
	g_main_loop_run(a.loop);
	g_source_remove(timer);
	g_assert_true(a.called);
	g_assert_cmpint(a.result, ==, TSR_AUTH_OK);
	g_assert_false(tsr_auth_busy(f->auth));
	/* The main loop kept running while argon2 worked. */
	g_assert_cmpuint(ticks, >, 0);
	f->users[0].password_hash = f->hash[0];
	g_main_loop_unref(a.loop);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/broker/auth/right-password", struct fixture, NULL, setup, test_right, teardown);
	g_test_add("/broker/auth/wrong-and-unknown-alike", struct fixture, NULL, setup,
		   test_wrong_and_unknown_alike, teardown);
	g_test_add("/broker/auth/backoff-fake-clock", struct fixture, NULL, setup, test_backoff,
		   teardown);
	g_test_add("/broker/auth/lockout-fake-clock", struct fixture, NULL, setup, test_lockout,
		   teardown);
	g_test_add("/broker/auth/table-full-refused", struct fixture, NULL, setup, test_table_full,
		   teardown);
	g_test_add("/broker/auth/flood-keeps-count", struct fixture, NULL, setup,
		   test_flood_keeps_count, teardown);
	g_test_add("/broker/auth/global-rate-limit", struct fixture, NULL, setup, test_rate_limit,
		   teardown);
	g_test_add("/broker/auth/old-failures-forgotten", struct fixture, NULL, setup,
		   test_old_failures_forgotten, teardown);
	g_test_add("/broker/auth/async-off-the-main-loop", struct fixture, NULL, setup, test_async,
		   teardown);
	return g_test_run();
}
