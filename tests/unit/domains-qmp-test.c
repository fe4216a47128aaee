/* tests/unit/domains-qmp-test.c: the QMP client: every message shape parsed, malformed lines
 * refused with a reason, and a session against a QMP peer played by the test (greeting,
 * capabilities, a command, an event, then a reply to nothing, which must end the connection);
 * nesting bounded before json-glib parses. */
#include "config.h"

#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <string.h>
#include <unistd.h>

#include "domains/backend.h"
#include "domains/qmp.h"

static void test_parse(void)
{
	struct tsr_qmp_message m;
	GError *error = NULL;
	const char *greeting = "{\"QMP\": {\"version\": {}, \"capabilities\": []}}";
	g_assert_true(tsr_qmp_parse_line(greeting, strlen(greeting), &m, &error));
	g_assert_cmpint(m.kind, ==, TSR_QMP_GREETING);
	tsr_qmp_message_clear(&m);
	const char *ret = "{\"return\": {\"status\": \"running\"}, \"id\": 7}";
	g_assert_true(tsr_qmp_parse_line(ret, strlen(ret), &m, &error));
	g_assert_cmpint(m.kind, ==, TSR_QMP_RETURN);
	g_assert_cmpint(m.id, ==, 7);
	g_assert_true(JSON_NODE_HOLDS_OBJECT(m.data));
	tsr_qmp_message_clear(&m);
	const char *err = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 2}";
	g_assert_true(tsr_qmp_parse_line(err, strlen(err), &m, &error));
	g_assert_cmpint(m.kind, ==, TSR_QMP_ERROR);
	g_assert_cmpstr(m.error_desc, ==, "no");
	tsr_qmp_message_clear(&m);
	const char *ev = "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}, \"timestamp\": {}}";
	g_assert_true(tsr_qmp_parse_line(ev, strlen(ev), &m, &error));
	g_assert_cmpint(m.kind, ==, TSR_QMP_EVENT);
	g_assert_cmpstr(m.event, ==, "SHUTDOWN");
	tsr_qmp_message_clear(&m);
	g_assert_no_error(error);

	const char *bad[] = { "not json", "[1, 2]", "{\"return\": 1, \"id\": \"x\"}",
			      "{\"error\": {\"class\": \"X\"}}", "{\"error\": {\"class\": 1, \"desc\": 2}}",
			      "{\"event\": 5}", "{\"hello\": 1}", "{\"QMP\": 3}", "\"str\"", "" };
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (tsr_qmp_parse_line(bad[i], strlen(bad[i]), &m, &error))
			g_error("accepted: %s", bad[i]);
		g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED);
		g_assert_true(g_str_has_prefix(error->message, "QMP: "));
		g_clear_error(&error);
	}
	const char nul[] = "{\"return\": {}}\0x";
	g_assert_false(tsr_qmp_parse_line(nul, sizeof nul - 1, &m, &error));
	g_clear_error(&error);
	gsize big = TSR_QMP_LINE_MAX + 1;
	char *huge = g_malloc(big);
	memset(huge, ' ', big);
	g_assert_false(tsr_qmp_parse_line(huge, big, &m, &error));
	g_assert_nonnull(strstr(error->message, "1 MiB"));
	g_clear_error(&error);
	g_free(huge);
}

/* The peer: reads lines, answers from a script. */
struct peer {
	GSocketConnection *conn;
	GDataInputStream *in;
	GPtrArray *received;
};

static char *peer_read(struct peer *p)
{
	char *line = NULL;
	while (!line) {
		GError *e = NULL;
		line = g_data_input_stream_read_line(p->in, NULL, NULL, &e);
		g_assert_no_error(e);
		g_assert_nonnull(line);
	}
	g_ptr_array_add(p->received, line);
	return line;
}

static void peer_write(struct peer *p, const char *text)
{
	GOutputStream *out = g_io_stream_get_output_stream(G_IO_STREAM(p->conn));
	g_assert_true(g_output_stream_write_all(out, text, strlen(text), NULL, NULL, NULL));
}

struct client_state {
	bool ready, closed, replied;
	char *event, *closed_reason;
	char *status;
};

static void on_ready(struct tsr_qmp *q, const GError *error, void *data)
{
	g_assert_no_error(error);
	((struct client_state *)data)->ready = true;
}

static void on_event(struct tsr_qmp *q, const char *event, JsonNode *node, void *data)
{
	((struct client_state *)data)->event = g_strdup(event);
}

static void on_closed(struct tsr_qmp *q, const char *reason, void *data)
{
	struct client_state *s = data;
	s->closed = true;
	s->closed_reason = g_strdup(reason);
}

static void on_reply(struct tsr_qmp *q, JsonNode *result, const GError *error, void *data)
{
	struct client_state *s = data;
	s->replied = true;
	g_assert_no_error(error);
	s->status = g_strdup(json_object_get_string_member(json_node_get_object(result),
							   "status"));
}

static gpointer peer_thread(gpointer data)
{
	struct peer *p = data;
	peer_write(p, "{\"QMP\": {\"version\": {}, \"capabilities\": []}}\r\n");
	g_assert_nonnull(strstr(peer_read(p), "\"qmp_capabilities\""));
	peer_write(p, "{\"return\": {}, \"id\": 0}\r\n");
	g_assert_nonnull(strstr(peer_read(p), "\"query-status\""));
	/* An event arrives between a command and its reply. */
	peer_write(p, "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1}}\r\n"
		      "{\"return\": {\"status\": \"paused\"}, \"id\": 1}\r\n");
	/* A reply to a command never sent: a protocol violation. */
	peer_write(p, "{\"return\": {}, \"id\": 99}\r\n");
	return NULL;
}

static void test_session(void)
{
	char *dir = g_dir_make_tmp("tsr-qmp-XXXXXX", NULL);
	char *path = g_build_filename(dir, "qmp.sock", NULL);
	GSocketListener *listener = g_socket_listener_new();
	GSocketAddress *addr = g_unix_socket_address_new(path);
	g_assert_true(g_socket_listener_add_address(listener, addr, G_SOCKET_TYPE_STREAM,
						    G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, NULL));
	struct client_state s = { 0 };
	GError *error = NULL;
	struct tsr_qmp *q = tsr_qmp_connect(path, NULL, on_ready, on_event, on_closed, &s, &error);
	g_assert_no_error(error);
	struct peer p = { 0 };
	p.conn = g_socket_listener_accept(listener, NULL, NULL, &error);
	g_assert_no_error(error);
	p.in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(p.conn)));
	p.received = g_ptr_array_new_with_free_func(g_free);
	GThread *t = g_thread_new("peer", peer_thread, &p);
	while (!s.ready)
		g_main_context_iteration(NULL, TRUE);
	tsr_qmp_command(q, "query-status", NULL, on_reply, &s);
	while (!s.closed)
		g_main_context_iteration(NULL, TRUE);
	g_thread_join(t);
	g_assert_true(s.replied);
	g_assert_cmpstr(s.status, ==, "paused");
	g_assert_cmpstr(s.event, ==, "STOP");
	g_assert_nonnull(strstr(s.closed_reason, "not sent"));
	/* Commands carry increasing ids. */
	g_assert_nonnull(strstr(p.received->pdata[1], "\"id\":1"));
	tsr_qmp_free(q);
	g_ptr_array_unref(p.received);
	g_object_unref(p.in);
	g_object_unref(p.conn);
	g_object_unref(addr);
	g_object_unref(listener);
	unlink(path);
	rmdir(dir);
	g_free(path);
	g_free(dir);
	g_free(s.event);
	g_free(s.status);
	g_free(s.closed_reason);
}

static void test_connect_refused(void)
{
	GError *error = NULL;
	g_assert_null(tsr_qmp_connect("/nonexistent/qmp.sock", NULL, NULL, NULL, NULL, NULL, &error));
	g_assert_nonnull(strstr(error->message, "/nonexistent/qmp.sock"));
	g_clear_error(&error);
}

/* Nesting is bounded before json-glib recurses: exactly the limit passes, one more is refused,
 * and brackets inside strings do not count. */
static void test_depth(void)
{
	GString *line = g_string_new("{\"return\": ");
	struct tsr_qmp_message m;
	g_autoptr(GError) error = NULL;

	for (int i = 1; i < TSR_QMP_DEPTH_MAX; i++)
		g_string_append_c(line, '[');
	for (int i = 1; i < TSR_QMP_DEPTH_MAX; i++)
		g_string_append_c(line, ']');
	g_string_append(line, ", \"id\": 1, \"x\": \"[[[[\\\"{{{{\"}");
	g_assert_true(tsr_qmp_parse_line(line->str, line->len, &m, &error));
	g_assert_no_error(error);
	tsr_qmp_message_clear(&m);
	g_string_insert_c(line, 11, '[');
	g_string_insert_c(line, line->len - 22, ']');
	g_assert_false(tsr_qmp_parse_line(line->str, line->len, &m, &error));
	g_assert_nonnull(strstr(error->message, "nested deeper"));
	g_string_free(line, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/domains/qmp/parse", test_parse);
	g_test_add_func("/domains/qmp/session-with-peer", test_session);
	g_test_add_func("/domains/qmp/connect-refused", test_connect_refused);
	g_test_add_func("/domains/qmp/nesting-bounded", test_depth);
	return g_test_run();
}
