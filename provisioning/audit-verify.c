/* provisioning/audit-verify.c: the audit chain check (see audit-verify.h). */
#include "config.h"
#include "provisioning/audit-verify.h"

#include <json-glib/json-glib.h>
#include <string.h>

G_DEFINE_QUARK(tsr-audit-verify-error-quark, tsr_audit_verify_error)

struct line {
	const char *file;
	size_t no;
	const char *text;
	size_t len;
	bool chained; /* a JSON object with a well-formed "prev" and an integer "seq" */
	bool object;  /* a JSON object at all */
	char prev[TSR_AUDIT_CHAIN_HEX + 1];
	char hash[TSR_AUDIT_CHAIN_HEX + 1];
	int64_t seq;
	bool torn_marker; /* event audit-torn */
	int64_t torn;
};

static bool hex_ok(const char *s)
{
	if (strlen(s) != TSR_AUDIT_CHAIN_HEX)
		return false;
	for (; *s; s++)
		if (!g_ascii_isdigit(*s) && !(*s >= 'a' && *s <= 'f'))
			return false;
	return true;
}

static bool is_value(JsonNode *n, GType type)
{
	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == type;
}

static void parse_line(struct line *l, JsonParser *p)
{
	JsonObject *o;
	JsonNode *prev, *seq, *event, *torn;

	tsr_audit_chain_hash(l->text, l->len, l->hash);
	if (l->len + 1 > TSR_AUDIT_CHAIN_MAX_LINE || memchr(l->text, '\0', l->len) ||
	    !json_parser_load_from_data(p, l->text, (gssize)l->len, NULL) ||
	    !json_parser_get_root(p) || !JSON_NODE_HOLDS_OBJECT(json_parser_get_root(p)))
		return;
	l->object = true;
	o = json_node_get_object(json_parser_get_root(p));
	prev = json_object_get_member(o, TSR_AUDIT_CHAIN_FIELD);
	seq = json_object_get_member(o, "seq");
	if (!is_value(prev, G_TYPE_STRING) || !is_value(seq, G_TYPE_INT64) ||
	    !hex_ok(json_node_get_string(prev)))
		return;
	l->seq = json_node_get_int(seq);
	if (l->seq < 1 || l->seq == G_MAXINT64) /* the broker counts from 1 */
		return;
	l->chained = true;
	memcpy(l->prev, json_node_get_string(prev), sizeof(l->prev));
	event = json_object_get_member(o, "event");
	torn = json_object_get_member(o, TSR_AUDIT_TORN_FIELD);
	l->torn_marker = is_value(event, G_TYPE_STRING) && is_value(torn, G_TYPE_INT64) &&
			 strcmp(json_node_get_string(event), TSR_AUDIT_TORN_EVENT) == 0;
	l->torn = l->torn_marker ? json_node_get_int(torn) : -1;
}

/* Every line of every file, parsed; *unfinished when the last file ends without a newline
 * (that piece is left out: a line being written, or cut). */
static GArray *split(const struct tsr_audit_file *files, size_t n, bool *unfinished)
{
	GArray *lines = g_array_new(FALSE, TRUE, sizeof(struct line));
	g_autoptr(JsonParser) p = json_parser_new();

	*unfinished = false;
	for (size_t f = 0; f < n; f++) {
		const char *s = files[f].data, *end = s + files[f].len;

		for (size_t no = 1; s < end; no++) {
			const char *nl = memchr(s, '\n', (size_t)(end - s));
			struct line l = { .file = files[f].name, .no = no, .text = s, .seq = -1 };

			if (!nl) {
				if (f + 1 == n) {
					*unfinished = true;
					break;
				}
				nl = end; /* an older file cut short: checked like any line */
			}
			l.len = (size_t)(nl - s);
			parse_line(&l, p);
			g_array_append_val(lines, l);
			s = nl + 1;
		}
	}
	return lines;
}

#define FAIL(code, ...)                                                                   \
	do {                                                                              \
		g_set_error(error, TSR_AUDIT_VERIFY_ERROR, code, __VA_ARGS__);            \
		return false;                                                             \
	} while (0)

/* Line i does not link to line k, the last good one before it: say what it looks like. */
static bool diagnose(GArray *lines, GHashTable *where, size_t i, size_t k, GError **error)
{
	const struct line *l = &g_array_index(lines, struct line, i);
	const struct line *b = &g_array_index(lines, struct line, k);
	gpointer at;

	if (strcmp(l->prev, b->hash) == 0)
		FAIL(TSR_AUDIT_VERIFY_CHANGED,
		     "%s:%zu changed: its seq %" G_GINT64_FORMAT " does not follow %s:%zu's %"
		     G_GINT64_FORMAT, l->file, l->no, l->seq, b->file, b->no, b->seq);
	if (g_hash_table_lookup_extended(where, l->prev, NULL, &at)) {
		const struct line *w = &g_array_index(lines, struct line, GPOINTER_TO_SIZE(at));
		FAIL(TSR_AUDIT_VERIFY_REORDERED,
		     "%s:%zu is out of order: it was written right after %s:%zu", l->file, l->no,
		     w->file, w->no);
	}
	if (l->seq > b->seq + 1)
		FAIL(TSR_AUDIT_VERIFY_REMOVED,
		     "%" G_GINT64_FORMAT " line(s) removed between %s:%zu and %s:%zu (seq %"
		     G_GINT64_FORMAT " then %" G_GINT64_FORMAT ")", l->seq - b->seq - 1, b->file,
		     b->no, l->file, l->no, b->seq, l->seq);
	if (l->seq <= b->seq)
		FAIL(TSR_AUDIT_VERIFY_REORDERED,
		     "%s:%zu is out of order: seq %" G_GINT64_FORMAT " after %" G_GINT64_FORMAT,
		     l->file, l->no, l->seq, b->seq);
	FAIL(TSR_AUDIT_VERIFY_CHANGED,
	     "%s:%zu changed: it does not hash to what %s:%zu recorded as the line before it",
	     b->file, b->no, l->file, l->no);
}

/* Line i is no chained line: a torn line the next line says, or an error. */
static bool torn_ok(GArray *lines, size_t i, GError **error)
{
	const struct line *l = &g_array_index(lines, struct line, i);
	const struct line *next =
		i + 1 < lines->len ? &g_array_index(lines, struct line, i + 1) : NULL;

	if (next && next->torn_marker && next->torn == (int64_t)l->len)
		return true;
	FAIL(TSR_AUDIT_VERIFY_MALFORMED, "%s:%zu is not a chained audit line%s", l->file, l->no,
	     l->object ? " (no seq or prev)" : "");
}

static bool walk(GArray *lines, GHashTable *where, const char *from,
		 struct tsr_audit_verify_result *r, GError **error)
{
	size_t last = 0;
	bool any = false;

	for (size_t i = 0; i < lines->len; i++) {
		const struct line *l = &g_array_index(lines, struct line, i);

		if (!l->chained) {
			if (!torn_ok(lines, i, error))
				return false;
			r->torn++;
			continue;
		}
		if (!any) {
			if (from && strcmp(l->prev, from) != 0)
				FAIL(TSR_AUDIT_VERIFY_FROM,
				     "%s:%zu does not continue %s: lines before it are missing, or "
				     "the log is another laptop's", l->file, l->no, from);
			memcpy(r->from, l->prev, sizeof(r->from));
		} else {
			const struct line *b = &g_array_index(lines, struct line, last);

			if (strcmp(l->prev, b->hash) != 0 || l->seq != b->seq + 1)
				return diagnose(lines, where, i, last, error);
		}
		last = i;
		any = true;
	}
	if (any)
		memcpy(r->head, g_array_index(lines, struct line, last).hash, sizeof(r->head));
	return true;
}

bool tsr_audit_verify(const struct tsr_audit_file *files, size_t n, const char *head,
		      const char *from, struct tsr_audit_verify_result *result, GError **error)
{
	struct tsr_audit_verify_result r = { 0 };
	g_autoptr(GArray) lines = split(files, n, &r.unfinished);
	g_autoptr(GHashTable) where = g_hash_table_new(g_str_hash, g_str_equal);

	for (size_t i = lines->len; i > 0; i--) /* the first of equal lines wins */
		g_hash_table_insert(where, g_array_index(lines, struct line, i - 1).hash,
				    GSIZE_TO_POINTER(i - 1));
	r.lines = lines->len;
	if (!walk(lines, where, from, &r, error))
		return false;
	if (head && !g_hash_table_contains(where, head))
		FAIL(TSR_AUDIT_VERIFY_HEAD,
		     "the head %s is no line of the log: lines were cut from its end, or it is "
		     "another laptop's", head);
	*result = r;
	return true;
}
