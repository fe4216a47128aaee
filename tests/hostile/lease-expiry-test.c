/* tests/hostile/lease-expiry-test.c: a session kept open past the offline lease.
 *
 * The attacker is whoever holds a laptop that no longer gets policy (stolen, or kept offline on
 * purpose): the lease must end what is already open, not only new logins. The real
 * tessera-brokerd runs an installed, signed bundle (sim backend, the scripted test kiosk); the
 * laptop is then made to have seen a time past validity plus the grace days. Each attack is
 * one TAP result:
 *   - keep using the open session: the next request is refused with the lease message and the
 *     session is locked (a "lease-ended" audit line);
 *   - unlock it with the right password: refused with the lease message, still locked;
 *   - a newer bundle installed: unlock works again. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <string.h>
#include <time.h>

static struct bh *h;
static char *keys, *out, *pass;

static void provision(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void provision(const char *fmt, ...)
{
	const char *b = g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR") : TSR_BUILDDIR;
	g_autofree char *args = NULL, *cmd = NULL, *o = NULL, *e = NULL;
	int status = 0;
	va_list ap;

	va_start(ap, fmt);
	args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cmd = g_strdup_printf("%s/tessera-provision %s", b, args);
	g_assert_true(g_spawn_command_line_sync(cmd, &o, &e, &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s%s", cmd, o, e);
}

/* The laptop has seen a time past validity (1 day) plus the 3 grace days. */
static void see_time_past_lease(void)
{
	g_autofree char *latest = g_build_filename(h->state, "latest-time", NULL);
	g_autofree char *t = g_strdup_printf("%lld\n", (long long)time(NULL) + 5 * 86400);
	g_assert_true(g_file_set_contents(latest, t, -1, NULL));
}

static void test_open_session_locked(void)
{
	unsigned seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_expect(h, "session state=2 ");
	see_time_past_lease();
	seq = bh_kiosk(h, "list");
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "out of date"));
	bh_expect(h, "session state=1 user=alice");
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"lease-ended\"", "\"user\":\"alice\"");
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	JsonObject *ses = json_object_get_object_member(r.result, "session");
	g_assert_cmpstr(json_object_get_string_member(ses, "state"), ==, "locked");
	tsr_ctl_response_clear(&r);
}

static void test_unlock_refused(void)
{
	unsigned seq = bh_kiosk(h, "unlock alice-pw");
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "out of date"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"unlock\"", "\"result\":\"lease\"");
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	JsonObject *ses = json_object_get_object_member(r.result, "session");
	g_assert_cmpstr(json_object_get_string_member(ses, "state"), ==, "locked");
	tsr_ctl_response_clear(&r);
}

static void test_newer_bundle_unlocks(void)
{
	/* Signed now for 30 days: valid past the time the laptop has seen. */
	provision("sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
	          "--valid-days 30 --passphrase-file %s", out, keys, keys, pass);
	provision("install %s/test.bundle --state-dir %s --broker-socket %s", out, h->state,
	          h->control);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"policy-reloaded\"", "\"serial\":2");
	unsigned seq = bh_kiosk(h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	h = bh_new(NULL);
	keys = g_build_filename(h->dir, "keys", NULL);
	out = g_build_filename(h->dir, "bundles", NULL);
	pass = g_build_filename(h->dir, "pass", NULL);
	g_assert_true(g_file_set_contents(pass, "test passphrase\n", -1, NULL));
	provision("keygen --out %s --role root --passphrase-file %s", keys, pass);
	provision("keygen --out %s --role policy --passphrase-file %s", keys, pass);
	provision("keyset --root %s/root.secret --add %s/policy.pub --organization test-org "
	          "--out %s/keyset --passphrase-file %s", keys, keys, keys, pass);
	provision("build %s --out %s", h->policy, out);
	provision("sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
	          "--valid-days 1 --passphrase-file %s", out, keys, keys, pass);
	provision("init --state-dir %s --root %s/root.pub --organization test-org --group test",
	          h->state, keys);
	provision("install %s/test.bundle --state-dir %s --broker-socket ''", out, h->state);
	h->installed = true;
	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	/* In order: each attack starts where the previous one left the session; a failed one
	 * reports and the next still runs. */
	g_test_set_nonfatal_assertions();
	g_test_add_func("/hostile/lease/open-session-locked-at-expiry", test_open_session_locked);
	g_test_add_func("/hostile/lease/unlock-refused-with-lease-message", test_unlock_refused);
	g_test_add_func("/hostile/lease/newer-bundle-lets-unlock", test_newer_bundle_unlocks);
	int rc = g_test_run();
	bh_free(h);
	g_free(keys);
	g_free(out);
	g_free(pass);
	return rc;
}
