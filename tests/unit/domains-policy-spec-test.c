/* tests/unit/domains-policy-spec-test.c: from policy to backend, through the real policy
 * parser: the example policy's domains become backend specs; bad domain definitions are refused
 * by the parser with file, line and reason, and what the backends cannot do is refused by the
 * adapter with the domain's name. */
#include "config.h"

#include <string.h>

#include "domains/policy-spec.h"
#include "tests/harness/tree.h"

static char *tmpdir;

static char *copy_example(const char *name)
{
	const char *src = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	char *dir = g_build_filename(tmpdir, name, NULL);
	char *cmd = g_strdup_printf("cp -r '%s/doc/examples/policy' '%s'", src, dir);
	g_assert_cmpint(system(cmd), ==, 0);
	g_free(cmd);
	return dir;
}

static void append(const char *dir, const char *file, const char *text)
{
	char *path = g_build_filename(dir, file, NULL), *old = NULL;
	g_assert_true(g_file_get_contents(path, &old, NULL, NULL));
	char *all = g_strconcat(old, text, NULL);
	g_assert_true(g_file_set_contents(path, all, -1, NULL));
	g_free(all);
	g_free(old);
	g_free(path);
}

static void test_example_domains(void)
{
	char *dir = copy_example("ok");
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	const struct tsr_policy_domain *web = tsr_policy_find_domain(p, "web");
	g_assert_nonnull(web);
	struct tsr_domain_spec spec;
	struct tsr_domain_spec_storage st;
	g_assert_true(tsr_domain_spec_from_policy(p, web, "/var/lib/tessera/templates", &spec, &st,
						  &error));
	g_assert_no_error(error);
	g_assert_cmpstr(spec.name, ==, "web");
	g_assert_cmpuint(spec.uid, ==, 70001);
	g_assert_cmpuint(spec.memory_mb, ==, 2048);
	g_assert_true(spec.disposable);
	g_assert_cmpint(spec.network, ==, TSR_NETWORK_USER);
	g_assert_cmpstr(spec.template_path, ==, "/var/lib/tessera/templates/debian-web.qcow2");
	g_assert_cmpstr(spec.template_sha256, ==,
			"9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0");
	g_assert_cmpuint(spec.template_size, ==, 1073741824ull);
	/* And a backend accepts it. */
	char *run = g_build_filename(tmpdir, "run", NULL);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = run };
	struct tsr_backend *b = tsr_backend_create("sim", &cfg, &error);
	g_assert_no_error(error);
	g_assert_true(tsr_backend_define(b, &spec, &error));
	g_assert_no_error(error);
	tsr_backend_destroy(b);
	tsr_domain_spec_storage_clear(&st);

	/* work: its device-model user does not exist here, and it asks for a bridge. */
	const struct tsr_policy_domain *work = tsr_policy_find_domain(p, "work");
	g_assert_false(tsr_domain_spec_from_policy(p, work, "/t", &spec, &st, &error));
	g_assert_nonnull(strstr(error->message, "domain work"));
	g_clear_error(&error);
	tsr_domain_spec_storage_clear(&st);
	tsr_policy_free(p);
	g_free(run);
	g_free(dir);
}

static void expect_refused(const char *name, const char *file, const char *text,
			   const char *where)
{
	char *dir = copy_example(name);
	append(dir, file, text);
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_null(p);
	g_assert_nonnull(error);
	if (!strstr(error->message, where))
		g_error("'%s' does not name %s", error->message, where);
	g_clear_error(&error);
	g_free(dir);
}

/* The boot settings reach the spec: firmware, disk bus, install media and direct kernel, each
 * file a pinned template under template_dir; and a backend takes them. */
static void test_boot(void)
{
	char *dir = copy_example("boot");
	append(dir, "templates.conf",
	       "\n[template debian-12-netinst]\nfile = debian-12.iso\nformat = raw\n"
	       "sha256 = 1111111111111111111111111111111111111111111111111111111111111111\n"
	       "size = 658505728\n"
	       "\n[template guest-kernel]\nformat = raw\n"
	       "sha256 = 2222222222222222222222222222222222222222222222222222222222222222\n"
	       "size = 8000000\n"
	       "\n[template guest-initrd]\nformat = raw\n"
	       "sha256 = 3333333333333333333333333333333333333333333333333333333333333333\n"
	       "size = 2000000\n");
	append(dir, "domains/lab.conf",
	       "\n[domain install]\ncolour = gray\nbackend = qemu\nmemory-mib = 2048\n"
	       "template = debian-work\nfirmware = uefi\ndisk-bus = sata\n"
	       "cdrom = debian-12-netinst\ngroups = lab\ndevice-model-uid = 61003\n"
	       "device-model-gid = 61003\nviewer-uid = 61103\nviewer-gid = 61103\n"
	       "\n[domain direct]\ncolour = gray\nbackend = qemu\nmemory-mib = 256\n"
	       "template = debian-web\nkernel = guest-kernel\ninitrd = guest-initrd\n"
	       "cmdline = tsr.test=1\ngroups = lab\ndevice-model-uid = 61004\n"
	       "device-model-gid = 61004\nviewer-uid = 61104\nviewer-gid = 61104\n"
	       "\n[domain plain]\ncolour = gray\nbackend = qemu\nmemory-mib = 256\n"
	       "template = debian-web\ngroups = lab\ndevice-model-uid = 61005\n"
	       "device-model-gid = 61005\nviewer-uid = 61105\nviewer-gid = 61105\n");
	GError *error = NULL;
	struct tsr_policy *p = tsr_policy_load_dir(dir, &error);
	g_assert_no_error(error);
	char *run = g_build_filename(tmpdir, "run-boot", NULL);
	struct tsr_backend_config cfg = { .run_dir = run, .state_dir = run };
	struct tsr_backend *b = tsr_backend_create("sim", &cfg, &error);
	g_assert_no_error(error);
	struct tsr_domain_spec spec;
	struct tsr_domain_spec_storage st;

	g_assert_true(tsr_domain_spec_from_policy(p, tsr_policy_find_domain(p, "install"), "/t",
						  &spec, &st, &error));
	g_assert_no_error(error);
	g_assert_cmpint(spec.firmware, ==, TSR_FIRMWARE_UEFI);
	g_assert_cmpint(spec.disk_bus, ==, TSR_DISK_BUS_SATA);
	g_assert_true(spec.boot_given);
	g_assert_cmpstr(spec.cdrom.path, ==, "/t/debian-12.iso");
	g_assert_cmpstr(spec.cdrom.sha256, ==,
			"1111111111111111111111111111111111111111111111111111111111111111");
	g_assert_cmpuint(spec.cdrom.size, ==, 658505728);
	g_assert_null(spec.kernel.path);
	g_assert_true(tsr_backend_define(b, &spec, &error));
	g_assert_no_error(error);
	tsr_domain_spec_storage_clear(&st);

	g_assert_true(tsr_domain_spec_from_policy(p, tsr_policy_find_domain(p, "direct"), "/t",
						  &spec, &st, &error));
	g_assert_cmpint(spec.firmware, ==, TSR_FIRMWARE_BIOS);
	g_assert_true(spec.boot_given);
	g_assert_cmpstr(spec.kernel.path, ==, "/t/guest-kernel.raw");
	g_assert_cmpstr(spec.initrd.path, ==, "/t/guest-initrd.raw");
	g_assert_cmpuint(spec.initrd.size, ==, 2000000);
	g_assert_cmpstr(spec.cmdline, ==, "tsr.test=1");
	g_assert_null(spec.cdrom.path);
	g_assert_true(tsr_backend_define(b, &spec, &error));
	g_assert_no_error(error);
	/* A spec that breaks the rules the parser enforces is refused by the backend too. */
	spec.firmware = TSR_FIRMWARE_UEFI;
	g_assert_false(tsr_backend_define(b, &spec, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "SeaBIOS"));
	g_clear_error(&error);
	spec.firmware = TSR_FIRMWARE_BIOS;
	spec.kernel.sha256 = "nothex";
	g_assert_false(tsr_backend_define(b, &spec, &error));
	g_assert_nonnull(strstr(error->message, "pinned"));
	g_clear_error(&error);
	tsr_domain_spec_storage_clear(&st);

	/* Neither firmware nor kernel: the backend-wide kernel may apply. */
	g_assert_true(tsr_domain_spec_from_policy(p, tsr_policy_find_domain(p, "plain"), "/t",
						  &spec, &st, &error));
	g_assert_false(spec.boot_given);
	g_assert_cmpint(spec.firmware, ==, TSR_FIRMWARE_BIOS);
	tsr_domain_spec_storage_clear(&st);

	tsr_backend_destroy(b);
	tsr_policy_free(p);
	g_free(run);
	g_free(dir);
}

static void test_bad_definitions(void)
{
	/* Line numbers: web.conf has 16 lines; the appended key is line 17. */
	expect_refused("unknown-key", "domains/web.conf", "colour-depth = 3\n", "web.conf:17");
	expect_refused("memory", "domains/lab.conf", "[domain huge]\nbackend = sim\n"
			"memory-mib = 0\ngroups = lab\n", "lab.conf:");
	expect_refused("space", "domains/lab.conf", "[domain has space]\nbackend = sim\n",
		       "lab.conf:");
	expect_refused("slash", "domains/lab.conf", "[domain a/b]\nbackend = sim\n", "lab.conf:");
	expect_refused("unpinned", "domains/lab.conf",
		       "[domain pin]\nbackend = qemu\ntemplate = nowhere\ngroups = lab\n"
		       "device-model-uid = 61002\ndevice-model-gid = 61002\n"
		       "viewer-uid = 61102\nviewer-gid = 61102\n",
		       "lab.conf:");
	expect_refused("badhash", "templates.conf",
		       "\n[template short]\nfile = s.qcow2\nformat = qcow2\nsha256 = 1234\n"
		       "size = 10\n",
		       "templates.conf:");
	/* Boot combinations no backend can run; lab.conf has 8 lines. */
	expect_refused("cdrom-sim", "domains/lab.conf", "cdrom = debian-web\n", "lab.conf:9");
	expect_refused("uefi-xen", "domains/lab.conf",
		       "[domain x]\ncolour = gray\nbackend = xen\nmemory-mib = 256\n"
		       "template = debian-web\nfirmware = uefi\n", "lab.conf:14");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	tmpdir = g_dir_make_tmp("tsr-polspec-XXXXXX", NULL);
	g_test_add_func("/domains/policy-spec/example-domains", test_example_domains);
	g_test_add_func("/domains/policy-spec/bad-definitions-file-line", test_bad_definitions);
	g_test_add_func("/domains/policy-spec/boot", test_boot);
	int rc = g_test_run();
	if (!tsr_test_remove_tree(tmpdir))
		rc = 1;
	g_free(tmpdir);
	return rc;
}
