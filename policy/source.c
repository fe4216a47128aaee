/* policy/source.c: key files with line numbers and duplicate detection (see source.h). */
#include "policy/source.h"
#include "policy/policy.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

struct mark {
	char *group;
	char *key; /* NULL for the group header */
	int line;
};

static void mark_free(gpointer p)
{
	struct mark *m = p;
	g_free(m->group);
	g_free(m->key);
	g_free(m);
}

static const struct mark *find_mark(const struct tsr_policy_source *src, const char *group,
                                    const char *key)
{
	for (guint i = 0; i < src->marks->len; i++) {
		const struct mark *m = src->marks->pdata[i];
		if (strcmp(m->group, group) != 0)
			continue;
		if ((key == NULL && m->key == NULL) || (key && m->key && strcmp(key, m->key) == 0))
			return m;
	}
	return NULL;
}

int tsr_policy_source_line(const struct tsr_policy_source *src, const char *group, const char *key)
{
	if (!group)
		return 0;
	const struct mark *m = find_mark(src, group, key);
	if (!m && key)
		m = find_mark(src, group, NULL);
	return m ? m->line : 0;
}

bool tsr_policy_source_fail(const struct tsr_policy_source *src, GError **error, int code,
                            const char *group, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	int line = tsr_policy_source_line(src, group, key);
	GString *s = g_string_new(src->name);
	if (line > 0)
		g_string_append_printf(s, ":%d", line);
	g_string_append(s, ": ");
	if (group)
		g_string_append_printf(s, "[%s] ", group);
	if (key)
		g_string_append_printf(s, "%s: ", key);
	g_string_append(s, msg);
	g_set_error_literal(error, TSR_POLICY_ERROR, code, s->str);
	g_string_free(s, TRUE);
	g_free(msg);
	return false;
}

/* The scan mirrors GKeyFile's own grammar closely enough to place every group and key:
 * comments start with '#', groups are "[name]", keys are "name = value". */
static bool scan(struct tsr_policy_source *src, const char *text, size_t len, GError **error)
{
	char *group = NULL;
	int line = 0;
	size_t pos = 0;
	bool ok = true;
	while (pos < len && ok) {
		size_t end = pos;
		while (end < len && text[end] != '\n')
			end++;
		line++;
		char *l = g_strndup(text + pos, end - pos);
		pos = end + 1;
		g_strstrip(l);
		if (l[0] == '\0' || l[0] == '#') {
			g_free(l);
			continue;
		}
		size_t n = strlen(l);
		if ((l[0] == '[' && l[n - 1] != ']') || (l[0] != '[' && !strchr(l, '=')) ||
		    (l[0] != '[' && !group)) {
			g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_SYNTAX,
			            "%s:%d: not a '[group]', a 'key = value' inside a group, or a '#' "
			            "comment", src->name, line);
			ok = false;
		} else if (l[0] == '[') {
			char *name = g_strndup(l + 1, n >= 2 ? n - 2 : 0);
			if (find_mark(src, name, NULL)) {
				int first = tsr_policy_source_line(src, name, NULL);
				g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_DUPLICATE,
				            "%s:%d: [%s]: group defined twice (first at line %d); merge them",
				            src->name, line, name, first);
				ok = false;
				g_free(name);
			} else {
				struct mark *m = g_new0(struct mark, 1);
				m->group = g_strdup(name);
				m->line = line;
				g_ptr_array_add(src->marks, m);
				g_free(group);
				group = name;
			}
		} else if (group) {
			const char *eq = strchr(l, '=');
			char *key = g_strstrip(g_strndup(l, eq ? (size_t)(eq - l) : strlen(l)));
			if (find_mark(src, group, key)) {
				int first = tsr_policy_source_line(src, group, key);
				g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_DUPLICATE,
				            "%s:%d: [%s] %s: key set twice (first at line %d); keep one",
				            src->name, line, group, key, first);
				ok = false;
				g_free(key);
			} else {
				struct mark *m = g_new0(struct mark, 1);
				m->group = g_strdup(group);
				m->key = key;
				m->line = line;
				g_ptr_array_add(src->marks, m);
			}
		}
		g_free(l);
	}
	g_free(group);
	return ok;
}

/* GKeyFile's messages carry a line number in their text ("line 3"); keep them and prefix
 * the file name so every error starts with file:line. */
static int keyfile_error_line(const char *msg)
{
	const char *p = strstr(msg, "line ");
	return p ? atoi(p + 5) : 0;
}

struct tsr_policy_source *tsr_policy_source_parse(const char *name, const char *text, size_t len,
                                                  GError **error)
{
	struct tsr_policy_source *src = g_new0(struct tsr_policy_source, 1);
	src->name = g_strdup(name);
	src->kf = g_key_file_new();
	src->marks = g_ptr_array_new_with_free_func(mark_free);
	if (memchr(text, '\0', len)) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_SYNTAX,
		            "%s: contains a NUL byte; policy files are text", name);
		goto fail;
	}
	if (!g_utf8_validate(text, (gssize)len, NULL)) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_SYNTAX,
		            "%s: not valid UTF-8; save the file as UTF-8", name);
		goto fail;
	}
	if (!scan(src, text, len, error))
		goto fail;
	GError *kerr = NULL;
	if (!g_key_file_load_from_data(src->kf, text, len, G_KEY_FILE_NONE, &kerr)) {
		int line = keyfile_error_line(kerr->message);
		if (line > 0)
			g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_SYNTAX,
			            "%s:%d: %s", name, line, kerr->message);
		else
			g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_SYNTAX,
			            "%s: %s", name, kerr->message);
		g_error_free(kerr);
		goto fail;
	}
	return src;
fail:
	tsr_policy_source_free(src);
	return NULL;
}

struct tsr_policy_source *tsr_policy_source_load(const char *dir, const char *relname,
                                                 GError **error)
{
	char *path = g_build_filename(dir, relname, NULL);
	char *text = NULL;
	gsize len = 0;
	GError *ferr = NULL;
	struct tsr_policy_source *src = NULL;
	if (!g_file_get_contents(path, &text, &len, &ferr)) {
		g_set_error(error, TSR_POLICY_ERROR, TSR_POLICY_ERROR_IO, "%s: %s", relname,
		            ferr->message);
		g_error_free(ferr);
	} else {
		src = tsr_policy_source_parse(relname, text, len, error);
	}
	g_free(text);
	g_free(path);
	return src;
}

void tsr_policy_source_free(struct tsr_policy_source *src)
{
	if (!src)
		return;
	g_free(src->name);
	g_key_file_free(src->kf);
	g_ptr_array_free(src->marks, TRUE);
	g_free(src);
}
