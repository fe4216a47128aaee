/* The broker with real QEMU domains (TCG, the guest image from tools/build-guest-image):
 *   - a device rule (class 0b -> left) sends the virtual smart card to left when it starts,
 *     and the guest sees a CCID reader on its USB bus; right never does;
 *   - kill -9 the broker with both running, kill right's QEMU while it is down, start it again:
 *     left is adopted through a real QMP exchange, right is reported crashed, and left can still
 *     be stopped through the new broker. */
#include "config.h"
#include "tests/integration/broker-harness.h"
#include "tests/system/domains-test-util.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BOOT_MS 180000

static struct guest_image img;
/* STATE/domains of the running test: on an abort, the QEMUs it started are killed by their
 * pid files (the broker leaves domains running by design, the test must not). */
static char *domains_state;

static void kill_domains(int sig)
{
	static const char *const names[] = { "left", "right" };

	for (size_t i = 0; domains_state && i < G_N_ELEMENTS(names); i++) {
		char path[4096], buf[32] = { 0 };
		snprintf(path, sizeof(path), "%s/%s/pid", domains_state, names[i]);
		FILE *f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f) && atoi(buf) > 0)
			kill(atoi(buf), SIGKILL);
		if (f)
			fclose(f);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static char *domain_conf(const char *name, unsigned uid)
{
	return g_strdup_printf("[domain %s]\nlabel = %s\ncolour = green\nbackend = qemu\n"
			       "memory-mib = 256\nvcpus = 1\ntemplate = guest\ndisk = persistent\n"
			       "network = none\ngroups = staff\ndevice-model-uid = %u\n"
			       "device-model-gid = %u\nviewer-uid = %u\nviewer-gid = %u\n",
			       name, name, uid, uid, uid + 100, uid + 100);
}

static void alive_or_not(const char *pid, bool want)
{
	g_autofree char *path = g_strdup_printf("/proc/%s/stat", pid);
	g_autofree char *text = NULL;
	bool alive = g_file_get_contents(path, &text, NULL, NULL) && strrchr(text, ')') &&
		     strrchr(text, ')')[2] != 'Z';
	if (alive != want)
		g_error("process %s is %s", pid, alive ? "alive" : "gone");
}

static JsonObject *name_arg(const char *name)
{
	JsonObject *o = json_object_new();
	json_object_set_string_member(o, "name", name);
	return o;
}

static void test_qemu(void)
{
	char *why = NULL;
	struct tsr_ctl_response r = { 0 };

	if (!g_find_program_in_path("qemu-system-x86_64") || !g_find_program_in_path("certutil")) {
		g_test_skip("needs qemu-system-x86 and libnss3-tools");
		return;
	}
	if (!guest_image_get(&img, &why))
		g_error("%s", why);

	struct bh *h = bh_new("[rule card]\nclass = 0x0b\naction = attach\ndomain = left\n");
	g_autofree char *templates = g_strdup_printf(
		"[template guest]\nfile = template.qcow2\nformat = qcow2\nsha256 = %s\nsize = %llu\n",
		img.template_sha256, (unsigned long long)img.template_size);
	g_autofree char *left = domain_conf("left", 64131), *right = domain_conf("right", 64132);
	bh_policy_file(h, "templates.conf", templates);
	bh_policy_file(h, "domains/web.conf", NULL);
	bh_policy_file(h, "domains/work.conf", NULL);
	bh_policy_file(h, "domains/left.conf", left);
	bh_policy_file(h, "domains/right.conf", right);
	g_autofree char *pc = g_build_filename(h->policy, "policy.conf", NULL);
	g_autofree char *ptext = NULL;
	g_assert_true(g_file_get_contents(pc, &ptext, NULL, NULL));
	g_autofree char *ptext2 = NULL;
	{
		GString *g = g_string_new(ptext);
		g_string_replace(g, "domains = web;work", "domains = left;right", 1);
		ptext2 = g_string_free(g, FALSE);
	}
	bh_policy_file(h, "policy.conf", ptext2);
	g_autofree char *tdir = g_build_filename(h->state, "templates", NULL);
	g_autofree char *tlink = g_build_filename(tdir, "template.qcow2", NULL);
	g_assert_cmpint(g_mkdir_with_parents(tdir, 0755), ==, 0);
	{
		/* A copy: the backend refuses to follow symlinks to a template. */
		g_autofree char *data = NULL;
		gsize len = 0;
		g_assert_true(g_file_get_contents(img.template_path, &data, &len, NULL));
		g_assert_true(g_file_set_contents(tlink, data, (gssize)len, NULL));
		g_assert_cmpint(chmod(tlink, 0644), ==, 0);
	}
	g_autofree char *db = g_build_filename(h->dir, "nss", NULL);
	card_db_make(db);
	char *extra[] = { g_strdup_printf("--guest-kernel=%s", img.kernel),
			  g_strdup_printf("--guest-initrd=%s", img.initrd), g_strdup("--accel=tcg"),
			  g_strdup_printf("--virtual-smartcard=%s", db), NULL };
	h->extra_args = extra;
	domains_state = g_build_filename(h->state, "domains", NULL);
	signal(SIGABRT, kill_domains);
	signal(SIGTERM, kill_domains);
	bh_start(h, false);

	/* Both start; the rule sends the card to left, and left's guest sees a CCID reader. */
	g_assert_true(bh_ctl(h, "start", name_arg("left"), &r));
	tsr_ctl_response_clear(&r);
	g_assert_true(bh_ctl(h, "start", name_arg("right"), &r));
	tsr_ctl_response_clear(&r);
	g_autofree char *ser_l = g_build_filename(h->run, "domains", "left", "serial.log", NULL);
	g_autofree char *ser_r = g_build_filename(h->run, "domains", "right", "serial.log", NULL);
	gsize at_l = 0, at_r = 0;
	g_assert_true(wait_for_text(ser_l, "hello name=left", &at_l, BOOT_MS));
	g_assert_true(wait_for_text(ser_r, "hello name=right", &at_r, BOOT_MS));
	g_autofree char *ev = bh_wait_audit(h, "\"event\":\"device-attached\"", "\"domain\":\"left\"");
	g_assert_true(wait_for_text(ser_l, "08e6:4433 class=0b", &at_l, 60000));
	{
		gsize r0 = 0;
		g_assert_true(wait_for_text(ser_r, "usb add 1-1 0627:0001 class=03", &r0, 10000));
		g_assert_false(wait_for_text(ser_r, "class=0b", &r0, 3000));
	}
	g_autofree char *pid_l = bh_domain_field(h, "left", "pid");
	g_autofree char *pid_r = bh_domain_field(h, "right", "pid");
	g_assert_nonnull(pid_l);
	g_assert_nonnull(pid_r);

	/* kill -9 the broker; right's QEMU dies while nobody watches. */
	bh_kill(h);
	alive_or_not(pid_l, true);
	g_assert_cmpint(kill(atoi(pid_r), SIGKILL), ==, 0);
	bh_start(h, false);
	g_autofree char *e1 = bh_wait_audit(h, "\"domain\":\"left\"", "adopted");
	g_autofree char *e2 = bh_wait_audit(h, "\"domain\":\"right\"", "\"to\":\"crashed\"");
	g_autofree char *st_l = bh_domain_field(h, "left", "state");
	g_autofree char *st_r = bh_domain_field(h, "right", "state");
	g_assert_cmpstr(st_l, ==, "running");
	g_assert_cmpstr(st_r, ==, "crashed");
	g_autofree char *pid_l2 = bh_domain_field(h, "left", "pid");
	g_assert_cmpstr(pid_l2, ==, pid_l);
	/* The table still says where the card is. */
	g_assert_true(bh_ctl(h, "devices", NULL, &r));
	{
		JsonArray *a = json_object_get_array_member(r.result, "assignments");
		g_assert_cmpuint(json_array_get_length(a), ==, 1);
		JsonObject *o = json_array_get_object_element(a, 0);
		g_assert_cmpstr(json_object_get_string_member(o, "id"), ==, "smartcard");
		g_assert_cmpstr(json_object_get_string_member(o, "domain"), ==, "left");
	}
	tsr_ctl_response_clear(&r);
	/* The adopted one can still be stopped (over QMP). */
	g_assert_true(bh_ctl(h, "stop", name_arg("left"), &r));
	g_assert_cmpstr(json_object_get_string_member(r.result, "state"), ==, "stopped");
	tsr_ctl_response_clear(&r);
	alive_or_not(pid_l, false);
	bh_free(h);
	for (size_t i = 0; extra[i]; i++)
		g_free(extra[i]);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/broker/qemu/smartcard-rule-kill9-adopt-crashed", test_qemu);
	return g_test_run();
}
