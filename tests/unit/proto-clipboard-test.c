/* tests/unit/proto-clipboard-test.c: clipboard text between kiosk and viewer.
 *
 * What a viewer sends as clipboard text is untrusted: the kiosk takes it only as the answer to
 * its one outstanding request, only as UTF-8 without NUL within the request's size, only from a
 * sealed memfd, judged on its own copy; answers nobody asked for are refused and the third
 * one cuts the viewer off. Checked here on the gate and through the kiosk's viewer link. */
#include "config.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "proto/clipboard.h"
#include "proto/display.h"
#include "proto/viewer-link.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

static void test_text_rule(void)
{
	static const struct { const char *text; size_t len, max; const char *why; } cases[] = {
		{"hello", 5, 5, NULL},          {"grüße", 7, 64000, NULL},
		{"", 0, 10, "empty"},           {"hello", 5, 4, "more than the 4 allowed"},
		{"a\0b", 3, 10, "NUL"},         {"\xff\xfe", 2, 10, "not UTF-8"},
		{"ok\xc3", 3, 10, "not UTF-8"}, {"\xed\xa0\x80", 3, 10, "not UTF-8"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		char err[128] = "";
		bool ok = tsr_clipboard_text_ok(cases[i].text, cases[i].len, cases[i].max, err,
						sizeof(err));
		g_test_message("case %zu: %s", i, ok ? "ok" : err);
		g_assert_cmpint(ok, ==, cases[i].why == NULL);
		if (cases[i].why)
			g_assert_nonnull(strstr(err, cases[i].why));
	}
}

/* The memfd the viewer and kiosk make: sealed against every change, read back exactly. */
static void test_memfd_roundtrip(void)
{
	char err[160];
	int fd = tsr_clipboard_memfd("copied text", 11);
	g_assert_cmpint(fd, >=, 0);
	int seals = fcntl(fd, F_GET_SEALS);
	g_assert_cmpint(seals & F_SEAL_WRITE, ==, F_SEAL_WRITE);
	g_assert_cmpint(seals & F_SEAL_SEAL, ==, F_SEAL_SEAL);
	g_assert_cmpint(write(fd, "x", 1), ==, -1);
	char *text = tsr_clipboard_memfd_read(fd, 11, 64000, err, sizeof(err));
	g_assert_cmpstr(text, ==, "copied text");
	g_free(text);
	/* More than the memfd holds, more than allowed, none at all. */
	g_assert_null(tsr_clipboard_memfd_read(fd, 12, 64000, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "holds 11 bytes"));
	g_assert_null(tsr_clipboard_memfd_read(fd, 11, 10, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "outside 1..10"));
	g_assert_null(tsr_clipboard_memfd_read(fd, 0, 10, err, sizeof(err)));
	close(fd);
	g_assert_cmpint(tsr_clipboard_memfd("", 0), ==, -1);
	g_assert_cmpint(errno, ==, EINVAL);
}

/* A memfd of text with only these seals (the sender's choice). */
static int raw_memfd(const char *text, size_t len, int seals)
{
	int fd = memfd_create("test-clipboard", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(write(fd, text, len), ==, (ssize_t)len);
	if (seals)
		g_assert_cmpint(fcntl(fd, F_ADD_SEALS, seals), ==, 0);
	return fd;
}

static struct tsr_clipboard_text text_msg(uint32_t serial, uint32_t length)
{
	struct tsr_clipboard_text m = { .serial = serial, .format = TSR_CLIPBOARD_FORMAT_UTF8,
					.length = length };
	m.hdr = (struct tsr_frame_header){ TSR_DISPLAY_CLIPBOARD_TEXT, TSR_DISPLAY_PROTO_VERSION,
					   sizeof(m) };
	return m;
}

static struct tsr_clipboard_empty empty_msg(uint32_t serial, uint32_t reason)
{
	struct tsr_clipboard_empty m = { .serial = serial, .reason = reason };
	m.hdr = (struct tsr_frame_header){ TSR_DISPLAY_CLIPBOARD_EMPTY, TSR_DISPLAY_PROTO_VERSION,
					   sizeof(m) };
	return m;
}

static void test_gate_takes_only_the_asked(void)
{
	struct tsr_clipboard_gate gate = { 0 };
	struct tsr_clipboard_request req;
	struct tsr_clipboard_answer a;
	char err[200];
	int fd = tsr_clipboard_memfd("secret", 6);

	/* Before any request: refused, twice; the third unasked answer is a violation. */
	struct tsr_clipboard_text m = text_msg(1, 6);
	g_assert_true(tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err, sizeof(err)));
	g_assert_true(a.unasked);
	g_assert_null(a.text);
	tsr_clipboard_gate_ask(&gate, 64000, &req);
	g_assert_true(tsr_clipboard_request_ok(&req));
	m = text_msg(req.serial + 1, 6);
	g_assert_true(tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err, sizeof(err)));
	g_assert_true(a.unasked);
	/* The asked one is taken, and resets the count. */
	m = text_msg(req.serial, 6);
	g_assert_true(tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err, sizeof(err)));
	g_assert_false(a.unasked);
	g_assert_cmpstr(a.text, ==, "secret");
	g_assert_cmpuint(a.length, ==, 6);
	g_free(a.text);
	/* Answered once: the same answer again is unasked. */
	for (int i = 1; i < (int)TSR_CLIPBOARD_UNASKED_MAX; i++) {
		g_assert_true(tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err,
							sizeof(err)));
		g_assert_true(a.unasked);
	}
	g_assert_false(tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "nobody asked for"));
	close(fd);

	/* A new request replaces one that got no answer; EMPTY answers it with a reason. */
	struct tsr_clipboard_gate g2 = { 0 };
	tsr_clipboard_gate_ask(&g2, 100, &req);
	uint32_t first = req.serial;
	tsr_clipboard_gate_ask(&g2, 100, &req);
	struct tsr_clipboard_empty e = empty_msg(first, TSR_CLIPBOARD_EMPTY_NONE);
	g_assert_true(tsr_clipboard_gate_answer(&g2, &e, sizeof(e), -1, &a, err, sizeof(err)));
	g_assert_true(a.unasked);
	e = empty_msg(req.serial, TSR_CLIPBOARD_EMPTY_TOO_LARGE);
	g_assert_true(tsr_clipboard_gate_answer(&g2, &e, sizeof(e), -1, &a, err, sizeof(err)));
	g_assert_false(a.unasked);
	g_assert_cmpuint(a.reason, ==, TSR_CLIPBOARD_EMPTY_TOO_LARGE);
}

/* Each malformed answer to an outstanding request is a violation with a named reason. */
static void test_gate_refuses_malformed(void)
{
	static const struct {
		const char *name, *text;
		size_t len;
		int seals;
		uint32_t length, format, max;
		const char *why;
	} cases[] = {
		{"over-max", "0123456789", 10, -1, 10, 1, 9, "outside 1..9"},
		{"longer-than-memfd", "abc", 3, -1, 4, 1, 100, "holds 3 bytes"},
		{"zero-length", "abc", 3, -1, 0, 1, 100, "outside"},
		{"not-utf8", "ab\xff", 3, -1, 3, 1, 100, "not UTF-8"},
		{"nul", "a\0b", 3, -1, 3, 1, 100, "NUL"},
		{"unsealed", "abc", 3, 0, 3, 1, 100, "lacks seals"},
		{"no-seal-seal", "abc", 3, F_SEAL_SHRINK | F_SEAL_GROW, 3, 1, 100, "lacks seals"},
		{"format", "abc", 3, -1, 3, 2, 100, "unknown format"},
	};
	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct tsr_clipboard_gate gate = { 0 };
		struct tsr_clipboard_request req;
		struct tsr_clipboard_answer a;
		char err[200] = "";
		int seals = cases[i].seals < 0 ? F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL
					       : cases[i].seals;
		int fd = raw_memfd(cases[i].text, cases[i].len, seals);

		tsr_clipboard_gate_ask(&gate, cases[i].max, &req);
		struct tsr_clipboard_text m = text_msg(req.serial, cases[i].length);
		m.format = cases[i].format;
		bool ok = tsr_clipboard_gate_answer(&gate, &m, sizeof(m), fd, &a, err, sizeof(err));
		g_test_message("%s: %s", cases[i].name, err);
		if (ok || !strstr(err, cases[i].why))
			g_error("%s: expected a violation naming '%s', got '%s'", cases[i].name,
				cases[i].why, ok ? "accepted" : err);
		g_assert_null(a.text);
		close(fd);
	}
	struct tsr_clipboard_gate gate = { 0 };
	struct tsr_clipboard_request req;
	struct tsr_clipboard_answer a;
	char err[200];
	tsr_clipboard_gate_ask(&gate, 100, &req);
	struct tsr_clipboard_empty e = empty_msg(req.serial, 99);
	g_assert_false(tsr_clipboard_gate_answer(&gate, &e, sizeof(e), -1, &a, err, sizeof(err)));
	g_assert_nonnull(strstr(err, "unknown reason"));
}

/* ---- through the kiosk's viewer link --------------------------------------------------- */

struct seen {
	int answers, unasked;
	char *text;
	uint32_t reason;
};

static void on_clipboard(void *o, struct tsr_clipboard_answer *a)
{
	struct seen *s = o;
	if (a->unasked) {
		s->unasked++;
		return;
	}
	s->answers++;
	s->reason = a->reason;
	g_free(s->text);
	s->text = a->text; /* taken */
	a->text = NULL;
}

static const struct tsr_viewer_link_callbacks callbacks = { .clipboard = on_clipboard };

static void test_link_request_answer_paste(void)
{
	int sv[2];
	struct seen seen = { 0 };
	_Alignas(8) unsigned char buf[TSR_FRAME_MAX];
	int fds[1];
	size_t nfds = 0;

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	struct tsr_viewer_link *link = tsr_viewer_link_create(sv[0], NULL, NULL, &callbacks, &seen);

	/* The kiosk asks; the viewer sees the request with the policy's limit. */
	g_assert_cmpint(tsr_viewer_link_clipboard_request(link, 64000), ==, 0);
	ssize_t n = tsr_frame_recv(sv[1], buf, sizeof(buf), TSR_DISPLAY_PROTO_VERSION, fds, 1, &nfds);
	g_assert_cmpint(n, ==, sizeof(struct tsr_clipboard_request));
	struct tsr_clipboard_request req;
	memcpy(&req, buf, sizeof(req));
	g_assert_cmpuint(req.hdr.type, ==, TSR_DISPLAY_CLIPBOARD_REQUEST);
	g_assert_cmpuint(req.max_bytes, ==, 64000);

	/* The viewer answers with a memfd; the kiosk's callback gets exactly the text. */
	int fd = tsr_clipboard_memfd("from work", 9);
	struct tsr_clipboard_text m = text_msg(req.serial, 9);
	g_assert_cmpint(tsr_frame_send(sv[1], &m, sizeof(m), m.hdr.type, TSR_DISPLAY_PROTO_VERSION,
				       &fd, 1), ==, 0);
	close(fd);
	g_assert_cmpint(tsr_viewer_link_dispatch(link), ==, TSR_VIEWER_LINK_OK);
	g_assert_cmpint(seen.answers, ==, 1);
	g_assert_cmpstr(seen.text, ==, "from work");

	/* A TEXT without its fd, or an EMPTY with one, is a violation like any other. */
	struct tsr_clipboard_empty e = empty_msg(req.serial, TSR_CLIPBOARD_EMPTY_NONE);
	int extra = tsr_clipboard_memfd("x", 1);
	g_assert_false(tsr_viewer_link_handle(link, &e, sizeof(e), &extra, 1));
	g_assert_nonnull(strstr(tsr_viewer_link_error(link), "carries 1 fds, expected 0"));
	tsr_viewer_link_destroy(link);

	/* Kiosk -> viewer: the paste carries the text in a sealed memfd of that length. */
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv + 0), ==, 0);
	link = tsr_viewer_link_create(sv[0], NULL, NULL, &callbacks, &seen);
	g_assert_cmpint(tsr_viewer_link_clipboard_paste(link, "to web", 6), ==, 0);
	n = tsr_frame_recv(sv[1], buf, sizeof(buf), TSR_DISPLAY_PROTO_VERSION, fds, 1, &nfds);
	g_assert_cmpint(n, ==, sizeof(struct tsr_clipboard_paste));
	g_assert_cmpuint(nfds, ==, 1);
	struct tsr_clipboard_paste p;
	memcpy(&p, buf, sizeof(p));
	g_assert_true(tsr_clipboard_paste_ok(&p));
	char err[160];
	char *text = tsr_clipboard_memfd_read(fds[0], p.length, TSR_CLIPBOARD_LIMIT, err,
					      sizeof(err));
	g_assert_cmpstr(text, ==, "to web");
	g_free(text);
	close(fds[0]);
	close(sv[1]);
	tsr_viewer_link_destroy(link);
	g_free(seen.text);
}

/* A viewer that keeps sending clipboard data nobody asked for is cut off at the third. */
static void test_link_cuts_off_unasked(void)
{
	int sv[2];
	struct seen seen = { 0 };

	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
	struct tsr_viewer_link *link = tsr_viewer_link_create(sv[0], NULL, NULL, &callbacks, &seen);
	struct tsr_clipboard_text m = text_msg(7, 5);
	for (unsigned i = 0; i < TSR_CLIPBOARD_UNASKED_MAX; i++) {
		int fd = tsr_clipboard_memfd("stolen", 5);
		bool ok = tsr_viewer_link_handle(link, &m, sizeof(m), &fd, 1);
		g_assert_cmpint(ok, ==, i + 1 < TSR_CLIPBOARD_UNASKED_MAX);
	}
	g_assert_cmpint(seen.unasked, ==, TSR_CLIPBOARD_UNASKED_MAX - 1);
	g_assert_cmpint(seen.answers, ==, 0);
	g_assert_nonnull(strstr(tsr_viewer_link_error(link), "nobody asked for"));
	g_assert_cmpint(tsr_viewer_link_dispatch(link), ==, TSR_VIEWER_LINK_VIOLATION);
	tsr_viewer_link_destroy(link);
	close(sv[1]);
}

static const struct { const char *path; GTestFunc test; } tests[] = {
	{"/clipboard/text-is-utf8-without-nul-within-max", test_text_rule},
	{"/clipboard/memfd-sealed-and-read-back", test_memfd_roundtrip},
	{"/clipboard/gate-takes-only-the-asked-answer", test_gate_takes_only_the_asked},
	{"/clipboard/gate-refuses-malformed-answers", test_gate_refuses_malformed},
	{"/clipboard/link-request-answer-paste", test_link_request_answer_paste},
	{"/clipboard/link-cuts-off-unasked-data", test_link_cuts_off_unasked},
};

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(tests); i++)
		g_test_add_func(tests[i].path, tests[i].test);
	return g_test_run();
}
