/* tests/system/xen/dom0-driver.c: runs inside the nested Xen dom0 of make check-xen and drives
 * the real xen backend: create an HVM domain from a generated config, check its SPICE socket
 * and device model, let the host look at its screen and type into it, adopt it from
 * `xl list -l` as a restarted broker would, shut it down gracefully, start it again and
 * destroy it. Each result is one
 * "TSR-XEN ok|not ok DESCRIPTION" line on the console, which the host turns into TAP.
 * With --debian DIR (make check-xen-debian) it boots the Debian template in DIR from its own
 * disk through SeaBIOS instead, as a disposable domain, and waits for its userspace's first
 * report on the serial port before the host looks at its screen. */
#include "config.h"

#include <dirent.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domains/backend.h"
#include "tests/system/domains-test-util.h"
#include "tests/system/xen/dom0-check.h"

static int failures;

bool xen_check(bool ok, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *desc = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	printf("TSR-XEN %s %s\n", ok ? "ok" : "not ok", desc);
	fflush(stdout);
	failures += !ok;
	g_free(desc);
	return ok;
}

#define check(...) ((void)xen_check(__VA_ARGS__))

static char *manifest_sum(const char *manifest, const char *file, guint64 *size)
{
	char *text = NULL, *sum = NULL;
	g_file_get_contents(manifest, &text, NULL, NULL);
	char **lines = g_strsplit(text ? text : "", "\n", -1);
	for (char **l = lines; *l; l++) {
		char name[64], hex[65];
		unsigned long long sz;
		if (sscanf(*l, "%63s %llu %64s", name, &sz, hex) == 3 && strcmp(name, file) == 0) {
			sum = g_strdup(hex);
			*size = sz;
		}
	}
	g_strfreev(lines);
	g_free(text);
	return sum;
}

/* The device model of domain domid runs as uid? (Looks for its -xen-domid argument.) */
static long dm_uid(long domid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	long uid = -1;
	char want[32];
	snprintf(want, sizeof want, "%ld", domid);
	while (d && (e = readdir(d))) {
		char path[300], *cmd = NULL;
		gsize len = 0;
		snprintf(path, sizeof path, "/proc/%.32s/cmdline", e->d_name);
		if (!g_file_get_contents(path, &cmd, &len, NULL))
			continue;
		bool is_dm = strstr(cmd, "qemu-system-i386") != NULL;
		bool ours = false;
		for (gsize i = 0; is_dm && i + 1 < len; i += strlen(cmd + i) + 1)
			if (strcmp(cmd + i, "-xen-domid") == 0 && strcmp(cmd + i + strlen(cmd + i) + 1, want) == 0)
				ours = true;
		g_free(cmd);
		if (ours) {
			struct stat st;
			snprintf(path, sizeof path, "/proc/%.32s", e->d_name);
			if (stat(path, &st) == 0)
				uid = st.st_uid;
		}
	}
	if (d)
		closedir(d);
	return uid;
}

static void go_finished(GObject *source, GAsyncResult *res, gpointer data)
{
	g_subprocess_wait_finish(G_SUBPROCESS(source), res, NULL);
	*(bool *)data = true;
}

static void spliced(GObject *source, GAsyncResult *res, gpointer data)
{
	g_io_stream_splice_finish(res, NULL);
}

static gboolean forward_incoming(GSocketService *service, GSocketConnection *conn,
				 GObject *source, gpointer data)
{
	GSocketClient *client = g_socket_client_new();
	GSocketAddress *addr = g_unix_socket_address_new(data);
	GSocketConnection *up = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL,
							NULL);
	if (up) {
		g_io_stream_splice_async(G_IO_STREAM(conn), G_IO_STREAM(up),
					 G_IO_STREAM_SPLICE_CLOSE_STREAM1 |
						 G_IO_STREAM_SPLICE_CLOSE_STREAM2,
					 G_PRIORITY_DEFAULT, NULL, spliced, NULL);
		g_object_unref(up);
	}
	g_object_unref(addr);
	g_object_unref(client);
	return TRUE;
}

static GSocketService *forward_start(guint16 port, const char *unix_path, GError **error)
{
	GSocketService *s = g_socket_service_new();
	if (!g_socket_listener_add_inet_port(G_SOCKET_LISTENER(s), port, NULL, error)) {
		g_object_unref(s);
		return NULL;
	}
	g_signal_connect(s, "incoming", G_CALLBACK(forward_incoming), (gpointer)unix_path);
	g_socket_service_start(s);
	return s;
}

/* direct_boot: the small test image's kernel as the backend-wide default; without it the
 * domains boot their disks. */
static struct tsr_backend *backend(bool direct_boot)
{
	struct tsr_backend_config cfg = { .run_dir = "/run/tessera/domains",
					  .state_dir = "/var/lib/tessera/domains",
					  .kernel = direct_boot ? "/guest/vmlinuz" : NULL,
					  .initrd = direct_boot ? "/guest/initrd.img" : NULL };
	GError *error = NULL;
	struct tsr_backend *b = tsr_backend_create("xen", &cfg, &error);
	check(b != NULL, "xen backend created%s%s", error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	return b;
}

static void define_spec(struct tsr_backend *b, const struct tsr_domain_spec *s)
{
	GError *error = NULL;
	check(tsr_backend_define(b, s, &error), "domain %s defined%s%s", s->name,
	      error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
}

/* network = isolated, with the address and probes of dom0-pair.c's checks. */
static void define(struct tsr_backend *b, const char *sum, guint64 size)
{
	const char *extra = g_getenv("TSR_XEN_GUEST_CMDLINE");
	char *cmdline = g_strdup_printf("%s%s%s", XEN_PAIR_FIRST_CMDLINE, extra ? " " : "",
					extra ? extra : "");
	struct tsr_domain_spec s = { .name = "xenguest", .uid = 64200, .gid = 64200,
				     .memory_mb = 128, .vcpus = 1,
				     .template_path = "/guest/template.qcow2",
				     .template_sha256 = sum, .template_size = size,
				     .disposable = true, .network = TSR_NETWORK_ISOLATED,
				     .cmdline = cmdline };
	define_spec(b, &s);
	g_free(cmdline);
}

/* The host looks at the screen through a TCP forward (listening before the host is told, so
 * its first connection lands), then says go; bounded by go_timeout_s. */
static void screen_for_host(const char *spice, unsigned go_timeout_s)
{
	GError *ferr = NULL;
	GSocketService *fwd = forward_start(5930, spice, &ferr);
	check(fwd != NULL, "TCP forward to the SPICE socket%s%s", ferr ? ": " : "",
	      ferr ? ferr->message : "");
	g_clear_error(&ferr);
	printf("TSR-XEN screen-ready\n");
	fflush(stdout);
	char bound[16];
	snprintf(bound, sizeof bound, "%u", go_timeout_s);
	GSubprocess *go = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE, NULL, "timeout",
					   bound, "nc", "-l", "-p", "5931", NULL);
	bool go_done = false;
	if (go)
		g_subprocess_wait_async(go, NULL, go_finished, &go_done);
	while (go && !go_done)
		g_main_context_iteration(NULL, TRUE); /* the forward runs meanwhile */
	check(go && g_subprocess_get_successful(go), "the host checked the screen and said go");
	g_clear_object(&go);
	if (fwd) {
		g_socket_service_stop(fwd);
		g_object_unref(fwd);
	}
}

/* Until needle shows in the guest's serial log (bounded by timeout_s), with the log's new lines
 * echoed to the console every 10 s as "TSR-XEN # guest: ...": the host's log shows how far a
 * slow boot got, also when the bound ends it. */
static bool follow_serial(const char *path, const char *needle, unsigned timeout_s)
{
	gint64 deadline = g_get_monotonic_time() + (gint64)timeout_s * G_USEC_PER_SEC;
	gsize at = 0, shown = 0;
	bool found = false;

	while (!found && g_get_monotonic_time() < deadline) {
		found = wait_for_text(path, needle, &at, 10000);
		char *text = NULL;
		gsize len = 0;
		if (!g_file_get_contents(path, &text, &len, NULL))
			continue;
		char *end = g_strrstr_len(text + shown, (gssize)(len - shown), "\n");
		if (end) {
			*end = '\0';
			char **lines = g_strsplit(text + shown, "\n", -1);
			for (char **l = lines; *l; l++)
				if (*g_strstrip(*l))
					printf("TSR-XEN # guest: %s\n", *l);
			g_strfreev(lines);
			fflush(stdout);
			shown = (gsize)(end - text) + 1;
		}
		g_free(text);
	}
	return found;
}

/* --debian DIR: the Debian template (tools/build-guest-debian's DIR/debian-12.qcow2, pinned by
 * DIR/manifest) booted from its disk through SeaBIOS, disposable. Its userspace's first report
 * ("tsr-report: boot firmware=bios", from a systemd unit) proves more than a firmware's byte. */
static int debian_main(const char *dir)
{
	char *manifest = g_build_filename(dir, "manifest", NULL);
	char *tpl = g_build_filename(dir, "debian-12.qcow2", NULL);
	guint64 size = 0;
	char *sum = manifest_sum(manifest, "debian-12.qcow2", &size);
	check(sum != NULL, "the template is pinned by %s", manifest);
	struct tsr_backend *b = backend(false);
	if (!b || !sum)
		return 1;
	struct tsr_domain_spec s = { .name = "debian", .uid = 64200, .gid = 64200,
				     .memory_mb = 512, .vcpus = 1, .template_path = tpl,
				     .template_sha256 = sum, .template_size = size,
				     .disposable = true, .firmware = TSR_FIRMWARE_BIOS,
				     .boot_given = true };
	define_spec(b, &s);
	GError *error = NULL;
	gint64 t0 = g_get_monotonic_time();
	bool started = tsr_backend_start_sync(b, "debian", 300000, &error);
	double t_start = (g_get_monotonic_time() - t0) / 1e6;
	check(started, "xl create boots the template's disk through SeaBIOS (%.1f s with the "
	      "template's sha256 check)%s%s", t_start, error ? ": " : "",
	      error ? error->message : "");
	g_clear_error(&error);
	if (started) {
		const char *wait = g_getenv("TSR_XEN_WAIT_S");
		bool up = follow_serial(tsr_backend_console_path(b, "debian"),
					"tsr-report: boot firmware=bios", wait ? atoi(wait) : 1200);
		check(up, "the Debian guest's userspace reports on its serial port (%.1f s after "
		      "xl create returned)", (g_get_monotonic_time() - t0) / 1e6 - t_start);
		screen_for_host(tsr_backend_spice_socket(b, "debian"), 300);
		bool destroyed = tsr_backend_destroy_domain_sync(b, "debian", 60000, &error);
		check(destroyed && tsr_backend_status(b, "debian") == TSR_DOMAIN_STOPPED,
		      "xl destroy stops it%s%s", error ? ": " : "", error ? error->message : "");
		g_clear_error(&error);
		check(!g_file_test("/var/lib/tessera/domains/debian/disk.qcow2", G_FILE_TEST_EXISTS),
		      "the disposable overlay is gone");
	}
	tsr_backend_destroy(b);
	g_free(sum);
	g_free(tpl);
	g_free(manifest);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--debian") == 0)
		return debian_main(argv[2]);
	if (argc > 1) {
		printf("usage: tsr-xen-dom0 [--debian DIR] (runs inside the check-xen dom0)\n");
		return 0;
	}
	guint64 size = 0;
	char *sum = manifest_sum("/guest/manifest", "template.qcow2", &size);
	struct tsr_backend *b = backend(true);
	if (!b || !sum)
		return 1;
	define(b, sum, size);
	GError *error = NULL;
	gint64 t0 = g_get_monotonic_time(), t_create = t0;
	bool started = tsr_backend_start_sync(b, "xenguest", 180000, &error);
	check(started, "xl create from the generated config (%.1f s)%s%s",
	      (g_get_monotonic_time() - t0) / 1e6, error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	if (!started) {
		char *cfg = NULL;
		char *dm = NULL;
		g_file_get_contents("/run/tessera/domains/xenguest.cfg", &cfg, NULL, NULL);
		g_file_get_contents("/var/log/xen/qemu-dm-xenguest.log", &dm, NULL, NULL);
		printf("TSR-XEN # config:\n%s\nTSR-XEN # qemu-dm-xenguest.log:\n%s\n",
		       cfg ? cfg : "", dm ? dm : "(none)");
		g_free(cfg);
		g_free(dm);
		return 1;
	}
	const char *spice = tsr_backend_spice_socket(b, "xenguest");
	struct stat st;
	check(stat(spice, &st) == 0 && S_ISSOCK(st.st_mode), "SPICE socket %s exists", spice);
	check(st.st_uid == 64200, "SPICE socket owned by the domain user (uid %u)",
	      (unsigned)st.st_uid);
	long domid = tsr_backend_domain_pid(b, "xenguest");
	check(domid > 0, "domid %ld from xl list", domid);
	long uid = dm_uid(domid);
	check(uid == 64200, "device model runs as the domain user (uid %ld, dm_restrict)", uid);
	/* The second domain of dom0-pair.c's checks boots meanwhile. */
	bool pair = xen_pair_start(b, sum, size);
	/* xl list -l, parsed by a second backend that adopts the domain (a broker restart). */
	char *raw = NULL;
	g_spawn_command_line_sync("xl list -l", &raw, NULL, NULL, NULL);
	printf("TSR-XEN-LIST-BEGIN\n%sTSR-XEN-LIST-END\n", raw ? raw : "");
	g_free(raw);
	struct tsr_backend *b2 = backend(true);
	define(b2, sum, size);
	bool adopted = tsr_backend_run_sync(b2, "xenguest",
					    (tsr_backend_async_op)(void (*)(void))tsr_backend_adopt,
					    NULL, 60000, &error);
	check(adopted && tsr_backend_status(b2, "xenguest") == TSR_DOMAIN_RUNNING &&
		      tsr_backend_domain_pid(b2, "xenguest") == domid,
	      "xl list -l parsed: a restarted backend adopts domid %ld", domid);
	g_clear_error(&error);
	tsr_backend_destroy(b2);

	screen_for_host(spice, 480);
	/* By now the host has seen guest-hello's screen; its serial report must be there too. */
	gsize at = 0;
	bool hello = wait_for_text(tsr_backend_console_path(b, "xenguest"), "hello name=xenguest",
				   &at, 30000);
	check(hello, "guest-hello reports on the HVM guest's serial port (%.1f s after create)",
	      (g_get_monotonic_time() - t_create) / 1e6);
	if (!hello || g_getenv("TSR_XEN_GUEST_CMDLINE")) {
		char *serial = NULL, *load = NULL;
		g_file_get_contents(tsr_backend_console_path(b, "xenguest"), &serial, NULL, NULL);
		g_file_get_contents("/proc/loadavg", &load, NULL, NULL);
		printf("TSR-XEN # guest serial so far:\n%s\nTSR-XEN # dom0 loadavg %s\n",
		       serial ? serial : "(none)", load ? load : "?");
		g_free(serial);
		g_free(load);
	}
	if (hello)
		xen_keys_checks(b, "xenguest", pair ? "right" : NULL);
	if (hello && pair)
		xen_pair_checks(b, "xenguest");
	else if (pair && !tsr_backend_destroy_domain_sync(b, "right", 60000, NULL))
		check(false, "xen-isolated-released: right destroyed");

	t0 = g_get_monotonic_time();
	bool down = tsr_backend_shutdown_sync(b, "xenguest", 90000, &error);
	check(down && tsr_backend_status(b, "xenguest") == TSR_DOMAIN_STOPPED,
	      "graceful shutdown (xl shutdown -F) stops the domain (%.1f s)%s%s",
	      (g_get_monotonic_time() - t0) / 1e6, error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	check(wait_for_text(tsr_backend_console_path(b, "xenguest"), "poweroff", &at, 1000),
	      "the guest got the shutdown request (PV control/shutdown or ACPI) and powered off");
	check(!g_file_test("/var/lib/tessera/domains/xenguest/disk.qcow2", G_FILE_TEST_EXISTS),
	      "the disposable overlay is gone");

	started = tsr_backend_start_sync(b, "xenguest", 180000, &error);
	check(started, "started again%s%s", error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	bool destroyed = tsr_backend_destroy_domain_sync(b, "xenguest", 60000, &error);
	check(destroyed && tsr_backend_status(b, "xenguest") == TSR_DOMAIN_STOPPED,
	      "xl destroy stops the domain%s%s", error ? ": " : "", error ? error->message : "");
	g_clear_error(&error);
	char *list = NULL;
	g_spawn_command_line_sync("xl list", &list, NULL, NULL, NULL);
	check(list && !strstr(list, "xenguest"), "xl list no longer shows it");
	g_free(list);
	tsr_backend_destroy(b);
	g_free(sum);
	return failures ? 1 : 0;
}
