/* tests/unit/common-unix-peer-test.c: connecting to and handing over a socket in a directory
 * someone else controls: the right socket and server pass; a link to another socket, a socket
 * owned by another uid, a server that is not the expected process, and anything but a socket
 * are refused with their errno; handing over follows no link. */
#include "config.h"
#include "common/unix-peer.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct fixture {
	char *dir, *sock, *other, *link;
	int lfd, lfd2;
};

static int listen_at(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	g_assert_cmpint(fd, >=, 0);
	g_strlcpy(sun.sun_path, path, sizeof(sun.sun_path));
	g_assert_cmpint(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), ==, 0);
	g_assert_cmpint(listen(fd, 8), ==, 0);
	return fd;
}

static void setup(struct fixture *f, gconstpointer unused)
{
	f->dir = g_dir_make_tmp("tsr-unix-peer-XXXXXX", NULL);
	g_assert_nonnull(f->dir);
	f->sock = g_build_filename(f->dir, "spice.sock", NULL);
	f->other = g_build_filename(f->dir, "other.sock", NULL);
	f->link = g_build_filename(f->dir, "swapped.sock", NULL);
	f->lfd = listen_at(f->sock);
	f->lfd2 = listen_at(f->other);
	g_assert_cmpint(symlink(f->other, f->link), ==, 0);
}

static void teardown(struct fixture *f, gconstpointer unused)
{
	close(f->lfd);
	close(f->lfd2);
	g_unlink(f->sock);
	g_unlink(f->other);
	g_unlink(f->link);
	g_rmdir(f->dir);
	g_free(f->sock);
	g_free(f->other);
	g_free(f->link);
	g_free(f->dir);
}

static void test_connects(struct fixture *f, gconstpointer unused)
{
	struct tsr_unix_peer me = { .uid = geteuid(), .pid = getpid() };
	int fd = tsr_unix_connect_peer(f->sock, &me, SOCK_NONBLOCK);

	g_assert_cmpint(fd, >=, 0);
	g_assert_cmpint(fcntl(fd, F_GETFL) & O_NONBLOCK, !=, 0);
	close(fd);
	me.pid = 0;
	fd = tsr_unix_connect_peer(f->sock, &me, 0);
	g_assert_cmpint(fd, >=, 0);
	close(fd);
}

static void test_refuses_link(struct fixture *f, gconstpointer unused)
{
	struct tsr_unix_peer me = { .uid = geteuid(), .pid = getpid() };

	/* The link's target is a good socket of the right server: still refused. */
	errno = 0;
	g_assert_cmpint(tsr_unix_connect_peer(f->link, &me, 0), ==, -1);
	g_assert_cmpint(errno, ==, ELOOP);
	errno = 0;
	g_assert_cmpint(tsr_unix_socket_give(f->link, geteuid(), getegid(), 0600), ==, -1);
	g_assert_cmpint(errno, ==, ELOOP);
}

static void test_refuses_wrong_peer(struct fixture *f, gconstpointer unused)
{
	struct tsr_unix_peer other_pid = { .uid = geteuid(), .pid = getpid() + 1 };
	struct tsr_unix_peer other_uid = { .uid = geteuid() + 4242, .pid = 0 };

	errno = 0;
	g_assert_cmpint(tsr_unix_connect_peer(f->sock, &other_pid, 0), ==, -1);
	g_assert_cmpint(errno, ==, EPERM);
	/* The file's owner is checked before any connect... */
	errno = 0;
	g_assert_cmpint(tsr_unix_connect_peer(f->sock, &other_uid, 0), ==, -1);
	g_assert_cmpint(errno, ==, EPERM);
	/* ...and the server's uid after it, even when the file was given to the expected uid
	 * (needs root to chown; CI runs as root). */
	if (geteuid() == 0) {
		g_assert_cmpint(tsr_unix_socket_give(f->sock, other_uid.uid, 4242, 0600), ==, 0);
		struct stat st;
		g_assert_cmpint(lstat(f->sock, &st), ==, 0);
		g_assert_cmpuint(st.st_uid, ==, other_uid.uid);
		g_assert_cmpuint(st.st_mode & 07777, ==, 0600);
		errno = 0;
		g_assert_cmpint(tsr_unix_connect_peer(f->sock, &other_uid, 0), ==, -1);
		g_assert_cmpint(errno, ==, EPERM);
	}
}

static void test_refuses_non_socket(struct fixture *f, gconstpointer unused)
{
	struct tsr_unix_peer me = { .uid = geteuid(), .pid = 0 };
	g_autofree char *file = g_build_filename(f->dir, "plain", NULL);

	g_assert_true(g_file_set_contents(file, "x", 1, NULL));
	errno = 0;
	g_assert_cmpint(tsr_unix_connect_peer(file, &me, 0), ==, -1);
	g_assert_cmpint(errno, ==, ENOTSOCK);
	errno = 0;
	g_assert_cmpint(tsr_unix_socket_give(file, geteuid(), getegid(), 0600), ==, -1);
	g_assert_cmpint(errno, ==, ENOTSOCK);
	g_unlink(file);
}

/* Which directories another uid could write: group or other write without the sticky bit, or
 * another owner (when run as root, which can give the directory away). */
static void test_dir_private(struct fixture *f, gconstpointer unused)
{
	g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, 0);
	g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
	g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, 0);
	g_assert_cmpint(chmod(f->dir, 01777), ==, 0);
	g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, 0);
	g_assert_cmpint(chmod(f->dir, 0777), ==, 0);
	errno = 0;
	g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, -1);
	g_assert_cmpint(errno, ==, EPERM);
	g_assert_cmpint(chmod(f->dir, 0770), ==, 0);
	g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, -1);
	g_assert_cmpint(chmod(f->dir, 0700), ==, 0);
	if (geteuid() == 0) {
		g_assert_cmpint(chown(f->dir, 65534, 65534), ==, 0);
		errno = 0;
		g_assert_cmpint(tsr_unix_dir_private(f->dir), ==, -1);
		g_assert_cmpint(errno, ==, EPERM);
		g_assert_cmpint(chown(f->dir, 0, 0), ==, 0);
	}
	errno = 0;
	g_assert_cmpint(tsr_unix_dir_private(f->sock), ==, -1);
	g_assert_cmpint(errno, ==, ENOTDIR);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/common/unix-peer/connects", struct fixture, NULL, setup, test_connects,
		   teardown);
	g_test_add("/common/unix-peer/refuses-link", struct fixture, NULL, setup,
		   test_refuses_link, teardown);
	g_test_add("/common/unix-peer/refuses-wrong-owner-or-peer", struct fixture, NULL, setup,
		   test_refuses_wrong_peer, teardown);
	g_test_add("/common/unix-peer/refuses-non-socket", struct fixture, NULL, setup,
		   test_refuses_non_socket, teardown);
	g_test_add("/common/unix-peer/dir-private-only-when-no-other-uid-writes", struct fixture,
		   NULL, setup, test_dir_private, teardown);
	return g_test_run();
}
