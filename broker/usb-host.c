/* broker/usb-host.c: USB devices on this host: keeping them unauthorized, deciding, attaching.
 *
 * Every root hub (bus) gets authorized_default=0 as soon as the broker sees it: at start, when
 * udev (or a rescan) reports a new one such as a dock's host controller, and at the latest before
 * the first device on it is decided. A device that appears is then enumerated but not
 * configured: no dom0 driver touches it until the broker decides (devices.h). Then:
 *   dom0       authorized=1 (keyboards, mice, hubs: the kiosk's own)
 *   deny       authorized=0, and the user is told
 *   attach X   when X runs: authorized=1 and handed to X's backend; until then it waits
 *   focused    follows the focused domain; when focus moves it is detached, reset
 *              (USBDEVFS_RESET, so a verified PIN does not follow it) and attached again
 * Every decision is audited and shown to the user as a trusted notification. The table of
 * assignments (devices.h) is the one truth of where a device is; it is saved in the state dir
 * and rebuilt against the backends after a restart.
 *
 * Hotplug comes from a libudev monitor; the sysfs and /dev roots are configurable so tests
 * can run against a tree of plain files (then `devices --rescan` stands in for udev). A host
 * without USB (no SYSFS/bus/usb/devices) is not an error: the broker runs, reports host USB
 * as unavailable, and still locks down a bus that shows up later. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <libudev.h>
#include <linux/usbdevice_fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

struct usb_entry {
	struct tsr_usb_dev *dev;
	bool virtual; /* the emulated smart card: no sysfs, no reset */
	bool moving;  /* a backend detach is under way; placed again when it is done */
	struct tsr_device_decision decision;
	char *target; /* where it should be now (domain), or NULL */
};

#define VIRTUAL_SYSNAME "virtual-smartcard"

struct brk_usb_host {
	struct tsr_broker *b;
	char *devices_dir; /* SYSFS/bus/usb/devices */
	char *devfs;
	GHashTable *present; /* sysname -> struct usb_entry */
	GHashTable *buses;   /* root hubs ("usb3") whose authorized_default is 0 */
	struct udev *udev;
	struct udev_monitor *mon;
	guint mon_watch;
};

static void entry_free(gpointer data)
{
	struct usb_entry *e = data;

	tsr_usb_dev_free(e->dev);
	g_free(e->target);
	g_free(e);
}

static char *sysfs_read(struct brk_usb_host *u, const char *sysname, const char *attr, size_t *len)
{
	g_autofree char *path = g_build_filename(u->devices_dir, sysname, attr, NULL);
	char *text = NULL;
	gsize n = 0;

	if (!g_file_get_contents(path, &text, &n, NULL))
		return NULL;
	if (len)
		*len = n;
	return text;
}

static bool sysfs_write(struct brk_usb_host *u, const char *sysname, const char *attr,
			const char *value)
{
	if (strcmp(sysname, VIRTUAL_SYSNAME) == 0)
		return true; /* the emulated card has no sysfs node */
	g_autofree char *path = g_build_filename(u->devices_dir, sysname, attr, NULL);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok = fd >= 0 && write(fd, value, strlen(value)) == (ssize_t)strlen(value);

	if (!ok)
		tsr_warn("usb: cannot write %s to %s: %s", value, path, g_strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

/* "3-1.2" is a device; "usb3" a root hub; "3-1.2:1.0" an interface. */
static bool is_device_name(const char *name)
{
	if (!g_ascii_isdigit(name[0]) || strchr(name, ':'))
		return false;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isdigit(*p) && *p != '-' && *p != '.')
			return false;
	return strchr(name, '-') != NULL;
}

/* "usb3" is the root hub of bus 3. */
static bool is_bus_name(const char *name)
{
	if (!g_str_has_prefix(name, "usb") || !name[3])
		return false;
	for (const char *p = name + 3; *p; p++)
		if (!g_ascii_isdigit(*p))
			return false;
	return true;
}

/* From now on nothing new on this bus is configured before the broker says so. A failed write
 * is retried when the bus or one of its devices is seen again. */
static void lock_bus(struct brk_usb_host *u, const char *bus)
{
	if (g_hash_table_contains(u->buses, bus))
		return;
	bool ok = sysfs_write(u, bus, "authorized_default", "0");
	if (ok)
		g_hash_table_add(u->buses, g_strdup(bus));
	brk_audit(u->b, "usb-bus-locked", "bus", bus, "result", ok ? "ok" : "failed", NULL);
}

/* The bus of device "3-1.2" is "usb3". */
static void lock_bus_of(struct brk_usb_host *u, const char *device)
{
	g_autofree char *bus = g_strdup_printf("usb%.*s", (int)strcspn(device, "-"), device);
	lock_bus(u, bus);
}

static struct tsr_usb_dev *read_device(struct brk_usb_host *u, const char *sysname, GError **error)
{
	struct tsr_usb_dev *dev = g_new0(struct tsr_usb_dev, 1);
	g_autofree char *desc = NULL, *bus = NULL, *addr = NULL, *serial = NULL;
	size_t len = 0;

	dev->sysname = g_strdup(sysname);
	desc = sysfs_read(u, sysname, "descriptors", &len);
	bus = sysfs_read(u, sysname, "busnum", NULL);
	addr = sysfs_read(u, sysname, "devnum", NULL);
	serial = sysfs_read(u, sysname, "serial", NULL);
	if (!desc || !bus || !addr) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
			    "%s has no descriptors/busnum/devnum in sysfs", sysname);
		tsr_usb_dev_free(dev);
		return NULL;
	}
	dev->bus = (unsigned)g_ascii_strtoull(bus, NULL, 10);
	dev->addr = (unsigned)g_ascii_strtoull(addr, NULL, 10);
	dev->id = g_strdup_printf("usb-%u-%u", dev->bus, dev->addr);
	if (serial) {
		g_strchomp(serial);
		/* The serial string comes from the device: keep it only if it is sane text. */
		if (serial[0] && strlen(serial) <= 126 && g_utf8_validate(serial, -1, NULL))
			dev->serial = g_strdup(serial);
	}
	if (!tsr_usb_parse_descriptors((const uint8_t *)desc, len, dev, error)) {
		tsr_usb_dev_free(dev);
		return NULL;
	}
	return dev;
}

static void audit_decision(struct brk_usb_host *u, struct usb_entry *e, const char *event,
			   const char *domain)
{
	JsonObject *o = json_object_new();
	g_autofree char *vidpid = g_strdup_printf("%04x:%04x", e->dev->vendor, e->dev->product);

	json_object_set_string_member(o, "device", e->dev->id);
	json_object_set_string_member(o, "sysname", e->dev->sysname);
	json_object_set_string_member(o, "usb_id", vidpid);
	if (e->dev->serial)
		json_object_set_string_member(o, "serial", e->dev->serial);
	json_object_set_string_member(o, "verdict", tsr_device_verdict_name(e->decision.verdict));
	if (e->decision.rule)
		json_object_set_string_member(o, "rule", e->decision.rule);
	if (domain)
		json_object_set_string_member(o, "domain", domain);
	json_object_set_string_member(o, "reason", e->decision.reason);
	brk_audit_object(u->b, event, o);
}

static struct tsr_usb_device backend_device(struct brk_usb_host *u, const struct usb_entry *e)
{
	struct tsr_usb_device d = { .kind = TSR_USB_HOST_BUSADDR, .bus = e->dev->bus,
				    .addr = e->dev->addr };

	if (e->virtual) {
		d.kind = TSR_USB_VIRTUAL_SMARTCARD;
		d.nss_db = u->b->cfg.virtual_smartcard;
		for (size_t i = 0; i < 3 && u->b->cfg.virtual_smartcard_certs &&
				   u->b->cfg.virtual_smartcard_certs[i];
		     i++)
			d.certs[i] = u->b->cfg.virtual_smartcard_certs[i];
	}
	return d;
}

/* Port reset: whatever state the device had (a verified PIN) is gone. */
static void reset_device(struct brk_usb_host *u, const struct tsr_usb_dev *dev)
{
	g_autofree char *path =
		g_strdup_printf("%s/bus/usb/%03u/%03u", u->devfs, dev->bus, dev->addr);
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int err = fd < 0 || ioctl(fd, USBDEVFS_RESET, 0) < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	if (err)
		tsr_warn("usb: reset of %s (%s) failed: %s", dev->id, path, g_strerror(err));
	brk_audit(u->b, "device-reset", "device", dev->id, "result",
		     err ? g_strerror(err) : "ok", NULL);
}

struct attach_ctx {
	struct brk_usb_host *u;
	char *sysname;
	char *domain;
};

static void attach_done(struct tsr_backend *backend, const char *name, const GError *error,
			void *data)
{
	struct attach_ctx *c = data;
	struct usb_entry *e = g_hash_table_lookup(c->u->present, c->sysname);

	if (e && error) {
		g_autofree char *owner = tsr_device_table_release(c->u->b->devices, e->dev->id);
		brk_audit(c->u->b, "device-attach-failed", "device", e->dev->id, "domain", name,
			     "reason", error->message, NULL);
		brk_session_notify(c->u->b, TSR_KIOSK_NOTE_DEVICE_DENIED, name,
			       "The device %04x:%04x could not be given to %s.", e->dev->vendor,
			       e->dev->product, name);
		sysfs_write(c->u, c->sysname, "authorized", "0");
		brk_save_state(c->u->b);
	} else if (e) {
		audit_decision(c->u, e, "device-attached", name);
		brk_session_notify(c->u->b, TSR_KIOSK_NOTE_DEVICE_ATTACHED, name,
			       "USB device %04x:%04x is now attached to %s.", e->dev->vendor,
			       e->dev->product, name);
	}
	g_free(c->sysname);
	g_free(c->domain);
	g_free(c);
}

static void place(struct brk_usb_host *u, struct usb_entry *e);

struct detach_ctx {
	struct brk_usb_host *u;
	char *sysname;
	bool reset;
};

/* The backend let go of the device: reset it, then put it where it belongs now. */
static void detach_done(struct tsr_backend *backend, const char *name, const GError *error,
			void *data)
{
	struct detach_ctx *c = data;
	struct usb_entry *e = g_hash_table_lookup(c->u->present, c->sysname);

	if (error)
		tsr_warn("usb: detach from %s: %s", name, error->message);
	if (e) {
		e->moving = false;
		if (c->reset && !e->virtual)
			reset_device(c->u, e->dev);
		place(c->u, e);
	}
	g_free(c->sysname);
	g_free(c);
}

/* Take e away from whichever domain has it (table and backend) and reset it. Returns true
 * when the backend is still letting go: detach_done finishes the job (reset, place again). */
static bool detach_entry(struct brk_usb_host *u, struct usb_entry *e, bool reset)
{
	g_autofree char *owner = tsr_device_table_release(u->b->devices, e->dev->id);
	struct brk_dom *d = brk_dom(u->b, owner);
	struct tsr_usb_device bd = backend_device(u, e);

	if (!owner)
		return false;
	audit_decision(u, e, "device-detached", owner);
	brk_session_notify(u->b, TSR_KIOSK_NOTE_DEVICE_DETACHED, owner,
		       "USB device %04x:%04x was taken from %s.", e->dev->vendor, e->dev->product,
		       owner);
	if (d && d->backend && tsr_backend_usb_owner(d->backend, e->dev->id)) {
		struct detach_ctx *c = g_new0(struct detach_ctx, 1);
		c->u = u;
		c->sysname = g_strdup(e->dev->sysname);
		c->reset = reset;
		e->moving = true;
		tsr_backend_detach_usb(d->backend, owner, &bd, detach_done, c);
		return true;
	}
	if (reset && !e->virtual)
		reset_device(u, e->dev);
	return false;
}

/* Put e where its decision says it should be now. */
static void place(struct brk_usb_host *u, struct usb_entry *e)
{
	struct tsr_broker *b = u->b;
	const char *want = NULL;
	const char *owner = tsr_device_table_owner(b->devices, e->dev->id);

	if (e->moving || b->adopting)
		return; /* detach_done, or the end of the adoptions, places it */
	if (e->decision.verdict == TSR_DEVICE_DOM0) {
		if (!detach_entry(u, e, true))
			sysfs_write(u, e->dev->sysname, "authorized", "1");
		return;
	}
	if (e->decision.verdict == TSR_DEVICE_ATTACH)
		want = e->target ? e->target : e->decision.domain;
	else if (e->decision.verdict == TSR_DEVICE_FOCUSED)
		want = e->target ? e->target : b->focused;
	/* Root's explicit choice (target) stands; what policy placed leaves while locked. */
	if (want && !e->target && e->decision.detach_on_lock && b->session == SESSION_LOCKED) {
		if (owner)
			brk_audit(b, "device-lock-detach", "device", e->dev->id, "domain", owner,
				  NULL);
		want = NULL;
	}
	if (want) {
		struct brk_dom *d = brk_dom(b, want);
		if (!d || !d->backend || brk_dom_state(d) != TSR_DOMAIN_RUNNING)
			want = NULL; /* waits until its domain runs */
	}
	if (want && g_strcmp0(owner, want) == 0)
		return; /* already where it belongs */
	/* Moving or leaving: detach and reset first, so nothing follows it. */
	if (detach_entry(u, e, owner != NULL)) {
		sysfs_write(u, e->dev->sysname, "authorized", "0");
		return; /* placed again once the backend has let go */
	}
	if (!want) {
		sysfs_write(u, e->dev->sysname, "authorized", "0");
		return;
	}
	struct brk_dom *d = brk_dom(b, want);
	struct tsr_usb_device bd = backend_device(u, e);
	g_autoptr(GError) error = NULL;
	if (!tsr_device_table_assign(b->devices, e->dev->id, want, &error)) {
		tsr_warn("usb: %s", error->message);
		return;
	}
	sysfs_write(u, e->dev->sysname, "authorized", "1");
	struct attach_ctx *c = g_new0(struct attach_ctx, 1);
	c->u = u;
	c->sysname = g_strdup(e->dev->sysname);
	c->domain = g_strdup(want);
	tsr_backend_attach_usb(d->backend, want, &bd, attach_done, c);
	brk_save_state(b);
}

/* Policy's verdict; without a policy every device is denied, except, while the laptop is not
 * enrolled, a device that is mass storage and nothing else: the enrolment disk must reach
 * dom0 (broker/enrol.c reads it without mounting). Enrolment reloads policy, which decides
 * it again. */
static void decide(struct brk_usb_host *u, struct usb_entry *e)
{
	bool storage = e->dev->n_interfaces > 0;

	for (size_t i = 0; i < e->dev->n_interfaces; i++)
		storage = storage && e->dev->interface_class[i] == 0x08;
	if (u->b->policy)
		tsr_devices_decide(u->b->policy, e->dev, &e->decision);
	else if (storage && !brk_enrolled(u->b))
		e->decision = (struct tsr_device_decision){
			.verdict = TSR_DEVICE_DOM0,
			.reason = "mass storage while not enrolled (an enrolment disk)" };
	else
		e->decision = (struct tsr_device_decision){ .verdict = TSR_DEVICE_DENY,
							    .reason = "no policy" };
}

static void device_added(struct brk_usb_host *u, const char *sysname)
{
	g_autoptr(GError) error = NULL;
	struct usb_entry *e;
	struct tsr_usb_dev *dev;

	if (!is_device_name(sysname) || g_hash_table_contains(u->present, sysname))
		return;
	lock_bus_of(u, sysname); /* in case its bus's own event has not come yet */
	dev = read_device(u, sysname, &error);
	e = g_new0(struct usb_entry, 1);
	if (!dev) {
		/* Unreadable descriptors: judged as a device with no interfaces, i.e. denied. */
		dev = g_new0(struct tsr_usb_dev, 1);
		dev->sysname = g_strdup(sysname);
		dev->id = g_strdup_printf("usb-%s", sysname);
		tsr_warn("usb: %s: %s", sysname, error->message);
	}
	e->dev = dev;
	g_hash_table_insert(u->present, g_strdup(sysname), e);
	decide(u, e);
	audit_decision(u, e, "device-decision", e->decision.domain);
	if (e->decision.verdict == TSR_DEVICE_DENY)
		brk_session_notify(u->b, TSR_KIOSK_NOTE_DEVICE_DENIED, NULL,
			       "USB device %04x:%04x was refused: %s.", dev->vendor, dev->product,
			       e->decision.reason);
	place(u, e);
}

/* QEMU's emulated CCID reader (usb-ccid + ccid-card-emulated, backed by an NSS database),
 * judged by the same rules as a real reader: vendor 08e6, product 4433, one interface of class
 * 0b, no serial. It counts as plugged in from the start. */
static void add_virtual_smartcard(struct brk_usb_host *u)
{
	struct usb_entry *e = g_new0(struct usb_entry, 1);

	e->virtual = true;
	e->dev = g_new0(struct tsr_usb_dev, 1);
	e->dev->id = g_strdup("smartcard");
	e->dev->sysname = g_strdup(VIRTUAL_SYSNAME);
	e->dev->vendor = 0x08e6;
	e->dev->product = 0x4433;
	e->dev->n_interfaces = 1;
	e->dev->interface_class[0] = 0x0b;
	g_hash_table_insert(u->present, g_strdup(VIRTUAL_SYSNAME), e);
	if (u->b->policy)
		tsr_devices_decide(u->b->policy, e->dev, &e->decision);
	else
		e->decision = (struct tsr_device_decision){ .verdict = TSR_DEVICE_DENY,
							    .reason = "no policy" };
	audit_decision(u, e, "device-decision", e->decision.domain);
	place(u, e);
}

static void unplugged_detach_done(struct tsr_backend *backend, const char *name,
				  const GError *error, void *data)
{
	if (error)
		tsr_debug("usb: detach of an unplugged device from %s: %s", name, error->message);
}

static void device_removed(struct brk_usb_host *u, const char *sysname)
{
	struct usb_entry *e = g_hash_table_lookup(u->present, sysname);

	if (!e)
		return;
	g_autofree char *owner = tsr_device_table_release(u->b->devices, e->dev->id);
	struct brk_dom *d = brk_dom(u->b, owner);
	if (d && d->backend && tsr_backend_usb_owner(d->backend, e->dev->id)) {
		struct tsr_usb_device bd = backend_device(u, e);
		tsr_backend_detach_usb(d->backend, owner, &bd, unplugged_detach_done, NULL);
	}
	audit_decision(u, e, "device-removed", owner);
	g_hash_table_remove(u->present, sysname);
	brk_save_state(u->b);
}

static gboolean bus_gone(gpointer key, gpointer value, gpointer data)
{
	struct brk_usb_host *u = data;
	g_autofree char *path = g_build_filename(u->devices_dir, (const char *)key, NULL);

	return !g_file_test(path, G_FILE_TEST_EXISTS);
}

static void scan(struct brk_usb_host *u)
{
	g_autoptr(GDir) dir = g_dir_open(u->devices_dir, 0, NULL);
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	const char *name;
	GHashTableIter it;
	gpointer key;
	GPtrArray *gone = g_ptr_array_new_with_free_func(g_free);

	while (dir && (name = g_dir_read_name(dir))) {
		if (is_bus_name(name))
			lock_bus(u, name);
		if (!is_device_name(name))
			continue;
		g_hash_table_add(seen, g_strdup(name));
		device_added(u, name);
	}
	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, &key, NULL))
		if (!g_hash_table_contains(seen, key) && strcmp(key, VIRTUAL_SYSNAME) != 0)
			g_ptr_array_add(gone, g_strdup(key));
	for (guint i = 0; i < gone->len; i++)
		device_removed(u, gone->pdata[i]);
	g_ptr_array_free(gone, TRUE);
	/* A bus that went away is locked again if it comes back. */
	g_hash_table_foreach_remove(u->buses, bus_gone, u);
	g_hash_table_destroy(seen);
}

static gboolean on_udev(int fd, GIOCondition cond, gpointer data)
{
	struct brk_usb_host *u = data;
	struct udev_device *dev = udev_monitor_receive_device(u->mon);

	if (!dev)
		return G_SOURCE_CONTINUE;
	const char *action = udev_device_get_action(dev);
	const char *sysname = udev_device_get_sysname(dev);
	if (action && sysname) {
		if (strcmp(action, "add") == 0 && is_bus_name(sysname))
			lock_bus(u, sysname);
		else if (strcmp(action, "add") == 0)
			device_added(u, sysname);
		else if (strcmp(action, "remove") == 0 && is_bus_name(sysname))
			g_hash_table_remove(u->buses, sysname);
		else if (strcmp(action, "remove") == 0)
			device_removed(u, sysname);
	}
	udev_device_unref(dev);
	return G_SOURCE_CONTINUE;
}

static void audit_ready(struct brk_usb_host *u)
{
	g_autofree char *n = g_strdup_printf("%u", g_hash_table_size(u->present));
	brk_audit(u->b, "usb-ready", "devices", n, NULL);
}

struct brk_usb_host *brk_usb_host_create(struct tsr_broker *b, GError **error)
{
	struct brk_usb_host *u = g_new0(struct brk_usb_host, 1);
	g_autoptr(GDir) dir = NULL;
	g_autoptr(GError) local = NULL;

	u->b = b;
	u->devices_dir = g_build_filename(b->cfg.sysfs_root, "bus", "usb", "devices", NULL);
	u->devfs = g_strdup(b->cfg.devfs_root ? b->cfg.devfs_root : "/dev");
	u->present = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, entry_free);
	u->buses = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	dir = g_dir_open(u->devices_dir, 0, &local);
	if (!dir && !g_error_matches(local, G_FILE_ERROR, G_FILE_ERROR_NOENT)) {
		g_propagate_prefixed_error(error, g_steal_pointer(&local), "USB handling: ");
		brk_usb_host_destroy(u);
		return NULL;
	}
	if (!dir) {
		g_autofree char *why = brk_usb_host_unavailable(u);
		tsr_warn("usb: %s", why);
		brk_audit(b, "usb-unavailable", "reason", why, NULL);
	}
	if (b->cfg.udev) {
		u->udev = udev_new();
		u->mon = u->udev ? udev_monitor_new_from_netlink(u->udev, "udev") : NULL;
		if (!u->mon ||
		    udev_monitor_filter_add_match_subsystem_devtype(u->mon, "usb", "usb_device") < 0 ||
		    udev_monitor_enable_receiving(u->mon) < 0) {
			g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
				    "USB handling: cannot watch udev for hotplug");
			brk_usb_host_destroy(u);
			return NULL;
		}
		u->mon_watch = g_unix_fd_add(udev_monitor_get_fd(u->mon), G_IO_IN, on_udev, u);
	}
	b->usb = u;
	if (b->cfg.virtual_smartcard)
		add_virtual_smartcard(u);
	scan(u);
	/* With domains still being adopted, placement (and usb-ready) waits for them. */
	if (!b->adopting)
		audit_ready(u);
	return u;
}

void brk_usb_host_destroy(struct brk_usb_host *u)
{
	if (!u)
		return;
	g_clear_handle_id(&u->mon_watch, g_source_remove);
	if (u->mon)
		udev_monitor_unref(u->mon);
	if (u->udev)
		udev_unref(u->udev);
	if (u->present)
		g_hash_table_destroy(u->present);
	if (u->buses)
		g_hash_table_destroy(u->buses);
	g_free(u->devices_dir);
	g_free(u->devfs);
	g_free(u);
}

char *brk_usb_host_unavailable(struct brk_usb_host *u)
{
	if (g_file_test(u->devices_dir, G_FILE_TEST_IS_DIR))
		return NULL;
	return g_strdup_printf("no USB on this host (%s is missing)", u->devices_dir);
}

JsonArray *brk_usb_host_list(struct brk_usb_host *u)
{
	JsonArray *a = json_array_new();
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct usb_entry *e = value;
		JsonObject *o = json_object_new();
		g_autofree char *vidpid =
			g_strdup_printf("%04x:%04x", e->dev->vendor, e->dev->product);
		JsonArray *cls = json_array_new();
		const char *owner = tsr_device_table_owner(u->b->devices, e->dev->id);

		for (size_t i = 0; i < e->dev->n_interfaces; i++)
			json_array_add_int_element(cls, e->dev->interface_class[i]);
		json_object_set_string_member(o, "id", e->dev->id);
		json_object_set_string_member(o, "sysname", e->dev->sysname);
		json_object_set_string_member(o, "usb_id", vidpid);
		if (e->dev->serial)
			json_object_set_string_member(o, "serial", e->dev->serial);
		json_object_set_array_member(o, "classes", cls);
		json_object_set_string_member(o, "verdict",
					      tsr_device_verdict_name(e->decision.verdict));
		if (e->decision.rule)
			json_object_set_string_member(o, "rule", e->decision.rule);
		json_object_set_string_member(o, "reason", e->decision.reason);
		if (owner)
			json_object_set_string_member(o, "attached_to", owner);
		json_array_add_object_element(a, o);
	}
	return a;
}

void brk_usb_host_domain_changed(struct brk_usb_host *u, const char *domain)
{
	GHashTableIter it;
	gpointer value;
	struct brk_dom *d = brk_dom(u->b, domain);
	enum tsr_domain_state st = d ? brk_dom_state(d) : TSR_DOMAIN_STOPPED;
	/* Only a stopped (or crashed) domain's backend has let go of its devices by itself; a
	 * paused one still holds them, and place() detaches them properly if they must go. */
	bool gone = st == TSR_DOMAIN_STOPPED || st == TSR_DOMAIN_CRASHED;

	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct usb_entry *e = value;
		const char *owner = tsr_device_table_owner(u->b->devices, e->dev->id);
		/* A stopped domain's devices go back to waiting (its backend let them go). */
		if (gone && g_strcmp0(owner, domain) == 0) {
			g_autofree char *was = tsr_device_table_release(u->b->devices, e->dev->id);
			audit_decision(u, e, "device-released", was);
			sysfs_write(u, e->dev->sysname, "authorized", "0");
			/* Root's choice (target) stays: it waits for that domain to run again. */
		}
		place(u, e);
	}
	brk_save_state(u->b);
}

/* place() every present device that which picks (all of them when which is NULL). */
static void place_each(struct brk_usb_host *u, bool (*which)(const struct usb_entry *e))
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, NULL, &value))
		if (!which || which(value))
			place(u, value);
}

static bool leaves_on_lock(const struct usb_entry *e)
{
	return e->decision.detach_on_lock;
}

static bool follows_focus(const struct usb_entry *e)
{
	return e->decision.verdict == TSR_DEVICE_FOCUSED;
}

void brk_usb_host_place_all(struct brk_usb_host *u)
{
	place_each(u, NULL);
	brk_save_state(u->b);
	audit_ready(u);
}

void brk_usb_host_lock_changed(struct brk_usb_host *u)
{
	place_each(u, leaves_on_lock);
	brk_save_state(u->b);
}

void brk_usb_host_focus_changed(struct brk_usb_host *u)
{
	place_each(u, follows_focus);
}

static struct usb_entry *find_by_id(struct brk_usb_host *u, const char *id)
{
	GHashTableIter it;
	gpointer value;

	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct usb_entry *e = value;
		if (strcmp(e->dev->id, id) == 0 || strcmp(e->dev->sysname, id) == 0)
			return e;
	}
	return NULL;
}

bool brk_usb_host_attach(struct brk_usb_host *u, const char *id, const char *domain, GError **error)
{
	struct usb_entry *e = find_by_id(u, id);
	struct brk_dom *d = brk_dom(u->b, domain);

	if (!e) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_NOT_FOUND,
			    "no USB device %s (tessera-ctl devices lists them)", id);
		return false;
	}
	if (!d || !d->backend || brk_dom_state(d) != TSR_DOMAIN_RUNNING) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_FAILED,
			    "domain %s is not running; start it first", domain);
		return false;
	}
	/* Root's explicit choice overrides the rules for this device until it is unplugged. */
	if (e->decision.verdict != TSR_DEVICE_ATTACH && e->decision.verdict != TSR_DEVICE_FOCUSED)
		e->decision.verdict = TSR_DEVICE_ATTACH;
	g_snprintf(e->decision.reason, sizeof(e->decision.reason), "attached by root");
	g_free(e->target);
	e->target = g_strdup(domain);
	place(u, e);
	return true;
}

bool brk_usb_host_detach(struct brk_usb_host *u, const char *id, GError **error)
{
	struct usb_entry *e = find_by_id(u, id);

	if (!e) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_NOT_FOUND,
			    "no USB device %s (tessera-ctl devices lists them)", id);
		return false;
	}
	/* Until it is unplugged or root attaches it again, it stays with nobody. */
	e->decision.verdict = TSR_DEVICE_DENY;
	e->decision.rule = NULL;
	e->decision.domain = NULL;
	g_snprintf(e->decision.reason, sizeof(e->decision.reason), "detached by root");
	g_clear_pointer(&e->target, g_free);
	detach_entry(u, e, true);
	sysfs_write(u, e->dev->sysname, "authorized", "0");
	brk_save_state(u->b);
	return true;
}

void brk_usb_host_rescan(struct brk_usb_host *u, bool redecide)
{
	GHashTableIter it;
	gpointer value;

	if (!redecide) {
		scan(u);
		return;
	}
	/* Policy changed: decide every device afresh. */
	g_hash_table_iter_init(&it, u->present);
	while (g_hash_table_iter_next(&it, NULL, &value)) {
		struct usb_entry *e = value;
		decide(u, e);
		g_clear_pointer(&e->target, g_free);
		audit_decision(u, e, "device-decision", e->decision.domain);
		place(u, e);
	}
	scan(u);
}
