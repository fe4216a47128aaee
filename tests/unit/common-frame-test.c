/* Framing: a message is accepted only when its header's length equals what arrived, its
 * version matches and it fits; truncated, oversized and lying messages are refused. */
#include "config.h"
#include "common/fdpass.h"
#include "common/frame.h"
#include "common/sandbox.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

struct ping {
	struct tsr_frame_header hdr;
	uint32_t value;
};

static void pair(int sv[2])
{
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
}

static void test_roundtrip(void)
{
	int sv[2];
	struct ping out = { .value = 42 }, in;
	size_t nfds;

	pair(sv);
	g_assert_cmpint(tsr_frame_send(sv[0], &out, sizeof(out), 7, 1, NULL, 0), ==, 0);
	g_assert_cmpint(tsr_frame_recv(sv[1], &in, sizeof(in), 1, NULL, 0, &nfds), ==, sizeof(in));
	g_assert_cmpuint(in.hdr.type, ==, 7);
	g_assert_cmpuint(in.hdr.length, ==, sizeof(in));
	g_assert_cmpuint(in.value, ==, 42);
	close(sv[0]);
	close(sv[1]);
}

static void test_truncated_message(void)
{
	struct ping p = { .hdr = { .type = 1, .version = 1, .length = sizeof(p) } };

	/* Only part of the message arrived: the header claims more than there is. */
	g_assert_cmpint(tsr_frame_check(&p, sizeof(p) - 1, 1, NULL), ==, -1);
	g_assert_cmpint(errno, ==, EBADMSG);
	g_assert_cmpint(tsr_frame_check(&p, 3, 1, NULL), ==, -1);
	g_assert_cmpint(errno, ==, EBADMSG);
}

static void test_length_lies(void)
{
	struct ping p = { .hdr = { .type = 1, .version = 1, .length = 4 } };

	g_assert_cmpint(tsr_frame_check(&p, sizeof(p), 1, NULL), ==, -1);
	g_assert_cmpint(errno, ==, EBADMSG);
}

static void test_wrong_version(void)
{
	struct ping p = { .hdr = { .type = 1, .version = 2, .length = sizeof(p) } };

	g_assert_cmpint(tsr_frame_check(&p, sizeof(p), 1, NULL), ==, -1);
	g_assert_cmpint(errno, ==, EPROTO);
}

static void test_oversized_frame(void)
{
	int sv[2], p[2], fds[1];
	size_t nfds;
	static char big[TSR_FRAME_MAX + 100];
	char in[TSR_FRAME_MAX];
	struct tsr_frame_header h = { .type = 1, .version = 1, .length = sizeof(big) };

	pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	memcpy(big, &h, sizeof(h));
	/* tsr_frame_send refuses to build one... */
	g_assert_cmpint(tsr_frame_send(sv[0], big, sizeof(big), 1, 1, NULL, 0), ==, -1);
	g_assert_cmpint(errno, ==, EMSGSIZE);
	/* ...and a peer that sends one anyway, with an fd, is refused with the fd closed. */
	g_assert_cmpint(send(sv[0], big, sizeof(big), 0), ==, sizeof(big));
	int before = tsr_sandbox_count_fds();
	g_assert_cmpint(tsr_frame_recv(sv[1], in, sizeof(in), 1, fds, 1, &nfds), ==, -1);
	g_assert_cmpint(errno, ==, EMSGSIZE);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
	close(p[0]); close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_bad_header_closes_fds(void)
{
	int sv[2], p[2], fds[1];
	size_t nfds = 5;
	struct ping m = { .hdr = { .type = 1, .version = 9, .length = sizeof(m) } };
	struct ping in;

	pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_cmpint(tsr_fd_send(sv[0], &m, sizeof(m), &p[0], 1), ==, 0);
	int before = tsr_sandbox_count_fds();
	g_assert_cmpint(tsr_frame_recv(sv[1], &in, sizeof(in), 1, fds, 1, &nfds), ==, -1);
	g_assert_cmpint(errno, ==, EPROTO);
	g_assert_cmpuint(nfds, ==, 0);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
	close(p[0]); close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/frame/roundtrip", test_roundtrip);
	g_test_add_func("/frame/truncated-message-refused", test_truncated_message);
	g_test_add_func("/frame/length-field-lie-refused", test_length_lies);
	g_test_add_func("/frame/wrong-version-refused", test_wrong_version);
	g_test_add_func("/frame/oversized-frame-refused-fds-closed", test_oversized_frame);
	g_test_add_func("/frame/bad-header-closes-its-fds", test_bad_header_closes_fds);
	return g_test_run();
}
