/* broker/enrol-read.c: one enrolment disk, read through tessera-enrol-reader.
 *
 * The disk is untrusted (anyone may plug one in), so the broker, root, never parses it: it
 * opens the block device read-only, starts the reader with that fd as stdin and a pipe as
 * stdout, and the reader drops to its own user in its sandbox before reading a byte (its
 * FAT reader and the file's parser run there; doc/laptop-image.md, "Enrolment"). What comes
 * back is bounded (the file's cap and a line more) and in time (ENROL_READ_MS); the broker
 * then parses the canonical file the reader wrote with the same strict parser. The broker's
 * main loop waits meanwhile: a laptop that is not enrolled has no session to serve. */
#include "config.h"
#include "broker/broker-private.h"
#include "common/log.h"
#include "policy/enrol.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENROL_READ_MS 20000

#ifndef TSR_LIBEXECDIR
#define TSR_LIBEXECDIR "/usr/libexec"
#endif

/* Everything the reader writes, until it closes stdout or the deadline passes. */
static GString *collect(int fd, size_t max, bool *timed_out)
{
	GString *s = g_string_new(NULL);
	gint64 deadline = g_get_monotonic_time() + ENROL_READ_MS * 1000;
	char buf[16384];

	*timed_out = false;
	for (;;) {
		gint64 left = (deadline - g_get_monotonic_time()) / 1000;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (left <= 0) {
			*timed_out = true;
			break;
		}
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			*timed_out = r == 0;
			break;
		}
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		g_string_append_len(s, buf, n);
		if (s->len > max)
			break;
	}
	return s;
}

void brk_printable(char *s)
{
	/* Printable ASCII only: the kiosk refuses a message with anything else. */
	g_strcanon(s, " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		      "[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~", '?');
}

struct tsr_enrol *brk_enrol_read(struct tsr_broker *b, const char *device, char **refusal)
{
	const char *reader = b->cfg.enrol_reader ? b->cfg.enrol_reader
						 : TSR_LIBEXECDIR "/tessera-enrol-reader";
	const char *argv[] = { reader, "--user", b->cfg.enrol_user ? b->cfg.enrol_user : "nobody",
			       NULL };
	/* An empty environment: nothing of the broker's (a sanitizer's options, a locale, a
	 * debug switch) reaches the parser of a stranger's disk. */
	const char *envp[] = { NULL };
	g_autoptr(GError) error = NULL;
	int disk = open(device, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	int out = -1, status = 0;
	GPid pid = 0;
	bool timed_out = false;

	*refusal = NULL;
	if (disk < 0) {
		*refusal = g_strdup_printf("The disk cannot be opened: %s.", g_strerror(errno));
		return NULL;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		*refusal = g_strdup_printf("The disk cannot be read: %s.", g_strerror(errno));
		close(disk);
		return NULL;
	}
	out = fds[0];
	bool spawned = g_spawn_async_with_fds(NULL, (char **)argv, (char **)envp,
					      G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid, disk,
					      fds[1], -1, &error);
	close(disk);
	close(fds[1]);
	if (!spawned) {
		close(out);
		*refusal = g_strdup_printf("The disk cannot be read (%s).", error->message);
		return NULL;
	}
	g_autoptr(GString) text = collect(out, TSR_ENROL_FILE_MAX + 4096, &timed_out);
	close(out);
	if (timed_out)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	g_spawn_close_pid(pid);
	if (timed_out || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		tsr_err("enrolment reader on %s: %s %d", device,
			timed_out ? "timed out" : WIFEXITED(status) ? "exit status" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
		*refusal = g_strdup("The disk could not be read safely; nothing was changed.");
		return NULL;
	}
	if (WEXITSTATUS(status) == 1) {
		/* One line for the user; keep what fits the screen. */
		char *nl = memchr(text->str, '\n', text->len);
		*refusal = g_strndup(text->str, nl ? (size_t)(nl - text->str) : MIN(text->len, 200));
		brk_printable(*refusal);
		return NULL;
	}
	struct tsr_enrol *e = tsr_enrol_parse(text->str, text->len, &error);
	if (!e)
		*refusal = g_strdup_printf("The disk could not be read safely (%s).", error->message);
	return e;
}
