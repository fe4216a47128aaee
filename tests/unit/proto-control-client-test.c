/* tests/unit/proto-control-client-test.c: the control-protocol client against a scripted peer.
 *
 * The peer is the other end of a socketpair, run in a thread: it reads the request with the
 * broker's own parser (so the client's framing is checked against the one the broker serves),
 * then answers as each test scripts it, well or badly. Each bad answer must give a clear error
 * within the caller's timeout and leave the caller's response untouched. */
#include "config.h"
#include "proto/control-client.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct peer {
	int fd;
	/* The request as the peer parsed it. */
	bool parsed;
	int64_t id;
	char command[TSR_CTL_MAX_COMMAND + 1];
	char *arg_name;
	/* What to send back: header and body bytes as written (id "@" is replaced by the
	 * request's id); a delay between bytes to dribble; whether to close without answering. */
	const char *reply;
	bool raw_header;   /* reply is sent as is, with no length header made for it */
	unsigned dribble_ms;
	bool hang;         /* read the request, then wait until the test closes its end */
};

static void read_request(struct peer *p)
{
	struct tsr_ctl_reader *r = tsr_ctl_reader_create(TSR_CTL_MAX_REQUEST);
	uint8_t buf[4096];

	for (;;) {
		ssize_t n = read(p->fd, buf, sizeof(buf));
		size_t used = 0;
		GError *error = NULL;

		g_assert_cmpint(n, >, 0);
		enum tsr_ctl_read_result rr = tsr_ctl_reader_feed(r, buf, (size_t)n, &used, &error);
		g_assert_no_error(error);
		if (rr == TSR_CTL_READ_MESSAGE)
			break;
	}
	size_t len = 0;
	const void *body = tsr_ctl_reader_body(r, &len);
	struct tsr_ctl_request req;
	GError *error = NULL;
	p->parsed = tsr_ctl_request_parse(body, len, &req, &error);
	g_assert_no_error(error);
	p->id = req.id;
	g_strlcpy(p->command, req.command, sizeof(p->command));
	if (json_object_has_member(req.args, "name"))
		p->arg_name = g_strdup(json_object_get_string_member(req.args, "name"));
	tsr_ctl_request_clear(&req);
	tsr_ctl_reader_destroy(r);
}

static void send_reply(struct peer *p)
{
	g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, p->id);
	g_auto(GStrv) parts = g_strsplit(p->reply, "@", -1);
	g_autofree char *body = g_strjoinv(id, parts);
	size_t len = strlen(body);
	GByteArray *out = g_byte_array_new();

	if (!p->raw_header) {
		uint8_t hdr[4] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
				   (uint8_t)len };
		g_byte_array_append(out, hdr, 4);
	}
	g_byte_array_append(out, (const uint8_t *)body, (guint)len);
	for (guint off = 0; off < out->len;) {
		size_t chunk = p->dribble_ms ? 1 : out->len - off;
		ssize_t n = send(p->fd, out->data + off, chunk, MSG_NOSIGNAL);
		if (n < 0)
			break; /* the client gave up (a timeout test) */
		off += (guint)n;
		if (p->dribble_ms)
			g_usleep(p->dribble_ms * 1000);
	}
	g_byte_array_free(out, TRUE);
}

static gpointer peer_run(gpointer data)
{
	struct peer *p = data;
	char c;

	read_request(p);
	if (p->hang)
		while (read(p->fd, &c, 1) > 0)
			;
	else if (p->reply)
		send_reply(p);
	close(p->fd);
	return NULL;
}

/* Call command over a socketpair whose far end is the scripted peer p. */
static bool call_peer(struct peer *p, const char *command, JsonObject *args, int timeout_ms,
		      struct tsr_ctl_response *resp, GError **error)
{
	int sv[2];

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	p->fd = sv[1];
	GThread *t = g_thread_new("peer", peer_run, p);
	bool ok = tsr_ctl_call(sv[0], command, args, timeout_ms, resp, error);
	close(sv[0]);
	g_thread_join(t);
	return ok;
}

static void test_ok_answer(void)
{
	struct peer p = { .reply = "{\"version\":1,\"id\":@,\"ok\":true,\"result\":{\"state\":\"running\"}}" };
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;
	JsonObject *args = json_object_new();

	json_object_set_string_member(args, "name", "work");
	g_assert_true(call_peer(&p, "start", args, 5000, &r, &error));
	g_assert_no_error(error);
	g_assert_true(p.parsed);
	g_assert_cmpstr(p.command, ==, "start");
	g_assert_cmpstr(p.arg_name, ==, "work");
	g_assert_true(r.ok);
	g_assert_cmpint(r.id, ==, p.id);
	g_assert_cmpstr(json_object_get_string_member(r.result, "state"), ==, "running");
	tsr_ctl_response_clear(&r);
	g_free(p.arg_name);
}

static void test_error_answer(void)
{
	struct peer p = { .reply = "{\"version\":1,\"id\":@,\"ok\":false,\"error\":{\"code\":"
				   "\"not-found\",\"message\":\"no domain nope\"}}" };
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;

	g_assert_true(call_peer(&p, "stop", NULL, 5000, &r, &error));
	g_assert_no_error(error);
	g_assert_false(r.ok);
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_NOT_FOUND);
	g_assert_cmpstr(r.message, ==, "no domain nope");
	tsr_ctl_response_clear(&r);
}

/* An untouched response: what every failing call must leave. */
static void assert_untouched(const struct tsr_ctl_response *r)
{
	g_assert_cmpint(r->id, ==, -7);
	g_assert_null(r->result);
	g_assert_null(r->message);
}

static void test_no_answer_times_out(void)
{
	struct peer p = { .hang = true };
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;
	gint64 t0 = g_get_monotonic_time();

	g_assert_false(call_peer(&p, "status", NULL, 200, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
	g_assert_nonnull(strstr(error->message, "no answer"));
	g_assert_cmpint(g_get_monotonic_time() - t0, >=, 190 * 1000);
	assert_untouched(&r);
}

/* A peer that sends a byte every 50 ms keeps each read short, yet the whole call must still end
 * at its timeout: the deadline covers the exchange, not each wait. */
static void test_dribbling_peer_times_out(void)
{
	struct peer p = { .reply = "{\"version\":1,\"id\":@,\"ok\":true,\"result\":{\"pad\":"
				   "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}}",
			  .dribble_ms = 50 };
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;
	gint64 t0 = g_get_monotonic_time();

	g_assert_false(call_peer(&p, "status", NULL, 300, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
	/* The full answer would take over 4 s to arrive. */
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 1500 * 1000);
	assert_untouched(&r);
}

static void test_closed_without_answer(void)
{
	struct peer p = { 0 };
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;

	g_assert_false(call_peer(&p, "status", NULL, 5000, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
	g_assert_nonnull(strstr(error->message, "without an answer"));
	assert_untouched(&r);
}

static void test_closed_mid_message(void)
{
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;
	int sv[2];

	/* The header holds NUL bytes, which the string-scripted peer cannot send: send by hand a
	 * header promising 100 bytes, then 5 of them, and stop sending (the request still goes in). */
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
	static const char partial[] = "\x00\x00\x00\x64{\"ver";
	g_assert_cmpint(send(sv[1], partial, sizeof(partial) - 1, 0), ==, sizeof(partial) - 1);
	g_assert_cmpint(shutdown(sv[1], SHUT_WR), ==, 0);
	g_assert_false(tsr_ctl_call(sv[0], "status", NULL, 5000, &r, &error));
	close(sv[0]);
	close(sv[1]);
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
	g_assert_nonnull(strstr(error->message, "middle of a message"));
	assert_untouched(&r);
}

static void test_oversized_answer(void)
{
	/* A length header over TSR_CTL_MAX_RESPONSE is refused before any body is read. */
	struct peer p = { .reply = "\x7f\x7f\x7f\x7f{}", .raw_header = true };
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;

	g_assert_false(call_peer(&p, "status", NULL, 5000, &r, &error));
	g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_TOO_LARGE);
	assert_untouched(&r);
}

static void test_malformed_answer(void)
{
	static const char *const bad[] = {
		"not json",
		"{\"version\":1,\"id\":@,\"ok\":\"yes\",\"result\":{}}",
		"{\"version\":2,\"id\":@,\"ok\":true,\"result\":{}}",
		"[1,2,3]",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		struct peer p = { .reply = bad[i] };
		struct tsr_ctl_response r = { .id = -7 };
		g_autoptr(GError) error = NULL;

		g_assert_false(call_peer(&p, "status", NULL, 5000, &r, &error));
		g_assert_nonnull(error);
		g_assert_true(error->domain == TSR_CTL_ERROR);
		assert_untouched(&r);
	}
}

static void test_answer_for_another_request(void)
{
	struct peer p = { .reply = "{\"version\":1,\"id\":9999,\"ok\":true,\"result\":{}}" };
	struct tsr_ctl_response r = { .id = -7 };
	g_autoptr(GError) error = NULL;

	g_assert_false(call_peer(&p, "status", NULL, 5000, &r, &error));
	g_assert_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_MALFORMED);
	g_assert_nonnull(strstr(error->message, "9999"));
	assert_untouched(&r);
}

static void test_connect_errors(void)
{
	g_autofree char *dir = g_dir_make_tmp("ctl-client-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "control.sock", NULL);
	g_autoptr(GError) error = NULL;
	struct tsr_ctl_response r = { .id = -7 };

	/* Nobody listens: the message says what to check. */
	g_assert_false(tsr_ctl_call_once(path, "status", NULL, 1000, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
	g_assert_nonnull(strstr(error->message, path));
	g_assert_nonnull(strstr(error->message, "is tessera-brokerd running?"));
	g_clear_error(&error);
	assert_untouched(&r);

	/* A socket left behind by a dead broker. */
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
	g_assert_cmpint(bind(s, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
	close(s);
	g_assert_false(tsr_ctl_call_once(path, "status", NULL, 1000, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
	g_clear_error(&error);
	g_unlink(path);

	g_autofree char *longpath = g_strnfill(200, 'x');
	g_assert_false(tsr_ctl_call_once(longpath, "status", NULL, 1000, &r, &error));
	g_assert_error(error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
	g_assert_nonnull(strstr(error->message, "too long"));
	assert_untouched(&r);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/proto/control-client/ok-answer", test_ok_answer);
	g_test_add_func("/proto/control-client/error-answer", test_error_answer);
	g_test_add_func("/proto/control-client/no-answer-times-out", test_no_answer_times_out);
	g_test_add_func("/proto/control-client/dribbling-peer-times-out",
			test_dribbling_peer_times_out);
	g_test_add_func("/proto/control-client/closed-without-answer", test_closed_without_answer);
	g_test_add_func("/proto/control-client/closed-mid-message", test_closed_mid_message);
	g_test_add_func("/proto/control-client/oversized-answer", test_oversized_answer);
	g_test_add_func("/proto/control-client/malformed-answer", test_malformed_answer);
	g_test_add_func("/proto/control-client/answer-for-another-request",
			test_answer_for_another_request);
	g_test_add_func("/proto/control-client/connect-errors", test_connect_errors);
	return g_test_run();
}
