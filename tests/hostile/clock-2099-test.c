/* tests/hostile/clock-2099-test.c: a clock that once says 2099 (a poisoned NTP answer).
 *
 * The latest time a laptop has seen only moves forward, so a clock set back cannot revive an
 * expired bundle. Unbounded, one wrong reading would expire every lease and every future bundle
 * for good. The attack: the broker's periodic time note runs while the clock says 2099 (the
 * same call, tsr_policy_state_note_time, with the bound the broker computes from its policy),
 * then the clock is right again. Each case runs the real `tessera-provision` and asserts:
 *   - the latest time is held at the installed bundle's validity plus grace plus margin, not
 *     2099, and `status` says so;
 *   - back at the right time, a newer bundle installs and its lease is valid;
 *   - the bound does not open the other door: a clock set back afterwards still cannot
 *     install a bundle that expired before the latest time seen. */
#include "config.h"
#include "policy/policy.h"
#include "policy/state.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <time.h>

#define DAY 86400
#define Y2099 ((int64_t)4102444800)

static char *dir, *keys, *pass, *state, *bundles;
static int64_t t0;

/* Run tessera-provision with args; its exit status, stdout+stderr in *out (may be NULL). */
static int provision(char **out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int provision(char **out, const char *fmt, ...)
{
	const char *b = g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR") : TSR_BUILDDIR;
	va_list ap;
	va_start(ap, fmt);
	char *args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *cmd = g_strdup_printf("%s/provisioning/tessera-provision %s", b, args);
	char *o = NULL, *e = NULL;
	int status = 0;
	g_assert_true(g_spawn_command_line_sync(cmd, &o, &e, &status, NULL));
	g_test_message("%s -> %d\n%s%s", cmd, status, o, e);
	if (out)
		*out = g_strconcat(o, e, NULL);
	g_free(o);
	g_free(e);
	g_free(cmd);
	g_free(args);
	return g_spawn_check_wait_status(status, NULL) ? 0 : 1;
}

/* A bundle signed at `at` for `days`, serial `serial`, at bundles/NAME. */
static char *sign(const char *name, int64_t at, int days, int serial)
{
	char *path = g_build_filename(bundles, name, NULL);
	g_assert_cmpint(provision(NULL, "sign %s/office.bundle --key %s/policy.secret --keyset %s/keyset "
	                          "--serial %d --valid-days %d --now %" G_GINT64_FORMAT
	                          " --out %s --passphrase-file %s",
	                          bundles, keys, keys, serial, days, at, path, pass), ==, 0);
	return path;
}

/* What the broker does every hour: note the clock under its policy's bound. */
static bool broker_notes_time(int64_t clock)
{
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_installed(state, &error);
	g_assert_no_error(error);
	bool held = false;
	g_assert_true(tsr_policy_state_note_time(
		state, clock, tsr_policy_state_time_bound(p->valid_until, p->lease_grace_days), &held,
		&error));
	g_assert_no_error(error);
	tsr_policy_free(p);
	return held;
}

static void test_held_at_bound(void)
{
	char *b1 = sign("b1", t0, 30, 1), *out = NULL;
	g_assert_cmpint(provision(NULL, "install %s --state-dir %s --broker-socket '' --now %"
	                          G_GINT64_FORMAT, b1, state, t0), ==, 0);
	g_assert_true(broker_notes_time(Y2099));
	/* 30 days of validity, 3 grace days (the example policy), the margin. */
	int64_t bound = t0 + 33 * DAY + TSR_STATE_TIME_MARGIN_S;
	g_assert_cmpint(tsr_policy_state_latest_time(state), ==, bound);
	/* status says what happened, and the lease of this bundle has ended. */
	g_assert_cmpint(provision(&out, "status --state-dir %s --now %" G_GINT64_FORMAT, state,
	                          t0 + DAY), ==, 1);
	g_assert_nonnull(strstr(out, "clock held:   the clock once said 2100-01-01 00:00:00 UTC"));
	g_assert_nonnull(strstr(out, "lease:        expired"));
	g_free(out);
	g_free(b1);
}

static void test_back_newer_bundle_works(void)
{
	/* Clock right again, ten days later; the admin signs nightly for 30 days. */
	int64_t now = t0 + 10 * DAY;
	char *b2 = sign("b2", now, 30, 2), *out = NULL;
	g_assert_cmpint(provision(&out, "install %s --state-dir %s --broker-socket '' --now %"
	                          G_GINT64_FORMAT, b2, state, now), ==, 0);
	g_assert_nonnull(strstr(out, "installed 2"));
	g_free(out);
	g_assert_cmpint(provision(&out, "status --state-dir %s --now %" G_GINT64_FORMAT, state,
	                          now), ==, 0);
	g_assert_nonnull(strstr(out, "lease:        valid"));
	g_assert_null(strstr(out, "clock held"));
	g_free(out);
	g_free(b2);
}

static void test_set_back_still_refused(void)
{
	/* Bundle 3 was valid days 1..6 only, and the laptop has seen day 33 (held): even with
	 * the clock set back to day 2 it is refused, and the state does not change. */
	char *b3 = sign("b3", t0 + DAY, 5, 3), *out = NULL;
	g_assert_cmpint(provision(&out, "install %s --state-dir %s --broker-socket '' --now %"
	                          G_GINT64_FORMAT, b3, state, t0 + 2 * DAY), ==, 1);
	g_assert_nonnull(strstr(out, "expired"));
	g_assert_nonnull(strstr(out, "the clock was set back"));
	g_free(out);
	g_free(b3);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	t0 = (int64_t)time(NULL);
	dir = g_dir_make_tmp("tsr-clock-XXXXXX", NULL);
	keys = g_build_filename(dir, "keys", NULL);
	pass = g_build_filename(dir, "pass", NULL);
	state = g_build_filename(dir, "state", NULL);
	bundles = g_build_filename(dir, "bundles", NULL);
	const char *src = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	g_assert_true(g_file_set_contents(pass, "test passphrase\n", -1, NULL));
	g_assert_cmpint(provision(NULL, "keygen --out %s --role root --passphrase-file %s", keys, pass), ==, 0);
	g_assert_cmpint(provision(NULL, "keygen --out %s --role policy --passphrase-file %s", keys, pass), ==, 0);
	g_assert_cmpint(provision(NULL, "keyset --root %s/root.secret --add %s/policy.pub "
	                          "--organization example-org --out %s/keyset --passphrase-file %s",
	                          keys, keys, keys, pass), ==, 0);
	g_assert_cmpint(provision(NULL, "build %s/doc/examples/policy --out %s", src, bundles), ==, 0);
	g_assert_cmpint(provision(NULL, "init --state-dir %s --root %s/root.pub --organization "
	                          "example-org --group office", state, keys), ==, 0);
	/* In order: each case starts from the state the previous one left; a failed case reports
	 * and the next still runs. */
	g_test_set_nonfatal_assertions();
	g_test_add_func("/hostile/clock/2099-is-held-at-the-bundle-lease-end", test_held_at_bound);
	g_test_add_func("/hostile/clock/back-to-now-a-newer-bundle-installs", test_back_newer_bundle_works);
	g_test_add_func("/hostile/clock/set-back-after-still-refuses-expired", test_set_back_still_refused);
	int rc = g_test_run();
	char *rm = g_strdup_printf("rm -rf %s", dir);
	g_assert_true(g_spawn_command_line_sync(rm, NULL, NULL, NULL, NULL));
	g_free(rm);
	return rc;
}
