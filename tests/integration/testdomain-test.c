/* tessera-testdomain refuses bad options with a message naming what was wrong, never replaces
 * a file that is not a socket, and cleans its socket up on SIGTERM. */
#include "config.h"
#include "tests/integration/display-helpers.h"

#include <glib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TD TSR_BUILDDIR "/tests/testdomain/tessera-testdomain"

static void expect_refusal(const char *args, int code, const char *needle)
{
	gchar *cmd = g_strdup_printf(TD " %s", args), *err = NULL;
	int status;

	g_assert_true(g_spawn_command_line_sync(cmd, NULL, &err, &status, NULL));
	g_test_message("%s -> %s", args, err);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, code);
	g_assert_nonnull(strstr(err, needle));
	g_free(cmd);
	g_free(err);
}

static void test_bad_options(void)
{
	expect_refusal("--size 640x480", 2, "--socket PATH is required");
	expect_refusal("--socket /tmp/x.sock --size 5x5", 2, "--size '5x5'");
	expect_refusal("--socket /tmp/x.sock --size wide", 2, "--size 'wide'");
	expect_refusal("--socket /tmp/x.sock --pattern plaid", 2, "--pattern 'plaid' is unknown");
	expect_refusal("--socket /tmp/x.sock --fps 0", 2, "--fps 0 is out of range");
	expect_refusal("--socket /tmp/x.sock --damage 0x0", 2, "--damage '0x0'");
}

static void test_keeps_other_files(void)
{
	gchar *dir = g_dir_make_tmp("tsr-td-XXXXXX", NULL);
	gchar *path = g_build_filename(dir, "not-a-socket", NULL), *args, *text = NULL;

	g_assert_true(g_file_set_contents(path, "precious", -1, NULL));
	args = g_strdup_printf("--socket %s", path);
	expect_refusal(args, 1, "remove it or choose another path");
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	g_assert_cmpstr(text, ==, "precious");
	g_free(text);
	g_free(args);
	g_free(path);
	test_dir_remove(dir);
	g_free(dir);
}

static void test_socket_removed_on_exit(void)
{
	gchar *dir = g_dir_make_tmp("tsr-td-XXXXXX", NULL);
	struct td_proc td;
	struct stat st;
	gchar *sock;

	td_start(&td, dir, "t", false, NULL);
	sock = g_strdup(td.socket);
	g_assert_cmpint(stat(sock, &st), ==, 0);
	g_assert_true(S_ISSOCK(st.st_mode));
	td_stop(&td);
	g_assert_cmpint(stat(sock, &st), ==, -1);
	g_free(sock);
	test_dir_remove(dir);
	g_free(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/testdomain/bad-options-refused", test_bad_options);
	g_test_add_func("/testdomain/other-files-kept", test_keeps_other_files);
	g_test_add_func("/testdomain/socket-removed-on-exit", test_socket_removed_on_exit);
	return g_test_run();
}
