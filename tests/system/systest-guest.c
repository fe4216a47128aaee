/* tests/system/systest-guest.c: tsr-systest-guest, the guest side's small tools.
 *
 * Busybox lacks a few things a system test needs inside the guest to observe the machine
 * without sleeping:
 *   evwait   read an evdev device (without grabbing it) until a given key goes down, printing
 *            every key press seen; proves the host's QMP keys reached the input layer
 *   kbmode   get or set a VT's keyboard mode (KDGKBMODE/KDSKBMODE)
 *   kdmode   get or set a VT's display mode (KD_TEXT/KD_GRAPHICS)
 *   fgvt     print the foreground VT number
 *   ttyraw   put a tty in raw mode without echo (a VT resets it on its last close: keep it
 *            open elsewhere, e.g. exec 3</dev/ttyN)
 *   ttyread  print the first byte typed on a tty
 *   fbpaint  paint the framebuffer on the host's word (bench/guest-display): each byte read
 *            from a serial port paints the whole screen at once, so the host can time how long
 *            a guest's change takes to reach a SPICE client */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libevdev/libevdev.h>
#include <linux/input.h>
#include <linux/kd.h>
#include <linux/vt.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/fb.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static const char usage_text[] =
	"usage: tsr-systest-guest COMMAND ...\n"
	"  evwait [--timeout S] [--mark TEXT] /dev/input/eventN KEY_NAME\n"
	"      wait for KEY_NAME to go down; --mark: write TEXT to the marker port once reading\n"
	"  kbmode /dev/ttyN [raw|xlate|mediumraw|unicode|off] get or set the keyboard mode\n"
	"  kdmode /dev/ttyN [text|graphics]                  get or set the display mode\n"
	"  fgvt                                              print the foreground VT number\n"
	"  ttyraw /dev/ttyN                                  raw mode, no echo\n"
	"  ttyread /dev/ttyN                                 print the first byte typed\n"
	"  fbpaint /dev/fbN /dev/ttySN   per byte read: w white, b black, s 3 s of a 64x64 block\n"
	"                                changing every 2 ms (QEMU's refresh shows its own pace)\n";

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One line on the harness's marker port (guest ttyS1), like guest-lib.sh's mark. */
static bool mark(const char *text)
{
	FILE *f = fopen("/dev/ttyS1", "we");
	if (!f || fprintf(f, "%s\n", text) < 0 || fclose(f) != 0) {
		fprintf(stderr, "tsr-systest-guest: cannot write the mark to /dev/ttyS1: %s\n",
			strerror(errno));
		return false;
	}
	return true;
}

static int cmd_evwait(int argc, char **argv)
{
	long long timeout = 60000;
	const char *ready = NULL;
	int i = 0;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--timeout")) {
			timeout = atoll(argv[i + 1]) * 1000;
		} else if (!strcmp(argv[i], "--mark")) {
			ready = argv[i + 1];
		} else {
			fputs(usage_text, stderr);
			return 64;
		}
	}
	if (argc - i != 2 || timeout <= 0) {
		fputs(usage_text, stderr);
		return 64;
	}
	int want = libevdev_event_code_from_name(EV_KEY, argv[i + 1]);
	if (want < 0) {
		fprintf(stderr, "tsr-systest-guest: unknown key name '%s' (use KEY_A, KEY_ENTER...)\n",
			argv[i + 1]);
		return 64;
	}
	int fd = open(argv[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "tsr-systest-guest: cannot open %s: %s\n", argv[i], strerror(errno));
		return 64;
	}
	struct libevdev *dev = NULL;
	int r = libevdev_new_from_fd(fd, &dev);
	if (r < 0) {
		fprintf(stderr, "tsr-systest-guest: %s is not an evdev device: %s\n", argv[i],
			strerror(-r));
		return 64;
	}
	if (ready && !mark(ready))
		return 1;
	long long deadline = now_ms() + timeout;
	for (;;) {
		struct input_event ev;
		r = libevdev_next_event(dev, LIBEVDEV_READ_FLAG_NORMAL, &ev);
		if (r == LIBEVDEV_READ_STATUS_SUCCESS) {
			if (ev.type == EV_KEY && ev.value == 1) {
				printf("key %s down\n", libevdev_event_code_get_name(EV_KEY, ev.code));
				fflush(stdout);
				if (ev.code == want)
					return 0;
			}
			continue;
		}
		if (r == LIBEVDEV_READ_STATUS_SYNC) {
			while (libevdev_next_event(dev, LIBEVDEV_READ_FLAG_SYNC, &ev) ==
			       LIBEVDEV_READ_STATUS_SYNC)
				;
			continue;
		}
		if (r != -EAGAIN) {
			fprintf(stderr, "tsr-systest-guest: reading %s: %s\n", argv[i], strerror(-r));
			return 1;
		}
		long long left = deadline - now_ms();
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0 || poll(&p, 1, (int)left) == 0) {
			fprintf(stderr, "tsr-systest-guest: no %s on %s within the timeout\n",
				argv[i + 1], argv[i]);
			return 1;
		}
	}
}

static const struct {
	const char *name;
	int mode;
} kb_modes[] = {
	{ "raw", K_RAW }, { "xlate", K_XLATE }, { "mediumraw", K_MEDIUMRAW },
	{ "unicode", K_UNICODE }, { "off", K_OFF },
};

static int open_tty(const char *path)
{
	int fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "tsr-systest-guest: cannot open %s: %s\n", path, strerror(errno));
	return fd;
}

static int cmd_kbmode(int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		fputs(usage_text, stderr);
		return 64;
	}
	int fd = open_tty(argv[0]);
	if (fd < 0)
		return 1;
	if (argc == 2) {
		for (size_t k = 0; k < sizeof kb_modes / sizeof kb_modes[0]; k++) {
			if (!strcmp(argv[1], kb_modes[k].name)) {
				if (ioctl(fd, KDSKBMODE, kb_modes[k].mode) < 0) {
					perror("tsr-systest-guest: KDSKBMODE");
					return 1;
				}
				return 0;
			}
		}
		fprintf(stderr, "tsr-systest-guest: unknown keyboard mode '%s'\n", argv[1]);
		return 64;
	}
	int mode;
	if (ioctl(fd, KDGKBMODE, &mode) < 0) {
		perror("tsr-systest-guest: KDGKBMODE");
		return 1;
	}
	for (size_t k = 0; k < sizeof kb_modes / sizeof kb_modes[0]; k++) {
		if (kb_modes[k].mode == mode) {
			printf("%s\n", kb_modes[k].name);
			return 0;
		}
	}
	printf("unknown(%d)\n", mode);
	return 0;
}

static int cmd_kdmode(int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		fputs(usage_text, stderr);
		return 64;
	}
	int fd = open_tty(argv[0]);
	if (fd < 0)
		return 1;
	if (argc == 2) {
		int set = !strcmp(argv[1], "text") ? KD_TEXT : !strcmp(argv[1], "graphics") ? KD_GRAPHICS : -1;
		if (set < 0) {
			fprintf(stderr, "tsr-systest-guest: unknown display mode '%s'\n", argv[1]);
			return 64;
		}
		if (ioctl(fd, KDSETMODE, set) < 0) {
			perror("tsr-systest-guest: KDSETMODE");
			return 1;
		}
		return 0;
	}
	int mode;
	if (ioctl(fd, KDGETMODE, &mode) < 0) {
		perror("tsr-systest-guest: KDGETMODE");
		return 1;
	}
	printf("%s\n", mode == KD_GRAPHICS ? "graphics" : mode == KD_TEXT ? "text" : "other");
	return 0;
}

static int cmd_fgvt(void)
{
	int fd = open_tty("/dev/tty0");
	if (fd < 0)
		return 1;
	struct vt_stat st;
	if (ioctl(fd, VT_GETSTATE, &st) < 0) {
		perror("tsr-systest-guest: VT_GETSTATE");
		return 1;
	}
	printf("%u\n", st.v_active);
	return 0;
}

static bool make_raw(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &t) < 0) {
		perror("tsr-systest-guest: tcgetattr");
		return false;
	}
	cfmakeraw(&t);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(fd, TCSANOW, &t) < 0) {
		perror("tsr-systest-guest: tcsetattr");
		return false;
	}
	return true;
}

static int cmd_ttyraw(int argc, char **argv)
{
	if (argc != 1) {
		fputs(usage_text, stderr);
		return 64;
	}
	int fd = open_tty(argv[0]);
	return fd >= 0 && make_raw(fd) ? 0 : 1;
}

static void fill(uint32_t *fb, size_t stride_px, int w, int h, uint32_t color)
{
	for (int y = 0; y < h; y++)
		for (int x = 0; x < w; x++)
			fb[(size_t)y * stride_px + (size_t)x] = color;
}

static int cmd_fbpaint(int argc, char **argv)
{
	struct fb_var_screeninfo var;
	struct fb_fix_screeninfo fix;
	if (argc != 2) {
		fputs(usage_text, stderr);
		return 64;
	}
	int fb_fd = open(argv[0], O_RDWR | O_CLOEXEC), tty = open_tty(argv[1]);
	if (fb_fd < 0 || tty < 0 || !make_raw(tty) || ioctl(fb_fd, FBIOGET_VSCREENINFO, &var) < 0 ||
	    ioctl(fb_fd, FBIOGET_FSCREENINFO, &fix) < 0 || var.bits_per_pixel != 32) {
		fprintf(stderr, "tsr-systest-guest: no 32-bit framebuffer at %s or no tty %s\n",
			argv[0], argv[1]);
		return 1;
	}
	uint32_t *fb = mmap(NULL, fix.smem_len, PROT_READ | PROT_WRITE, MAP_SHARED, fb_fd, 0);
	if (fb == MAP_FAILED) {
		perror("tsr-systest-guest: mmap");
		return 1;
	}
	size_t stride = fix.line_length / 4;
	int w = (int)var.xres, h = (int)var.yres;
	char c;
	while (read(tty, &c, 1) == 1) {
		if (c == 'w' || c == 'b') {
			fill(fb, stride, w, h, c == 'w' ? 0x00ffffffu : 0);
		} else if (c == 's') {
			struct timespec pause = { 0, 2000000 };
			for (long long end = now_ms() + 3000, i = 0; now_ms() < end; i++) {
				fill(fb, stride, 64, 64, i & 1 ? 0x00ff0000u : 0x000000ffu);
				nanosleep(&pause, NULL);
			}
		}
	}
	return 0;
}

static int cmd_ttyread(int argc, char **argv)
{
	if (argc != 1) {
		fputs(usage_text, stderr);
		return 64;
	}
	int fd = open_tty(argv[0]);
	if (fd < 0)
		return 1;
	unsigned char c;
	ssize_t n;
	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		fprintf(stderr, "tsr-systest-guest: read %s: %s\n", argv[0],
			n < 0 ? strerror(errno) : "end of file");
		return 1;
	}
	if (c >= 0x21 && c < 0x7f)
		printf("%c\n", c);
	else
		printf("0x%02x\n", c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 64 : 0;
	}
	if (!strcmp(argv[1], "evwait"))
		return cmd_evwait(argc - 2, argv + 2);
	if (!strcmp(argv[1], "kbmode"))
		return cmd_kbmode(argc - 2, argv + 2);
	if (!strcmp(argv[1], "kdmode"))
		return cmd_kdmode(argc - 2, argv + 2);
	if (!strcmp(argv[1], "fgvt"))
		return cmd_fgvt();
	if (!strcmp(argv[1], "ttyraw"))
		return cmd_ttyraw(argc - 2, argv + 2);
	if (!strcmp(argv[1], "ttyread"))
		return cmd_ttyread(argc - 2, argv + 2);
	if (!strcmp(argv[1], "fbpaint"))
		return cmd_fbpaint(argc - 2, argv + 2);
	fprintf(stderr, "tsr-systest-guest: unknown command '%s'\n", argv[1]);
	fputs(usage_text, stderr);
	return 64;
}
