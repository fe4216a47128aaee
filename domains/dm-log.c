/* domains/dm-log.c: what a device model said before it died, for the people who must act on it.
 *
 * A device model that dies while starting writes why into its own log (QEMU: "Could not access
 * KVM kernel module: Permission denied"), which nobody reads: the broker's log gets its last
 * lines, and the screen a one-line reason taken from the last thing it said. */
#include "config.h"

#include "domains/backend-private.h"

#include <string.h>

#include "common/log.h"

#define REASON_MAX 160

/* The last `lines` non-empty lines of the log (NULL-terminated, caller frees). */
static char **last_lines(const char *log_path, unsigned lines)
{
	char *text = NULL;
	gsize len = 0;
	if (!g_file_get_contents(log_path, &text, &len, NULL)) {
		g_free(text);
		return g_new0(char *, 1);
	}
	/* Only the end matters; a device model may have logged a lot before. */
	char *start = text + (len > 8192 ? len - 8192 : 0);
	char **all = g_strsplit(start, "\n", -1);
	GPtrArray *keep = g_ptr_array_new();
	for (char **l = all; *l; l++)
		if (*g_strstrip(*l))
			g_ptr_array_add(keep, *l);
	guint from = keep->len > lines ? keep->len - lines : 0;
	char **out = g_new0(char *, keep->len - from + 1);
	for (guint i = from; i < keep->len; i++)
		out[i - from] = g_strdup(keep->pdata[i]);
	g_ptr_array_free(keep, TRUE);
	g_strfreev(all);
	g_free(text);
	return out;
}

/* QEMU's "-msg timestamp=on" prefix and its program name say nothing to a user. */
static const char *strip_prefixes(const char *line)
{
	const char *p = line;
	if (g_ascii_isdigit(p[0]) && strlen(p) > 20 && p[4] == '-' && p[10] == 'T') {
		const char *space = strchr(p, ' ');
		if (space)
			p = space + 1;
	}
	const char *colon = strstr(p, ": ");
	if (colon && colon - p < 40 && !memchr(p, ' ', (size_t)(colon - p)))
		p = colon + 2;
	return p;
}

char *tsr_dm_log_reason(const char *log_path)
{
	char **lines = last_lines(log_path, 1);
	char *reason = NULL;
	if (lines[0]) {
		const char *text = strip_prefixes(lines[0]);
		reason = g_utf8_make_valid(text, -1);
		if (g_utf8_strlen(reason, -1) > REASON_MAX) {
			char *cut = g_utf8_substring(reason, 0, REASON_MAX - 1);
			g_free(reason);
			reason = g_strconcat(cut, "…", NULL);
			g_free(cut);
		}
		for (char *c = reason; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' ';
	}
	g_strfreev(lines);
	return reason;
}

void tsr_dm_log_to_broker(const char *domain, const char *how, const char *log_path,
			  unsigned lines)
{
	char **tail = last_lines(log_path, lines);
	if (!tail[0]) {
		tsr_warn("domain %s: the device model %s while starting; its log %s is empty",
			 domain, how, log_path);
	} else {
		char *joined = g_strjoinv("\n    ", tail);
		tsr_warn("domain %s: the device model %s while starting; the end of %s:\n    %s",
			 domain, how, log_path, joined);
		g_free(joined);
	}
	g_strfreev(tail);
}
