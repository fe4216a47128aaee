/* input/devices.c: udev discovery and hotplug, libevdev reading and the grab (see devices.h). */
#include "config.h"
#include "input/devices.h"

#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <libevdev/libevdev.h>
#include <libudev.h>
#include <string.h>
#include <unistd.h>

struct device {
	struct tsr_input_devices *owner;
	char *path;
	uint32_t id; /* the broker's number for a passed fd, else 0 */
	int fd;
	struct libevdev *evdev;
	uint32_t source;
	guint watch;
};

struct tsr_input_devices {
	struct tsr_input_router *router;
	char *dev_dir;
	void (*changed)(void *user_data, const char *path, const char *name, bool added);
	void *user_data;
	struct udev *udev;
	struct udev_monitor *monitor;
	guint monitor_watch;
	GPtrArray *devices; /* struct device * */
	uint32_t next_source;
};

unsigned tsr_input_devices_classify(const void *d)
{
	const struct libevdev *dev = d;
	unsigned caps = 0;
	bool abs_xy = libevdev_has_event_code(dev, EV_ABS, ABS_X) &&
		      libevdev_has_event_code(dev, EV_ABS, ABS_Y);

	/* A keyboard types letters or at least Enter and Space; power buttons and lid switches
	 * do not, and stay with the system. A laptop's brightness keys often come from a device
	 * of their own (ACPI "Video Bus"): it is taken as a keyboard too, so the router sees them
	 * (and keeps them in dom0). */
	if ((libevdev_has_event_code(dev, EV_KEY, KEY_A) &&
	     libevdev_has_event_code(dev, EV_KEY, KEY_ENTER) &&
	     libevdev_has_event_code(dev, EV_KEY, KEY_SPACE)) ||
	    libevdev_has_event_code(dev, EV_KEY, KEY_BRIGHTNESSUP))
		caps |= TSR_INPUT_CAP_KEYBOARD;
	if (libevdev_has_event_code(dev, EV_REL, REL_X) && libevdev_has_event_code(dev, EV_REL, REL_Y))
		caps |= TSR_INPUT_CAP_POINTER;
	if (abs_xy) {
		if (libevdev_has_property(dev, INPUT_PROP_DIRECT))
			caps |= TSR_INPUT_CAP_TOUCH;
		else if (libevdev_has_event_code(dev, EV_KEY, BTN_TOOL_FINGER) &&
			 !libevdev_has_event_code(dev, EV_KEY, BTN_TOOL_PEN))
			caps |= TSR_INPUT_CAP_TOUCHPAD;
		else if (libevdev_has_event_code(dev, EV_KEY, BTN_LEFT) ||
			 libevdev_has_event_code(dev, EV_KEY, BTN_TOUCH))
			caps |= TSR_INPUT_CAP_ABSOLUTE;
	}
	return caps;
}

static void device_close(struct device *d)
{
	g_clear_handle_id(&d->watch, g_source_remove);
	if (d->evdev) {
		libevdev_grab(d->evdev, LIBEVDEV_UNGRAB);
		libevdev_free(d->evdev);
	}
	if (d->fd >= 0)
		close(d->fd);
	g_free(d->path);
	g_free(d);
}

/* The device is gone (unplugged, or a read error): the router lets go of what it held. */
static void device_remove(struct tsr_input_devices *devs, struct device *d, const char *why,
			  bool in_watch)
{
	tsr_info("input: %s (%s) removed: %s", d->path, libevdev_get_name(d->evdev), why);
	tsr_input_router_device_removed(devs->router, d->source);
	g_ptr_array_remove(devs->devices, d);
	if (in_watch)
		d->watch = 0; /* the watch returns G_SOURCE_REMOVE itself */
	if (devs->changed)
		devs->changed(devs->user_data, d->path, libevdev_get_name(d->evdev), false);
	device_close(d);
}

/* Hand every queued event to the router. false when the device is gone or broken (*why set). */
static bool drain(struct device *d, const char **why)
{
	struct tsr_input_devices *devs = d->owner;
	struct input_event ev;
	unsigned flags = LIBEVDEV_READ_FLAG_NORMAL;
	int rc;

	for (;;) {
		rc = libevdev_next_event(d->evdev, flags, &ev);
		if (rc == LIBEVDEV_READ_STATUS_SYNC) {
			if (flags == LIBEVDEV_READ_FLAG_NORMAL) {
				/* The kernel dropped events: tell the router the frame is lost, then
				 * replay libevdev's resync (releases of keys let go meanwhile). */
				tsr_input_router_evdev(devs->router, d->source, EV_SYN, SYN_DROPPED, 0);
				flags = LIBEVDEV_READ_FLAG_SYNC;
				continue;
			}
			tsr_input_router_evdev(devs->router, d->source, ev.type, ev.code, ev.value);
			continue;
		}
		if (rc == LIBEVDEV_READ_STATUS_SUCCESS) {
			tsr_input_router_evdev(devs->router, d->source, ev.type, ev.code, ev.value);
			continue;
		}
		if (rc == -EAGAIN) {
			if (flags == LIBEVDEV_READ_FLAG_SYNC) {
				flags = LIBEVDEV_READ_FLAG_NORMAL;
				continue;
			}
			return true;
		}
		/* -ENODEV (unplugged) or any other error */
		*why = g_strerror(-rc);
		return false;
	}
}

static gboolean device_readable(int fd, GIOCondition cond, void *data)
{
	struct device *d = data;
	const char *why = "hang-up";

	(void)fd;
	if (!drain(d, &why) || (cond & (G_IO_HUP | G_IO_ERR))) {
		device_remove(d->owner, d, why, true);
		return G_SOURCE_REMOVE;
	}
	return G_SOURCE_CONTINUE;
}

static struct device *find_path(struct tsr_input_devices *devs, const char *path)
{
	for (guint i = 0; i < devs->devices->len; i++) {
		struct device *d = g_ptr_array_index(devs->devices, i);
		if (strcmp(d->path, path) == 0)
			return d;
	}
	return NULL;
}

/* Classify, grab and hand to the router a device whose fd is open; d is freed on failure. */
static bool device_add(struct tsr_input_devices *devs, struct device *d, GError **error)
{
	const char *path = d->path;
	int rc;

	rc = libevdev_new_from_fd(d->fd, &d->evdev);
	if (rc < 0) {
		d->evdev = NULL;
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "%s is not an evdev device: %s", path, g_strerror(-rc));
		goto fail;
	}
	unsigned caps = tsr_input_devices_classify(d->evdev);
	if (!caps) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_NOT_OURS,
			    "%s (%s) is neither a keyboard nor a pointer nor a touch device; left to "
			    "the system", path, libevdev_get_name(d->evdev));
		goto fail;
	}
	/* The grab comes before the first read: nothing typed from now on reaches anyone else. */
	rc = libevdev_grab(d->evdev, LIBEVDEV_GRAB);
	if (rc < 0) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "cannot grab %s (%s): %s; another process holds it, stop that process",
			    path, libevdev_get_name(d->evdev), g_strerror(-rc));
		libevdev_free(d->evdev);
		d->evdev = NULL;
		goto fail;
	}
	d->source = devs->next_source++;
	struct tsr_input_device info = {
		.source = d->source,
		.kind = TSR_INPUT_SOURCE_EVDEV,
		.caps = caps,
		.name = libevdev_get_name(d->evdev),
	};
	const struct input_absinfo *ax = libevdev_get_abs_info(d->evdev, ABS_X);
	const struct input_absinfo *ay = libevdev_get_abs_info(d->evdev, ABS_Y);
	if (ax && ay) {
		info.abs_x = (struct tsr_input_range){ ax->minimum, ax->maximum };
		info.abs_y = (struct tsr_input_range){ ay->minimum, ay->maximum };
	}
	if (!tsr_input_router_device_added(devs->router, &info)) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "the router refused %s", path);
		goto fail;
	}
	d->watch = g_unix_fd_add(d->fd, G_IO_IN | G_IO_HUP | G_IO_ERR, device_readable, d);
	g_ptr_array_add(devs->devices, d);
	tsr_info("input: %s (%s) grabbed as source %u, caps 0x%x", path, info.name, d->source, caps);
	if (devs->changed)
		devs->changed(devs->user_data, d->path, info.name, true);
	return true;
fail:
	device_close(d);
	return false;
}

bool tsr_input_devices_add_path(struct tsr_input_devices *devs, const char *path, GError **error)
{
	struct device *d;

	if (find_path(devs, path))
		return true;
	d = g_new0(struct device, 1);
	d->owner = devs;
	d->path = g_strdup(path);
	d->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (d->fd < 0) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "cannot open %s: %s", path,
			    g_strerror(errno));
		device_close(d);
		return false;
	}
	return device_add(devs, d, error);
}

static struct device *find_id(struct tsr_input_devices *devs, uint32_t id)
{
	for (guint i = 0; i < devs->devices->len; i++) {
		struct device *d = g_ptr_array_index(devs->devices, i);
		if (d->id == id)
			return d;
	}
	return NULL;
}

bool tsr_input_devices_add_fd(struct tsr_input_devices *devs, uint32_t id, int fd,
			      const char *node, GError **error)
{
	struct device *d;

	if (id == 0 || find_id(devs, id)) {
		close(fd);
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "input device id %u is 0 or already in use", id);
		return false;
	}
	d = g_new0(struct device, 1);
	d->owner = devs;
	d->path = g_strdup(node ? node : "(passed)");
	d->id = id;
	d->fd = fd;
	/* The reader must never block the main loop, whoever opened the node. */
	if (!g_unix_set_fd_nonblocking(fd, TRUE, NULL)) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
			    "%s: cannot make it non-blocking: %s", d->path, g_strerror(errno));
		device_close(d);
		return false;
	}
	return device_add(devs, d, error);
}

void tsr_input_devices_remove_id(struct tsr_input_devices *devs, uint32_t id)
{
	struct device *d = id ? find_id(devs, id) : NULL;
	const char *why;

	if (!d)
		return;
	/* what it sent before it went still counts, in order */
	drain(d, &why);
	device_remove(devs, d, "unplugged", false);
}

static bool is_event_node(const char *devnode)
{
	const char *base = devnode ? strrchr(devnode, '/') : NULL;

	return base && g_str_has_prefix(base + 1, "event");
}

/* Our own dev_dir (tests) keeps the node's name; udev reports /dev/input paths. */
static char *node_path(struct tsr_input_devices *devs, const char *devnode)
{
	return g_build_filename(devs->dev_dir, strrchr(devnode, '/') + 1, NULL);
}

static void try_add(struct tsr_input_devices *devs, const char *devnode)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *path = NULL;

	if (!is_event_node(devnode))
		return;
	path = node_path(devs, devnode);
	if (tsr_input_devices_add_path(devs, path, &error))
		return;
	/* Power buttons and the like are expected; a keyboard we cannot open or grab is not: the
	 * user would be left without input (check the node's permissions: the kiosk user needs the
	 * input group, which udev sets before it announces the device; under the broker nothing is
	 * opened here: the broker lends the fds). */
	if (g_error_matches(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_NOT_OURS))
		tsr_debug("input: %s", error->message);
	else
		tsr_warn("input: %s", error->message);
}

static gboolean monitor_readable(int fd, GIOCondition cond, void *data)
{
	struct tsr_input_devices *devs = data;
	struct udev_device *ud;

	(void)fd;
	(void)cond;
	while ((ud = udev_monitor_receive_device(devs->monitor))) {
		const char *action = udev_device_get_action(ud);
		const char *devnode = udev_device_get_devnode(ud);
		if (devnode && is_event_node(devnode) && action) {
			if (strcmp(action, "add") == 0) {
				try_add(devs, devnode);
			} else if (strcmp(action, "remove") == 0) {
				g_autofree char *path = node_path(devs, devnode);
				struct device *d = find_path(devs, path);
				const char *why;
				if (d) {
					/* what it sent before it went still counts, in order */
					drain(d, &why);
					device_remove(devs, d, "unplugged", false);
				}
			}
		}
		udev_device_unref(ud);
	}
	return G_SOURCE_CONTINUE;
}

struct tsr_input_devices *tsr_input_devices_create(struct tsr_input_router *router,
						   const struct tsr_input_devices_options *options,
						   GError **error)
{
	struct tsr_input_devices *devs = g_new0(struct tsr_input_devices, 1);

	devs->router = router;
	devs->dev_dir = g_strdup(options && options->dev_dir ? options->dev_dir : "/dev/input");
	devs->devices = g_ptr_array_new();
	devs->next_source = 1;
	if (options) {
		devs->changed = options->changed;
		devs->user_data = options->user_data;
	}
	if (options && options->passed) {
		tsr_info("input: devices come from the broker");
		return devs;
	}
	devs->udev = udev_new();
	if (!devs->udev) {
		g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID, "cannot use libudev: %s",
			    g_strerror(errno));
		goto fail;
	}
	if (!(options && options->no_hotplug)) {
		/* Without udevd (initramfs, tests) only the kernel's own uevents exist. */
		const char *feed = g_file_test("/run/udev/control", G_FILE_TEST_EXISTS) ? "udev"
											 : "kernel";
		devs->monitor = udev_monitor_new_from_netlink(devs->udev, feed);
		if (!devs->monitor ||
		    udev_monitor_filter_add_match_subsystem_devtype(devs->monitor, "input", NULL) < 0 ||
		    udev_monitor_enable_receiving(devs->monitor) < 0) {
			g_set_error(error, TSR_INPUT_ERROR, TSR_INPUT_ERROR_INVALID,
				    "cannot follow input hotplug (udev monitor on the %s feed): %s", feed,
				    g_strerror(errno));
			goto fail;
		}
		devs->monitor_watch = g_unix_fd_add(udev_monitor_get_fd(devs->monitor), G_IO_IN,
						    monitor_readable, devs);
	}
	/* Enumerate after the monitor is on, so a device plugged in between is not missed (a
	 * double add is ignored by path). */
	struct udev_enumerate *en = udev_enumerate_new(devs->udev);
	if (en && udev_enumerate_add_match_subsystem(en, "input") >= 0 &&
	    udev_enumerate_scan_devices(en) >= 0) {
		struct udev_list_entry *e;
		udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en))
		{
			struct udev_device *ud =
				udev_device_new_from_syspath(devs->udev, udev_list_entry_get_name(e));
			if (!ud)
				continue;
			const char *devnode = udev_device_get_devnode(ud);
			if (devnode)
				try_add(devs, devnode);
			udev_device_unref(ud);
		}
	}
	udev_enumerate_unref(en);
	tsr_info("input: %u devices grabbed", devs->devices->len);
	return devs;
fail:
	tsr_input_devices_destroy(devs);
	return NULL;
}

void tsr_input_devices_destroy(struct tsr_input_devices *devs)
{
	if (!devs)
		return;
	while (devs->devices->len) {
		struct device *d = g_ptr_array_index(devs->devices, devs->devices->len - 1);
		tsr_input_router_device_removed(devs->router, d->source);
		g_ptr_array_remove_index(devs->devices, devs->devices->len - 1);
		device_close(d);
	}
	g_ptr_array_free(devs->devices, true);
	g_clear_handle_id(&devs->monitor_watch, g_source_remove);
	udev_monitor_unref(devs->monitor);
	udev_unref(devs->udev);
	g_free(devs->dev_dir);
	g_free(devs);
}

size_t tsr_input_devices_count(const struct tsr_input_devices *devs)
{
	return devs->devices->len;
}
