/* tests/hostile/hostile-device-model-test.c: a compromised device model against the real
 * tessera-brokerd (sim backend, scripted test kiosk).
 *
 * A device model owns its domain's run directory, so it can replace its SPICE socket with a
 * symbolic link. The broker connects that socket as root when the user picks the domain; each
 * attack is one TAP result, and each asserts that the pick is refused (no viewer link reaches
 * the kiosk, so no key typed for this domain can reach another) and nothing else answered:
 *   - spice-socket-linked-to-another-domain: the link points at the other domain's socket;
 *   - spice-socket-linked-to-control-socket: the link points at the broker's control socket,
 *     where a root connection would be credited by SO_PEERCRED (no control request, refused
 *     or not, may arrive from it). */
#include "config.h"
#include "tests/integration/broker-harness.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Replace web's SPICE socket with a link to target, as web's device model (uid BH_DM_UID). */
static void swap_socket(struct bh *h, const char *target)
{
	g_autofree char *sock = g_build_filename(h->run, "domains", "web", "spice.sock", NULL);
	int status = 0;
	pid_t pid = fork();

	g_assert_cmpint(pid, >=, 0);
	if (pid == 0) {
		if (setresgid(BH_DM_UID, BH_DM_UID, BH_DM_UID) < 0 ||
		    setresuid(BH_DM_UID, BH_DM_UID, BH_DM_UID) < 0)
			_exit(2);
		if (unlink(sock) < 0 || symlink(target, sock) < 0)
			_exit(3);
		_exit(0);
	}
	g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
	g_assert_true(WIFEXITED(status));
	g_assert_cmpint(WEXITSTATUS(status), ==, 0);
}

/* Both domains running, alice logged in, web's socket swapped for a link to target; alice
 * picks web. */
static struct bh *pick_swapped(const char *target_rel, const char **line)
{
	struct bh *h = bh_new(NULL);
	struct tsr_ctl_response r = { 0 };
	JsonObject *args;
	unsigned seq;

	bh_start(h, true);
	bh_expect(h, "session state=0 ");
	g_assert_cmpuint(bh_login(h, "alice", "alice-pw"), ==, 0);
	for (int i = 0; i < 2; i++) {
		args = json_object_new();
		json_object_set_string_member(args, "name", i == 0 ? "web" : "work");
		g_assert_true(bh_ctl(h, "start", args, &r));
		tsr_ctl_response_clear(&r);
	}
	g_autofree char *target = g_build_filename(h->run, target_rel, NULL);
	swap_socket(h, target);
	seq = bh_kiosk(h, "pick web");
	*line = bh_reply(h, seq);
	return h;
}

static void test_link_to_other_domain(void)
{
	const char *line;
	struct bh *h = pick_swapped("domains/work/spice.sock", &line);

	g_assert_cmpuint(bh_status(line), !=, 0);
	g_assert_nonnull(strstr(line, "fd=none"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"viewer-failed\"", "\"domain\":\"web\"");
	bh_assert_domain_field(h, "web", "viewer_pid", NULL);
	bh_assert_domain_field(h, "work", "viewer_pid", NULL);
	bh_free(h);
}

static void test_link_to_control_socket(void)
{
	const char *line;
	struct bh *h = pick_swapped("control.sock", &line);
	struct tsr_ctl_response r = { 0 };

	g_assert_cmpuint(bh_status(line), !=, 0);
	g_assert_nonnull(strstr(line, "fd=none"));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"viewer-failed\"", "\"domain\":\"web\"");
	/* One more request of our own, so anything the broker had to say about a connection of
	 * its own is in the log before it is read. */
	g_assert_true(bh_ctl(h, "status", NULL, &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "\"event\":\"control-refused\""));
	bh_assert_domain_field(h, "web", "viewer_pid", NULL);
	bh_free(h);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile/device-model/spice-socket-linked-to-another-domain",
			test_link_to_other_domain);
	g_test_add_func("/hostile/device-model/spice-socket-linked-to-control-socket",
			test_link_to_control_socket);
	return g_test_run();
}
