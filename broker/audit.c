/* broker/audit.c: append-only, fsync'd, size-rotated, hash-chained JSON-lines audit log (see
 * audit.h and common/audit-chain.h). */
#include "config.h"
#include "broker/audit.h"
#include "broker/journal.h"
#include "broker/owned-dir.h"
#include "common/audit-chain.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct tsr_audit {
	char *dir;
	char *path;
	int fd;
	int dirfd;
	uint64_t size;
	uint64_t max_bytes;
	unsigned keep;
	uint64_t seq;
	struct tsr_clock *clock;
	char *journal_ident;
	char prev[TSR_AUDIT_CHAIN_HEX + 1]; /* the hash of the last whole line written */
	size_t torn;                        /* a torn line to say before the next event */
	bool torn_open;                     /* ... still without its newline */
};

/* The log, 0600 even if an older version or a restore left it open; a regular file only. */
static int open_log(const char *path)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	int saved;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		saved = errno;
	else if (!S_ISREG(st.st_mode))
		saved = EINVAL;
	else if ((st.st_mode & 07777) != 0600 && fchmod(fd, 0600) < 0)
		saved = errno;
	else
		return fd;
	close(fd);
	errno = saved;
	return -1;
}

static char *rotated_name(const struct tsr_audit *a, unsigned n);

/* The hash of the last whole line of text[0..len) into a->prev; false if it has none. */
static bool last_line_hash(struct tsr_audit *a, const char *text, size_t len)
{
	size_t end = len, start;

	while (end > 0 && text[end - 1] != '\n')
		end--;
	if (end == 0)
		return false;
	start = end - 1;
	while (start > 0 && text[start - 1] != '\n')
		start--;
	tsr_audit_chain_hash(text + start, end - 1 - start, a->prev);
	return true;
}

/* Where the chain stands: the hash of the last whole line in the newest file that has one
 * (a crash between a rotation and the next event leaves the current file empty), or the
 * start. A last line without its newline is finished with one; if it is not a whole audit
 * line (a crash tore the write), the chain skips it and a->torn says its length, recorded as
 * an audit-torn event once the log is open. */
static bool resume_chain(struct tsr_audit *a, GError **error)
{
	memcpy(a->prev, TSR_AUDIT_CHAIN_START, sizeof(a->prev));
	for (unsigned i = 0; i <= a->keep; i++) {
		g_autofree char *path = rotated_name(a, i), *text = NULL;
		gsize len = 0;

		if (!g_file_get_contents(path, &text, &len, NULL) || len == 0)
			continue;
		if (i == 0 && text[len - 1] != '\n') {
			const char *frag = memrchr(text, '\n', len);
			size_t flen = frag ? len - (size_t)(frag + 1 - text) : len;
			g_autoptr(JsonParser) p = json_parser_new();

			frag = frag ? frag + 1 : text;
			if (write(a->fd, "\n", 1) != 1 || fsync(a->fd) < 0) {
				g_set_error(error, G_IO_ERROR, g_io_error_from_errno(errno),
					    "cannot finish the last line of %s: %s", a->path,
					    g_strerror(errno));
				return false;
			}
			a->size++;
			if (json_parser_load_from_data(p, frag, (gssize)flen, NULL) &&
			    JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p))) {
				tsr_audit_chain_hash(frag, flen, a->prev);
				return true;
			}
			a->torn = flen;
			len -= flen;
			if (last_line_hash(a, text, len))
				return true;
			continue;
		}
		if (last_line_hash(a, text, len))
			return true;
	}
	return true;
}

/* Record the torn line resume_chain found: loud, and in the log itself, so that the checker
 * knows the line is not a removal (doc/broker.md, "Audit log"). */
static bool say_torn(struct tsr_audit *a)
{
	JsonObject *o = json_object_new();
	size_t torn = a->torn;

	if (a->torn_open) {
		if (write(a->fd, "\n", 1) != 1)
			return false;
		a->size++;
		a->torn_open = false;
	}
	tsr_warn("audit: the last line of %s was torn (%zu bytes, a crash or a full disk while "
		 "writing?); the chain goes on past it, recorded as %s", a->path, torn,
		 TSR_AUDIT_TORN_EVENT);
	a->torn = 0;
	json_object_set_int_member(o, TSR_AUDIT_TORN_FIELD, (int64_t)torn);
	return tsr_audit_event(a, TSR_AUDIT_TORN_EVENT, o);
}

struct tsr_audit *tsr_audit_open(const char *dir, uint64_t max_bytes, unsigned keep,
				 struct tsr_clock *clock, GError **error)
{
	struct tsr_audit *a;
	struct stat st;

	/* Root's alone, even when an older version or a restore left it open. */
	int dirfd = brk_owned_dir_open(dir, 0700);
	if (dirfd < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
			    "cannot create the audit directory %s: %s", dir,
			    saved == EPERM ? "it belongs to another user" : g_strerror(saved));
		return NULL;
	}
	a = g_new0(struct tsr_audit, 1);
	a->dir = g_strdup(dir);
	a->path = g_build_filename(dir, TSR_AUDIT_FILE, NULL);
	a->max_bytes = max_bytes ? max_bytes : TSR_AUDIT_DEFAULT_MAX_BYTES;
	a->keep = keep ? keep : 1;
	a->clock = clock;
	a->dirfd = dirfd;
	a->fd = open_log(a->path);
	if (a->fd < 0 || fstat(a->fd, &st) < 0) {
		int saved = errno;
		g_set_error(error, G_IO_ERROR, g_io_error_from_errno(saved),
			    "cannot open the audit log %s: %s", a->path, g_strerror(saved));
		tsr_audit_close(a);
		return NULL;
	}
	a->size = (uint64_t)st.st_size;
	if (!resume_chain(a, error)) {
		tsr_audit_close(a);
		return NULL;
	}
	/* Continue the sequence where the previous broker left off (seq is per file set). */
	bool truncated;
	JsonArray *all = tsr_audit_read(a, 0, 1, &truncated);
	if (json_array_get_length(all) == 1) {
		JsonObject *last = json_array_get_object_element(all, 0);
		a->seq = (uint64_t)json_object_get_int_member_with_default(last, "seq", 0);
	}
	json_array_unref(all);
	if (a->torn && !say_torn(a)) {
		g_set_error(error, G_IO_ERROR, G_IO_ERROR_FAILED,
			    "cannot record the torn last line of %s", a->path);
		tsr_audit_close(a);
		return NULL;
	}
	return a;
}

void tsr_audit_close(struct tsr_audit *audit)
{
	if (!audit)
		return;
	if (audit->fd >= 0)
		close(audit->fd);
	if (audit->dirfd >= 0)
		close(audit->dirfd);
	g_free(audit->journal_ident);
	g_free(audit->path);
	g_free(audit->dir);
	g_free(audit);
}

void tsr_audit_set_journal(struct tsr_audit *audit, const char *ident)
{
	g_free(audit->journal_ident);
	audit->journal_ident = g_strdup(ident);
}

bool tsr_audit_field_forbidden(const char *name)
{
	static const char *const bad[] = { "pass", "secret", "pin", "hash", "key", "token",
					   "cred" };
	g_autofree char *lower = g_ascii_strdown(name, -1);

	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++)
		if (strstr(lower, bad[i]))
			return true;
	return false;
}

static char *rotated_name(const struct tsr_audit *a, unsigned n)
{
	return n == 0 ? g_strdup(a->path) : g_strdup_printf("%s.%u", a->path, n);
}

static bool rotate(struct tsr_audit *a)
{
	/* Drop the oldest, shift the rest up by one, start a fresh file. */
	for (unsigned i = a->keep; i > 0; i--) {
		g_autofree char *from = rotated_name(a, i - 1);
		g_autofree char *to = rotated_name(a, i);

		if (rename(from, to) < 0 && errno != ENOENT) {
			tsr_err("audit: cannot rotate %s: %s", from, g_strerror(errno));
			return false;
		}
	}
	close(a->fd);
	a->fd = open_log(a->path);
	if (a->fd < 0) {
		tsr_err("audit: cannot reopen %s: %s", a->path, g_strerror(errno));
		return false;
	}
	fsync(a->dirfd);
	a->size = 0;
	return true;
}

bool tsr_audit_event(struct tsr_audit *audit, const char *event, JsonObject *fields)
{
	g_autoptr(JsonObject) o = json_object_new();
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
	g_autoptr(GDateTime) dt = NULL;
	g_autofree char *line = NULL, *time = NULL;
	int64_t now = tsr_clock_now_us(audit->clock);
	bool ok = true;
	gsize len;

	if (audit->torn && !say_torn(audit)) {
		if (fields)
			json_object_unref(fields);
		return false;
	}

	dt = g_date_time_new_from_unix_utc(now / G_USEC_PER_SEC);
	time = dt ? g_date_time_format(dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup("?");
	json_object_set_string_member(o, "time", time);
	json_object_set_int_member(o, "ts", now);
	json_object_set_int_member(o, "seq", (int64_t)audit->seq + 1);
	json_object_set_string_member(o, TSR_AUDIT_CHAIN_FIELD, audit->prev);
	json_object_set_string_member(o, "event", event);
	if (fields) {
		/* In the order the caller added them, so lines read naturally. */
		GList *names = json_object_get_members(fields);

		for (GList *l = names; l; l = l->next) {
			const char *name = l->data;
			if (tsr_audit_field_forbidden(name) || json_object_has_member(o, name)) {
				tsr_err("audit: refused field \"%s\" in event %s (never log secrets "
					"or reuse reserved names)", name, event);
				ok = false;
				break;
			}
			json_object_set_member(o, name,
					       json_node_copy(json_object_get_member(fields, name)));
		}
		g_list_free(names);
		json_object_unref(fields);
	}
	if (!ok)
		return false;
	json_node_set_object(root, o);
	json_generator_set_root(gen, root);
	line = json_generator_to_data(gen, &len);
	if (len + 1 > TSR_AUDIT_MAX_LINE) {
		tsr_err("audit: event %s is %zu bytes, over the limit of %d", event, (size_t)len,
			TSR_AUDIT_MAX_LINE);
		return false;
	}
	line[len] = '\n'; /* replaces the NUL: the line is written with its newline in one go */
	if (audit->size + len + 1 > audit->max_bytes && audit->size > 0 && !rotate(audit))
		return false;
	ssize_t n = write(audit->fd, line, len + 1);
	if (n != (ssize_t)(len + 1) || fsync(audit->fd) < 0) {
		tsr_err("audit: cannot write %s: %s", audit->path,
			n < 0 ? g_strerror(errno) : "short write");
		if (n > 0 && n < (ssize_t)(len + 1)) {
			/* Part of the line is in the file (a full disk, a file size limit): it is
			 * finished and said before the next event, as after a crash. */
			audit->size += (uint64_t)n;
			audit->torn = (size_t)n;
			audit->torn_open = true;
		}
		return false;
	}
	audit->size += len + 1;
	audit->seq++;
	tsr_audit_chain_hash(line, len, audit->prev);
	if (audit->journal_ident && !tsr_journal_audit(audit->journal_ident, event, o))
		tsr_debug("audit: the journal did not take event %s", event);
	return true;
}

JsonObject *tsr_audit_fields_va(va_list ap)
{
	JsonObject *fields = json_object_new();
	const char *name;

	while ((name = va_arg(ap, const char *))) {
		const char *value = va_arg(ap, const char *);
		if (value)
			json_object_set_string_member(fields, name, value);
	}
	return fields;
}

bool tsr_audit_log(struct tsr_audit *audit, const char *event, ...)
{
	JsonObject *fields;
	va_list ap;

	va_start(ap, event);
	fields = tsr_audit_fields_va(ap);
	va_end(ap);
	return tsr_audit_event(audit, event, fields);
}

static void read_file(const char *path, int64_t since_us, GQueue *out, size_t max,
		      bool *truncated)
{
	g_autofree char *text = NULL;
	gsize len;

	if (!g_file_get_contents(path, &text, &len, NULL))
		return;
	g_autoptr(JsonParser) parser = json_parser_new();
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		JsonNode *root;

		if (!json_parser_load_from_data(parser, line, -1, NULL))
			continue;
		root = json_parser_get_root(parser);
		if (!root || !JSON_NODE_HOLDS_OBJECT(root))
			continue;
		if (json_object_get_int_member_with_default(json_node_get_object(root), "ts", 0) <
		    since_us)
			continue;
		g_queue_push_tail(out, json_node_copy(root));
		if (g_queue_get_length(out) > max) {
			json_node_unref(g_queue_pop_head(out));
			*truncated = true;
		}
	}
}

JsonArray *tsr_audit_read(struct tsr_audit *audit, int64_t since_us, size_t max,
			  bool *truncated)
{
	GQueue q = G_QUEUE_INIT;
	JsonArray *a = json_array_new();
	JsonNode *n;

	*truncated = false;
	for (unsigned i = audit->keep + 1; i > 0; i--) {
		g_autofree char *path = rotated_name(audit, i - 1);
		read_file(path, since_us, &q, max, truncated);
	}
	while ((n = g_queue_pop_head(&q)))
		json_array_add_element(a, n);
	return a;
}

uint64_t tsr_audit_current_size(const struct tsr_audit *audit)
{
	return audit->size;
}
