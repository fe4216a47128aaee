/* tests/hostile/stride-viewer.c: a compromised viewer that sends the stride attack.
 *
 * tessera-kiosk spawns it in place of tessera-viewer (--viewer-for NAME=PATH): link on fd 3,
 * the domain user's ids. Which attack it plays follows from its --domain name:
 *   replace  a valid 320x240 surface of one solid colour (STRIDE_VIEWER_RGB) first, then, on
 *            SIGUSR1, a new 320x240 surface whose stride (65540) the scene cannot draw;
 *   first    that surface as its very first one.
 * After the attack it damages the whole surface again and again, so a kiosk that kept a
 * pointer to the unmapped old pixels draws from them. Exits 0 once the kiosk has cut it off
 * (EOF on the link); until then it waits, so only the kiosk can end the display. */
#include "config.h"
#include "common/frame.h"
#include "proto/display.h"
#include "tests/hostile/stride-viewer.h"
#include "tests/integration/hostile-messages.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define W 320u
#define H 240u
#define LINK 3

static int solid_memfd(uint32_t stride, uint32_t rgb)
{
	int fd = hostile_memfd((size_t)stride * H, HOSTILE_ALL_SEALS, false);
	uint32_t *p;

	if (fd < 0)
		return -1;
	/* The seals stop resizing, not writing. */
	p = mmap(NULL, (size_t)stride * H, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -1;
	}
	for (size_t i = 0; i < (size_t)stride / 4 * H; i++)
		p[i] = rgb;
	munmap(p, (size_t)stride * H);
	return fd;
}

/* false once the kiosk has hung up. */
static bool send_damage(void)
{
	struct tsr_display_damage m = { .x = 0, .y = 0, .width = W, .height = H };

	return tsr_frame_send(LINK, &m, sizeof(m), TSR_DISPLAY_DAMAGE, TSR_DISPLAY_PROTO_VERSION,
			      NULL, 0) == 0;
}

static bool send_connected(void)
{
	struct tsr_display_status m = { .status = TSR_DISPLAY_STATUS_CONNECTED };

	return tsr_frame_send(LINK, &m, sizeof(m), TSR_DISPLAY_STATUS, TSR_DISPLAY_PROTO_VERSION,
			      NULL, 0) == 0;
}

int main(int argc, char **argv)
{
	struct pollfd p = { .fd = LINK, .events = POLLIN };
	const char *domain = "";
	sigset_t usr1;
	int sig, fd;
	char buf[64];

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--domain") == 0)
			domain = argv[i + 1];
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	if (strcmp(domain, "replace") == 0) {
		fd = solid_memfd(W * 4, STRIDE_VIEWER_RGB);
		if (fd < 0)
			return 2;
		hostile_send_surface(LINK, W, H, W * 4, fd);
		if (!send_connected() || !send_damage())
			return 2;
		/* The test says when the kiosk shows it. */
		sigwait(&usr1, &sig);
	} else if (strcmp(domain, "first") != 0) {
		fprintf(stderr, "stride-viewer: no attack for domain '%s'\n", domain);
		return 2;
	}
	fd = solid_memfd(STRIDE_VIEWER_STRIDE, STRIDE_VIEWER_BAD_RGB);
	if (fd < 0)
		return 2;
	hostile_send_surface(LINK, W, H, STRIDE_VIEWER_STRIDE, fd);
	(void)send_connected();
	for (int i = 0; i < 400 && send_damage(); i++)
		usleep(5000);
	/* Drain what the kiosk sends until it hangs up: never leave on our own, so that only the
	 * kiosk can end this display. */
	while (poll(&p, 1, -1) == 1 || errno == EINTR) {
		if (read(LINK, buf, sizeof(buf)) <= 0)
			return 0;
	}
	return 1;
}
