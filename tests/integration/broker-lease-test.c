/* The broker on a signed, installed bundle (tessera-provision keygen/keyset/build/sign/init/
 * install): logins work while the bundle is valid, with a warning when it expires soon;
 * `tessera-provision install` of a newer bundle makes the running broker reload it (the
 * reload-policy control message); once the latest time the laptop has seen is past the
 * validity plus the grace days, new logins are refused with the message to connect and
 * update, and setting the clock back does not help. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <string.h>
#include <time.h>

static char *provision(struct bh *h, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static char *provision(struct bh *h, const char *fmt, ...)
{
	const char *b = g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR") : TSR_BUILDDIR;
	g_autofree char *args = NULL, *cmd = NULL;
	char *out = NULL, *err = NULL;
	int status = 0;
	va_list ap;

	va_start(ap, fmt);
	args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cmd = g_strdup_printf("%s/tessera-provision %s", b, args);
	g_assert_true(g_spawn_command_line_sync(cmd, &out, &err, &status, NULL));
	if (!g_spawn_check_wait_status(status, NULL))
		g_error("%s failed: %s%s", cmd, out, err);
	g_free(err);
	return out;
}

static void test_lease(void)
{
	struct bh *h = bh_new(NULL);
	g_autofree char *keys = g_build_filename(h->dir, "keys", NULL);
	g_autofree char *out = g_build_filename(h->dir, "bundles", NULL);
	g_autofree char *pass = g_build_filename(h->dir, "pass", NULL);
	unsigned seq;
	const char *line;

	g_assert_true(g_file_set_contents(pass, "test passphrase\n", -1, NULL));
	g_free(provision(h, "keygen --out %s --role root --passphrase-file %s", keys, pass));
	g_free(provision(h, "keygen --out %s --role policy --passphrase-file %s", keys, pass));
	g_free(provision(h, "keyset --root %s/root.secret --add %s/policy.pub --organization test-org "
			    "--out %s/keyset --passphrase-file %s", keys, keys, keys, pass));
	g_free(provision(h, "build %s --out %s", h->policy, out));
	g_free(provision(h, "sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
			    "--valid-days 1 --passphrase-file %s", out, keys, keys, pass));
	g_free(provision(h, "init --state-dir %s --root %s/root.pub --organization test-org "
			    "--group test", h->state, keys));
	g_free(provision(h, "install %s/test.bundle --state-dir %s --broker-socket ''", out, h->state));

	h->installed = true;
	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	/* Valid, but only for a day: login works and the user is warned. */
	seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	line = bh_expect(h, "notify kind=4 ");
	g_assert_nonnull(strstr(line, "connect to the network"));
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);

	/* A newer bundle installed while the broker runs: install tells it, it reloads. */
	g_free(provision(h, "sign %s/test.bundle --key %s/policy.secret --keyset %s/keyset "
			    "--valid-days 1 --passphrase-file %s", out, keys, keys, pass));
	g_autofree char *said = provision(h, "install %s/test.bundle --state-dir %s "
					    "--broker-socket %s", out, h->state, h->control);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"policy-reloaded\"", "\"serial\":2");
	struct tsr_ctl_response r = { 0 };
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	JsonObject *pol = json_object_get_object_member(r.result, "policy");
	g_assert_cmpint(json_object_get_int_member(pol, "serial"), ==, 2);
	g_assert_cmpstr(json_object_get_string_member(pol, "lease"), ==, "valid");
	tsr_ctl_response_clear(&r);

	/* The laptop has seen a time past validity + 3 grace days: no new logins, whatever the
	 * clock says now. */
	g_autofree char *latest = g_build_filename(h->state, "latest-time", NULL);
	g_autofree char *t = g_strdup_printf("%lld\n", (long long)time(NULL) + 5 * 86400);
	g_assert_true(g_file_set_contents(latest, t, -1, NULL));
	seq = bh_kiosk(h, "login alice alice-pw");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "Connect to the network and update"));
	g_autofree char *ev2 = bh_wait_audit(h, "\"result\":\"lease\"", "\"lease\":\"expired\"");
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	pol = json_object_get_object_member(r.result, "policy");
	g_assert_cmpstr(json_object_get_string_member(pol, "lease"), ==, "expired");
	tsr_ctl_response_clear(&r);
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/lease/installed-bundle-reload-expiry", test_lease);
	return g_test_run();
}
