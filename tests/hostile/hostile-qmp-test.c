/* tests/hostile/hostile-qmp-test.c: a compromised QEMU against the broker's QMP client.
 *
 * tests/hostile/hostile-qemu plays the device model: the real tessera-brokerd starts it as a
 * qemu-backend domain (--qemu), it completes QEMU's handshake, and once the domain runs it
 * attacks. Each attack is one TAP result, and each asserts that the broker survives, that
 * `status` over the control socket answers within a second, and that the domain is reported
 * crashed:
 *   - nested-brackets: one message of 100,000 nested '[' (json-glib would recurse that deep);
 *   - greeting-flood-without-reading: greetings without end, never reading the commands they
 *     would each trigger (a blocking send would stop the broker's main loop).
 *   - qmp-socket-linked-to-control-socket: qmp.sock is a link to the control socket; the
 *     broker refuses it at once (no root control connection is made) and the start fails.
 * A third drives the QMP client of domains/qmp.c directly, as the qemu backend uses it:
 *   - stops-reading: the server takes no more commands; issuing thousands never blocks, and the
 *     connection is cut as a misbehaving QEMU's.
 * And a USB host device given to a QEMU domain and taken away again:
 *   - usb-node-stays-roots: the device model gets an fd root opened (add-fd, then device_add
 *     hostdevice=/dev/fdset/N, remove-fd after the detach); the node's owner and mode never
 *     change, so the device model can never open it itself, before or after. */
#include "config.h"
#include "domains/qmp.h"
#include "tests/integration/broker-harness.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *hostile_qemu(void)
{
	return g_build_filename(TSR_BUILDDIR, "tests/hostile/hostile-qemu", NULL);
}

/* A broker whose policy has one more domain, NAME, run by hostile-qemu under uid 61003 (and
 * the given device rules, or none). */
static struct bh *broker_with(const char *name, const char *device_rules)
{
	struct bh *h = bh_new(device_rules);
	g_autofree char *conf = g_strdup_printf(
		"[domain %s]\nlabel = %s\ncolour = green\nbackend = qemu\nmemory-mib = 256\n"
		"vcpus = 1\ntemplate = blank\ndisk = disposable\nnetwork = none\n"
		"groups = staff\ndevice-model-uid = 61003\n"
		"device-model-gid = 61003\nviewer-uid = 61103\nviewer-gid = 61103\n",
		name, name);
	g_autofree char *rel = g_strdup_printf("domains/%s.conf", name);
	g_autofree char *with = g_strdup_printf("domains = web;work;%s", name);
	g_autofree char *fake = hostile_qemu();
	/* QEMU's kernel and initramfs must exist; the fake never reads them. */
	g_autofree char *kernel = g_build_filename(h->policy, "policy.conf", NULL);

	/* A blank disk template (the backend makes the overlay with the real qemu-img). */
	static const char blank[65536];
	g_autofree char *tdir = g_build_filename(h->state, "templates", NULL);
	g_autofree char *tfile = g_build_filename(tdir, "blank.img", NULL);
	g_autofree char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
							   (const guchar *)blank, sizeof(blank));
	g_autofree char *templates = g_strdup_printf(
		"[template blank]\nfile = blank.img\nformat = raw\nsha256 = %s\nsize = %zu\n",
		sum, sizeof(blank));
	g_assert_cmpint(g_mkdir_with_parents(tdir, 0755), ==, 0);
	g_assert_true(g_file_set_contents(tfile, blank, sizeof(blank), NULL));
	bh_policy_file(h, "templates.conf", templates);
	bh_policy_file(h, rel, conf);
	bh_policy_edit(h, "policy.conf", "domains = web;work", with);
	char **extra = g_new0(char *, 5);
	extra[0] = g_strdup_printf("--qemu=%s", fake);
	extra[1] = g_strdup_printf("--guest-kernel=%s", kernel);
	extra[2] = g_strdup_printf("--guest-initrd=%s", kernel);
	extra[3] = g_strdup("--accel=tcg");
	h->extra_args = extra;
	bh_start(h, false);
	return h;
}

/* tessera-ctl status, the administrator's first question, answers within a second. */
static void ctl_status_within_a_second(struct bh *h)
{
	g_autofree char *ctl = g_build_filename(TSR_BUILDDIR, "broker", "tessera-ctl", NULL);
	g_autofree char *sock = g_strdup_printf("--socket=%s", h->control);
	char *argv[] = { ctl, sock, "--timeout", "1", "status", NULL };
	g_autofree char *out = NULL;
	g_autoptr(GError) error = NULL;
	int status = -1;
	int64_t t0 = g_get_monotonic_time();

	g_assert_true(g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
				   NULL, &status, &error));
	g_assert_no_error(error);
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	g_assert_nonnull(out);
	g_assert_cmpuint(strlen(out), >, 0);
}

/* Start NAME, let it attack, and check the broker came through. */
static void attack(const char *name)
{
	struct bh *h = broker_with(name, NULL);
	struct tsr_ctl_response r = { 0 };
	JsonObject *args = json_object_new();

	json_object_set_string_member(args, "name", name);
	/* The attack may end the domain before its start is answered; either way it must crash
	 * alone. */
	(void)bh_ctl(h, "start", args, &r);
	tsr_ctl_response_clear(&r);
	g_autofree char *needle = g_strdup_printf("\"domain\":\"%s\"", name);
	g_autofree char *crashed = bh_wait_audit(h, needle, "\"to\":\"crashed\"");
	g_assert_cmpint(kill(h->pid, 0), ==, 0);
	ctl_status_within_a_second(h);
	bh_assert_domain_field(h, name, "state", "crashed");
	for (char **a = h->extra_args; *a; a++)
		g_free(*a);
	g_free(h->extra_args);
	h->extra_args = NULL;
	bh_free(h);
}

static void assert_node_roots(const char *node)
{
	struct stat st;

	g_assert_cmpint(lstat(node, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 0);
	g_assert_cmpuint(st.st_gid, ==, 0);
	g_assert_cmpuint(st.st_mode & 07777, ==, 0600);
}

static void test_usb_node(void)
{
	/* A CCID reader (interface class 0x0b) on bus 1, address 2. */
	static const uint8_t reader[] = { 18, 1, 0, 2, 0, 0, 0, 64, 0xe6, 0x04, 0x16, 0x51, 0, 1,
					  1, 2, 3, 1, 9, 2, 18, 0, 1, 1, 0, 0x80, 50,
					  9, 4, 0, 0, 0, 0x0b, 0, 0, 0 };
	struct bh *h = broker_with("usb", "[rule card]\nclass = 0x0b\naction = attach\n"
					  "domain = usb\n");
	g_autofree char *dir = g_build_filename(h->devfs, "bus", "usb", "001", NULL);
	g_autofree char *node = g_build_filename(dir, "002", NULL);
	g_autofree char *report = g_build_filename(h->run, "domains", "usb", "usb-report", NULL);
	g_autofree char *text = NULL;
	struct tsr_ctl_response r = { 0 };
	JsonObject *args = json_object_new();

	/* The node: /dev/null's numbers, root's, 0600, as udev leaves a USB device node. */
	g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
	g_assert_cmpint(mknod(node, S_IFCHR | 0600, makedev(1, 3)), ==, 0);
	g_assert_cmpint(chown(node, 0, 0), ==, 0);
	bh_usb_add(h, "1-1", reader, sizeof(reader), 1, 2, "R1");
	JsonObject *rescan = json_object_new();
	json_object_set_boolean_member(rescan, "rescan", TRUE);
	g_assert_true(bh_ctl(h, "devices", rescan, &r));
	tsr_ctl_response_clear(&r);
	json_object_set_string_member(args, "name", "usb");
	g_assert_true(bh_ctl(h, "start", args, &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *att = bh_wait_audit(h, "\"event\":\"device-attached\"",
					     "\"domain\":\"usb\"");
	assert_node_roots(node);
	g_assert_true(g_file_get_contents(report, &text, NULL, NULL));
	g_assert_nonnull(strstr(text, "add-fd char rdev=1:3\n"));
	g_assert_nonnull(strstr(text, "device_add hostdevice=/dev/fdset/7\n"));
	g_clear_pointer(&text, g_free);

	args = json_object_new();
	json_object_set_string_member(args, "device", "1-1");
	g_assert_true(bh_ctl(h, "detach", args, &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *det = bh_wait_audit(h, "\"event\":\"device-detached\"",
					     "\"sysname\":\"1-1\"");
	assert_node_roots(node);
	/* The fd leaves QEMU's fdset too (the broker sends it right after DEVICE_DELETED). */
	for (int i = 0; i < 200; i++) {
		g_clear_pointer(&text, g_free);
		g_assert_true(g_file_get_contents(report, &text, NULL, NULL));
		if (strstr(text, "remove-fd\n"))
			break;
		g_usleep(10000);
	}
	g_assert_nonnull(strstr(text, "remove-fd\n"));
	for (char **a = h->extra_args; *a; a++)
		g_free(*a);
	g_free(h->extra_args);
	h->extra_args = NULL;
	bh_free(h);
}

static void test_qmp_link(void)
{
	struct bh *h = broker_with("link", NULL);
	struct tsr_ctl_response r = { 0 };
	JsonObject *args = json_object_new();
	int64_t t0 = g_get_monotonic_time();

	json_object_set_string_member(args, "name", "link");
	g_assert_false(bh_ctl(h, "start", args, &r));
	g_assert_nonnull(strstr(r.message, "not the device model's own socket"));
	tsr_ctl_response_clear(&r);
	/* Refused on the spot, not after a handshake timed out on a control connection. */
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
	g_autofree char *failed = bh_wait_audit(h, "\"event\":\"domain-start-failed\"",
						"\"domain\":\"link\"");
	ctl_status_within_a_second(h);
	g_autofree char *audit = bh_audit_text(h);
	g_assert_null(strstr(audit, "\"event\":\"control-refused\""));
	for (char **a = h->extra_args; *a; a++)
		g_free(*a);
	g_free(h->extra_args);
	h->extra_args = NULL;
	bh_free(h);
}

static void test_nested(void)
{
	attack("nest");
}

static void test_greeting_flood(void)
{
	attack("greet");
}

/* ---- the client alone, against a server that stops reading ---- */

struct client {
	GMainLoop *loop;
	bool ready, closed, replied;
};

static void on_ready(struct tsr_qmp *q, const GError *error, void *data)
{
	struct client *c = data;

	g_assert_no_error(error);
	c->ready = true;
	g_main_loop_quit(c->loop);
}

static void on_closed(struct tsr_qmp *q, const char *reason, void *data)
{
	struct client *c = data;

	g_test_message("QMP closed: %s", reason);
	c->closed = true;
}

static void on_status(struct tsr_qmp *q, JsonNode *result, const GError *error, void *data)
{
	struct client *c = data;

	g_assert_no_error(error);
	c->replied = true;
	g_main_loop_quit(c->loop);
}

static void on_any(struct tsr_qmp *q, JsonNode *result, const GError *error, void *data)
{
}

static void test_stops_reading(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("tsr-qmp-XXXXXX", &error);
	g_autofree char *sock = g_build_filename(dir, "qmp.sock", NULL);
	g_autofree char *qmp_arg = g_strdup_printf("unix:%s,server=on,wait=off", sock);
	g_autofree char *fake = hostile_qemu();
	char *argv[] = { fake, "-name", "mute", "-qmp", qmp_arg, NULL };
	struct client c = { .loop = g_main_loop_new(NULL, FALSE) };
	GPid pid;
	struct tsr_qmp *q = NULL;

	g_assert_no_error(error);
	g_assert_true(g_spawn_async(NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
				    &error));
	g_assert_no_error(error);
	/* As the qemu backend connects: to the socket of exactly that process. */
	struct tsr_unix_peer server = { .uid = geteuid(), .pid = pid };
	for (int i = 0; i < 500 && !q; i++) {
		g_clear_error(&error);
		q = tsr_qmp_connect(sock, &server, on_ready, NULL, on_closed, &c, &error);
		if (!q)
			g_usleep(10000);
	}
	g_assert_nonnull(q);
	g_main_loop_run(c.loop);
	g_assert_true(c.ready);
	tsr_qmp_command(q, "query-status", NULL, on_status, &c);
	g_main_loop_run(c.loop);
	g_assert_true(c.replied);
	g_usleep(300 * 1000); /* the server has stopped reading now */

	/* With a blocking send this loop would hang once the socket is full (the alarm fails
	 * the test); the client must instead refuse to queue more and cut QEMU off. */
	alarm(20);
	int64_t t0 = g_get_monotonic_time();
	for (int i = 0; i < 100000 && !c.closed; i++) {
		JsonObject *args = json_object_new();
		json_object_set_string_member(args, "filler", "a command QEMU will never read, "
					      "padded so the socket fills sooner");
		tsr_qmp_command(q, "human-monitor-command", args, on_any, &c);
	}
	alarm(0);
	g_assert_true(c.closed);
	g_assert_true(tsr_qmp_misbehaved(q));
	g_assert_cmpint(g_get_monotonic_time() - t0, <, G_USEC_PER_SEC);
	tsr_qmp_free(q);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(sock);
	rmdir(dir);
	g_main_loop_unref(c.loop);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hostile/qmp/nested-brackets", test_nested);
	g_test_add_func("/hostile/qmp/greeting-flood-without-reading", test_greeting_flood);
	g_test_add_func("/hostile/qmp/stops-reading", test_stops_reading);
	g_test_add_func("/hostile/qmp/qmp-socket-linked-to-control-socket", test_qmp_link);
	g_test_add_func("/hostile/qmp/usb-node-stays-roots", test_usb_node);
	return g_test_run();
}
