/* tests/unit/domains-backend-test.c: the backend core's checks: which definitions are refused
 * and why, the template pin (size and sha256), overlay provisioning, and the factory. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domains/backend-private.h"

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
	struct tsr_domain_spec s = good_spec();
	s.name = "a/b";
	expect_refused(b, s, "not allowed");
	s.name = "has space";
	expect_refused(b, s, "not allowed");
	s.name = "";
	expect_refused(b, s, "not allowed");
	s.name = "-dash";
	expect_refused(b, s, "not allowed");
	s.name = "..";
	expect_refused(b, s, "not allowed");
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
	int rc = g_test_run();
	char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		rc = 1;
	g_free(cmd);
	g_free(tmpdir);
	return rc;
}
