/* tests/guest/guest-hello.c: tessera-guest-hello, the program the test guest runs as its
 * whole user space.
 *
 * It shows on the guest's display (fbdev over bochs-drm) who the domain is (tsr.name= on the
 * kernel command line), a clock, and the keys it receives, so a person or a screenshot can tell
 * which domain a frame shows and that it is alive. The "keys:" line appears once a keyboard is
 * open, so a test that sees it can type: keys that came before that were lost (under nested
 * Xen the kernel's keyboard and guest-hello's first frame are seconds apart). Once a USB device
 * has come, it also shows each USB device present, sorted, one line each
 * ("usb 08e6:4433 class=0b"), and how many came and went ("usb: 3 added, 1 removed"): where the
 * serial port is out of a test's reach (inside a laptop's dom0), the screen says which devices
 * reached the domain, and the counts say whether one ever did or left in between. With a
 * network (tsr.ip=), it also shows what /init's probes found, from /run/tsr-net: the interface
 * and whether it sends packets, and each probe's target "reached" or "never reached", so that
 * isolation can be seen from outside a laptop too. On its serial
 * port (stdout) it reports, one line each, every key and pointer event it receives from evdev
 * and every USB device that comes or goes, so tests can assert exactly what reached the guest:
 *   hello name=NAME width=W height=H
 *   key 0x1e down | key 0x1e up           (Linux keycode = set-1 scancode for the basic keys)
 *   pointer X Y buttons=N                 (screen pixels; buttons: 1 left, 2 right, 4 middle)
 *   usb add 1-1 08e6:4433 class=0b        (every interface class of the device)
 *   usb remove 1-1
 *   poweroff                              (the ACPI power button, or SIGUSR2/SIGTERM/SIGPWR as
 *                                          busybox poweroff sends to init: the guest powers off)
 * Linked statically: the guest has no libraries at all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fb.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/rtc.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#include "tests/guest/font.h"

#define BG 0x00203040u
#define FG 0x00ffffffu
#define ACCENT 0x00f0c040u
#define MAX_INPUTS 16
#define MAX_USB 32

static char name[64] = "unnamed";
static uint32_t *fb;
static int width, height, stride_px;
static char typed[64];
static int ptr_x, ptr_y, ptr_buttons = -1;
static int abs_max_x[MAX_INPUTS], abs_max_y[MAX_INPUTS];

struct input { int fd; char path[64]; };
static struct input inputs[MAX_INPUTS];
static int n_inputs;
static bool have_keyboard; /* an open device with letter keys */

struct usbdev { char id[32]; char line[64]; bool seen; };
static struct usbdev usb[MAX_USB];
static int n_usb, usb_added, usb_removed;

/* Set by SIGUSR2/SIGTERM/SIGPWR: as PID 1 we are the init that busybox poweroff (run by the
 * kernel's orderly_poweroff, e.g. for Xen's PV shutdown request) signals. */
static volatile sig_atomic_t poweroff_requested;

static void on_poweroff_signal(int sig)
{
	(void)sig;
	poweroff_requested = 1;
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);
}

static void read_name(void)
{
	FILE *f = fopen("/proc/cmdline", "r");
	char line[4096];
	if (!f)
		return;
	if (fgets(line, sizeof line, f)) {
		char *p = strstr(line, "tsr.name=");
		if (p) {
			p += strlen("tsr.name=");
			size_t n = strcspn(p, " \n");
			if (n >= sizeof name)
				n = sizeof name - 1;
			memcpy(name, p, n);
			name[n] = 0;
		}
	}
	fclose(f);
}

static bool open_fb(void)
{
	int fd = -1;
	for (int tries = 0; tries < 100 && fd < 0; tries++) {
		fd = open("/dev/fb0", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			usleep(100000); /* the DRM driver may still be probing */
	}
	if (fd < 0)
		return false;
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	if (ioctl(fd, FBIOGET_VSCREENINFO, &var) || ioctl(fd, FBIOGET_FSCREENINFO, &fix) ||
	    var.bits_per_pixel != 32)
		return false;
	width = (int)var.xres;
	height = (int)var.yres;
	stride_px = (int)fix.line_length / 4;
	fb = mmap(NULL, fix.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (fb == MAP_FAILED)
		return false;
	int tty = open("/dev/tty0", O_RDWR | O_CLOEXEC);
	if (tty >= 0) {
		ioctl(tty, KDSETMODE, KD_GRAPHICS); /* keep the text console off our pixels */
		close(tty);
	}
	return true;
}

static void fill(int x, int y, int w, int h, uint32_t c)
{
	for (int j = y; j < y + h && j < height; j++)
		for (int i = x; i < x + w && i < width; i++)
			fb[j * stride_px + i] = c;
}

/* The guest's own clock stops while the domain is paused and stays behind after it resumes;
 * the emulated RTC follows the host's clock, so the time shown is read from it. */
static void wall_clock(struct tm *tm)
{
	static int rtc = -2;
	struct rtc_time r;
	if (rtc == -2)
		rtc = open("/dev/rtc0", O_RDONLY | O_CLOEXEC);
	if (rtc >= 0 && ioctl(rtc, RTC_RD_TIME, &r) == 0) {
		memset(tm, 0, sizeof *tm);
		tm->tm_hour = r.tm_hour;
		tm->tm_min = r.tm_min;
		tm->tm_sec = r.tm_sec;
		return;
	}
	time_t now = time(NULL);
	gmtime_r(&now, tm);
}

/* Each line of text is drawn only when it changed: under nested Xen the laptop has one CPU for
 * dom0 and every domain, and each pixel written costs the device model, the viewer and the
 * kiosk work for every second the domain runs, which slows a domain booting beside it. */
#define ROWS 16
static char shown_text[ROWS][128];
static uint32_t shown_fg[ROWS];

/* row ROW of the screen: TEXT at (X, Y) at SCALE in FG; CLEAR blanks the rest of the line
 * first, for text whose width changes. */
static void draw_row(int row, int x, int y, int scale, const char *text, uint32_t fg, bool clear)
{
	if (shown_fg[row] == fg && strcmp(shown_text[row], text) == 0)
		return;
	snprintf(shown_text[row], sizeof shown_text[row], "%s", text);
	shown_fg[row] = fg;
	if (clear)
		fill(x, y, width - x, TSR_GLYPH_H * scale, BG);
	tsr_guest_draw_text(fb, width, height, stride_px, x, y, scale, text, fg, BG);
}

/* The USB lines, sorted so the screen depends on which devices are there, not on the order the
 * kernel added them in; nothing at all until a device came, so a guest without USB looks as it
 * always did. Every row is written whole, padded with the background, and never cleared first:
 * a frame the display sends between a clear and the text would show a device missing. */
#define USB_Y 176
#define USB_LINE 40
#define USB_SHOWN 6
#define USB_COLS 40
enum { ROW_NAME, ROW_CLOCK, ROW_KEYS, ROW_USB, ROW_NET = ROW_USB + USB_SHOWN + 1 };
static void draw_usb(void)
{
	if (!usb_added)
		return;
	int order[MAX_USB];
	for (int i = 0; i < n_usb; i++) {
		int j = i;
		for (; j > 0 && strcmp(usb[order[j - 1]].line, usb[i].line) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	int shown = n_usb < USB_SHOWN ? n_usb : USB_SHOWN;
	for (int row = 0; row <= USB_SHOWN; row++) {
		char line[64] = "", text[USB_COLS + 1];
		if (row < shown)
			snprintf(line, sizeof line, "%s", usb[order[row]].line);
		else if (row == shown)
			snprintf(line, sizeof line, "usb: %d added, %d removed", usb_added,
				 usb_removed);
		snprintf(text, sizeof text, "%-*.*s", USB_COLS, USB_COLS, line);
		draw_row(ROW_USB + row, 32, USB_Y + row * USB_LINE, 1, text, row == shown ? ACCENT : FG,
			 false);
	}
}

/* The network lines /init writes (tools/build-guest-image: "eth0 10.99.0.2/24 sends packets",
 * "probe 10.99.0.1:7777 never reached"), below the USB lines; nothing without a network. Each
 * row is written whole, as the USB rows are. */
#define NET_PATH "/run/tsr-net"
#define NET_Y 520
#define NET_SHOWN 4
_Static_assert(ROW_NET + NET_SHOWN <= ROWS, "a row of the screen has no cache entry");
static void draw_net(void)
{
	FILE *f = fopen(NET_PATH, "r");
	if (!f)
		return;
	char line[128];
	int row = 0;
	for (; row < NET_SHOWN && fgets(line, sizeof line, f); row++) {
		char text[USB_COLS + 1];
		line[strcspn(line, "\n")] = '\0';
		snprintf(text, sizeof text, "%-*.*s", USB_COLS, USB_COLS, line);
		draw_row(ROW_NET + row, 32, NET_Y + row * USB_LINE, 1, text, FG, false);
	}
	fclose(f);
}

static void draw(void)
{
	if (!fb)
		return;
	char clock[32];
	struct tm tm;
	wall_clock(&tm);
	strftime(clock, sizeof clock, "%H:%M:%S", &tm);
	char keys[80];
	snprintf(keys, sizeof keys, "keys: %s", typed);
	draw_row(ROW_NAME, 32, 32, 2, name, FG, false);
	draw_row(ROW_CLOCK, 32, 96, 1, clock, FG, true);
	draw_row(ROW_KEYS, 32, 136, 1, have_keyboard ? keys : "", FG, true);
	draw_usb();
	draw_net();
}

static char key_char(int code)
{
	static const char row1[] = "1234567890", row2[] = "qwertyuiop", row3[] = "asdfghjkl",
			  row4[] = "zxcvbnm";
	if (code >= KEY_1 && code <= KEY_0)
		return row1[code - KEY_1];
	if (code >= KEY_Q && code <= KEY_P)
		return row2[code - KEY_Q];
	if (code >= KEY_A && code <= KEY_L)
		return row3[code - KEY_A];
	if (code >= KEY_Z && code <= KEY_M)
		return row4[code - KEY_Z];
	if (code == KEY_SPACE)
		return ' ';
	return '?';
}

static void scan_inputs(void)
{
	DIR *d = opendir("/dev/input");
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)) && n_inputs < MAX_INPUTS) {
		if (strncmp(e->d_name, "event", 5) != 0)
			continue;
		char path[64];
		snprintf(path, sizeof path, "/dev/input/%.40s", e->d_name);
		bool known = false;
		for (int i = 0; i < n_inputs; i++)
			known |= strcmp(inputs[i].path, path) == 0;
		if (known)
			continue;
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		struct input_absinfo ax, ay;
		abs_max_x[n_inputs] = ioctl(fd, EVIOCGABS(ABS_X), &ax) == 0 ? ax.maximum : 0;
		abs_max_y[n_inputs] = ioctl(fd, EVIOCGABS(ABS_Y), &ay) == 0 ? ay.maximum : 0;
		char devname[128] = "";
		ioctl(fd, EVIOCGNAME(sizeof devname), devname);
		unsigned long keybits[KEY_MAX / (8 * sizeof(long)) + 1] = { 0 };
		if (ioctl(fd, EVIOCGBIT(EV_KEY, sizeof keybits), keybits) >= 0 &&
		    (keybits[KEY_A / (8 * sizeof(long))] >> (KEY_A % (8 * sizeof(long)))) & 1)
			have_keyboard = true;
		emit("input %s \"%s\"\n", path, devname);
		inputs[n_inputs].fd = fd;
		snprintf(inputs[n_inputs].path, sizeof inputs[n_inputs].path, "%s", path);
		n_inputs++;
	}
	closedir(d);
}

static bool read_attr(const char *dir, const char *attr, char *out, size_t len)
{
	char path[512];
	snprintf(path, sizeof path, "/sys/bus/usb/devices/%s/%s", dir, attr);
	FILE *f = fopen(path, "r");
	if (!f)
		return false;
	bool ok = fgets(out, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		out[strcspn(out, "\n")] = 0;
	return ok;
}

static void scan_usb(void)
{
	for (int i = 0; i < n_usb; i++)
		usb[i].seen = false;
	DIR *d = opendir("/sys/bus/usb/devices");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		/* Devices are "B-P[.P]"; interfaces carry a ':'; root hubs are "usbN". */
		if (e->d_name[0] == '.' || strchr(e->d_name, ':') || !strncmp(e->d_name, "usb", 3))
			continue;
		int found = -1;
		for (int i = 0; i < n_usb; i++)
			if (strcmp(usb[i].id, e->d_name) == 0)
				found = i;
		if (found >= 0) {
			usb[found].seen = true;
			continue;
		}
		char vid[8] = "", pid[8] = "";
		if (!read_attr(e->d_name, "idVendor", vid, sizeof vid) ||
		    !read_attr(e->d_name, "idProduct", pid, sizeof pid) || n_usb >= MAX_USB)
			continue;
		char classes[64] = "";
		for (int ifn = 0; ifn < 8; ifn++) {
			char ifdir[64], cls[8];
			snprintf(ifdir, sizeof ifdir, "%.40s:1.%d", e->d_name, ifn);
			if (read_attr(ifdir, "bInterfaceClass", cls, sizeof cls))
				snprintf(classes + strlen(classes), sizeof classes - strlen(classes),
					 "%s%s", classes[0] ? "," : "", cls);
		}
		/* The device's directory appears before the kernel has configured it and added its
		 * interfaces (a wide window on a slow guest): report it once they are there. */
		if (!classes[0])
			continue;
		snprintf(usb[n_usb].id, sizeof usb[n_usb].id, "%.31s", e->d_name);
		snprintf(usb[n_usb].line, sizeof usb[n_usb].line, "usb %s:%s class=%.40s", vid, pid,
			 classes);
		usb[n_usb].seen = true;
		n_usb++;
		usb_added++;
		emit("usb add %s %s:%s class=%s\n", e->d_name, vid, pid, classes);
	}
	if (d)
		closedir(d);
	for (int i = 0; i < n_usb; i++)
		if (!usb[i].seen) {
			emit("usb remove %s\n", usb[i].id);
			usb_removed++;
			usb[i] = usb[--n_usb];
			i--;
		}
}

static void handle(int idx, const struct input_event *ev, int *pending_x, int *pending_y,
		   int *pending_buttons)
{
	static bool dirty[MAX_INPUTS]; /* pointer events since this device's last SYN_REPORT */
	if ((ev->type == EV_KEY && ev->code >= BTN_MOUSE && ev->code <= BTN_MIDDLE) ||
	    ev->type == EV_ABS)
		dirty[idx] = true;
	if (ev->type == EV_KEY && ev->code >= BTN_MOUSE && ev->code <= BTN_MIDDLE) {
		int bit = ev->code == BTN_LEFT ? 1 : ev->code == BTN_RIGHT ? 2 : 4;
		*pending_buttons = ev->value ? (*pending_buttons | bit) : (*pending_buttons & ~bit);
	} else if (ev->type == EV_KEY && ev->code == KEY_POWER) {
		/* The ACPI power button (QMP system_powerdown): a graceful shutdown. */
		if (ev->value == 1) {
			emit("poweroff\n");
			sync();
			reboot(RB_POWER_OFF);
		}
	} else if (ev->type == EV_KEY && ev->value != 2) {
		emit("key 0x%02x %s\n", ev->code, ev->value ? "down" : "up");
		if (ev->value) {
			size_t n = strlen(typed);
			if (n + 1 >= sizeof typed) {
				memmove(typed, typed + 1, n);
				n--;
			}
			typed[n] = key_char(ev->code);
			typed[n + 1] = 0;
			draw();
		}
	} else if (ev->type == EV_ABS && ev->code == ABS_X && abs_max_x[idx] > 0) {
		/* Rounded: QEMU scales pixels to 0..max with truncation, so rounding inverts it. */
		*pending_x = (int)(((long long)ev->value * width + abs_max_x[idx] / 2) /
				   abs_max_x[idx]);
	} else if (ev->type == EV_ABS && ev->code == ABS_Y && abs_max_y[idx] > 0) {
		*pending_y = (int)(((long long)ev->value * height + abs_max_y[idx] / 2) /
				   abs_max_y[idx]);
	} else if (ev->type == EV_SYN && ev->code == SYN_REPORT && dirty[idx]) {
		dirty[idx] = false;
		if (*pending_x != ptr_x || *pending_y != ptr_y || *pending_buttons != ptr_buttons) {
			ptr_x = *pending_x;
			ptr_y = *pending_y;
			ptr_buttons = *pending_buttons;
			emit("pointer %d %d buttons=%d\n", ptr_x, ptr_y, ptr_buttons);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		printf("usage: tessera-guest-hello\n"
		       "Runs inside a test guest: draws tsr.name=, a clock, typed keys, USB devices and\n"
		       "the network's probes (/run/tsr-net) on /dev/fb0;\n"
		       "reports key, pointer and USB events on stdout (the serial port).\n");
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	struct sigaction sa = { .sa_handler = on_poweroff_signal };
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPWR, &sa, NULL);
	read_name();
	scan_inputs(); /* before the first frame: see have_keyboard */
	bool have_fb = open_fb();
	if (have_fb) {
		fill(0, 0, width, height, BG);
		fill(0, 0, width, 8, ACCENT);
	}
	draw();
	emit("hello name=%s width=%d height=%d%s\n", name, width, height,
	     have_fb ? "" : " (no framebuffer)");
	int pend_x = 0, pend_y = 0, pend_b = 0;
	time_t last = 0;
	for (;;) {
		if (poweroff_requested) {
			emit("poweroff\n");
			sync();
			reboot(RB_POWER_OFF);
		}
		time_t now = time(NULL);
		if (now != last) {
			last = now;
			scan_inputs();
			scan_usb();
			draw();
		}
		struct pollfd pfd[MAX_INPUTS];
		for (int i = 0; i < n_inputs; i++)
			pfd[i] = (struct pollfd){ .fd = inputs[i].fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)n_inputs, 250) < 0 && errno != EINTR)
			return 1;
		for (int i = 0; i < n_inputs; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			struct input_event ev[64];
			ssize_t n = read(inputs[i].fd, ev, sizeof ev);
			for (ssize_t k = 0; k < n / (ssize_t)sizeof ev[0]; k++)
				handle(i, &ev[k], &pend_x, &pend_y, &pend_b);
		}
	}
}
