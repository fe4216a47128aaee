/* fd passing: fds arrive close-on-exec, too many fds or a truncated message is an error, and
 * on every error no fd stays open in the receiver. */
#include "config.h"
#include "common/fdpass.h"
#include "common/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <sys/socket.h>
#include <unistd.h>

static void make_pair(int sv[2])
{
	g_assert_cmpint(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), ==, 0);
}

static void test_roundtrip_cloexec(void)
{
	int sv[2], p[2], fds[TSR_FDPASS_MAX];
	size_t nfds = 9;
	char buf[16];

	make_pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_cmpint(tsr_fd_send(sv[0], "hello", 5, p, 2), ==, 0);
	g_assert_cmpint(tsr_fd_recv(sv[1], buf, sizeof(buf), fds, 2, &nfds), ==, 5);
	g_assert_cmpuint(nfds, ==, 2);
	g_assert_cmpint(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
	g_assert_cmpint(fcntl(fds[1], F_GETFD) & FD_CLOEXEC, ==, FD_CLOEXEC);
	/* The received write end really is the pipe. */
	g_assert_cmpint(write(fds[1], "z", 1), ==, 1);
	g_assert_cmpint(read(p[0], buf, 1), ==, 1);
	g_assert_cmpint(buf[0], ==, 'z');
	tsr_fd_close_all(fds, 2);
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_too_many_fds_closed(void)
{
	int sv[2], p[2], p2[2], fds[TSR_FDPASS_MAX];
	int all[3];
	size_t nfds = 7;
	char buf[16];

	make_pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_cmpint(pipe(p2), ==, 0);
	all[0] = p[0];
	all[1] = p[1];
	all[2] = p2[0];
	g_assert_cmpint(tsr_fd_send(sv[0], "x", 1, all, 3), ==, 0);
	int before = tsr_sandbox_count_fds();
	errno = 0;
	g_assert_cmpint(tsr_fd_recv(sv[1], buf, sizeof(buf), fds, 1, &nfds), ==, -1);
	g_assert_cmpint(errno, ==, EBADMSG);
	g_assert_cmpuint(nfds, ==, 0);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
	close(p[0]); close(p[1]); close(p2[0]); close(p2[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_fd_where_none_allowed(void)
{
	int sv[2], p[2], fds[1];
	size_t nfds = 3;
	char buf[16];

	make_pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_cmpint(tsr_fd_send(sv[0], "x", 1, p, 1), ==, 0);
	int before = tsr_sandbox_count_fds();
	g_assert_cmpint(tsr_fd_recv(sv[1], buf, sizeof(buf), fds, 0, &nfds), ==, -1);
	g_assert_cmpint(errno, ==, EBADMSG);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
	close(p[0]); close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_truncated_payload(void)
{
	int sv[2], p[2], fds[2];
	size_t nfds = 3;
	char buf[4];

	make_pair(sv);
	g_assert_cmpint(pipe(p), ==, 0);
	g_assert_cmpint(tsr_fd_send(sv[0], "longer message", 14, p, 1), ==, 0);
	int before = tsr_sandbox_count_fds();
	g_assert_cmpint(tsr_fd_recv(sv[1], buf, sizeof(buf), fds, 2, &nfds), ==, -1);
	g_assert_cmpint(errno, ==, EMSGSIZE);
	g_assert_cmpuint(nfds, ==, 0);
	g_assert_cmpint(tsr_sandbox_count_fds(), ==, before);
	close(p[0]); close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_send_refuses_too_many(void)
{
	int sv[2];
	int many[TSR_FDPASS_MAX + 1] = { 0 };

	make_pair(sv);
	g_assert_cmpint(tsr_fd_send(sv[0], "x", 1, many, TSR_FDPASS_MAX + 1), ==, -1);
	g_assert_cmpint(errno, ==, EINVAL);
	close(sv[0]);
	close(sv[1]);
}

static void test_peer_closed(void)
{
	int sv[2], fds[1];
	size_t nfds;
	char buf[4];

	make_pair(sv);
	close(sv[0]);
	g_assert_cmpint(tsr_fd_recv(sv[1], buf, sizeof(buf), fds, 1, &nfds), ==, 0);
	close(sv[1]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/fdpass/roundtrip-fds-are-cloexec", test_roundtrip_cloexec);
	g_test_add_func("/fdpass/too-many-fds-refused-and-closed", test_too_many_fds_closed);
	g_test_add_func("/fdpass/fd-where-none-allowed-refused", test_fd_where_none_allowed);
	g_test_add_func("/fdpass/truncated-payload-refused", test_truncated_payload);
	g_test_add_func("/fdpass/send-refuses-too-many-fds", test_send_refuses_too_many);
	g_test_add_func("/fdpass/peer-close-reads-zero", test_peer_closed);
	return g_test_run();
}
