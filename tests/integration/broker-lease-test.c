/* The broker on a signed, installed bundle (tessera-provision keygen/keyset/build/sign/init/
 * install): logins work while the bundle is valid, with a warning when it expires soon;
 * `tessera-provision install` of a newer bundle makes the running broker reload it (the
 * reload-policy control message); once the latest time the laptop has seen is past the
 * validity plus the grace days, new logins are refused with the message to connect and
 * update, and setting the clock back does not help. A laptop nobody enrolled (no trusted.keys)
 * shows the kiosk the "not enrolled" state instead of a login, refuses a login anyway, and
 * offers the login once it is enrolled and has a bundle. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <string.h>

static void test_lease(void)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;
	const char *line;

	bh_install_signed(h);
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
	g_autofree char *said = bh_install_newer(h, 1);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"policy-reloaded\"", "\"serial\":2");
	bh_assert_status_field(h, "policy", "serial", "2");
	bh_assert_status_field(h, "policy", "lease", "valid");

	/* The laptop has seen a time past validity + 3 grace days: no new logins, whatever the
	 * clock says now. */
	bh_see_time_past_lease(h);
	seq = bh_kiosk(h, "login alice alice-pw");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "Connect to the network and update"));
	g_autofree char *ev2 = bh_wait_audit(h, "\"result\":\"lease\"", "\"lease\":\"expired\"");
	bh_assert_status_field(h, "policy", "lease", "expired");
	bh_free(h);
}

static void test_not_enrolled(void)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };
	unsigned seq;
	const char *line;

	h->installed = true; /* the state directory as a new laptop has it: no trusted.keys */
	bh_start(h, true);
	bh_expect(h, "session state=3 ");
	seq = bh_kiosk(h, "login alice alice-pw");
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 4);
	g_assert_nonnull(strstr(line, "not enrolled"));
	g_autofree char *ev = bh_wait_audit(h, "\"result\":\"not-enrolled\"", NULL);

	/* Enrolled, a first bundle installed, the broker told: the login screen. */
	bh_install_signed(h);
	bh_kiosk_clear(h);
	g_assert_true(bh_ctl(h, "reload", NULL, &r));
	tsr_ctl_response_clear(&r);
	bh_expect(h, "session state=0 ");
	seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/lease/installed-bundle-reload-expiry", test_lease);
	g_test_add_func("/broker/lease/not-enrolled-offers-no-login", test_not_enrolled);
	return g_test_run();
}
