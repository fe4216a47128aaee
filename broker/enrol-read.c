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
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ENROL_READ_MS 20000

#ifndef TSR_LIBEXECDIR
#define TSR_LIBEXECDIR "/usr/libexec"
#endif

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
	int status = 0;
	bool timed_out = false;

	*refusal = NULL;
	if (disk < 0) {
		*refusal = g_strdup_printf("The disk cannot be opened: %s.", g_strerror(errno));
		return NULL;
	}
	g_autoptr(GString) text = brk_run_bounded(argv, envp, disk, TSR_ENROL_FILE_MAX + 4096,
						  ENROL_READ_MS, &status, &timed_out, &error);
	close(disk);
	if (!text) {
		*refusal = g_strdup_printf("The disk cannot be read (%s).", error->message);
		return NULL;
	}
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
