/* broker/lid.c: the lid switch, read by the broker itself.
 *
 * Closing the lid is the moment a laptop leaves its user's sight, so the session is locked
 * before anything else happens, by the broker (root), which needs no kiosk to notice: the lid
 * switch's evdev device (a device with SW_LID) is never lent to the kiosk, and its events never
 * pass through the kiosk's input router. What follows comes from policy ([power] lid): nothing
 * more, or a suspend, with every running domain paused across it and run again at wake or once
 * the user has unlocked ([power] resume). This is the path without logind (the busybox test
 * guests, a laptop without systemd-logind); with logind, logind owns the switch and the
 * broker's inhibitors are still to be written (doc/broker.md). */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <linux/input.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct lid_device {
	struct brk_lid *lid;
	int fd;
	char *node;
	guint watch;
};

struct brk_lid {
	struct tsr_broker *b;
	GPtrArray *devices;     /* struct lid_device * */
	char *power_state;      /* /sys/power/state, or a test's file */
	GPtrArray *suspended;   /* char *: domains paused across the last suspend */
	guint suspend_source;
};

static void device_free(gpointer p)
{
	struct lid_device *d = p;

	g_clear_handle_id(&d->watch, g_source_remove);
	if (d->fd >= 0)
		close(d->fd);
	g_free(d->node);
	g_free(d);
}

struct brk_lid *brk_lid_create(struct tsr_broker *b, const char *power_state)
{
	struct brk_lid *l = g_new0(struct brk_lid, 1);

	l->b = b;
	l->devices = g_ptr_array_new_with_free_func(device_free);
	l->power_state = g_strdup(power_state ? power_state : "/sys/power/state");
	l->suspended = g_ptr_array_new_with_free_func(g_free);
	return l;
}

void brk_lid_destroy(struct brk_lid *l)
{
	if (!l)
		return;
	g_clear_handle_id(&l->suspend_source, g_source_remove);
	g_ptr_array_free(l->devices, TRUE);
	g_ptr_array_free(l->suspended, TRUE);
	g_free(l->power_state);
	g_free(l);
}

bool brk_lid_is_switch(int fd)
{
	unsigned long bits[(SW_MAX + 8 * sizeof(long)) / (8 * sizeof(long))] = { 0 };

	if (ioctl(fd, EVIOCGBIT(EV_SW, sizeof(bits)), bits) < 0)
		return false;
	return (bits[SW_LID / (8 * sizeof(long))] >> (SW_LID % (8 * sizeof(long)))) & 1;
}

static void resume_suspended(struct brk_lid *l, const char *why)
{
	for (guint i = 0; i < l->suspended->len; i++) {
		struct brk_dom *d = brk_dom(l->b, g_ptr_array_index(l->suspended, i));
		if (d && brk_dom_state(d) == TSR_DOMAIN_PAUSED)
			brk_dom_start(l->b, d, why, NULL, NULL);
	}
	g_ptr_array_set_size(l->suspended, 0);
}

void brk_lid_unlocked(struct brk_lid *l)
{
	if (l)
		resume_suspended(l, "unlocked after a suspend");
}

/* Runs once the lock went out to the kiosk and the domains were asked to pause: the write
 * returns when the laptop wakes. */
static gboolean suspend_now(gpointer data)
{
	struct brk_lid *l = data;
	int fd;

	l->suspend_source = 0;
	brk_audit(l->b, "suspend", "state", "mem", NULL);
	fd = open(l->power_state, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "mem", 3) != 3)
		tsr_err("lid: cannot suspend through %s: %s (the session stays locked)",
			l->power_state, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	brk_audit(l->b, "wake", NULL);
	if (l->b->policy && l->b->policy->power.resume == TSR_POLICY_RESUME_AT_ONCE)
		resume_suspended(l, "woke up");
	return G_SOURCE_REMOVE;
}

static void suspend(struct brk_lid *l)
{
	GHashTableIter it;
	gpointer value;

	if (l->suspend_source)
		return;
	g_hash_table_iter_init(&it, l->b->domains);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct brk_dom *d = value;
		if (brk_dom_state(d) != TSR_DOMAIN_RUNNING)
			continue;
		g_ptr_array_add(l->suspended, g_strdup(d->name));
		brk_dom_pause(l->b, d, "suspend");
	}
	/* Half a second for the kiosk to put the lock screen up and the pauses to land: the
	 * first picture after the wake must be the lock screen. */
	l->suspend_source = g_timeout_add(500, suspend_now, l);
}

void brk_lid_closed(struct brk_lid *l)
{
	enum tsr_policy_lid what = l->b->policy ? l->b->policy->power.lid : TSR_POLICY_LID_LOCK;

	tsr_info("lid: closed (policy: lid = %s)", tsr_policy_lid_name(what));
	brk_audit(l->b, "lid", "state", "closed", "policy", tsr_policy_lid_name(what), NULL);
	if (what == TSR_POLICY_LID_IGNORE)
		return;
	brk_session_lock(l->b, "lid closed");
	if (what == TSR_POLICY_LID_SUSPEND)
		suspend(l);
}

static gboolean on_event(int fd, GIOCondition cond, gpointer data)
{
	struct lid_device *d = data;
	struct input_event ev[16];
	ssize_t n;

	while ((n = read(fd, ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++)
			if (ev[i].type == EV_SW && ev[i].code == SW_LID && ev[i].value == 1)
				brk_lid_closed(d->lid);
	}
	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR) || (cond & (G_IO_HUP | G_IO_ERR))) {
		tsr_info("lid: %s is gone", d->node);
		d->watch = 0;
		g_ptr_array_remove(d->lid->devices, d);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

bool brk_lid_has(const struct brk_lid *l, const char *node)
{
	for (guint i = 0; l && i < l->devices->len; i++)
		if (strcmp(((struct lid_device *)g_ptr_array_index(l->devices, i))->node, node) == 0)
			return true;
	return false;
}

bool brk_lid_take(struct brk_lid *l, int fd, const char *node)
{
	struct lid_device *d;

	if (!l || !brk_lid_is_switch(fd))
		return false;
	if (brk_lid_has(l, node)) {
		close(fd);
		return true;
	}
	d = g_new(struct lid_device, 1);
	*d = (struct lid_device){ .lid = l, .fd = fd, .node = g_strdup(node) };
	d->watch = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_event, d);
	g_ptr_array_add(l->devices, d);
	tsr_info("lid: reading the lid switch %s (never lent to the kiosk)", node);
	return true;
}
