/* tests/system/input-probe.c: tsr-input-probe, the guest side of the input system test.
 *
 * Runs the real input stack (udev discovery and hotplug, libevdev grab, router) inside a QEMU
 * guest the way the kiosk does, with two pretend domains side by side, and reports every
 * scancode, button and action the router hands out as a mark on the harness's marker port, so
 * the host can check the exact stream each domain received. It also records each domain's keys
 * in DIR/domain-N.keys (the --record-input files of the kiosk test to come).
 *
 * Scripted steps the host cannot do from outside:
 *  - after the SAS it plays the kiosk (back to the desktop, domain 0 focused), creates a uinput
 *    keyboard, and when that has been grabbed types x and presses y; once y has reached the
 *    domain it destroys the device with y still down (a keyboard unplugged mid-key: the kernel
 *    drops whatever the device still had queued, so the router must release y itself);
 *  - when KEY_M goes down in a domain it kills itself with SIGKILL (the kiosk dying mid-typing).
 * "keyboard NAME" is a uinput keyboard made in the guest for kiosk-input-test.sh: it types what
 * its stdin says, waits for a testdomain to record a key, and SIGKILLs the kiosk mid-key.
 * With --vt it turns that VT's keyboard off first (KDSKBMODE K_OFF), as the kiosk must, so the
 * console gets nothing even after the grab is gone. */
#include "config.h"

#include "common/log.h"
#include "input/devices.h"
#include "input/router.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/kd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#define UINPUT_NAME "tessera-probe-uinput"

static const char usage_text[] =
	"usage: tsr-input-probe [--vt /dev/ttyN] [--marks FILE] DIR\n"
	"  Grab every input device, route it to two pretend domains, and report what each\n"
	"  receives as marks (default marker port /dev/ttyS1) and in DIR/domain-N.keys.\n"
	"       tsr-input-probe watch DIR PREFIX [SUFFIX]\n"
	"  Mark \"PREFIX NAME\" for every file that appears in DIR (created or renamed there);\n"
	"  exit once one ends in SUFFIX, else run until killed (busybox has no inotifyd).\n"
	"       tsr-input-probe keyboard NAME\n"
	"  Create a uinput keyboard called NAME and run the commands on stdin, one per line:\n"
	"  down|up|tap KEY_X; wait FILE LINE (until FILE holds LINE, 60 s at most); kill PID\n"
	"  (SIGKILL, returns once it has exited); echo TEXT (to stdout). It prints UINPUT-READY NAME\n"
	"  once the device exists; EOF removes it. It also has the brightness and volume keys.\n"
	"       tsr-input-probe lid NAME\n"
	"  The same with a uinput lid switch (SW_LID only): 'lid close|open' instead of keys.\n";

/* watch DIR PREFIX: the guest's way to wait for files (the kiosk's screenshots) without
 * polling. */
static int cmd_watch(const char *dir, const char *prefix, const char *until)
{
	FILE *m = fopen("/dev/ttyS1", "we");
	int fd = inotify_init1(IN_CLOEXEC);
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));

	if (!m || fd < 0 || inotify_add_watch(fd, dir, IN_MOVED_TO | IN_CLOSE_WRITE) < 0) {
		fprintf(stderr, "tsr-input-probe: cannot watch %s: %s\n", dir, strerror(errno));
		return 1;
	}
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			return 1;
		}
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->len && ev->name[0] != '.' && !g_str_has_suffix(ev->name, ".tmp")) {
				fprintf(m, "%s %s\n", prefix, ev->name);
				fflush(m);
				if (until && g_str_has_suffix(ev->name, until))
					return 0;
			}
			p += sizeof(*ev) + ev->len;
		}
	}
}

/* keyboard NAME: see usage_text. Waits are on inotify and pidfds, never on sleeps. */
static bool file_has_line(const char *path, const char *line)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return false;
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	return g_strv_contains((const char *const *)lines, line);
}

static bool wait_line(const char *path, const char *line)
{
	int fd = inotify_init1(IN_CLOEXEC);
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool ok = false;
	if (fd < 0 || inotify_add_watch(fd, path, IN_MODIFY | IN_CLOSE_WRITE) < 0) {
		fprintf(stderr, "tsr-input-probe: cannot watch %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	gint64 deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
	while (!(ok = file_has_line(path, line))) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if (read(fd, buf, sizeof(buf)) < 0 && errno != EINTR)
			break;
	}
	close(fd);
	if (!ok)
		fprintf(stderr, "tsr-input-probe: no line '%s' in %s within 60 s\n", line, path);
	return ok;
}

static bool kill_and_wait(const char *arg)
{
	char *end;
	long pid = strtol(arg, &end, 10);
	int fd = (pid > 1 && *end == '\0') ? (int)syscall(SYS_pidfd_open, (pid_t)pid, 0) : -1;
	bool ok = fd >= 0 && syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ok = ok && poll(&p, 1, 60000) == 1;
	if (!ok)
		fprintf(stderr, "tsr-input-probe: cannot kill '%s': %s\n", arg, strerror(errno));
	if (fd >= 0)
		close(fd);
	return ok;
}

static bool emit_key(struct libevdev_uinput *ui, int code, int value)
{
	return libevdev_uinput_write_event(ui, EV_KEY, (unsigned)code, value) == 0 &&
	       libevdev_uinput_write_event(ui, EV_SYN, SYN_REPORT, 0) == 0;
}

static bool emit_lid(struct libevdev_uinput *ui, const char *arg)
{
	int value = !g_strcmp0(arg, "close") ? 1 : !g_strcmp0(arg, "open") ? 0 : -1;
	return value >= 0 && libevdev_uinput_write_event(ui, EV_SW, SW_LID, value) == 0 &&
	       libevdev_uinput_write_event(ui, EV_SYN, SYN_REPORT, 0) == 0;
}

/* A keyboard (the typing keys and the laptop's brightness and volume keys), or with lid a lid
 * switch only (SW_LID), as a laptop's ACPI lid device is. */
static int cmd_keyboard(const char *name, bool lid)
{
	struct libevdev *d = libevdev_new();
	struct libevdev_uinput *ui = NULL;
	char line[512];
	int status = 0;

	static const unsigned laptop_keys[] = { KEY_MUTE, KEY_VOLUMEDOWN, KEY_VOLUMEUP,
						KEY_BRIGHTNESSDOWN, KEY_BRIGHTNESSUP };
	libevdev_set_name(d, name);
	if (lid) {
		libevdev_enable_event_code(d, EV_SW, SW_LID, NULL);
	} else {
		for (unsigned c = KEY_ESC; c <= KEY_SPACE; c++)
			libevdev_enable_event_code(d, EV_KEY, c, NULL);
		for (size_t i = 0; i < G_N_ELEMENTS(laptop_keys); i++)
			libevdev_enable_event_code(d, EV_KEY, laptop_keys[i], NULL);
	}
	int rc = libevdev_uinput_create_from_device(d, LIBEVDEV_UINPUT_OPEN_MANAGED, &ui);
	if (rc < 0) {
		printf("TSR-FAIL cannot create a uinput keyboard: %s\n", strerror(-rc));
		libevdev_free(d);
		return 1;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("UINPUT-READY %s\n", name);
	while (status == 0 && fgets(line, sizeof(line), stdin)) {
		g_strchomp(line);
		char *arg = strchr(line, ' ');
		if (arg)
			*arg++ = '\0';
		if (!strcmp(line, "down") || !strcmp(line, "up") || !strcmp(line, "tap")) {
			int code = arg ? libevdev_event_code_from_name(EV_KEY, arg) : -1;
			if (code < 0 || (strcmp(line, "up") && !emit_key(ui, code, 1)) ||
			    (strcmp(line, "down") && !emit_key(ui, code, 0)))
				status = 1;
		} else if (!strcmp(line, "lid") && lid) {
			status = emit_lid(ui, arg) ? 0 : 1;
		} else if (!strcmp(line, "echo")) {
			printf("%s\n", arg ? arg : "");
		} else if (!strcmp(line, "wait") && arg && strchr(arg, ' ')) {
			char *want = strchr(arg, ' ');
			*want++ = '\0';
			status = wait_line(arg, want) ? 0 : 1;
		} else if (!strcmp(line, "kill") && arg) {
			status = kill_and_wait(arg) ? 0 : 1;
		} else {
			status = 64;
		}
		if (status)
			printf("TSR-FAIL uinput keyboard: '%s %s' failed\n", line, arg ? arg : "");
	}
	libevdev_uinput_destroy(ui);
	libevdev_free(d);
	return status;
}

struct probe {
	FILE *marks;
	FILE *keys[2];
	struct tsr_input_router *router;
	struct tsr_input_devices *devices;
	struct libevdev *udev_template;
	struct libevdev_uinput *uinput;
	GMainLoop *loop;
};

static void mark(struct probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mark(struct probe *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->marks, fmt, ap);
	va_end(ap);
	fputc('\n', p->marks);
	fflush(p->marks);
}

static void geo_size(void *ud, int *w, int *h)
{
	(void)ud;
	*w = 1024;
	*h = 768;
}

static bool geo_area(void *ud, int domain, struct tsr_input_domain_area *out)
{
	(void)ud;
	if (domain < 0 || domain > 1)
		return false;
	*out = (struct tsr_input_domain_area){ domain, { domain * 512, 0, 512, 768 }, 512, 768 };
	return true;
}

static bool geo_at(void *ud, int x, int y, struct tsr_input_domain_area *out)
{
	(void)y;
	return geo_area(ud, x < 512 ? 0 : 1, out);
}

static void on_key(void *ud, int domain, uint32_t sc, bool down)
{
	struct probe *p = ud;

	fprintf(p->keys[domain & 1], "0x%x %s\n", sc, down ? "down" : "up");
	fflush(p->keys[domain & 1]);
	mark(p, "KEY %d 0x%x %s", domain, sc, down ? "down" : "up");
	/* the uinput keyboard's y reached the domain: pull the plug with it held */
	if (sc == 0x15 && down && p->udev_template) {
		libevdev_uinput_destroy(p->uinput);
		libevdev_free(p->udev_template);
		p->udev_template = NULL;
	}
	if (sc == 0x32 && down) {
		mark(p, "PROBE-KILLING-ITSELF");
		kill(getpid(), SIGKILL);
	}
}

static void on_button(void *ud, int domain, enum tsr_input_button b, bool down, uint32_t mask)
{
	struct probe *p = ud;
	mark(p, "BUTTON %d %d %s %u", domain, (int)b, down ? "down" : "up", mask);
}

static void on_kiosk_key(void *ud, const struct tsr_input_kiosk_key *k)
{
	struct probe *p = ud;
	mark(p, "KIOSK-KEY %u %d", k->code, (int)k->state);
}

static bool start_uinput(struct probe *p)
{
	static const unsigned keys[] = { KEY_A, KEY_ENTER, KEY_SPACE, KEY_X, KEY_Y };
	struct libevdev *d = libevdev_new();

	libevdev_set_name(d, UINPUT_NAME);
	for (size_t i = 0; i < G_N_ELEMENTS(keys); i++)
		libevdev_enable_event_code(d, EV_KEY, keys[i], NULL);
	int rc = libevdev_uinput_create_from_device(d, LIBEVDEV_UINPUT_OPEN_MANAGED, &p->uinput);
	if (rc < 0) {
		mark(p, "TSR-FAIL cannot create a uinput device: %s", strerror(-rc));
		libevdev_free(d);
		return false;
	}
	p->udev_template = d;
	return true;
}

static void on_action(void *ud, enum tsr_input_action a, int arg, uint32_t source)
{
	struct probe *p = ud;
	static const char *names[] = { "?", "focus-slot", "focus-domain", "cycle", "lock", "sas",
				       "layout" };

	(void)source;
	mark(p, "ACTION %s %d", names[a], arg);
	switch (a) {
	case TSR_INPUT_ACTION_FOCUS_SLOT:
		if (arg <= 2)
			tsr_input_router_set_focus(p->router, arg - 1);
		break;
	case TSR_INPUT_ACTION_SAS:
		/* the kiosk's trusted screen, then straight back to the desktop */
		tsr_input_router_set_kiosk_grab(p->router, false);
		tsr_input_router_set_focus(p->router, 0);
		if (!p->uinput)
			start_uinput(p);
		break;
	default:
		break;
	}
}

static void write_key(struct probe *p, unsigned code, int value)
{
	libevdev_uinput_write_event(p->uinput, EV_KEY, code, value);
	libevdev_uinput_write_event(p->uinput, EV_SYN, SYN_REPORT, 0);
}

static void on_device(void *ud, const char *path, const char *name, bool added)
{
	struct probe *p = ud;

	mark(p, "DEVICE-%s %s %s", added ? "ADDED" : "REMOVED", path, name);
	if (!p->udev_template && added)
		return;
	if (strcmp(name, UINPUT_NAME) != 0)
		return;
	if (added) {
		/* ours is grabbed: type x and hold y (on_key unplugs it once y is in) */
		write_key(p, KEY_X, 1);
		write_key(p, KEY_X, 0);
		write_key(p, KEY_Y, 1);
	} else {
		mark(p, "UINPUT-DONE");
	}
}

int main(int argc, char **argv)
{
	const char *vt = NULL, *marks = "/dev/ttyS1", *dir = NULL;
	struct probe p = { 0 };

	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "watch"))
		return cmd_watch(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	if (argc == 3 && !strcmp(argv[1], "keyboard"))
		return cmd_keyboard(argv[2], false);
	if (argc == 3 && !strcmp(argv[1], "lid"))
		return cmd_keyboard(argv[2], true);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--vt") && i + 1 < argc) {
			vt = argv[++i];
		} else if (!strcmp(argv[i], "--marks") && i + 1 < argc) {
			marks = argv[++i];
		} else if (argv[i][0] != '-' && !dir) {
			dir = argv[i];
		} else {
			fputs(usage_text, stderr);
			return 64;
		}
	}
	if (!dir) {
		fputs(usage_text, stderr);
		return 64;
	}
	tsr_log_init("tsr-input-probe", false);
	p.marks = fopen(marks, "we");
	if (!p.marks) {
		fprintf(stderr, "tsr-input-probe: cannot open %s: %s\n", marks, strerror(errno));
		return 1;
	}
	for (int d = 0; d < 2; d++) {
		g_autofree char *path = g_strdup_printf("%s/domain-%d.keys", dir, d);
		p.keys[d] = fopen(path, "we");
		if (!p.keys[d]) {
			mark(&p, "TSR-FAIL cannot write %s: %s", path, strerror(errno));
			return 1;
		}
	}
	if (vt) {
		int fd = open(vt, O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0 || ioctl(fd, KDSKBMODE, K_OFF) < 0) {
			mark(&p, "TSR-FAIL cannot turn the keyboard of %s off: %s", vt, strerror(errno));
			return 1;
		}
		close(fd);
	}

	struct tsr_input_sinks sinks = {
		.user_data = &p,
		.domain_key = on_key,
		.domain_button = on_button,
		.kiosk_key = on_kiosk_key,
		.kiosk_action = on_action,
	};
	struct tsr_input_geometry geo = { &p, geo_size, geo_at, geo_area };
	p.router = tsr_input_router_create(&sinks, &geo, NULL, NULL);
	tsr_input_router_set_kiosk_grab(p.router, false);
	tsr_input_router_set_focus(p.router, 0);

	struct tsr_input_devices_options o = { .changed = on_device, .user_data = &p };
	g_autoptr(GError) error = NULL;
	p.devices = tsr_input_devices_create(p.router, &o, &error);
	if (!p.devices) {
		mark(&p, "TSR-FAIL %s", error->message);
		return 1;
	}
	mark(&p, "PROBE-READY %zu", tsr_input_devices_count(p.devices));
	p.loop = g_main_loop_new(NULL, false);
	g_main_loop_run(p.loop);
	return 0;
}
