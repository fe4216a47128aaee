/* tests/integration/domains-sim-test.c: the sim backend with real tessera-testdomain
 * processes: lifecycle, the process's identity, pause, device bookkeeping, crash, and adoption
 * after a backend restart. */
#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domains/backend.h"

static char *tmpdir, *testdomain;
static GPtrArray *events;

static void on_event(struct tsr_backend *b, const char *domain, enum tsr_domain_state old,
		     enum tsr_domain_state state, const char *reason, void *data)
{
	g_ptr_array_add(events, g_strdup_printf("%s %s %s", domain, tsr_domain_state_name(state),
						reason));
}

static struct tsr_backend *make(void)
{
	char *run = g_build_filename(tmpdir, "run", NULL);
	char *state = g_build_filename(tmpdir, "state", NULL);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = state,
					  .testdomain = testdomain };
	GError *error = NULL;
	struct tsr_backend *b = tsr_backend_create("sim", &cfg, &error);
	g_assert_no_error(error);
	tsr_backend_set_event_handler(b, on_event, NULL);
	struct tsr_domain_spec a = { .name = "a", .uid = 64301, .gid = 64301, .memory_mb = 64,
				     .vcpus = 1, .disposable = true };
	struct tsr_domain_spec bb = a;
	bb.name = "b";
	bb.uid = bb.gid = 64302;
	g_assert_true(tsr_backend_define(b, &a, &error));
	g_assert_true(tsr_backend_define(b, &bb, &error));
	g_free(run);
	g_free(state);
	return b;
}

/* Testdomains this test started: killed if it dies on a failed assertion, so a failure never
 * leaves them running. */
static volatile pid_t started[4];

static void kill_started(int sig)
{
	for (int i = 0; i < 4; i++)
		if (started[i] > 0)
			kill(started[i], SIGKILL);
	signal(sig, SIG_DFL);
	raise(sig);
}

static bool saw(const char *text)
{
	for (guint i = 0; i < events->len; i++)
		if (strstr(events->pdata[i], text))
			return true;
	return false;
}

static void test_sim(void)
{
	struct tsr_backend *b = make();
	GError *error = NULL;
	g_assert_true(tsr_backend_start_sync(b, "a", 20000, &error));
	g_assert_no_error(error);
	g_assert_true(tsr_backend_start_sync(b, "b", 20000, &error));
	started[0] = (pid_t)tsr_backend_domain_pid(b, "a");
	started[1] = (pid_t)tsr_backend_domain_pid(b, "b");
	g_assert_cmpint(tsr_backend_status(b, "a"), ==, TSR_DOMAIN_RUNNING);
	struct stat st;
	g_assert_cmpint(stat(tsr_backend_spice_socket(b, "a"), &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 64301);
	long pid = tsr_backend_domain_pid(b, "a");
	char *path = g_strdup_printf("/proc/%ld", pid);
	g_assert_cmpint(stat(path, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 64301);
	g_free(path);
	g_assert_false(tsr_backend_start_sync(b, "a", 20000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE);
	g_clear_error(&error);

	/* Device bookkeeping: one domain at a time. */
	struct tsr_usb_device card = { .kind = TSR_USB_VIRTUAL_SMARTCARD, .nss_db = "/nss",
				       .certs = { "a", "b", "c" } };
	g_assert_true(tsr_backend_attach_usb_sync(b, "a", &card, 5000, &error));
	g_assert_false(tsr_backend_attach_usb_sync(b, "b", &card, 5000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_BUSY);
	g_clear_error(&error);
	g_assert_true(tsr_backend_detach_usb_sync(b, "a", &card, 5000, &error));
	g_assert_true(tsr_backend_attach_usb_sync(b, "b", &card, 5000, &error));
	g_assert_cmpstr(tsr_backend_usb_owner(b, "smartcard"), ==, "b");

	/* Pause is a real stop of the process. */
	g_assert_true(tsr_backend_run_sync(b, "a",
					   (tsr_backend_async_op)(void (*)(void))tsr_backend_pause,
					   NULL, 5000, &error));
	char *statp = g_strdup_printf("/proc/%ld/stat", pid), *stat_text = NULL;
	g_assert_true(g_file_get_contents(statp, &stat_text, NULL, NULL));
	g_assert_nonnull(strstr(stat_text, ") T "));
	g_free(stat_text);
	g_free(statp);

	/* Restart of the backend: a paused domain is adopted as paused, b as running; b's device
	 * table is the broker's to restore. */
	long pid_b = tsr_backend_domain_pid(b, "b");
	tsr_backend_destroy(b);
	b = make();
	g_assert_true(tsr_backend_run_sync(b, "a",
					   (tsr_backend_async_op)(void (*)(void))tsr_backend_adopt,
					   NULL, 5000, &error));
	g_assert_true(tsr_backend_run_sync(b, "b",
					   (tsr_backend_async_op)(void (*)(void))tsr_backend_adopt,
					   NULL, 5000, &error));
	g_assert_no_error(error);
	g_assert_cmpint(tsr_backend_status(b, "a"), ==, TSR_DOMAIN_PAUSED);
	g_assert_cmpint(tsr_backend_status(b, "b"), ==, TSR_DOMAIN_RUNNING);

	/* kill -9: crashed, with an event naming it. */
	g_ptr_array_set_size(events, 0);
	kill((pid_t)pid_b, SIGKILL);
	waitpid((pid_t)pid_b, NULL, 0); /* this test started it: reap it */
	g_assert_true(tsr_backend_wait_state(b, "b", TSR_DOMAIN_CRASHED, 10000));
	g_assert_true(saw("b crashed"));
	/* Graceful stop of the paused one (SIGCONT then SIGTERM). */
	g_assert_true(tsr_backend_shutdown_sync(b, "a", 10000, &error));
	g_assert_no_error(error);
	waitpid((pid_t)pid, NULL, 0);
	g_assert_cmpint(tsr_backend_status(b, "a"), ==, TSR_DOMAIN_STOPPED);
	g_assert_true(saw("a stopped"));
	g_assert_false(g_file_test(tsr_backend_spice_socket(b, "a"), G_FILE_TEST_EXISTS));
	tsr_backend_destroy(b);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	signal(SIGABRT, kill_started);
	signal(SIGTERM, kill_started);
	events = g_ptr_array_new_with_free_func(g_free);
	const char *build = g_getenv("TSR_BUILDDIR") ? g_getenv("TSR_BUILDDIR") : TSR_BUILDDIR;
	testdomain = g_build_filename(build, "tests", "testdomain", "tessera-testdomain", NULL);
	tmpdir = g_dir_make_tmp("tsr-sim-XXXXXX", NULL);
	chmod(tmpdir, 0755);
	g_test_add_func("/domains/sim/lifecycle-devices-adopt-crash", test_sim);
	int rc = g_test_run();
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	g_free(cmd);
	return rc;
}
