/* tests/integration/fake-logind.c: the part of systemd-logind the broker talks to, on a private bus.
 *
 * The broker's inhibitors and its answer to PrepareForSleep (broker/logind.c) can only be
 * tested against something that owns org.freedesktop.login1; the machine's own logind (when
 * there is one) must never be touched by a test. This stand-in owns the name on the bus
 * DBUS_SYSTEM_BUS_ADDRESS names and implements Manager.Inhibit (returning the write end of a
 * pipe: the inhibitor is held while that end is open, as logind's fifo) and Manager.Suspend,
 * and emits PrepareForSleep. It reports on stdout, one line each:
 *   ready | inhibit what=W mode=M who=WHO | released what=W mode=M | suspend | held W M N
 * and takes commands on stdin: "sleep" (PrepareForSleep(true)), "wake" (PrepareForSleep(false)),
 * "held W M" (how many W/M inhibitors are open now). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#define MAX_INHIBITORS 16

struct inhibitor {
	char what[64], mode[16];
	int fd; /* the read end; POLLHUP once every copy of the write end is closed */
};

static struct inhibitor inhibitors[MAX_INHIBITORS];
static size_t n_inhibitors;
static sd_bus *bus;

/* One report line, flushed at once: the test waits for it. */
#define say(...) (printf(__VA_ARGS__), putchar('\n'), fflush(stdout))

/* Drop (and report) the inhibitors whose holder let go. */
static void reap(void)
{
	for (size_t i = 0; i < n_inhibitors;) {
		struct pollfd p = { .fd = inhibitors[i].fd, .events = POLLIN };
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR))) {
			say("released what=%s mode=%s", inhibitors[i].what, inhibitors[i].mode);
			close(inhibitors[i].fd);
			inhibitors[i] = inhibitors[--n_inhibitors];
		} else {
			i++;
		}
	}
}

static int emit_prepare(int start)
{
	return sd_bus_emit_signal(bus, "/org/freedesktop/login1", "org.freedesktop.login1.Manager",
				  "PrepareForSleep", "b", start);
}

static int method_inhibit(sd_bus_message *m, void *data, sd_bus_error *error)
{
	const char *what, *who, *why, *mode;
	int p[2], r;

	r = sd_bus_message_read(m, "ssss", &what, &who, &why, &mode);
	if (r < 0)
		return r;
	if (n_inhibitors == MAX_INHIBITORS || pipe2(p, O_CLOEXEC) < 0)
		return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "too many inhibitors");
	snprintf(inhibitors[n_inhibitors].what, sizeof(inhibitors[0].what), "%s", what);
	snprintf(inhibitors[n_inhibitors].mode, sizeof(inhibitors[0].mode), "%s", mode);
	inhibitors[n_inhibitors++].fd = p[0];
	say("inhibit what=%s mode=%s who=%s", what, mode, who);
	r = sd_bus_reply_method_return(m, "h", p[1]);
	close(p[1]);
	return r;
}

static int method_suspend(sd_bus_message *m, void *data, sd_bus_error *error)
{
	int interactive, r;

	r = sd_bus_message_read(m, "b", &interactive);
	if (r < 0)
		return r;
	say("suspend");
	r = sd_bus_reply_method_return(m, "");
	return r < 0 ? r : emit_prepare(1);
}

static const sd_bus_vtable manager[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("Inhibit", "ssss", "h", method_inhibit, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Suspend", "b", "", method_suspend, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL("PrepareForSleep", "b", 0),
	SD_BUS_VTABLE_END
};

static void command(char *line)
{
	char what[64], mode[16];
	unsigned n = 0;

	line[strcspn(line, "\n")] = '\0';
	reap();
	if (strcmp(line, "sleep") == 0 || strcmp(line, "wake") == 0) {
		if (emit_prepare(line[0] == 's') < 0)
			exit(3);
		say("prepare-for-sleep %s", line[0] == 's' ? "true" : "false");
	} else if (sscanf(line, "held %63s %15s", what, mode) == 2) {
		for (size_t i = 0; i < n_inhibitors; i++)
			n += strcmp(inhibitors[i].what, what) == 0 && strcmp(inhibitors[i].mode, mode) == 0;
		say("held %s %s %u", what, mode, n);
	} else {
		say("unknown-command %s", line);
	}
}

int main(int argc, char **argv)
{
	char line[256];
	int r;

	if (argc > 1) {
		printf("Usage: %s (no arguments; commands on stdin, see the source)\n", argv[0]);
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/login1",
					     "org.freedesktop.login1.Manager", manager, NULL);
	if (r >= 0)
		r = sd_bus_request_name(bus, "org.freedesktop.login1", 0);
	if (r < 0) {
		fprintf(stderr, "fake-logind: %s\n", strerror(-r));
		return 1;
	}
	say("ready");
	for (;;) {
		struct pollfd p[2 + MAX_INHIBITORS] = {
			{ .fd = sd_bus_get_fd(bus), .events = (short)sd_bus_get_events(bus) },
			{ .fd = STDIN_FILENO, .events = POLLIN },
		};
		for (size_t i = 0; i < n_inhibitors; i++)
			p[2 + i] = (struct pollfd){ .fd = inhibitors[i].fd, .events = POLLIN };
		while ((r = sd_bus_process(bus, NULL)) > 0)
			;
		if (r < 0)
			return 1;
		if (sd_bus_flush(bus) < 0)
			return 1;
		p[0].events = (short)sd_bus_get_events(bus);
		if (poll(p, 2 + n_inhibitors, -1) < 0 && errno != EINTR)
			return 1;
		if (p[1].revents & (POLLIN | POLLHUP)) {
			if (!fgets(line, sizeof(line), stdin))
				return 0; /* the test is done */
			command(line);
		}
		reap();
	}
}
