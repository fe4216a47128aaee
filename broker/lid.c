/* broker/lid.c: the lid switch, read by the broker itself.
 *
 * Closing the lid is the moment a laptop leaves its user's sight, so the session is locked
 * before anything else happens, by the broker (root), which needs no kiosk to notice: the lid
 * switch's evdev device (a device with SW_LID) is never lent to the kiosk, and its events never
 * pass through the kiosk's input router. What follows comes from policy ([power] lid): nothing
 * more, or a suspend, with every running domain paused across it and run again at wake or once
 * the user has unlocked ([power] resume), all of it in broker/sleep.c. With logind the broker
 * still reads the switch itself: its "handle-lid-switch" inhibitor keeps logind off it
 * (broker/logind.c). Opening the lid turns outputs that went dark (a lid closed without a
 * suspend, or blank-after) back on to the lock screen: nobody opens a laptop to press a key
 * first. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
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

struct brk_lid *brk_lid_create(struct tsr_broker *b)
{
	struct brk_lid *l = g_new0(struct brk_lid, 1);

	l->b = b;
	l->devices = g_ptr_array_new_with_free_func(device_free);
	return l;
}

void brk_lid_destroy(struct brk_lid *l)
{
	if (!l)
		return;
	g_ptr_array_free(l->devices, TRUE);
	g_free(l);
}

bool brk_lid_is_switch(int fd)
{
	unsigned long bits[(SW_MAX + 8 * sizeof(long)) / (8 * sizeof(long))] = { 0 };

	if (ioctl(fd, EVIOCGBIT(EV_SW, sizeof(bits)), bits) < 0)
		return false;
	return (bits[SW_LID / (8 * sizeof(long))] >> (SW_LID % (8 * sizeof(long)))) & 1;
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
		brk_sleep_suspend(l->b->sleep, "lid closed");
}

/* Whatever the policy: someone opened the laptop to use it, and outputs left dark by the lid
 * (no suspend) or by blank-after would hide the lock screen they need. */
static void opened(struct brk_lid *l)
{
	tsr_info("lid: opened");
	brk_audit(l->b, "lid", "state", "open", NULL);
	brk_session_outputs_on(l->b);
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
			else if (ev[i].type == EV_SW && ev[i].code == SW_LID && ev[i].value == 0)
				opened(d->lid);
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
