/* tests/hostile/hostile-qemu.c: a compromised device model's QMP side, for hostile-qmp-test.
 *
 * The broker starts it in QEMU's place (--qemu) with QEMU's command line; it takes the path of
 * `-qmp unix:PATH,...`, listens there, and behaves like QEMU until the domain runs: greeting,
 * qmp_capabilities, query-status "running". Then it attacks, chosen by the domain's `-name`:
 *   nest   one message of 100,000 nested '[' (200 KB, under QMP's 1 MiB line limit);
 *   greet  greetings without end, and never reads again (each one used to cost a command).
 * It then waits to be killed; it gives up by itself after a minute so a failed test leaves
 * nothing behind. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
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

/* Read one line; returns its length, or -1 at EOF. */
static ssize_t get_line(int fd, char *buf, size_t size)
{
	size_t len = 0;

	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, 1);
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

/* The "id" of a command line, as text (QEMU echoes it). */
static long command_id(const char *line)
{
	const char *p = strstr(line, "\"id\"");

	if (!p || !(p = strchr(p, ':')))
		return -1;
	return strtol(p + 1, NULL, 10);
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
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 4) < 0) {
		perror("hostile-qemu: QMP socket");
		return 1;
	}
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return 1;
	handshake(fd);
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
