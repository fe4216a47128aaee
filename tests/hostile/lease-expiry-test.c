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

static struct bh *h;

static void test_open_session_locked(void)
{
	unsigned seq = bh_kiosk(h, "login alice alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	bh_expect(h, "session state=2 ");
	bh_see_time_past_lease(h);
	seq = bh_kiosk(h, "list");
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "out of date"));
	bh_expect(h, "session state=1 user=alice");
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"lease-ended\"", "\"user\":\"alice\"");
	bh_assert_status_field(h, "session", "state", "locked");
}

static void test_unlock_refused(void)
{
	unsigned seq = bh_kiosk(h, "unlock alice-pw");
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 8);
	g_assert_nonnull(strstr(line, "out of date"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"unlock\"", "\"result\":\"lease\"");
	bh_assert_status_field(h, "session", "state", "locked");
}

static void test_newer_bundle_unlocks(void)
{
	/* Signed now for 30 days: valid past the time the laptop has seen. */
	g_free(bh_install_newer(h, 30));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"policy-reloaded\"", "\"serial\":2");
	unsigned seq = bh_kiosk(h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	h = bh_new(NULL);
	bh_install_signed(h);
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
	return rc;
}
