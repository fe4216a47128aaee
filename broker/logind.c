/* broker/logind.c: the lid and sleep under systemd-logind, through its inhibitors.
 *
 * On a laptop that runs systemd, logind would act on the lid itself and suspend whenever
 * anyone asks it, with no regard for what is on the screen. The broker therefore holds two
 * inhibitors (with --logind): a "handle-lid-switch" block, so the lid is the broker's alone
 * (it reads SW_LID itself, broker/lid.c), and a "sleep" delay, so logind's PrepareForSleep(true)
 * reaches the broker before the laptop sleeps: it locks, waits for the kiosk's lock screen and
 * pauses the domains (broker/sleep.c), and only then closes the delay inhibitor's fd. At the
 * wake (PrepareForSleep(false)) it takes a new one. On a laptop that only offers s2idle, which
 * Xen 4.17 cannot do, the "sleep" inhibitor blocks instead of delaying. Without a system bus
 * (the busybox test guests) the broker suspends by itself. sd-bus's fd and timeout are run
 * from the broker's GLib loop. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#define LOGIND "org.freedesktop.login1"
#define LOGIND_PATH "/org/freedesktop/login1"
#define LOGIND_MANAGER "org.freedesktop.login1.Manager"

struct brk_logind {
	struct tsr_broker *b;
	sd_bus *bus;
	guint watch, timeout;
	int lid_fd, sleep_fd;   /* the inhibitors' fds (-1: not held) */
	bool sleep_blocks;      /* s2idle only: "sleep" is blocked, not delayed */
};

static void pump(struct brk_logind *l);

/* The bus's fd or sd-bus's next timeout: either way run it (pump replaces both sources; GLib
 * lets a source be removed while it runs). */
static gboolean on_bus(int fd, GIOCondition cond, gpointer data)
{
	pump(data);
	return G_SOURCE_REMOVE;
}

static gboolean on_timeout(gpointer data)
{
	pump(data);
	return G_SOURCE_REMOVE;
}

static void unwatch(struct brk_logind *l)
{
	g_clear_handle_id(&l->watch, g_source_remove);
	g_clear_handle_id(&l->timeout, g_source_remove);
}

/* An inhibitor's fd replaces the one in *slot (-1: let go of it). */
static void hold(int *slot, int fd)
{
	if (*slot >= 0)
		close(*slot);
	*slot = fd;
}

/* Run whatever sd-bus has to do, then watch for what it waits for next. */
static void pump(struct brk_logind *l)
{
	int r, events;
	uint64_t usec = UINT64_MAX, now;

	do
		r = sd_bus_process(l->bus, NULL);
	while (r > 0);
	if (r < 0)
		tsr_warn("logind: the system bus failed: %s", g_strerror(-r));
	unwatch(l);
	events = sd_bus_get_events(l->bus);
	if (r < 0 || events < 0)
		return;
	l->watch = g_unix_fd_add(sd_bus_get_fd(l->bus),
				 G_IO_HUP | G_IO_ERR | ((events & POLLIN) ? G_IO_IN : 0) |
					 ((events & POLLOUT) ? G_IO_OUT : 0),
				 on_bus, l);
	if (sd_bus_get_timeout(l->bus, &usec) >= 0 && usec != UINT64_MAX) {
		now = (uint64_t)g_get_monotonic_time(); /* CLOCK_MONOTONIC, as sd-bus's */
		l->timeout = g_timeout_add((guint)MIN((usec > now ? usec - now : 0) / 1000 + 1,
						      60000), on_timeout, l);
	}
}

struct inhibit_call {
	struct brk_logind *l;
	int *slot;
	const char *what, *mode;
};

static int on_inhibit(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
	struct inhibit_call *c = data;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	int fd = -1;

	if (e || sd_bus_message_read(m, "h", &fd) < 0 ||
	    (fd = fcntl(fd, F_DUPFD_CLOEXEC, 3)) < 0) {
		tsr_err("logind: no %s %s inhibitor: %s", c->what, c->mode,
			e ? e->message : g_strerror(errno));
		brk_audit(c->l->b, "logind-inhibit-failed", "what", c->what, "mode", c->mode, NULL);
	} else {
		hold(c->slot, fd);
		tsr_info("logind: holding a %s %s inhibitor", c->what, c->mode);
	}
	return 0;
}

static void inhibit(struct brk_logind *l, const char *what, const char *why, const char *mode,
		    int *slot)
{
	struct inhibit_call *c = g_new(struct inhibit_call, 1);
	sd_bus_slot *call = NULL;
	int r;

	*c = (struct inhibit_call){ .l = l, .slot = slot, .what = what, .mode = mode };
	r = sd_bus_call_method_async(l->bus, &call, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "Inhibit",
				     on_inhibit, c, "ssss", what, "tessera-brokerd", why, mode);
	if (r < 0) {
		tsr_err("logind: cannot ask for a %s inhibitor: %s", what, g_strerror(-r));
		g_free(c);
		return;
	}
	/* c lives as long as the call, answered or not (the bus may close first). */
	sd_bus_slot_set_destroy_callback(call, g_free);
	sd_bus_slot_set_floating(call, 1);
	sd_bus_slot_unref(call);
}

static void take_sleep(struct brk_logind *l)
{
	if (l->sleep_blocks)
		inhibit(l, "sleep", "Xen cannot suspend a laptop that only has s2idle", "block",
			&l->sleep_fd);
	else
		inhibit(l, "sleep", "The kiosk locks and the domains pause before the laptop sleeps",
			"delay", &l->sleep_fd);
}

/* Everything is in place (locked, lock screen shown, domains paused): logind may go on. */
static void release_sleep(struct tsr_broker *b, void *data)
{
	struct brk_logind *l = data;

	brk_audit(b, "suspend", "by", "logind", NULL);
	tsr_info("logind: locked and paused; letting go of the sleep delay");
	hold(&l->sleep_fd, -1);
}

static int on_prepare_for_sleep(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
	struct brk_logind *l = data;
	int start = 0;

	if (sd_bus_message_read(m, "b", &start) < 0)
		return 0;
	if (start) {
		tsr_info("logind: the laptop is going to sleep");
		brk_sleep_prepare(l->b->sleep, "going to sleep", release_sleep, l);
	} else {
		tsr_info("logind: the laptop woke up");
		brk_sleep_woke(l->b->sleep);
		if (l->sleep_fd < 0)
			take_sleep(l);
	}
	return 0;
}

struct brk_logind *brk_logind_create(struct tsr_broker *b, const char *sys_root)
{
	struct brk_logind *l = g_new0(struct brk_logind, 1);
	g_autofree char *no = NULL;
	int r;

	l->b = b;
	l->lid_fd = l->sleep_fd = -1;
	r = sd_bus_open_system(&l->bus);
	if (r >= 0)
		r = sd_bus_match_signal_async(l->bus, NULL, LOGIND, LOGIND_PATH, LOGIND_MANAGER,
					      "PrepareForSleep", on_prepare_for_sleep, NULL, l);
	if (r < 0) {
		tsr_info("logind: no system bus (%s): the broker suspends the laptop itself",
			 g_strerror(-r));
		brk_logind_destroy(l);
		return NULL;
	}
	l->sleep_blocks = !brk_sleep_deep(sys_root, &no);
	if (no) {
		tsr_warn("logind: %s", no);
		brk_audit(b, "suspend-unavailable", "reason", no, NULL);
	}
	inhibit(l, "handle-lid-switch", "The kiosk locks when the lid closes", "block",
		&l->lid_fd);
	take_sleep(l);
	pump(l);
	return l;
}

void brk_logind_destroy(struct brk_logind *l)
{
	if (!l)
		return;
	unwatch(l);
	hold(&l->lid_fd, -1);
	hold(&l->sleep_fd, -1);
	sd_bus_flush_close_unref(l->bus);
	g_free(l);
}

static int on_suspend(sd_bus_message *m, void *data, sd_bus_error *ret_error)
{
	const sd_bus_error *e = sd_bus_message_get_error(m);

	if (e)
		tsr_err("logind: refused to suspend: %s (the session stays locked)", e->message);
	return 0;
}

bool brk_logind_suspend(struct brk_logind *l)
{
	int r;

	if (!l)
		return false;
	r = sd_bus_call_method_async(l->bus, NULL, LOGIND, LOGIND_PATH, LOGIND_MANAGER, "Suspend",
				     on_suspend, NULL, "b", (int)false);
	if (r < 0) {
		tsr_err("logind: cannot ask to suspend: %s", g_strerror(-r));
		return false;
	}
	pump(l);
	return true;
}
