/* Journal fields of an audit line: TESSERA_DOMAIN, TESSERA_USER, TESSERA_EVENT, the others
 * upper-cased, a MESSAGE_ID per event type (well formed, all different, unknown types sharing
 * "other's"), warning for refusals, and doc/broker.md's table equal to the code's. The native
 * protocol itself is exercised by tests/integration/broker-journal-test.sh. */
#include "config.h"
#include "broker/journal.h"

#include <string.h>

static bool has(GPtrArray *f, const char *field)
{
	for (unsigned i = 0; i < f->len; i++)
		if (strcmp(f->pdata[i], field) == 0)
			return true;
	return false;
}

static JsonObject *line(const char *event)
{
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "time", "2026-12-06T04:00:00Z");
	json_object_set_int_member(o, "seq", 7);
	json_object_set_string_member(o, "event", event);
	return o;
}

static void test_fields(void)
{
	g_autoptr(JsonObject) o = line("login");
	json_object_set_string_member(o, "user", "alice");
	json_object_set_string_member(o, "domain", "work");
	json_object_set_string_member(o, "usb_id", "1234:abcd");
	json_object_set_boolean_member(o, "ok", TRUE);
	json_object_set_array_member(o, "list", json_array_new());
	json_object_set_string_member(o, "text", "two\nlines");
	g_autoptr(GPtrArray) f = tsr_journal_audit_fields("tessera-brokerd", "login", o);
	g_autofree char *id = g_strconcat("MESSAGE_ID=", tsr_audit_message_id("login"), NULL);

	static const char *const want[] = {
		"TESSERA_USER=alice", "TESSERA_DOMAIN=work", "TESSERA_EVENT=login", "TESSERA_SEQ=7",
		"TESSERA_USB_ID=1234:abcd", "TESSERA_OK=true",
		"TESSERA_TEXT=two\nlines", /* sendv carries it with its length */
		"PRIORITY=5", "SYSLOG_IDENTIFIER=tessera-brokerd",
		"MESSAGE=audit login seq=7 user=alice domain=work usb_id=1234:abcd ok=true "
		"text=two\nlines",
	};

	g_assert_true(has(f, id));
	for (size_t i = 0; i < G_N_ELEMENTS(want); i++)
		g_assert_true(has(f, want[i]));
	for (unsigned i = 0; i < f->len; i++)
		g_assert_false(g_str_has_prefix(f->pdata[i], "TESSERA_LIST="));
}

static void test_priority(void)
{
	static const char *const loud[] = { "refused", "control-refused", "domain-start-failed",
					    "policy-missing", "domain-unavailable", "audit-torn" };
	for (size_t i = 0; i < G_N_ELEMENTS(loud); i++) {
		g_autoptr(JsonObject) o = line(loud[i]);
		g_autoptr(GPtrArray) f = tsr_journal_audit_fields("x", loud[i], o);
		g_assert_true(has(f, "PRIORITY=4"));
	}
}

static void test_ids(void)
{
	size_t n;
	const char *const (*ids)[2] = tsr_audit_message_ids(&n);
	g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

	g_assert_cmpuint(n, >, 40);
	for (size_t i = 0; i < n; i++) {
		g_assert_cmpuint(strlen(ids[i][1]), ==, 32);
		for (const char *p = ids[i][1]; *p; p++)
			g_assert_true(g_ascii_isdigit(*p) || (*p >= 'a' && *p <= 'f'));
		g_assert_false(g_hash_table_contains(seen, ids[i][1]));
		g_hash_table_add(seen, (gpointer)ids[i][1]);
		g_assert_cmpstr(tsr_audit_message_id(ids[i][0]), ==, ids[i][1]);
	}
	g_assert_cmpstr(tsr_audit_message_id("no-such-event"), ==, tsr_audit_message_id("other"));
	g_assert_cmpstr(tsr_audit_message_id("login"), !=, tsr_audit_message_id("other"));
}

/* The table in doc/broker.md ("| `event` | `id` |" rows) is the code's table, row for row. */
static void test_doc_table(void)
{
	const char *src = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	g_autofree char *path = g_build_filename(src, "doc", "broker.md", NULL);
	g_autofree char *text = NULL;
	g_autoptr(GRegex) row = g_regex_new("^\\| `([a-z-]+)` \\| `([0-9a-f]{32})` \\|",
					    G_REGEX_MULTILINE, 0, NULL);
	g_autoptr(GMatchInfo) m = NULL;
	size_t n, rows = 0;
	const char *const (*ids)[2] = tsr_audit_message_ids(&n);

	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	for (g_regex_match(row, text, 0, &m); g_match_info_matches(m); g_match_info_next(m, NULL)) {
		g_autofree char *event = g_match_info_fetch(m, 1);
		g_autofree char *id = g_match_info_fetch(m, 2);

		g_assert_cmpuint(rows, <, n);
		g_assert_cmpstr(event, ==, ids[rows][0]);
		g_assert_cmpstr(id, ==, ids[rows][1]);
		rows++;
	}
	g_assert_cmpuint(rows, ==, n);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *path;
		GTestFunc func;
	} cases[] = {
		{ "/broker/journal/audit-fields", test_fields },
		{ "/broker/journal/refusals-are-warnings", test_priority },
		{ "/broker/journal/message-ids-fixed-and-distinct", test_ids },
		{ "/broker/journal/doc-table-matches-code", test_doc_table },
	};

	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++)
		g_test_add_func(cases[i].path, cases[i].func);
	return g_test_run();
}
