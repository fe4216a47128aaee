/* Control socket server: root gets answers; another uid gets only "permission-denied" (both by
 * the socket's 0600 mode and, with the mode opened up, by SO_PEERCRED); oversized, malformed
 * and truncated messages are refused without harm and the server keeps serving. */
#include "config.h"
#include "broker/control-server.h"
#include "proto/control-client.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fixture {
	char *dir;
	char *path;
	struct tsr_ctl_server *server;
	GMainLoop *loop;
	unsigned handled;
	unsigned refused;
	uid_t last_uid;
};

static gboolean finish_later(gpointer data)
{
	struct tsr_ctl_call *call = data;
	JsonObject *o = json_object_new();

	json_object_set_string_member(o, "said", "later");
	tsr_ctl_call_finish(call, o, NULL);
	return G_SOURCE_REMOVE;
}

static JsonObject *handler(void *data, struct tsr_ctl_call *call, GError **error)
{
	struct fixture *f = data;
	const struct tsr_ctl_peer *peer = tsr_ctl_call_peer(call);
	const struct tsr_ctl_request *req = tsr_ctl_call_request(call);
	JsonObject *o;

	f->handled++;
	if (strcmp(req->command, "defer") == 0) {
		g_idle_add(finish_later, tsr_ctl_call_defer(call));
		return NULL;
	}
	if (strcmp(req->command, "defer-done") == 0) {
		/* Deferred, then finished before the handler returns (as a stop of a domain that
		 * is already stopped does): the answer must still go out once, and the connection
		 * must go on serving. */
		finish_later(tsr_ctl_call_defer(call));
		return NULL;
	}
	f->last_uid = peer->uid;
	if (strcmp(req->command, "echo") != 0) {
		g_set_error(error, TSR_CTL_ERROR, TSR_CTL_ERROR_UNKNOWN_COMMAND, "unknown command %s",
			    req->command);
		return NULL;
	}
	o = json_object_new();
	json_object_set_string_member(o, "said",
				      json_object_get_string_member_with_default(req->args, "say", ""));
	return o;
}

static void refused_cb(void *data, const struct tsr_ctl_peer *peer, const char *reason)
{
	struct fixture *f = data;
	f->refused++;
}

static void setup(struct fixture *f, gconstpointer unused)
{
	g_autoptr(GError) error = NULL;

	f->dir = g_dir_make_tmp("tsr-ctl-XXXXXX", &error);
	g_assert_no_error(error);
	f->path = g_build_filename(f->dir, "control.sock", NULL);
	f->server = tsr_ctl_server_create(f->path, handler, refused_cb, f, &error);
	g_assert_no_error(error);
	f->loop = g_main_loop_new(NULL, FALSE);
}

static void teardown(struct fixture *f, gconstpointer unused)
{
	tsr_ctl_server_destroy(f->server);
	g_assert_false(g_file_test(f->path, G_FILE_TEST_EXISTS));
	g_rmdir(f->dir);
	g_main_loop_unref(f->loop);
	g_free(f->path);
	g_free(f->dir);
}

/* Run a client in a thread while the main loop serves. */
typedef void (*client_fn)(struct fixture *f);
struct thread_ctx {
	struct fixture *f;
	client_fn fn;
};

static gboolean quit_idle(gpointer data)
{
	g_main_loop_quit(data);
	return G_SOURCE_REMOVE;
}

static gpointer thread_main(gpointer data)
{
	struct thread_ctx *t = data;
	t->fn(t->f);
	g_idle_add(quit_idle, t->f->loop);
	return NULL;
}

static void run_client(struct fixture *f, client_fn fn)
{
	struct thread_ctx t = { f, fn };
	GThread *th = g_thread_new("client", thread_main, &t);
	g_main_loop_run(f->loop);
	g_thread_join(th);
}

static void echo_ok(int fd, const char *say)
{
	struct tsr_ctl_response r = { 0 };
	g_autoptr(GError) error = NULL;
	JsonObject *args = json_object_new();

	json_object_set_string_member(args, "say", say);
	g_assert_true(tsr_ctl_call(fd, "echo", args, 5000, &r, &error));
	g_assert_no_error(error);
	g_assert_true(r.ok);
	g_assert_cmpstr(json_object_get_string_member(r.result, "said"), ==, say);
	tsr_ctl_response_clear(&r);
}

static void client_root(struct fixture *f)
{
	g_autoptr(GError) error = NULL;
	struct tsr_ctl_response r = { 0 };
	int fd = tsr_ctl_connect(f->path, &error);

	g_assert_no_error(error);
	echo_ok(fd, "one");
	echo_ok(fd, "two");
	/* An answer that comes later, from the main loop. */
	g_assert_true(tsr_ctl_call(fd, "defer", NULL, 5000, &r, &error));
	g_assert_true(r.ok);
	g_assert_cmpstr(json_object_get_string_member(r.result, "said"), ==, "later");
	tsr_ctl_response_clear(&r);
	echo_ok(fd, "three");
	for (int i = 0; i < 2; i++) {
		g_assert_true(tsr_ctl_call(fd, "defer-done", NULL, 5000, &r, &error));
		g_assert_true(r.ok);
		g_assert_cmpstr(json_object_get_string_member(r.result, "said"), ==, "later");
		tsr_ctl_response_clear(&r);
	}
	g_assert_true(tsr_ctl_call(fd, "defer", NULL, 5000, &r, &error));
	g_assert_true(r.ok);
	tsr_ctl_response_clear(&r);
	echo_ok(fd, "four");
	g_assert_true(tsr_ctl_call(fd, "nope", NULL, 5000, &r, &error));
	g_assert_false(r.ok);
	g_assert_cmpint(r.code, ==, TSR_CTL_ERROR_UNKNOWN_COMMAND);
	tsr_ctl_response_clear(&r);
	close(fd);
}

static void test_root(struct fixture *f, gconstpointer unused)
{
	struct stat st;

	g_assert_cmpint(stat(f->path, &st), ==, 0);
	g_assert_cmpint(st.st_mode & 0777, ==, 0600);
	run_client(f, client_root);
	g_assert_cmpuint(f->handled, ==, 9);
	g_assert_cmpuint(f->last_uid, ==, 0);
}

/* Send raw bytes, then read what comes back. */
static char *raw_exchange(const char *path, const void *data, size_t len, bool shut)
{
	g_autoptr(GError) error = NULL;
	int fd = tsr_ctl_connect(path, &error);
	size_t n = 0;
	struct tsr_ctl_response r = { 0 };
	char *out;

	g_assert_no_error(error);
	g_assert_cmpint(send(fd, data, len, MSG_NOSIGNAL), ==, (ssize_t)len);
	if (shut)
		shutdown(fd, SHUT_WR);
	void *body = tsr_ctl_read_message(fd, TSR_CTL_MAX_RESPONSE, 5000, &n, &error);
	close(fd);
	if (!body)
		return g_strdup_printf("no answer: %s", error->message);
	g_assert_true(tsr_ctl_response_parse(body, n, &r, &error));
	g_free(body);
	g_assert_false(r.ok);
	out = g_strdup(tsr_ctl_error_code_name(r.code));
	tsr_ctl_response_clear(&r);
	return out;
}

static void client_bad(struct fixture *f)
{
	static const uint8_t oversized[] = { 0x7f, 0xff, 0xff, 0xff, '{' };
	static const uint8_t zero[] = { 0, 0, 0, 0 };
	static const char malformed[] = "\0\0\0\x05{\"a\":";
	static const char badver[] = "\0\0\0\x25{\"version\":9,\"id\":1,\"command\":\"echo\"}";
	char *s;

	s = raw_exchange(f->path, oversized, sizeof(oversized), false);
	g_assert_cmpstr(s, ==, "too-large");
	g_free(s);
	s = raw_exchange(f->path, zero, sizeof(zero), false);
	g_assert_cmpstr(s, ==, "malformed");
	g_free(s);
	s = raw_exchange(f->path, malformed, sizeof(malformed) - 1, false);
	g_assert_cmpstr(s, ==, "malformed");
	g_free(s);
	s = raw_exchange(f->path, badver, sizeof(badver) - 1, false);
	g_assert_cmpstr(s, ==, "version");
	g_free(s);
	/* Truncated: the header promises 100 bytes, 10 arrive, then EOF. The server drops the
	 * connection without answering and without handling anything. */
	static const char truncated[] = "\0\0\0\x64{\"version\"";
	s = raw_exchange(f->path, truncated, sizeof(truncated) - 1, true);
	g_assert_true(g_str_has_prefix(s, "no answer"));
	g_free(s);
	/* And the server still serves. */
	g_autoptr(GError) error = NULL;
	int fd = tsr_ctl_connect(f->path, &error);
	g_assert_no_error(error);
	echo_ok(fd, "still here");
	close(fd);
}

static void test_bad_messages(struct fixture *f, gconstpointer unused)
{
	run_client(f, client_bad);
	g_assert_cmpuint(f->handled, ==, 1);
	g_assert_cmpuint(f->refused, ==, 4);
	g_assert_cmpuint(tsr_ctl_server_client_count(f->server), <=, 1);
}

static void child_exited(GPid pid, gint status, gpointer data)
{
	int *out = data;
	*out = status;
	g_spawn_close_pid(pid);
}


/* In a forked helper with another uid: connect and try a call. Exit code tells the result:
 * 10 connect refused with EACCES, 20 permission-denied answer, 1 anything else. */
static int other_uid_try(const char *path)
{
	g_autoptr(GError) error = NULL;
	struct tsr_ctl_response r = { 0 };
	int fd;

	if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
		return 2;
	fd = tsr_ctl_connect(path, &error);
	if (fd < 0)
		return g_error_matches(error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED) ? 10 : 1;
	if (!tsr_ctl_call(fd, "echo", NULL, 5000, &r, &error))
		return 3;
	if (!r.ok && r.code == TSR_CTL_ERROR_PERMISSION_DENIED)
		return 20;
	return 1;
}

static int run_other_uid(struct fixture *f)
{
	int status = -1;
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0)
		_exit(other_uid_try(f->path));
	g_child_watch_add(pid, child_exited, &status);
	while (status == -1)
		g_main_context_iteration(NULL, TRUE);
	g_assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void test_other_uid(struct fixture *f, gconstpointer unused)
{
	if (geteuid() != 0) {
		g_test_skip("needs root to switch to another uid");
		return;
	}
	/* The socket's mode already keeps others out. */
	g_assert_cmpint(run_other_uid(f), ==, 10);
	/* With the mode opened up, SO_PEERCRED still refuses them, before reading a byte. */
	g_assert_cmpint(chmod(f->path, 0666), ==, 0);
	g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
	g_assert_cmpint(run_other_uid(f), ==, 20);
	g_assert_cmpuint(f->handled, ==, 0);
	g_assert_cmpuint(f->refused, ==, 1);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add("/broker/control-server/root-served", struct fixture, NULL, setup, test_root,
		   teardown);
	g_test_add("/broker/control-server/bad-messages-refused", struct fixture, NULL, setup,
		   test_bad_messages, teardown);
	g_test_add("/broker/control-server/other-uid-refused", struct fixture, NULL, setup,
		   test_other_uid, teardown);
	return g_test_run();
}
