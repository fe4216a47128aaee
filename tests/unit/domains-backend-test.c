/* tests/unit/domains-backend-test.c: the backend core's checks: which definitions are refused
 * and why, the template pin (size and sha256), overlay provisioning, the factory, and what a
 * device model that dies while starting leaves for the user and the broker's log. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domains/backend-private.h"
#include "tests/harness/tree.h"

static char *tmpdir;

static struct tsr_backend *make_sim(void)
{
	char *run = g_build_filename(tmpdir, "run", NULL);
	char *state = g_build_filename(tmpdir, "state", NULL);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = state };
	GError *error = NULL;
	struct tsr_backend *b = tsr_backend_create("sim", &cfg, &error);
	g_assert_no_error(error);
	g_assert_nonnull(b);
	g_free(run);
	g_free(state);
	return b;
}

static struct tsr_domain_spec good_spec(void)
{
	return (struct tsr_domain_spec){ .name = "work", .uid = 64001, .gid = 64001,
					 .memory_mb = 256, .vcpus = 1 };
}

static void test_factory_rejects_unknown(void)
{
	GError *error = NULL;
	g_assert_null(tsr_backend_create("vmware", NULL, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "vmware"));
	g_clear_error(&error);
	g_assert_null(tsr_backend_create(NULL, NULL, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID);
	g_clear_error(&error);
	tsr_backend_destroy(NULL);
}

static void expect_refused(struct tsr_backend *b, struct tsr_domain_spec s, const char *needle)
{
	GError *error = NULL;
	g_assert_false(tsr_backend_define(b, &s, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID);
	if (!strstr(error->message, needle))
		g_error("message '%s' lacks '%s'", error->message, needle);
	g_clear_error(&error);
}

static void test_define_rejects_bad(void)
{
	struct tsr_backend *b = make_sim();
	static const char *const bad_names[] = { "a/b", "has space", "", "-dash", ".." };
	struct tsr_domain_spec s = good_spec();
	for (size_t i = 0; i < G_N_ELEMENTS(bad_names); i++) {
		s.name = bad_names[i];
		expect_refused(b, s, "not allowed");
	}
	s = good_spec();
	s.uid = 0;
	expect_refused(b, s, "unprivileged");
	s = good_spec();
	s.memory_mb = 1 << 20;
	expect_refused(b, s, "impossible");
	s = good_spec();
	s.vcpus = 0;
	expect_refused(b, s, "impossible");
	s = good_spec();
	s.template_path = "/t.qcow2";
	expect_refused(b, s, "not pinned");
	s.template_sha256 = "ABC";
	expect_refused(b, s, "not pinned");
	s.template_sha256 = "0000000000000000000000000000000000000000000000000000000000000000";
	expect_refused(b, s, "size");
	s.template_path = "relative.qcow2";
	s.template_size = 1;
	expect_refused(b, s, "absolute");
	s = good_spec();
	s.cmdline = "a\"b";
	expect_refused(b, s, "quotes");
	char **names = tsr_backend_list(b);
	g_assert_cmpuint(g_strv_length(names), ==, 0);
	g_strfreev(names);

	s = good_spec();
	GError *error = NULL;
	g_assert_true(tsr_backend_define(b, &s, &error));
	g_assert_no_error(error);
	g_assert_cmpint(tsr_backend_status(b, "work"), ==, TSR_DOMAIN_STOPPED);
	g_assert_true(g_str_has_suffix(tsr_backend_spice_socket(b, "work"), "/work/spice.sock"));
	g_assert_null(tsr_backend_spice_socket(b, "nope"));
	tsr_backend_destroy(b);
}

static void test_template_pin(void)
{
	char *path = g_build_filename(tmpdir, "template.raw", NULL);
	const char *content = "tessera template";
	g_assert_true(g_file_set_contents(path, content, -1, NULL));
	char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, content, -1);
	GError *error = NULL;
	g_assert_true(tsr_template_verify(path, strlen(content), sum, &error));
	g_assert_no_error(error);
	g_assert_false(tsr_template_verify(path, strlen(content) + 1, sum, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE);
	g_assert_nonnull(strstr(error->message, "size"));
	g_clear_error(&error);
	char *wrong = g_strdup(sum);
	wrong[0] = wrong[0] == '0' ? '1' : '0';
	g_assert_false(tsr_template_verify(path, strlen(content), wrong, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE);
	g_assert_nonnull(strstr(error->message, "sha256"));
	g_clear_error(&error);
	char *missing = g_build_filename(tmpdir, "missing", NULL);
	g_assert_false(tsr_template_verify(missing, 1, sum, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE);
	g_clear_error(&error);
	g_free(missing);
	g_free(wrong);
	g_free(sum);
	g_free(path);
}

static void test_overlay_provisioning(void)
{
	g_autofree char *qemu_img = g_find_program_in_path("qemu-img");
	if (!qemu_img) {
		g_test_skip("qemu-img not installed (Debian package qemu-utils)");
		return;
	}
	char *tpl = g_build_filename(tmpdir, "template.qcow2", NULL);
	char *cmd = g_strdup_printf("qemu-img create -q -f qcow2 %s 16M", tpl);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(cmd);
	gchar *data = NULL;
	gsize len = 0;
	g_assert_true(g_file_get_contents(tpl, &data, &len, NULL));
	char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256, (guchar *)data, len);
	g_free(data);

	struct tsr_backend *b = make_sim();
	struct tsr_domain_spec s = good_spec();
	s.template_path = tpl;
	s.template_sha256 = sum;
	s.template_size = len;
	s.disposable = true;
	GError *error = NULL;
	g_assert_true(tsr_backend_define(b, &s, &error));
	g_assert_true(tsr_backend_create_disk(b, "work", &error));
	g_assert_no_error(error);
	char *overlay = g_build_filename(tmpdir, "state", "work", "disk.qcow2", NULL);
	struct stat st;
	g_assert_cmpint(stat(overlay, &st), ==, 0);
	g_assert_cmpuint(st.st_uid, ==, 64001);
	g_assert_cmpuint(st.st_mode & 0777, ==, 0600);
	/* The overlay is backed by the template, named as such. */
	cmd = g_strdup_printf("qemu-img info -U %s", overlay);
	char *out = NULL;
	g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	g_assert_nonnull(strstr(out, tpl));
	g_free(out);
	g_free(cmd);

	/* A template changed after pinning is refused and no overlay is made. */
	unlink(overlay);
	FILE *f = fopen(tpl, "r+b");
	fseek(f, 100, SEEK_SET);
	fputc(0x55, f);
	fclose(f);
	g_assert_false(tsr_backend_create_disk(b, "work", &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_TEMPLATE);
	g_clear_error(&error);
	g_assert_false(g_file_test(overlay, G_FILE_TEST_EXISTS));
	g_assert_false(tsr_backend_create_disk(b, "ghost", &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNKNOWN);
	g_clear_error(&error);
	tsr_backend_destroy(b);
	g_free(overlay);
	g_free(sum);
	g_free(tpl);
}

static void test_operations_on_unknown_or_stopped(void)
{
	struct tsr_backend *b = make_sim();
	struct tsr_domain_spec s = good_spec();
	GError *error = NULL;
	g_assert_true(tsr_backend_define(b, &s, &error));
	struct tsr_usb_device card = { .kind = TSR_USB_VIRTUAL_SMARTCARD, .nss_db = "/x",
				       .certs = { "c1", "c2", "c3" } };
	g_assert_false(tsr_backend_attach_usb_sync(b, "work", &card, 5000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE);
	g_assert_nonnull(strstr(error->message, "start it first"));
	g_clear_error(&error);
	g_assert_false(tsr_backend_start_sync(b, "ghost", 5000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_UNKNOWN);
	g_clear_error(&error);
	/* Stopping a stopped domain is a success that changes nothing. */
	g_assert_true(tsr_backend_shutdown_sync(b, "work", 1000, &error));
	g_assert_no_error(error);
	g_assert_false(tsr_backend_detach_usb_sync(b, "work", &card, 5000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_STATE);
	g_clear_error(&error);
	g_assert_true(tsr_backend_undefine(b, "work", &error));
	g_assert_false(tsr_backend_undefine(b, "work", &error));
	g_clear_error(&error);
	tsr_backend_destroy(b);
}

static GString *crash_reasons;

static void on_crash_event(struct tsr_backend *b, const char *domain, enum tsr_domain_state old,
			   enum tsr_domain_state state, const char *reason, void *data)
{
	if (state == TSR_DOMAIN_CRASHED)
		g_string_append_printf(crash_reasons, "%s\n", reason);
}

#define KVM_LINE "Could not access KVM kernel module: Permission denied"

/* A "QEMU" that fails the way it does when its user cannot open /dev/kvm. */
static void start_failing_qemu(void)
{
	char *script = g_build_filename(tmpdir, "failing-qemu", NULL);
	char *kernel = g_build_filename(tmpdir, "kernel", NULL);
	char *run = g_build_filename(tmpdir, "dm-run", NULL);
	char *state = g_build_filename(tmpdir, "dm-state", NULL);
	g_assert_true(g_file_set_contents(
		script,
		"#!/bin/sh\necho 'qemu-system-x86_64: -accel kvm: starting'\n"
		"echo '2026-12-06T01:02:03.456789Z qemu-system-x86_64: " KVM_LINE "' >&2\n"
		"exit 1\n", -1, NULL));
	g_assert_cmpint(chmod(script, 0755), ==, 0);
	g_assert_true(g_file_set_contents(kernel, "not a kernel", -1, NULL));
	chmod(tmpdir, 0755);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = state, .qemu = script,
					  .kernel = kernel, .initrd = kernel, .accel = "tcg" };
	GError *error = NULL;
	struct tsr_backend *b = tsr_backend_create("qemu", &cfg, &error);
	g_assert_no_error(error);
	crash_reasons = g_string_new(NULL);
	tsr_backend_set_event_handler(b, on_crash_event, NULL);
	struct tsr_domain_spec s = good_spec();
	s.uid = s.gid = 64002;
	g_assert_true(tsr_backend_define(b, &s, &error));
	g_assert_false(tsr_backend_start_sync(b, "work", 20000, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED);
	/* The error and the CRASHED event carry one line: how it died and the last thing it said,
	 * without QEMU's timestamp and program name. */
	g_assert_nonnull(strstr(error->message, "exited with status 1 while starting: " KVM_LINE));
	g_assert_null(strstr(error->message, "2026-12-06"));
	g_assert_null(strchr(error->message, '\n'));
	g_assert_cmpstr(crash_reasons->str, ==,
			"QEMU exited with status 1 while starting: " KVM_LINE "\n");
	g_clear_error(&error);
	g_string_free(crash_reasons, TRUE);
	tsr_backend_destroy(b);
	g_free(script);
	g_free(kernel);
	g_free(run);
	g_free(state);
}

static void test_device_model_dies_while_starting(void)
{
	if (geteuid() != 0) {
		g_test_skip("starts a device model as another user: needs root");
		return;
	}
	g_test_trap_subprocess("/domains/backend/device-model-dies-while-starting/subprocess", 0,
			       G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	/* The broker's log (stderr) gets the device model's last lines, both of them. */
	g_test_trap_assert_stderr("*the device model exited with status 1 while starting; the end "
				  "of *device-model.log:\n*-accel kvm: starting\n*" KVM_LINE "*");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("tsr-domains-XXXXXX", NULL);
	g_test_add_func("/domains/backend/factory-rejects-unknown", test_factory_rejects_unknown);
	g_test_add_func("/domains/backend/define-rejects-bad", test_define_rejects_bad);
	g_test_add_func("/domains/backend/template-pin", test_template_pin);
	g_test_add_func("/domains/backend/overlay-provisioning", test_overlay_provisioning);
	g_test_add_func("/domains/backend/operations-need-right-state",
			test_operations_on_unknown_or_stopped);
	g_test_add_func("/domains/backend/device-model-dies-while-starting",
			test_device_model_dies_while_starting);
	g_test_add_func("/domains/backend/device-model-dies-while-starting/subprocess",
			start_failing_qemu);
	int rc = g_test_run();
	if (!tsr_test_remove_tree(tmpdir))
		rc = 1;
	g_free(tmpdir);
	return rc;
}
