/* tests/hostile/leaky-kiosk.c: a compromised kiosk that tries to keep reading keys after the
 * broker replaced it (tests/hostile/kiosk-restart-leak-test.sh).
 *
 * Started by tessera-brokerd in place of tessera-kiosk. The first time (no STATE/started yet) it
 * takes every evdev fd the broker lends (or, from a broker that lends none, opens the nodes
 * itself), passes them to a process outside its cgroup (--send-to, the receiver below), forks a
 * child that leaves its session and keeps reading them, and exits, so the broker starts a new
 * kiosk. Every later start only reads the link ("LEAKY-SECOND-START").
 *
 * tsr-leaky-kiosk --receive PATH --uid UID is that outside process: it drops to UID, listens on
 * PATH, takes the fds and reads them too. Each reader writes one line per key press it reads
 * ("LEAKY-<WHO>-READ CODE") and one line when a device is revoked under it
 * ("LEAKY-<WHO>-REVOKED") to stderr. */
#include "config.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/kiosk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/input.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 32

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* Read every fd until the end of time, reporting key presses and revocations. */
static void read_forever(const char *who, int *fds, size_t n)
{
	struct pollfd p[MAX_FDS];

	for (size_t i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = fds[i], .events = POLLIN };
	for (;;) {
		if (poll(p, n, -1) < 0 && errno != EINTR)
			return;
		for (size_t i = 0; i < n; i++) {
			struct input_event ev[16];
			ssize_t r;
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = read(p[i].fd, ev, sizeof(ev));
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				say("LEAKY-%s-REVOKED %s", who, r < 0 ? strerror(errno) : "end");
				p[i].fd = -1; /* poll ignores it from now on */
				continue;
			}
			for (size_t j = 0; j < (size_t)r / sizeof(ev[0]); j++)
				if (ev[j].type == EV_KEY && ev[j].value == 1)
					say("LEAKY-%s-READ %u", who, ev[j].code);
		}
	}
}

/* The evdev fds the broker lends before SETTINGS (the card is closed: not what this wants). */
static size_t take_lent(int link, int *fds)
{
	uint8_t buf[TSR_KIOSK_MSG_MAX];
	size_t n = 0;

	for (;;) {
		struct pollfd p = { .fd = link, .events = POLLIN };
		int got[1] = { -1 };
		size_t ngot = 0;
		if (poll(&p, 1, 5000) <= 0)
			return n;
		ssize_t len = tsr_frame_recv(link, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION, got, 1,
					     &ngot);
		if (len <= 0)
			return n;
		const struct tsr_frame_header *h = (const void *)buf;
		const struct tsr_kiosk_device *d = (const void *)buf;
		if (h->type == TSR_KIOSK_DEVICE && d->kind == TSR_KIOSK_DEVICE_EVDEV && ngot &&
		    n < MAX_FDS)
			fds[n++] = got[0];
		else if (ngot)
			close(got[0]);
		if (h->type == TSR_KIOSK_SETTINGS)
			return n;
	}
}

/* A kiosk from before the broker lent devices opened them itself. */
static size_t open_nodes(int *fds)
{
	DIR *d = opendir("/dev/input");
	struct dirent *e;
	size_t n = 0;

	while (d && (e = readdir(d)) && n < MAX_FDS) {
		char path[300];
		if (strncmp(e->d_name, "event", 5) != 0)
			continue;
		snprintf(path, sizeof(path), "/dev/input/%s", e->d_name);
		int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
		if (fd >= 0)
			fds[n++] = fd;
	}
	if (d)
		closedir(d);
	return n;
}

static void send_out(const char *path, const int *fds, size_t n)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		say("LEAKY-SEND-FAILED %s", strerror(errno));
		return;
	}
	for (size_t i = 0; i < n; i += TSR_FDPASS_MAX) {
		size_t k = n - i < TSR_FDPASS_MAX ? n - i : TSR_FDPASS_MAX;
		if (tsr_fd_send(s, "fds", 3, fds + i, k) < 0)
			say("LEAKY-SEND-FAILED %s", strerror(errno));
	}
	close(s);
}

static int kiosk(int link, const char *send_to, const char *state)
{
	char marker[512], pidfile[512];
	int fds[MAX_FDS];
	size_t n;
	pid_t child;

	snprintf(marker, sizeof(marker), "%s/started", state);
	snprintf(pidfile, sizeof(pidfile), "%s/child.pid", state);
	if (access(marker, F_OK) == 0) {
		uint8_t buf[TSR_KIOSK_MSG_MAX];
		say("LEAKY-SECOND-START");
		for (;;) {
			int got[1] = { -1 };
			size_t ngot = 0;
			ssize_t len = tsr_frame_recv(link, buf, sizeof(buf), TSR_KIOSK_PROTO_VERSION,
						     got, 1, &ngot);
			if (ngot)
				close(got[0]);
			if (len == 0 || (len < 0 && errno != EINTR && errno != EAGAIN))
				return 0;
		}
	}
	close(open(marker, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	n = take_lent(link, fds);
	if (n == 0) {
		n = open_nodes(fds);
		say("LEAKY-OPENED-ITSELF %zu", n);
	} else {
		say("LEAKY-LENT %zu", n);
	}
	if (send_to)
		send_out(send_to, fds, n);
	child = fork();
	if (child == 0) {
		/* Out of the kiosk's session and process group: only a cgroup still holds it. */
		setsid();
		close(link);
		read_forever("CHILD", fds, n);
		_exit(0);
	}
	FILE *f = fopen(pidfile, "w");
	if (f) {
		fprintf(f, "%d\n", (int)child);
		fclose(f);
	}
	say("LEAKY-CHILD %d", (int)child);
	return 1; /* the broker starts the next kiosk */
}

static int receive(const char *path, uid_t uid)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fds[MAX_FDS];
	size_t n = 0;
	int s, c;

	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
		say("LEAKY-RECEIVER cannot drop to %u: %s", (unsigned)uid, strerror(errno));
		return 1;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0) {
		say("LEAKY-RECEIVER cannot listen on %s: %s", path, strerror(errno));
		return 1;
	}
	c = accept(s, NULL, NULL);
	for (;;) {
		char buf[8];
		int got[TSR_FDPASS_MAX];
		size_t ngot = 0;
		ssize_t r = tsr_fd_recv(c, buf, sizeof(buf), got, TSR_FDPASS_MAX, &ngot);
		if (r <= 0)
			break;
		for (size_t i = 0; i < ngot; i++)
			if (n < MAX_FDS)
				fds[n++] = got[i];
			else
				close(got[i]);
	}
	close(c);
	say("LEAKY-RECEIVER-GOT %zu", n);
	read_forever("RECEIVER", fds, n);
	return 0;
}

int main(int argc, char **argv)
{
	const char *send_to = NULL, *state = "/tmp/leaky", *recv_path = NULL;
	long uid = -1;
	int link = -1;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--broker-fd=", 12) == 0)
			link = atoi(argv[i] + 12);
		else if (strncmp(argv[i], "--send-to=", 10) == 0)
			send_to = argv[i] + 10;
		else if (strncmp(argv[i], "--state=", 8) == 0)
			state = argv[i] + 8;
		else if (strcmp(argv[i], "--receive") == 0 && i + 1 < argc)
			recv_path = argv[++i];
		else if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc)
			uid = atol(argv[++i]);
	}
	if (recv_path && uid > 0)
		return receive(recv_path, (uid_t)uid);
	if (link < 0) {
		fprintf(stderr, "usage: tsr-leaky-kiosk --broker-fd=N [--send-to=PATH] [--state=DIR]\n"
				"       tsr-leaky-kiosk --receive PATH --uid UID\n");
		return 2;
	}
	return kiosk(link, send_to, state);
}
