/* tests/hostile/hostile-qemu.c: a compromised device model's QMP side, for hostile-qmp-test.
 *
 * The broker starts it in QEMU's place (--qemu) with QEMU's command line; it takes the path of
 * `-qmp unix:PATH,...`, listens there, and behaves like QEMU until the domain runs: greeting,
 * qmp_capabilities, query-status "running". Then it attacks, chosen by the domain's `-name`:
 *   nest   one message of 100,000 nested '[' (200 KB, under QMP's 1 MiB line limit);
 *   greet  greetings without end, and never reads again (each one used to cost a command);
 *   link   no QMP socket at all: qmp.sock is a symbolic link to the broker's control socket
 *          (RUN/control.sock), where a connection from root would be credited as root's.
 * A domain named "usb" does not attack: it answers every command as QEMU would and notes in
 * RUNDIR/usb-report what it was given (the fd add-fd brought, device_add's hostdevice,
 * remove-fd), so the test can see how a host device reached it.
 * It then waits to be killed; it gives up by itself after a minute so a failed test leaves
 * nothing behind. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, " \
		 "\"package\": \"\"}, \"capabilities\": []}}\n"

static void put(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return; /* the broker hung up: that is what the attack should end in */
		text += n;
		len -= (size_t)n;
	}
}

/* The fd that came with the last line (SCM_RIGHTS), or -1. */
static int passed_fd = -1;

static ssize_t recv_byte(int fd, char *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = c, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	ssize_t n = recvmsg(fd, &msg, 0);
	struct cmsghdr *cm = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;

	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(&passed_fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

/* Read one line; returns its length, or -1 at EOF. */
static ssize_t get_line(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = recv_byte(fd, buf + len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		if (buf[len] == '\n')
			break;
		len++;
	}
	buf[len] = '\0';
	return (ssize_t)len;
}

/* The command's own "id" (the last one: arguments may have an "id" too). */
static long command_id(const char *line)
{
	const char *p = NULL;

	for (const char *q = strstr(line, "\"id\""); q; q = strstr(q + 1, "\"id\""))
		p = q;
	if (!p || !(p = strchr(p, ':')))
		return -1;
	return strtol(p + 1, NULL, 10);
}

/* Append a line to the report. */
static void note(const char *report, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(const char *report, const char *fmt, ...)
{
	FILE *f = fopen(report, "a");
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* Answer commands as QEMU does, noting what USB attach and detach bring. */
static void serve(int fd, const char *report)
{
	char line[4096], reply[512];

	while (get_line(fd, line, sizeof(line)) >= 0) {
		long id = command_id(line);
		snprintf(reply, sizeof(reply), "{\"return\": {}, \"id\": %ld}\n", id);
		if (strstr(line, "\"add-fd\"")) {
			struct stat st;
			if (passed_fd >= 0 && fstat(passed_fd, &st) == 0)
				note(report, "add-fd %s rdev=%u:%u",
				     S_ISCHR(st.st_mode) ? "char" : "other",
				     major(st.st_rdev), minor(st.st_rdev));
			else
				note(report, "add-fd without an fd");
			snprintf(reply, sizeof(reply),
				 "{\"return\": {\"fdset-id\": 7, \"fd\": %d}, \"id\": %ld}\n",
				 passed_fd, id);
		} else if (strstr(line, "\"device_add\"")) {
			const char *h = strstr(line, "\"hostdevice\"");
			note(report, "device_add hostdevice=%.*s",
			     h ? (int)strcspn(h + 14, "\"") : 4, h ? h + 14 : "none");
		} else if (strstr(line, "\"device_del\"")) {
			const char *dev = strstr(line, "\"id\":\"");
			char event[256];
			put(fd, reply, strlen(reply));
			snprintf(event, sizeof(event),
				 "{\"event\": \"DEVICE_DELETED\", \"data\": {\"device\": "
				 "\"%.*s\"}}\n", dev ? (int)strcspn(dev + 6, "\"") : 0,
				 dev ? dev + 6 : "");
			put(fd, event, strlen(event));
			continue;
		} else if (strstr(line, "\"remove-fd\"")) {
			note(report, "remove-fd");
			if (passed_fd >= 0)
				close(passed_fd);
			passed_fd = -1;
		}
		put(fd, reply, strlen(reply));
	}
}

/* Play QEMU until the broker has seen the domain run. */
static void handshake(int fd)
{
	char line[4096], reply[256];
	bool status_done = false;

	put(fd, GREETING, strlen(GREETING));
	while (!status_done && get_line(fd, line, sizeof(line)) >= 0) {
		long id = command_id(line);
		if (strstr(line, "query-status")) {
			snprintf(reply, sizeof(reply),
				 "{\"return\": {\"status\": \"running\", \"singlestep\": false, "
				 "\"running\": true}, \"id\": %ld}\n", id);
			status_done = true;
		} else {
			snprintf(reply, sizeof(reply), "{\"return\": {}, \"id\": %ld}\n", id);
		}
		put(fd, reply, strlen(reply));
	}
}

int main(int argc, char **argv)
{
	const char *name = NULL, *qmp = NULL;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char path[sizeof(addr.sun_path)];
	int lfd, fd;

	alarm(60);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "-name") == 0)
			name = argv[i + 1];
		else if (strcmp(argv[i], "-qmp") == 0)
			qmp = argv[i + 1];
	}
	if (!name || !qmp || strncmp(qmp, "unix:", 5) != 0) {
		fprintf(stderr, "hostile-qemu: no -name or -qmp unix:PATH\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(qmp + 5, ","), qmp + 5);
	memcpy(addr.sun_path, path, sizeof(path));
	if (strcmp(name, "link") == 0) {
		char control[sizeof(path) + 16];
		char *end = path + strlen(path);
		for (int up = 0; up < 3 && end > path; up++) /* RUN/domains/NAME/qmp.sock */
			while (end > path && *--end != '/')
				;
		snprintf(control, sizeof(control), "%.*s/control.sock", (int)(end - path), path);
		if (symlink(control, path) < 0) {
			perror("hostile-qemu: symlink");
			return 1;
		}
		for (;;)
			pause();
	}
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 4) < 0) {
		perror("hostile-qemu: QMP socket");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return 1;
	handshake(fd);
	if (strcmp(name, "usb") == 0) {
		char report[sizeof(path) + 16];
		snprintf(report, sizeof(report), "%.*s/usb-report", (int)(strrchr(path, '/') - path),
			 path);
		serve(fd, report);
		return 0;
	}
	usleep(200 * 1000); /* let the broker report the domain running first */
	if (strcmp(name, "nest") == 0) {
		enum { DEPTH = 100000 };
		char *msg = malloc(2 * DEPTH + 1);
		if (!msg)
			return 1;
		memset(msg, '[', DEPTH);
		memset(msg + DEPTH, ']', DEPTH);
		msg[2 * DEPTH] = '\n';
		put(fd, msg, 2 * DEPTH + 1);
		free(msg);
	} else if (strcmp(name, "greet") == 0) {
		for (int i = 0; i < 100000; i++)
			put(fd, GREETING, strlen(GREETING));
	}
	for (;;)
		pause();
}
