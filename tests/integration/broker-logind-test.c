/* tests/integration/broker-logind-test.c: the broker under logind (tessera-brokerd --logind).
 *
 * A laptop running systemd would let logind suspend whenever asked, whatever is on the screen.
 * These tests run a private dbus-daemon as the "system bus" with a stand-in logind
 * (tests/integration/fake-logind) and the real broker with its test kiosk, and check that the
 * broker holds the inhibitors with the right What and Mode, and that on PrepareForSleep it
 * locks, waits for the kiosk's LOCK_SHOWN and pauses its domains before it lets go of the
 * sleep delay; without the acknowledgement it goes ahead only after its bound; on a laptop
 * with only s2idle it blocks sleep instead. */
#include "config.h"
#include "tests/integration/broker-harness.h"
#include "tests/harness/cases.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* A child speaking lines: its stdin and stdout, every line it wrote, and which were returned. */
struct proc {
	GPid pid;
	int in, out;
	GString *buf;
	GPtrArray *lines;
	GArray *matched;
};

/* The bus and fake-logind end with the test, even one that fails half-way. */
static void die_with_parent(gpointer data)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void proc_start(struct proc *p, char **argv)
{
	g_autoptr(GError) error = NULL;

	p->buf = g_string_new(NULL);
	p->lines = g_ptr_array_new_with_free_func(g_free);
	p->matched = g_array_new(FALSE, TRUE, sizeof(bool));
	if (!g_spawn_async_with_pipes(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, die_with_parent, NULL,
				      &p->pid, &p->in, &p->out, NULL, &error))
		g_error("cannot start %s: %s", argv[0], error->message);
}

static void proc_stop(struct proc *p)
{
	int status;

	close(p->in);
	kill(p->pid, SIGTERM);
	g_assert_cmpint(waitpid(p->pid, &status, 0), ==, p->pid);
	close(p->out);
	g_string_free(p->buf, TRUE);
	g_ptr_array_free(p->lines, TRUE);
	g_array_free(p->matched, TRUE);
}

/* Read whatever the child wrote before the deadline; false at the deadline. */
static bool proc_read(struct proc *p, int64_t deadline)
{
	struct pollfd pfd = { .fd = p->out, .events = POLLIN };
	int64_t left = (deadline - g_get_monotonic_time()) / 1000;
	char chunk[512];
	ssize_t n;
	char *nl;

	if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
		return false;
	n = read(p->out, chunk, sizeof(chunk));
	if (n <= 0)
		g_error("the child's output ended (%s)", n < 0 ? g_strerror(errno) : "EOF");
	g_string_append_len(p->buf, chunk, n);
	while ((nl = strchr(p->buf->str, '\n'))) {
		bool no = false;
		g_ptr_array_add(p->lines, g_strndup(p->buf->str, (gsize)(nl - p->buf->str)));
		g_array_append_val(p->matched, no);
		g_string_erase(p->buf, 0, nl - p->buf->str + 1);
	}
	return true;
}

/* The first line starting with prefix that no earlier call returned, waiting for it. */
static const char *proc_expect(struct proc *p, const char *prefix)
{
	int64_t deadline = g_get_monotonic_time() + BH_TIMEOUT_MS * 1000LL;

	for (;;) {
		for (guint i = 0; i < p->lines->len; i++) {
			if (!g_array_index(p->matched, bool, i) &&
			    g_str_has_prefix(g_ptr_array_index(p->lines, i), prefix)) {
				g_array_index(p->matched, bool, i) = true;
				return g_ptr_array_index(p->lines, i);
			}
		}
		if (!proc_read(p, deadline))
			g_error("no line \"%s\" within %d ms", prefix, BH_TIMEOUT_MS);
	}
}

static void proc_say(struct proc *p, const char *line)
{
	g_autofree char *l = g_strdup_printf("%s\n", line);

	g_assert_cmpint(write(p->in, l, strlen(l)), ==, (ssize_t)strlen(l));
}

struct fixture {
	struct bh *h;
	struct proc bus, logind;
};

/* A private bus (open to everyone on it: the test is its only user) and fake-logind on it, then
 * the broker with --logind on that bus; mem_sleep: the fake sysfs's power/mem_sleep, or NULL. */
static void start(struct fixture *f, const char *mem_sleep)
{
	g_autofree char *conf = NULL, *conf_path = NULL, *sock = NULL, *sys_root = NULL;
	g_autofree char *fake = g_build_filename(g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR")
								       : TSR_BUILDDIR,
						 "tests/integration/fake-logind", NULL);
	char *bus_argv[] = { "dbus-daemon", "--nofork", "--print-address=1", NULL, NULL };
	char *fake_argv[] = { fake, NULL };
	const char *address;

	f->h = bh_new(NULL);
	sock = g_build_filename(f->h->dir, "system_bus", NULL);
	conf = g_strdup_printf(
		"<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\" "
		"\"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		"<busconfig><listen>unix:path=%s</listen><auth>EXTERNAL</auth>"
		"<policy context=\"default\"><allow user=\"*\"/><allow own=\"*\"/>"
		"<allow send_destination=\"*\"/><allow receive_sender=\"*\"/></policy></busconfig>\n",
		sock);
	conf_path = g_build_filename(f->h->dir, "bus.conf", NULL);
	g_assert_true(g_file_set_contents(conf_path, conf, -1, NULL));
	bus_argv[3] = g_strdup_printf("--config-file=%s", conf_path);
	proc_start(&f->bus, bus_argv);
	g_free(bus_argv[3]);
	address = proc_expect(&f->bus, "unix:");
	g_setenv("DBUS_SYSTEM_BUS_ADDRESS", address, TRUE);
	proc_start(&f->logind, fake_argv);
	proc_expect(&f->logind, "ready");

	if (mem_sleep) {
		g_autofree char *power = g_build_filename(f->h->sysfs, "power", NULL);
		g_assert_cmpint(g_mkdir_with_parents(power, 0755), ==, 0);
		g_autofree char *path = g_build_filename(power, "mem_sleep", NULL);
		g_assert_true(g_file_set_contents(path, mem_sleep, -1, NULL));
	}
	sys_root = g_strdup_printf("--sys-root=%s", f->h->sysfs);
	f->h->extra_args = g_new0(char *, 3);
	f->h->extra_args[0] = g_strdup("--logind");
	f->h->extra_args[1] = g_steal_pointer(&sys_root);
	bh_start(f->h, true);
	bh_expect(f->h, "session state=0 ");
}

static void finish(struct fixture *f)
{
	g_strfreev(f->h->extra_args); /* ours: the harness only reads them */
	f->h->extra_args = NULL;
	bh_free(f->h);
	proc_stop(&f->logind);
	proc_stop(&f->bus);
	g_unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
}

/* alice logged in with work running. */
static void login_and_run_work(struct fixture *f)
{
	unsigned seq;

	g_assert_cmpuint(bh_login(f->h, "alice", "alice-pw"), ==, 0);
	bh_expect(f->h, "session state=2 ");
	seq = bh_kiosk(f->h, "pick work");
	g_assert_cmpuint(bh_status(bh_reply(f->h, seq)), ==, 0);
	bh_assert_domain_field(f->h, "work", "state", "running");
}

static void held(struct fixture *f, const char *what_mode, unsigned want)
{
	g_autofree char *q = g_strdup_printf("held %s", what_mode);
	g_autofree char *a = g_strdup_printf("held %s %u", what_mode, want);

	proc_say(&f->logind, q);
	g_assert_cmpstr(proc_expect(&f->logind, "held "), ==, a);
}

static void test_inhibitors_and_lock_before_sleep(void)
{
	struct fixture f = { 0 };
	unsigned seq;

	start(&f, "s2idle [deep]\n");
	/* The lid is the broker's, and sleep waits for it. */
	g_assert_nonnull(proc_expect(&f.logind,
				     "inhibit what=handle-lid-switch mode=block who=tessera-brokerd"));
	g_assert_nonnull(proc_expect(&f.logind, "inhibit what=sleep mode=delay who=tessera-brokerd"));
	login_and_run_work(&f);

	proc_say(&f.logind, "sleep");
	proc_expect(&f.logind, "prepare-for-sleep true");
	bh_expect(f.h, "session state=1 ");
	g_free(bh_wait_audit(f.h, "\"event\":\"domain-pause\"", "\"by\":\"suspend\""));
	g_free(bh_wait_audit(f.h, "\"to\":\"paused\"", "\"domain\":\"work\""));
	/* Locked and paused, but the kiosk has not said the lock screen is up: still held. */
	held(&f, "sleep delay", 1);
	seq = bh_kiosk(f.h, "lock-shown");
	g_assert_cmpuint(bh_status(bh_reply(f.h, seq)), ==, 0);
	proc_expect(&f.logind, "released what=sleep mode=delay");
	/* Let go only once everything was in place: work is paused, the lid inhibitor kept. */
	bh_assert_domain_field(f.h, "work", "state", "paused");
	held(&f, "handle-lid-switch block", 1);
	g_free(bh_wait_audit(f.h, "\"event\":\"suspend\"", "\"by\":\"logind\""));

	/* The wake: a new delay inhibitor for the next sleep; work waits for the unlock. */
	proc_say(&f.logind, "wake");
	proc_expect(&f.logind, "inhibit what=sleep mode=delay who=tessera-brokerd");
	g_free(bh_wait_audit(f.h, "\"event\":\"wake\"", NULL));
	bh_assert_domain_field(f.h, "work", "state", "paused");
	seq = bh_kiosk(f.h, "unlock alice-pw");
	g_assert_cmpuint(bh_status(bh_reply(f.h, seq)), ==, 0);
	g_free(bh_wait_audit(f.h, "\"event\":\"domain-resume\"",
			     "\"by\":\"unlocked after a suspend\""));
	g_free(bh_wait_audit(f.h, "\"to\":\"running\"", "\"domain\":\"work\""));
	finish(&f);
}

/* A kiosk that never says its lock screen is up does not keep the laptop awake: the broker
 * goes ahead after its bound (3 s, under logind's own 5 s) and says why. */
static void test_sleep_goes_ahead_after_bound(void)
{
	struct fixture f = { 0 };
	int64_t t0;

	start(&f, NULL);
	proc_expect(&f.logind, "inhibit what=sleep mode=delay");
	login_and_run_work(&f);
	t0 = g_get_monotonic_time();
	proc_say(&f.logind, "sleep");
	proc_expect(&f.logind, "released what=sleep mode=delay");
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 2900 * 1000);
	g_free(bh_wait_audit(f.h, "\"event\":\"sleep-unprepared\"",
			     "the kiosk has not shown the lock screen"));
	bh_assert_domain_field(f.h, "work", "state", "paused");
	finish(&f);
}

/* Only s2idle, which Xen 4.17 cannot do: sleep is blocked, not delayed, and the log says so. */
static void test_s2idle_only_blocks_sleep(void)
{
	struct fixture f = { 0 };

	start(&f, "[s2idle]\n");
	proc_expect(&f.logind, "inhibit what=handle-lid-switch mode=block");
	proc_expect(&f.logind, "inhibit what=sleep mode=block");
	held(&f, "sleep delay", 0);
	g_free(bh_wait_audit(f.h, "\"event\":\"suspend-unavailable\"", "s2idle"));
	finish(&f);
}

static const struct {
	const char *name;
	void (*run)(void);
} cases[] = {
	{ "lid-inhibitors-and-lock-before-sleep", test_inhibitors_and_lock_before_sleep },
	{ "sleep-goes-ahead-after-bound", test_sleep_goes_ahead_after_bound },
	{ "s2idle-only-blocks-sleep", test_s2idle_only_blocks_sleep },
};

static void run_case(gconstpointer data)
{
	((const __typeof__(cases[0]) *)data)->run();
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	TSR_TEST_ADD_CASES("/broker/logind", cases, run_case);
	return g_test_run();
}
