/* tests/integration/hostile-messages.c: see hostile-messages.h. */
#include "config.h"
#include "tests/integration/hostile-messages.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/display.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define ALL_SEALS HOSTILE_ALL_SEALS

int hostile_memfd(size_t size, int seals, bool huge)
{
	int fd = memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING | (huge ? MFD_HUGETLB : 0));

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size) < 0 || (seals && fcntl(fd, F_ADD_SEALS, seals) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_raw(int s, const void *m, size_t len, const int *fds, size_t nfds)
{
	/* The kiosk may already have cut us off: EPIPE/ECONNRESET are fine here. */
	if (tsr_fd_send(s, m, len, fds, nfds) < 0)
		g_assert_true(errno == EPIPE || errno == ECONNRESET);
}

static void send_msg(int s, void *m, size_t len, uint16_t type, int fd)
{
	struct tsr_frame_header h = { .type = type, .version = TSR_DISPLAY_PROTO_VERSION,
				      .length = (uint32_t)len };
	memcpy(m, &h, sizeof(h));
	send_raw(s, m, len, &fd, fd >= 0 ? 1 : 0);
	if (fd >= 0)
		close(fd);
}

void hostile_send_surface(int s, uint32_t w, uint32_t h, uint32_t stride, int fd)
{
	struct tsr_display_surface m = { .width = w, .height = h, .stride = stride,
					 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
	send_msg(s, &m, sizeof(m), TSR_DISPLAY_SURFACE, fd);
}

static void send_damage(int s, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
	struct tsr_display_damage m = { .x = x, .y = y, .width = w, .height = h };
	send_msg(s, &m, sizeof(m), TSR_DISPLAY_DAMAGE, -1);
}

void hostile_send(int s, int k, bool hugetlb)
{
	unsigned char buf[64] = { 0 };
	struct tsr_frame_header *h = (void *)buf;

	switch (k) {
	case 0: /* damage one byte too long */
		send_msg(s, buf, sizeof(struct tsr_display_damage) + 1, TSR_DISPLAY_DAMAGE, -1);
		break;
	case 1: /* unknown type */
		send_msg(s, buf, 16, 99, -1);
		break;
	case 2: /* damage outside the surface */
		hostile_send_surface(s, 64, 64, 256, hostile_memfd(65536, ALL_SEALS, false));
		send_damage(s, 60, 60, 5, 5);
		break;
	case 3: /* unsealed */
		hostile_send_surface(s, 64, 64, 256, hostile_memfd(65536, 0, false));
		break;
	case 4: /* partly sealed */
		hostile_send_surface(s, 64, 64, 256, hostile_memfd(65536, F_SEAL_SHRINK | F_SEAL_GROW, false));
		break;
	case 5: { /* hugetlbfs (where this machine can make one), else too small */
		int fd = hugetlb ? hostile_memfd(2 << 20, ALL_SEALS, true) : -1;
		hostile_send_surface(s, 64, 64, 256, fd >= 0 ? fd : hostile_memfd(100, ALL_SEALS, false));
		break;
	}
	case 6: /* too small */
		hostile_send_surface(s, 64, 64, 256, hostile_memfd(64 * 256 - 1, ALL_SEALS, false));
		break;
	case 7: /* stride x height far beyond anything mappable */
		hostile_send_surface(s, 8192, 8192, 0xfffffffcu, hostile_memfd(4096, ALL_SEALS, false));
		break;
	case 8: { /* an fd on a message that carries none */
		struct tsr_display_status st = { .status = TSR_DISPLAY_STATUS_CONNECTED };
		send_msg(s, &st, sizeof(st), TSR_DISPLAY_STATUS, hostile_memfd(4096, ALL_SEALS, false));
		break;
	}
	case 9: { /* two fds on a surface */
		struct tsr_display_surface m = { .hdr = { TSR_DISPLAY_SURFACE, TSR_DISPLAY_PROTO_VERSION,
							  sizeof(m) },
						 .width = 1, .height = 1, .stride = 4,
						 .format = TSR_DISPLAY_FORMAT_XRGB8888 };
		int two[2] = { hostile_memfd(4096, ALL_SEALS, false), hostile_memfd(4096, ALL_SEALS, false) };
		send_raw(s, &m, sizeof(m), two, 2);
		close(two[0]);
		close(two[1]);
		break;
	}
	case 10: /* damage before any surface */
		send_damage(s, 0, 0, 1, 1);
		break;
	case 11: /* wrong version */
		h->type = TSR_DISPLAY_CURSOR_HIDE;
		h->version = 7;
		h->length = 8;
		send_raw(s, buf, 8, NULL, 0);
		break;
	case 12: /* header lies about the length */
		h->type = TSR_DISPLAY_STATUS;
		h->version = TSR_DISPLAY_PROTO_VERSION;
		h->length = 4000;
		send_raw(s, buf, 12, NULL, 0);
		break;
	default: { /* a 129x129 cursor */
		struct tsr_display_cursor c = { .width = 129, .height = 129, .stride = 516,
						.format = TSR_DISPLAY_FORMAT_ARGB8888 };
		send_msg(s, &c, sizeof(c), TSR_DISPLAY_CURSOR, hostile_memfd(516 * 129, ALL_SEALS, false));
		break;
	}
	}
}
