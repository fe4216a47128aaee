/* tests/system/xen/dom0-pair.c: the mission's smart card and isolated network on real Xen.
 *
 * Two network=isolated HVM domains, the driver's first one ("left" here) and "right", run at
 * once under the xen backend. The host's QEMU gives dom0 an emulated CCID reader (usb-ccid +
 * ccid-card-emulated) on an xHCI; dom0's usbcore leaves new devices unauthorized, as the
 * broker's locked buses do, and the reader must wait there with no dom0 driver bound; then it
 * goes to one domain and on to the other through the backend's fd passing. The
 * network checks follow domains-qemu-test's: left probes right and a listener dom0 puts on
 * left's own bridge, both fail (and no probe got through meanwhile), and the same probe to dom0
 * succeeds once the test removes the bridge from the nftables fence, which is the control that
 * the path works. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <linux/usbdevice_fs.h>
#include <unistd.h>

#include "domains/network.h"
#include "tests/system/domains-test-util.h"
#include "tests/system/xen/dom0-check.h"

#define USB_DEVICES "/sys/bus/usb/devices"
#define BOOT_MS 240000

struct reader {
	char sysname[64];
	unsigned bus, addr;
};

static char *attr(const char *sysname, const char *name)
{
	char *path = g_strdup_printf(USB_DEVICES "/%s/%s", sysname, name);
	char *text = NULL;
	if (g_file_get_contents(path, &text, NULL, NULL))
		g_strstrip(text);
	g_free(path);
	return text;
}

static bool attr_is(const char *sysname, const char *name, const char *want)
{
	char *v = attr(sysname, name);
	bool is = v && strcmp(v, want) == 0;
	g_free(v);
	return is;
}

/* QEMU's emulated CCID reader: 08e6:4433. */
static bool find_reader(struct reader *r)
{
	DIR *d = opendir(USB_DEVICES);
	struct dirent *e;
	bool found = false;
	while (d && !found && (e = readdir(d))) {
		if (strchr(e->d_name, ':') || !attr_is(e->d_name, "idVendor", "08e6") ||
		    !attr_is(e->d_name, "idProduct", "4433"))
			continue;
		char *bus = attr(e->d_name, "busnum"), *dev = attr(e->d_name, "devnum");
		if (bus && dev) {
			g_strlcpy(r->sysname, e->d_name, sizeof r->sysname);
			r->bus = (unsigned)atoi(bus);
			r->addr = (unsigned)atoi(dev);
			found = true;
		}
		g_free(bus);
		g_free(dev);
	}
	if (d)
		closedir(d);
	return found;
}

/* The drivers dom0 bound to the reader's interfaces, "if=driver ..." ("none" for none). Only
 * usbfs (the device model's claim) is allowed. */
static char *interface_drivers(const struct reader *r, bool *only_usbfs)
{
	GString *s = g_string_new(NULL);
	char *prefix = g_strdup_printf("%s:", r->sysname);
	DIR *d = opendir(USB_DEVICES);
	struct dirent *e;
	*only_usbfs = true;
	while (d && (e = readdir(d))) {
		if (!g_str_has_prefix(e->d_name, prefix))
			continue;
		char *link = g_strdup_printf(USB_DEVICES "/%s/driver", e->d_name);
		char *target = g_file_read_link(link, NULL);
		char *drv = target ? g_path_get_basename(target) : g_strdup("none");
		if (strcmp(drv, "none") != 0 && strcmp(drv, "usbfs") != 0)
			*only_usbfs = false;
		g_string_append_printf(s, "%s%s=%s", s->len ? " " : "", e->d_name, drv);
		g_free(drv);
		g_free(target);
		g_free(link);
	}
	if (d)
		closedir(d);
	g_free(prefix);
	if (!s->len)
		g_string_append(s, "no interfaces");
	return g_string_free(s, FALSE);
}

static void define(struct tsr_backend *b, const char *name, uid_t uid, const char *cmdline,
		   const char *sum, guint64 size)
{
	struct tsr_domain_spec s = { .name = name, .uid = uid, .gid = uid, .memory_mb = 128,
				     .vcpus = 1, .template_path = "/guest/template.qcow2",
				     .template_sha256 = sum, .template_size = size,
				     .disposable = true, .network = TSR_NETWORK_ISOLATED,
				     .cmdline = cmdline };
	GError *error = NULL;
	xen_check(tsr_backend_define(b, &s, &error), "xen-isolated-define: domain %s defined%s%s",
		  name, error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
}

static bool sh(const char *cmd)
{
	int status = 0;
	return g_spawn_command_line_sync(cmd, NULL, NULL, &status, NULL) &&
	       g_spawn_check_wait_status(status, NULL);
}

/* The fence and the bridge's ports as nft and sysfs show them. */
static void check_fenced(const char *domain)
{
	char *vif = tsr_network_tap_name(domain), *bridge = tsr_network_bridge_name(domain);
	char *set = NULL;
	g_spawn_command_line_sync("nft list set inet tessera_domains isolated_ifs", &set, NULL,
				  NULL, NULL);
	/* The PV vif is the port that stays: a guest with PV drivers has the emulated NIC (and its
	 * -emu TAP) unplugged as it boots. */
	char *vif_port = g_strdup_printf("/sys/class/net/%s/brif/%s", bridge, vif);
	char *want_emu = g_strdup_printf("\"%s-emu\"", vif), *want_vif =
		g_strdup_printf("\"%s\"", vif), *want_br = g_strdup_printf("\"%s\"", bridge);
	xen_check(set && strstr(set, want_vif) && strstr(set, want_emu) && strstr(set, want_br) &&
			  g_file_test(vif_port, G_FILE_TEST_EXISTS),
		  "xen-isolated-fenced: %s's vif %s, its emulated NIC %s-emu and bridge %s are in "
		  "nftables' isolated_ifs, the vif a port of that bridge", domain, vif, vif, bridge);
	if (!set || !strstr(set, want_br))
		printf("TSR-XEN # nft: %s\n", set ? set : "(nothing)");
	g_free(set);
	g_free(vif_port);
	g_free(want_emu);
	g_free(want_vif);
	g_free(want_br);
	g_free(vif);
	g_free(bridge);
}

/* The serial log from offset from on, without carriage returns (wait_for_text's offsets);
 * *end is its length. */
static char *serial_since(const char *path, gsize from, gsize *end)
{
	char *text = NULL;
	gsize len = 0, o = 0;
	if (!g_file_get_contents(path, &text, &len, NULL))
		text = g_strdup("");
	for (gsize i = 0; i < len; i++)
		if (text[i] != '\r')
			text[o++] = text[i];
	text[o] = '\0';
	*end = o;
	char *tail = g_strdup(text + MIN(from, o));
	g_free(text);
	return tail;
}

static bool set_authorized(const struct reader *r, const char *value)
{
	/* sysfs takes a write in place (g_file_set_contents would rename a new file over it). */
	char *path = g_strdup_printf(USB_DEVICES "/%s/authorized", r->sysname);
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(value, f) >= 0;
	if (f && fclose(f) != 0)
		ok = false;
	g_free(path);
	return ok;
}

/* The reader goes to domain to through the backend (root opens the node and passes the fd over
 * libxl's QMP socket); to's guest reports it (interface class 0x0b), other's never does, and
 * the node stays root's. Returns whether it went in. */
static bool card_to(struct tsr_backend *b, const struct tsr_usb_device *dev, const char *node,
		    const char *to, const char *ser_to, const char *other, const char *ser_other)
{
	struct stat before, after;
	gsize at = 0, at_other = 0;
	g_free(serial_since(ser_to, 0, &at));
	g_free(serial_since(ser_other, 0, &at_other));
	GError *error = NULL;
	gint64 t0 = g_get_monotonic_time();
	bool in = stat(node, &before) == 0 &&
		  tsr_backend_attach_usb_sync(b, to, dev, 60000, &error);
	xen_check(in, "xen-smartcard-attach-%s: the backend hands the reader to %s (%.1f s)%s%s",
		  to, to, (g_get_monotonic_time() - t0) / 1e6, error ? ": " : "",
		  error ? error->message : "");
	g_clear_error(&error);
	if (!in)
		return false;
	gsize from = at;
	bool seen = wait_for_text(ser_to, "08e6:4433 class=0b", &at, 60000);
	if (!seen) {
		gsize e = 0;
		char *t = serial_since(ser_to, from, &e);
		printf("TSR-XEN # %s's serial since the attach:\n%s\n", to, t);
		g_free(t);
	}
	xen_check(seen, "xen-smartcard-in-%s: %s's guest reports the CCID reader 08e6:4433 "
		  "class=0b (%.1f s)", to, to, (g_get_monotonic_time() - t0) / 1e6);
	gsize end = 0;
	char *tail = serial_since(ser_other, at_other, &end);
	xen_check(!strstr(tail, "08e6:4433"), "xen-smartcard-not-in-%s: %s's guest never sees it",
		  other, other);
	g_free(tail);
	xen_check(stat(node, &after) == 0 && after.st_uid == before.st_uid &&
		  after.st_mode == before.st_mode, "xen-smartcard-node-stays-roots-%s: %s keeps "
		  "owner %u and mode %o", to, node, (unsigned)before.st_uid, (unsigned)before.st_mode);
	t0 = g_get_monotonic_time();
	bool out = tsr_backend_detach_usb_sync(b, to, dev, 60000, &error);
	at = from;
	xen_check(out && wait_for_text(ser_to, "usb remove", &at, 60000),
		  "xen-smartcard-detach-%s: device_del takes it out of %s, whose guest reports the "
		  "removal (%.1f s)%s%s", to, to, (g_get_monotonic_time() - t0) / 1e6,
		  error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	return seen;
}

/* The reader reaches dom0 and waits there unauthorized with no dom0 driver; authorized as the
 * broker does for the domain a policy picks, it goes to left, then (a lock, a user switch) to
 * right. */
static void smartcard_checks(struct tsr_backend *b, const char *left, const char *ser_l,
			     const char *ser_r)
{
	struct reader r;
	if (!xen_check(find_reader(&r), "xen-smartcard-in-dom0: the host's CCID reader (08e6:4433) "
		       "is on dom0's USB"))
		return;
	bool only_usbfs = true;
	char *drivers = interface_drivers(&r, &only_usbfs);
	xen_check(attr_is(r.sysname, "authorized", "0") && only_usbfs,
		  "xen-smartcard-unauthorized: %s waits unauthorized, no dom0 driver bound (%s)",
		  r.sysname, drivers);
	g_free(drivers);
	if (!xen_check(set_authorized(&r, "1"), "xen-smartcard-authorized: %s authorized",
		       r.sysname))
		return;
	struct tsr_usb_device dev = { .kind = TSR_USB_HOST_BUSADDR, .bus = r.bus, .addr = r.addr };
	char *node = g_strdup_printf("/dev/bus/usb/%03u/%03u", r.bus, r.addr);
	/* Between domains the broker resets the port (brk_usb_host), as here. */
	int fd = -1;
	if (card_to(b, &dev, node, left, ser_l, "right", ser_r) &&
	    xen_check((fd = open(node, O_RDWR | O_CLOEXEC)) >= 0 &&
		      ioctl(fd, USBDEVFS_RESET, 0) == 0, "xen-smartcard-reset: %s reset",
		      node))
		card_to(b, &dev, node, "right", ser_r, left, ser_l);
	if (fd >= 0)
		close(fd);
	g_free(node);
	if (!set_authorized(&r, "0"))
		xen_check(false, "xen-smartcard-authorized: %s unauthorized again", r.sysname);
}

static void network_checks(const char *left, const char *ser_l)
{
	char *bridge = tsr_network_bridge_name(left);
	char *cmd = g_strdup_printf("ip addr add 10.99.0.254/24 dev %s", bridge);
	bool addr = sh(cmd);
	g_free(cmd);
	GPid listener = 0;
	char *argv[] = { "socat", "TCP-LISTEN:7777,bind=10.99.0.254,fork,reuseaddr",
			 "SYSTEM:echo dom0", NULL };
	bool listening = addr && g_spawn_async(NULL, argv, NULL,
					       G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
					       NULL, NULL, &listener, NULL);
	/* Only what the guest reports from now on counts: before, dom0 had no listener. */
	gsize at0 = 0;
	g_free(serial_since(ser_l, 0, &at0));
	gsize at = at0;
	bool no_domain = listening &&
			 wait_for_text(ser_l, "probe 10.99.0.2:7777 failed", &at, 90000);
	at = at0;
	bool no_dom0 = listening &&
		       wait_for_text(ser_l, "probe 10.99.0.254:7777 failed", &at, 90000);
	gsize at1 = 0;
	char *fenced = serial_since(ser_l, at0, &at1);
	bool leak = strstr(fenced, "7777 ok") != NULL;
	xen_check(no_domain && !leak, "xen-isolated-no-domain: %s cannot reach right (probe "
		  "10.99.0.2:7777)", left);
	xen_check(no_dom0 && !leak, "xen-isolated-no-dom0: %s cannot reach a listener dom0 puts "
		  "on its own bridge (probe 10.99.0.254:7777)", left);
	if (!no_domain || !no_dom0 || leak)
		printf("TSR-XEN # %s's serial since the listener:\n%s\n", left, fenced);
	g_free(fenced);
	/* The control: the same probe gets through once the bridge is out of the fence. */
	cmd = g_strdup_printf("nft delete element inet tessera_domains isolated_ifs '{ \"%s\" }'",
			      bridge);
	gint64 t0 = g_get_monotonic_time();
	bool unfenced = sh(cmd);
	g_free(cmd);
	at = at1;
	xen_check(unfenced && wait_for_text(ser_l, "probe 10.99.0.254:7777 ok", &at, 60000),
		  "xen-isolated-control: without the fence the same probe reaches dom0 (%.1f s), "
		  "so the path works and the fence is what stops it",
		  (g_get_monotonic_time() - t0) / 1e6);
	cmd = g_strdup_printf("nft add element inet tessera_domains isolated_ifs '{ \"%s\" }'",
			      bridge);
	if (!sh(cmd))
		xen_check(false, "xen-isolated-control: %s fenced again", bridge);
	g_free(cmd);
	if (listener > 0)
		kill(listener, SIGTERM);
	g_free(bridge);
}

bool xen_pair_start(struct tsr_backend *b, const char *sum, guint64 size)
{
	define(b, "right", 64202, "tsr.ip=10.99.0.2/24", sum, size);
	GError *error = NULL;
	gint64 t0 = g_get_monotonic_time();
	bool up = tsr_backend_start_sync(b, "right", BOOT_MS, &error);
	xen_check(up, "xen-isolated-start: a second network=isolated domain, right, starts (%.1f s)"
		  "%s%s", (g_get_monotonic_time() - t0) / 1e6, error ? ": " : "",
		  error ? error->message : "");
	g_clear_error(&error);
	if (up)
		check_fenced("right");
	return up;
}

void xen_pair_checks(struct tsr_backend *b, const char *left)
{
	const char *ser_l = tsr_backend_console_path(b, left);
	const char *ser_r = tsr_backend_console_path(b, "right");
	gsize at_l = 0, at_r = 0;
	gint64 t0 = g_get_monotonic_time();
	check_fenced(left);
	bool booted = wait_for_text(ser_r, "hello name=right", &at_r, BOOT_MS);
	xen_check(booted, "xen-isolated-booted: right reports on its serial port (%.1f s after %s "
		  "did)", (g_get_monotonic_time() - t0) / 1e6, left);
	wait_for_text(ser_l, "hello name=", &at_l, 1000);
	if (booted) {
		/* The network first: its probes need left's guest running for up to three minutes.
		 * Once in about seven runs, after the reader had left it, been reset and gone to
		 * right, left's guest went silent (no probe lines for 180 s, its power-off not done
		 * in 90 s); the line below keeps collecting what follows the card's moves. */
		network_checks(left, ser_l);
		smartcard_checks(b, left, ser_l, ser_r);
		gsize end = 0;
		g_free(serial_since(ser_l, 0, &end));
		printf("TSR-XEN # %s's serial after the smart card's moves: %s\n", left,
		       wait_for_text(ser_l, "probe ", &end, 10000) ? "still reporting"
								   : "silent for 10 s");
	}
	bool down = tsr_backend_destroy_domain_sync(b, "right", 60000, NULL);
	char *bridge = tsr_network_bridge_name("right");
	char *path = g_strdup_printf("/sys/class/net/%s", bridge);
	xen_check(down && !g_file_test(path, G_FILE_TEST_EXISTS),
		  "xen-isolated-released: right destroyed, its bridge %s gone", bridge);
	g_free(path);
	g_free(bridge);
}
