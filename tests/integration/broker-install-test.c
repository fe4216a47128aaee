/* tests/integration/broker-install-test.c: the offer to install the image from its stick, on the
 * kiosk, against a real tessera-brokerd and the test kiosk.
 *
 * The real tessera-install answers --list only on a stick it booted from, which this machine
 * is not: with it the broker offers nothing and the login is as before. The flows behind an
 * offer need disks that may be erased, so they run against a stand-in installer that lists one
 * disk and records how it is called (bh_fake_installer): declined, nothing runs and the laptop's
 * own screen comes back; confirmed, the broker runs the installer onto the disk it offered and
 * shows its lines, its end and, when it fails, its reason. Every step is audited. A kiosk that
 * names another disk is tests/hostile/hostile-kiosk-test's. */
#include "config.h"
#include "tests/harness/cases.h"
#include "tests/integration/broker-harness.h"

#include <glib/gstdio.h>
#include <string.h>

static const char *src(void)
{
	const char *s = g_getenv("TSR_SRCDIR");
	return s ? s : TSR_SRCDIR;
}

struct install_case {
	const char *name;
	bool enrolled;        /* trusted.keys (the policy source) or not */
	bool real;            /* the real tessera-install instead of the stand-in */
	bool fail;            /* the stand-in fails as the real one refuses */
	void (*fn)(struct bh *h);
	const char *back;     /* the session line once the install screen is left */
};

static void real_offers_nothing(struct bh *h)
{
	bh_expect(h, "session state=0 ");
	g_assert_cmpuint(bh_login(h, "alice", "alice-pw"), ==, 0);
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "install-offered"));
	g_assert_false(bh_seen(h, "install "));
}

static unsigned answer(struct bh *h, const char *words)
{
	return bh_status(bh_reply(h, bh_kiosk(h, "install-answer %s", words)));
}

static void only_listed(struct bh *h)
{
	g_autofree char *c = bh_installer_calls(h);
	g_assert_cmpstr(c, ==, "--list\n");
}

static void declined(struct bh *h)
{
	g_assert_cmpstr(bh_expect(h, "install "), ==,
			"install state=1 disk=vdb bytes=3221225472 model=QEMU HARDDISK text=");
	/* Nobody logs in under the offer, nor answers an enrolment. */
	g_assert_cmpuint(bh_status(bh_reply(h, bh_kiosk(h, "login alice alice-pw"))), ==, 4);
	g_assert_cmpuint(bh_status(bh_reply(h, bh_kiosk(h, "enrol-answer 1"))), ==, 4);
	/* Escape: the laptop's own screen again, nothing ran. */
	g_assert_cmpuint(answer(h, "0"), ==, 0);
	bh_expect(h, "session state=3 ");
	g_free(bh_wait_audit(h, "install-declined", "/dev/vdb"));
	g_assert_cmpuint(answer(h, "1 vdb"), ==, 4);
	only_listed(h);
	/* Answered for this boot: a broker that starts again does not ask the installer again. */
	g_autofree char *fake = bh_fake_installer(h); /* the same stand-in, written again */
	bh_kill(h);
	bh_kiosk_clear(h);
	bh_start_installer(h, fake);
	bh_expect(h, "session state=3 ");
	g_assert_false(bh_seen(h, "install "));
	only_listed(h);
}

static void confirmed(struct bh *h)
{
	g_assert_cmpuint(answer(h, "1 vdb"), ==, 0);
	g_free(bh_wait_audit(h, "install-confirmed", "/dev/vdb"));
	bh_expect(h, "install state=2 disk=vdb bytes=3221225472 model=QEMU HARDDISK "
		     "text=[1/5] clearing /dev/vdb's partition table");
	bh_expect(h, "install state=2 disk=vdb bytes=3221225472 model=QEMU HARDDISK "
		     "text=[5/5] the partition table");
	const char *done = bh_expect(h, "install state=3 ");
	g_assert_nonnull(strstr(done, "Installed onto vdb. Remove the USB stick"));
	g_free(bh_wait_audit(h, "install-done", "/dev/vdb"));
	g_autofree char *c = bh_installer_calls(h);
	g_assert_cmpstr(c, ==, "--list\n--yes --then stay /dev/vdb\n");
	/* Over: it does not run twice. */
	g_assert_cmpuint(answer(h, "1 vdb"), ==, 4);
}

static void failed(struct bh *h)
{
	g_assert_cmpuint(answer(h, "1 vdb"), ==, 0);
	const char *line = bh_expect(h, "install state=4 ");
	g_assert_nonnull(strstr(line, "text=refused: /dev/vdb is in use (mounted)"));
	g_free(bh_wait_audit(h, "install-failed", "refused: /dev/vdb is in use"));
}

static void run_case(gconstpointer data)
{
	const struct install_case *c = data;
	struct bh *h = bh_new(NULL);
	g_autofree char *installer =
		c->real ? g_build_filename(src(), "installer", "tessera-install", NULL)
			: bh_fake_installer(h);
	if (c->fail) {
		g_autofree char *fail = g_build_filename(h->dir, "fail", NULL);
		g_assert_true(g_file_set_contents(fail, "", 0, NULL));
	}
	h->installed = !c->enrolled; /* an installed policy without trusted.keys: not enrolled */
	bh_start_installer(h, installer);
	if (!c->real) {
		bh_expect(h, "session state=4 ");
		g_free(bh_wait_audit(h, "install-offered", "/dev/vdb"));
	}
	c->fn(h);
	if (c->back) {
		/* Escape on the result: the laptop's own screen. */
		g_assert_cmpuint(answer(h, "0"), ==, 0);
		bh_expect(h, c->back);
	}
	bh_free(h);
}

static const struct install_case cases[] = {
	{ "real-installer-offers-nothing-off-a-stick", true, true, false, real_offers_nothing,
	  NULL },
	{ "offer-declined-runs-nothing", false, false, false, declined, NULL },
	{ "confirmed-runs-onto-the-offered-disk", true, false, false, confirmed,
	  "session state=0 " },
	{ "failure-shows-the-installers-reason", false, false, true, failed, "session state=3 " },
};

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	TSR_TEST_ADD_CASES("/broker/install", cases, run_case);
	return g_test_run();
}
