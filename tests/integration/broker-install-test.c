/* tests/integration/broker-install-test.c: the offer to install the image from its stick, on the
 * kiosk, against a real tessera-brokerd and the test kiosk.
 *
 * The real tessera-install answers --list only on a stick it booted from, which this machine
 * is not: with it the broker offers nothing and the login is as before. The flows behind an
 * offer need disks that may be erased, so they run against a stand-in installer that lists one
 * disk and records how it is called: declined, nothing runs and the laptop's own screen
 * comes back; a kiosk that names another disk, or a malformed one, makes nothing run; confirmed,
 * the broker runs the installer onto the disk it offered and shows its lines, its end and, when
 * it fails, its reason. Every step is audited. */
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

/* A stand-in tessera-install in h->dir: --list names /dev/vdb (and a line that is no disk);
 * --yes prints step lines and, when h->dir/fail exists, fails as the real one refuses. */
static char *fake_installer(struct bh *h)
{
	char *path = g_build_filename(h->dir, "tessera-install", NULL);
	g_autofree char *script = g_strdup_printf(
		"#!/bin/sh\n"
		"echo \"$*\" >>'%s/calls'\n"
		"case \"$1\" in\n"
		"--list) printf '/dev/vdb\\t3221225472\\tQEMU HARDDISK\\n../sda\\t1\\tx\\n' ;;\n"
		"--yes) echo 'tessera-install: Tessera 1 from /dev/vda onto /dev/vdb (3072 MiB)'\n"
		"  echo 'tessera-install: [1/5] clearing /dev/vdb'\"'\"'s partition table'\n"
		"  if [ -e '%s/fail' ]; then\n"
		"    echo 'tessera-install: refused: /dev/vdb is in use (mounted)' >&2; exit 2; fi\n"
		"  echo 'tessera-install: [5/5] the partition table'\n"
		"  echo 'tessera-install: done: /dev/vdb boots Tessera 1 on its own' ;;\n"
		"*) exit 2 ;;\n"
		"esac\n",
		h->dir, h->dir);

	g_assert_true(g_file_set_contents(path, script, -1, NULL));
	g_assert_cmpint(g_chmod(path, 0755), ==, 0);
	return path;
}

static char *calls(struct bh *h)
{
	g_autofree char *path = g_build_filename(h->dir, "calls", NULL);
	char *text = NULL;

	if (!g_file_get_contents(path, &text, NULL, NULL))
		text = g_strdup("");
	return text;
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
	g_autofree char *c = calls(h);
	g_assert_cmpstr(c, ==, "--list\n");
}

static void declined(struct bh *h)
{
	g_assert_cmpstr(bh_expect(h, "install "), ==,
			"install state=1 disk=vdb bytes=3221225472 model=QEMU HARDDISK text=");
	/* Nobody logs in under the offer, nor answers an enrolment. */
	g_assert_cmpuint(bh_status(bh_reply(h, bh_kiosk(h, "login alice alice-pw"))), ==, 4);
	g_assert_cmpuint(bh_status(bh_reply(h, bh_kiosk(h, "enrol-answer 1"))), ==, 4);
	/* Another disk's name: refused, nothing runs. */
	g_assert_cmpuint(answer(h, "1 vda"), ==, 1);
	g_assert_cmpuint(answer(h, "1 vdb2"), ==, 1);
	only_listed(h);
	/* Escape: the laptop's own screen again, nothing ran. */
	g_assert_cmpuint(answer(h, "0"), ==, 0);
	bh_expect(h, "session state=3 ");
	g_free(bh_wait_audit(h, "install-declined", "/dev/vdb"));
	g_assert_cmpuint(answer(h, "1 vdb"), ==, 4);
	only_listed(h);
}

/* A name that is no disk name breaks the protocol: the kiosk is cut off and restarted, and the
 * new one is offered the same disk; nothing runs. */
static void malformed(struct bh *h)
{
	bh_kiosk(h, "install-answer 1 ../vdb");
	g_assert_true(bh_kiosk_gone(h));
	bh_accept_kiosk(h);
	bh_expect(h, "session state=4 ");
	bh_expect(h, "install state=1 disk=vdb ");
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
	g_autofree char *c = calls(h);
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
			: fake_installer(h);
	g_autofree char *a1 = g_strdup_printf("--installer=%s", installer);
	char *args[] = { a1, (char *)"--install-then=stay", NULL };

	if (c->fail) {
		g_autofree char *fail = g_build_filename(h->dir, "fail", NULL);
		g_assert_true(g_file_set_contents(fail, "", 0, NULL));
	}
	h->installed = !c->enrolled; /* an installed policy without trusted.keys: not enrolled */
	h->extra_args = args;
	bh_start(h, true);
	h->extra_args = NULL;
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
	{ "offer-declined-or-another-disk-runs-nothing", false, false, false, declined, NULL },
	{ "malformed-disk-name-cuts-the-kiosk-off", true, false, false, malformed, NULL },
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
