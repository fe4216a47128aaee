/* broker/kiosk-devices.c: the DRM card and the evdev devices the broker opens as root and lends
 * to the kiosk, as logind does for a session.
 *
 * The kiosk user needs no device group: it never opens a node. Each kiosk gets fresh fds over
 * the kiosk link (DEVICE messages, SCM_RIGHTS): the card first, made DRM master, then every
 * input event node, then the ones plugged in while it runs (a udev monitor, on the kernel's
 * feed when udevd is not running). The broker keeps its own reference to every fd it lent,
 * because that is what lets it take them back: when the kiosk ends, each evdev fd is revoked
 * (EVIOCREVOKE: every holder of that open file, a child the kiosk forked included, reads
 * ENODEV from then on, and its grab ends) and DRM master is dropped on the card, before the
 * next kiosk gets new ones. Which devices the kiosk actually uses (keyboards, pointers, touch)
 * is the kiosk's decision; it closes the rest. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <drm.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib-unix.h>
#include <libudev.h>
#include <linux/input.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct lent {
	uint32_t id;
	int fd;
	char *node;
};

struct brk_kiosk_devices {
	struct tsr_broker *b;
	char *card_path;        /* as configured; NULL: the first KMS card */
	int card_fd;            /* the current kiosk's card, or -1 */
	GPtrArray *evdev;       /* struct lent *: lent to the current kiosk */
	bool lending;           /* a kiosk holds our devices now */
	uint32_t next_id;
	struct udev *udev;
	struct udev_monitor *monitor;
	guint monitor_watch;
};

static void lent_free(gpointer p)
{
	struct lent *l = p;

	if (l->fd >= 0)
		close(l->fd);
	g_free(l->node);
	g_free(l);
}

/* A card that does KMS: it answers GETRESOURCES with at least one connector. */
static bool is_kms_card(int fd)
{
	struct drm_mode_card_res res = { 0 };

	return ioctl(fd, DRM_IOCTL_MODE_GETRESOURCES, &res) == 0 && res.count_connectors > 0;
}

static int open_card(struct brk_kiosk_devices *d, char **path_out)
{
	if (d->card_path) {
		int fd = open(d->card_path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			tsr_err("kiosk devices: cannot open %s: %s", d->card_path, g_strerror(errno));
		*path_out = g_strdup(d->card_path);
		return fd;
	}
	for (int i = 0; i < 16; i++) {
		g_autofree char *path = g_strdup_printf("/dev/dri/card%d", i);
		int fd = open(path, O_RDWR | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		if (is_kms_card(fd)) {
			*path_out = g_steal_pointer(&path);
			return fd;
		}
		close(fd);
	}
	tsr_err("kiosk devices: no KMS card in /dev/dri (name one with --kiosk-card)");
	*path_out = NULL;
	return -1;
}

static bool send_device(struct brk_kiosk_devices *d, uint32_t id, uint8_t kind, uint8_t action,
			const char *node, int fd)
{
	struct tsr_kiosk_device m = { .id = id, .kind = kind, .action = action };

	tsr_kiosk_set_string(m.node, sizeof(m.node), node);
	return brk_kiosk_send(d->b, &m, TSR_KIOSK_DEVICE, fd);
}

static bool is_event_node(const char *devnode)
{
	return devnode && g_str_has_prefix(devnode, "/dev/input/event") &&
	       strlen(devnode) < TSR_KIOSK_LABEL_SIZE;
}

static struct lent *find_node(struct brk_kiosk_devices *d, const char *node)
{
	for (guint i = 0; i < d->evdev->len; i++) {
		struct lent *l = g_ptr_array_index(d->evdev, i);
		if (strcmp(l->node, node) == 0)
			return l;
	}
	return NULL;
}

/* Open one event node for the kiosk; NULL if it cannot be opened (gone already). */
static struct lent *open_evdev(struct brk_kiosk_devices *d, const char *node)
{
	struct lent *l;
	int fd = open(node, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		tsr_warn("kiosk devices: cannot open %s: %s", node, g_strerror(errno));
		return NULL;
	}
	if (brk_lid_take(d->b->lid, fd, node))
		return NULL; /* the broker's own: the lid locks without the kiosk */
	l = g_new0(struct lent, 1);
	l->id = d->next_id++;
	if (d->next_id == 0)
		d->next_id = 1;
	l->fd = fd;
	l->node = g_strdup(node);
	g_ptr_array_add(d->evdev, l);
	return l;
}

static void revoke_one(struct lent *l)
{
	/* Every process holding this open file (the kiosk, anything it forked or passed it to)
	 * reads ENODEV from now on, and its grab ends. */
	if (l->fd >= 0 && ioctl(l->fd, EVIOCREVOKE, NULL) < 0)
		tsr_warn("kiosk devices: EVIOCREVOKE on %s: %s", l->node, g_strerror(errno));
}

static gboolean on_uevent(int fd, GIOCondition cond, gpointer data)
{
	struct brk_kiosk_devices *d = data;
	struct udev_device *ud;

	while ((ud = udev_monitor_receive_device(d->monitor))) {
		const char *action = udev_device_get_action(ud);
		const char *node = udev_device_get_devnode(ud);
		struct lent *l;

		if (!action || !is_event_node(node) || !d->lending) {
			udev_device_unref(ud);
			continue;
		}
		if (strcmp(action, "add") == 0 && !find_node(d, node) &&
		    !brk_lid_has(d->b->lid, node)) {
			l = open_evdev(d, node);
			if (l && send_device(d, l->id, TSR_KIOSK_DEVICE_EVDEV, TSR_KIOSK_DEVICE_ADD,
					     l->node, l->fd))
				tsr_info("kiosk devices: lent %s (plugged in)", node);
		} else if (strcmp(action, "remove") == 0 && (l = find_node(d, node))) {
			uint32_t id = l->id;
			revoke_one(l);
			g_ptr_array_remove(d->evdev, l);
			if (send_device(d, id, TSR_KIOSK_DEVICE_EVDEV, TSR_KIOSK_DEVICE_REMOVE, node,
					-1))
				tsr_info("kiosk devices: %s unplugged", node);
		}
		udev_device_unref(ud);
	}
	return G_SOURCE_CONTINUE;
}

struct brk_kiosk_devices *brk_kiosk_devices_create(struct tsr_broker *b, const char *card,
						   GError **error)
{
	struct brk_kiosk_devices *d = g_new0(struct brk_kiosk_devices, 1);
	/* Without udevd (initramfs, tests) only the kernel's own uevents exist. */
	const char *feed = access("/run/udev/control", F_OK) == 0 ? "udev" : "kernel";

	d->b = b;
	d->card_path = g_strdup(card);
	d->card_fd = -1;
	d->evdev = g_ptr_array_new_with_free_func(lent_free);
	d->next_id = 1;
	d->udev = udev_new();
	d->monitor = d->udev ? udev_monitor_new_from_netlink(d->udev, feed) : NULL;
	if (!d->monitor ||
	    udev_monitor_filter_add_match_subsystem_devtype(d->monitor, "input", NULL) < 0 ||
	    udev_monitor_enable_receiving(d->monitor) < 0) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "kiosk devices: cannot follow input hotplug (udev monitor on the %s "
			    "feed): %s", feed, g_strerror(errno));
		brk_kiosk_devices_destroy(d);
		return NULL;
	}
	d->monitor_watch = g_unix_fd_add(udev_monitor_get_fd(d->monitor), G_IO_IN, on_uevent, d);
	return d;
}

void brk_kiosk_devices_destroy(struct brk_kiosk_devices *d)
{
	if (!d)
		return;
	brk_kiosk_devices_revoke(d);
	g_clear_handle_id(&d->monitor_watch, g_source_remove);
	if (d->monitor)
		udev_monitor_unref(d->monitor);
	if (d->udev)
		udev_unref(d->udev);
	g_ptr_array_free(d->evdev, TRUE);
	g_free(d->card_path);
	g_free(d);
}

void brk_kiosk_devices_revoke(struct brk_kiosk_devices *d)
{
	guint n;

	if (!d || (!d->lending && d->card_fd < 0 && d->evdev->len == 0))
		return;
	d->lending = false;
	n = d->evdev->len;
	for (guint i = 0; i < n; i++)
		revoke_one(g_ptr_array_index(d->evdev, i));
	g_ptr_array_set_size(d->evdev, 0);
	if (d->card_fd >= 0) {
		/* The kiosk may have dropped it already on a clean exit. */
		if (ioctl(d->card_fd, DRM_IOCTL_DROP_MASTER, 0) < 0 && errno != EINVAL)
			tsr_debug("kiosk devices: dropping DRM master: %s", g_strerror(errno));
		close(d->card_fd);
		d->card_fd = -1;
	}
	{
		g_autofree char *count = g_strdup_printf("%u", n);
		brk_audit(d->b, "kiosk-devices-revoked", "evdev", count, NULL);
	}
	tsr_info("kiosk devices: %u input devices revoked, DRM master dropped", n);
}

void brk_kiosk_devices_lend(struct brk_kiosk_devices *d)
{
	g_autofree char *card_path = NULL;
	struct udev_enumerate *en;
	struct udev_list_entry *e;

	if (!d)
		return;
	brk_kiosk_devices_revoke(d);
	d->card_fd = open_card(d, &card_path);
	if (d->card_fd >= 0) {
		/* A fresh open file: the one lent before kept nothing once master was dropped. */
		if (ioctl(d->card_fd, DRM_IOCTL_SET_MASTER, 0) < 0)
			tsr_warn("kiosk devices: cannot become DRM master of %s: %s (is another "
				 "display server running on it?)", card_path, g_strerror(errno));
		if (!send_device(d, d->next_id++, TSR_KIOSK_DEVICE_DRM, TSR_KIOSK_DEVICE_ADD,
				 card_path, d->card_fd))
			return;
		if (d->next_id == 0)
			d->next_id = 1;
	}
	d->lending = true;
	en = udev_enumerate_new(d->udev);
	if (en && udev_enumerate_add_match_subsystem(en, "input") >= 0 &&
	    udev_enumerate_scan_devices(en) >= 0) {
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
		{
			struct udev_device *ud =
				udev_device_new_from_syspath(d->udev, udev_list_entry_get_name(e));
			const char *node = ud ? udev_device_get_devnode(ud) : NULL;
			if (is_event_node(node) && !find_node(d, node) &&
			    !brk_lid_has(d->b->lid, node))
				open_evdev(d, node);
			if (ud)
				udev_device_unref(ud);
		}
	}
	udev_enumerate_unref(en);
	for (guint i = 0; i < d->evdev->len; i++) {
		struct lent *l = g_ptr_array_index(d->evdev, i);
		/* A failed send ends the kiosk, and with it this loan (revoked already). */
		if (!send_device(d, l->id, TSR_KIOSK_DEVICE_EVDEV, TSR_KIOSK_DEVICE_ADD, l->node,
				 l->fd))
			return;
	}
	tsr_info("kiosk devices: lent %s and %u input devices", card_path ? card_path : "no card",
		 d->evdev->len);
}
