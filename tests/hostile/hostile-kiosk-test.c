/* tests/hostile/hostile-kiosk-test.c: a compromised kiosk against the real tessera-brokerd
 * (sim backend, the scripted test kiosk of tests/integration/broker-test-kiosk.c).
 *
 * The kiosk is trust boundary 4: whatever it asks, the broker judges against policy, the
 * session's user and the domain's owner and state. Each attack is one TAP result:
 *   - restart-viewer on the domain another user's session left behind, asked for in the same
 *     breath as the login that is stopping it: no viewer link, a "refused" audit line;
 *   - focus on that domain (which would move the new user's focused devices into it): refused
 *     the same way;
 *   - a login flood with many unknown names between a victim's failures: the victim's count
 *     is not reset, the next failure still locks the account;
 *   - on a stick that offers to install onto vdb (a stand-in installer), a yes naming another
 *     disk, or before any offer: refused, the installer never runs;
 *   - a yes naming a path instead of a disk: the link is cut, the new kiosk is offered vdb
 *     again, the installer never runs. */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <stdlib.h>
#include <string.h>

/* alice picks work, logs out (work is paused, still hers), and the kiosk then sends bob's
 * login and the attack back to back, so the attack arrives while work is being shut down. */
static struct bh *alice_leaves_work_behind(const char *attack, unsigned *login_seq,
					   unsigned *attack_seq)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;

	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	g_assert_cmpuint(bh_login(h, "alice", "alice-pw"), ==, 0);
	seq = bh_kiosk(h, "pick work");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	seq = bh_kiosk(h, "logout");
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 0);
	g_autofree char *paused = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"paused\"");
	*login_seq = bh_kiosk(h, "login bob bob-pw");
	*attack_seq = bh_kiosk(h, "%s", attack);
	return h;
}

static void test_restart_viewer_foreign(void)
{
	unsigned login_seq, seq;
	struct bh *h = alice_leaves_work_behind("restart-viewer work", &login_seq, &seq);
	const char *line;

	g_assert_cmpuint(bh_status(bh_reply(h, login_seq)), ==, 0);
	line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), !=, 0);
	g_assert_nonnull(strstr(line, "fd=none"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"refused\",\"user\":\"bob\"",
					    "\"domain\":\"work\"");
	/* alice's domain went down and no viewer of it was ever started for bob. */
	g_autofree char *st = bh_wait_audit(h, "\"domain\":\"work\"", "\"to\":\"stopped\"");
	g_autofree char *audit = bh_audit_text(h);
	const char *after = strstr(audit, "\"event\":\"login\",\"user\":\"bob\"");
	g_assert_nonnull(after);
	g_assert_null(strstr(after, "\"event\":\"viewer-start\""));
	bh_free(h);
}

static void test_focus_foreign(void)
{
	unsigned login_seq, seq;
	struct bh *h = alice_leaves_work_behind("focus work", &login_seq, &seq);

	g_assert_cmpuint(bh_status(bh_reply(h, login_seq)), ==, 0);
	g_assert_cmpuint(bh_status(bh_reply(h, seq)), !=, 0);
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"refused\",\"user\":\"bob\"",
					    "\"domain\":\"work\"");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "\"event\":\"focus\",\"user\":\"bob\",\"domain\":\"work\""));
	bh_free(h);
}

static void test_login_flood(void)
{
	struct bh *h = bh_new(NULL);
	unsigned seq;

	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	/* bob is one failure away from the lock (attempts = 3). */
	g_assert_cmpuint(bh_login(h, "bob", "wrong-1"), ==, 1);
	g_assert_cmpuint(bh_login(h, "bob", "wrong-2"), ==, 1);
	/* More unknown names than the broker tracks, as fast as the kiosk can send them. */
	for (int i = 0; i < 300; i++) {
		seq = bh_kiosk(h, "login flood-%d x", i);
		unsigned st = bh_status(bh_reply(h, seq));
		g_assert_true(st == 1 || st == 2);
	}
	/* bob's third failure still locks him: even his right password is refused. */
	g_assert_cmpuint(bh_login(h, "bob", "wrong-3"), ==, 1);
	seq = bh_kiosk(h, "login bob bob-pw");
	const char *line = bh_reply(h, seq);
	g_assert_cmpuint(bh_status(line), ==, 3);
	g_autofree char *ev = bh_wait_audit(h, "\"user\":\"bob\"", "\"result\":\"locked\"");
	bh_free(h);
}

/* The broker installs onto the disk it offered, never onto one the kiosk names. */
static void test_install_other_disk(void)
{
	struct bh *h = bh_new(NULL);
	g_autofree char *fake = bh_fake_installer(h);
	static const char *const others[] = { "vda", "vdb2", "sda", "nvme0n1" };

	bh_start_installer(h, fake);
	bh_expect(h, "install state=1 disk=vdb ");
	for (size_t i = 0; i < G_N_ELEMENTS(others); i++) {
		unsigned seq = bh_kiosk(h, "install-answer 1 %s", others[i]);
		g_assert_cmpuint(bh_status(bh_reply(h, seq)), ==, 1);
	}
	g_autofree char *calls = bh_installer_calls(h);
	g_assert_cmpstr(calls, ==, "--list\n");
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "install-confirmed"));
	bh_free(h);

	/* No offer at all (the real installer, off a stick): a yes is refused. */
	h = bh_new(NULL);
	g_autofree char *real = g_build_filename(TSR_SRCDIR, "installer", "tessera-install", NULL);
	bh_start_installer(h, real);
	bh_expect(h, "session state=0 ");
	g_assert_cmpuint(bh_status(bh_reply(h, bh_kiosk(h, "install-answer 1 vdb"))), ==, 4);
	bh_free(h);
}

static void test_install_path(void)
{
	struct bh *h = bh_new(NULL);
	g_autofree char *fake = bh_fake_installer(h);

	bh_start_installer(h, fake);
	bh_expect(h, "install state=1 ");
	bh_kiosk(h, "install-answer 1 ../vdb");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	bh_expect(h, "session state=4 ");
	bh_expect(h, "install state=1 disk=vdb ");
	g_autofree char *calls = bh_installer_calls(h);
	g_assert_cmpstr(calls, ==, "--list\n");
	g_free(bh_wait_audit(h, "kiosk-refused", NULL));
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile/kiosk/restart-viewer-of-another-users-domain",
			test_restart_viewer_foreign);
	g_test_add_func("/hostile/kiosk/focus-on-another-users-domain", test_focus_foreign);
	g_test_add_func("/hostile/kiosk/login-flood-keeps-lockout", test_login_flood);
	g_test_add_func("/hostile/kiosk/install-onto-a-disk-not-offered", test_install_other_disk);
	g_test_add_func("/hostile/kiosk/install-answer-naming-a-path", test_install_path);
	return g_test_run();
}
