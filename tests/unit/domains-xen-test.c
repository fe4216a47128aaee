/* tests/unit/domains-xen-test.c: the xen backend offline: generated xl.cfg files against golden
 * copies, every key against xl.cfg(5), every file through libxlutil, and `xl list` parsing of
 * recorded output, malformed output included. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "domains/xen-config.h"
#include "domains/backend.h"
#ifdef HAVE_XLUTIL
#include <libxlutil.h>
#endif

static const char *srcdir;

static const struct tsr_xen_config_input inputs[] = {
	{ .name = "work", .memory_mb = 1024, .vcpus = 2,
	  .kernel = "/var/lib/tessera/guest/vmlinuz", .ramdisk = "/var/lib/tessera/guest/initrd.img",
	  .cmdline = "console=ttyS0 quiet panic=-1 tsr.name=work",
	  .disk = "/var/lib/tessera/domains/work/disk.qcow2",
	  .serial = "/run/tessera/domains/work/serial.log",
	  .spice = "/run/tessera/domains/work/spice.sock", .dm_user = "tsr-work" },
	{ .name = "net.isolated", .memory_mb = 256, .vcpus = 1,
	  .kernel = "/boot/vmlinuz", .ramdisk = "/boot/initrd.img",
	  .cmdline = "console=ttyS0 tsr.name=net.isolated tsr.ip=10.99.0.1/24,x",
	  .serial = "/run/x/serial.log", .spice = "/run/x/spice.sock", .dm_user = "tsr-net",
	  .bridge = "tsrb0123abcd", .vifname = "tsr0123abcd" },
	{ .name = "install", .memory_mb = 4096, .vcpus = 2,
	  .disk = "/var/lib/tessera/domains/install/disk.qcow2",
	  .cdrom = "/var/lib/tessera/templates/debian-12.iso",
	  .serial = "/run/tessera/domains/install/serial.log",
	  .spice = "/run/tessera/domains/install/spice.sock", .dm_user = "tsr-install" },
	{ .name = "desktop", .memory_mb = 2048, .vcpus = 2,
	  .disk = "/var/lib/tessera/domains/desktop/disk.qcow2",
	  .serial = "/run/tessera/domains/desktop/serial.log",
	  .spice = "/run/tessera/domains/desktop/spice.sock", .dm_user = "tsr-desktop" },
};
static const char *const golden[] = { "work.cfg", "net-isolated.cfg", "bios-cdrom.cfg",
				       "bios-disk.cfg" };

static char *data_path(const char *file)
{
	return g_build_filename(srcdir, "tests", "unit", "domains-xen-data", file, NULL);
}

static void test_golden(void)
{
	for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
		GError *error = NULL;
		char *text = tsr_xen_config_generate(&inputs[i], &error);
		g_assert_no_error(error);
		char *path = data_path(golden[i]);
		if (g_getenv("TSR_UPDATE_GOLDEN"))
			g_assert_true(g_file_set_contents(path, text, -1, NULL));
		char *want = NULL;
		g_assert_true(g_file_get_contents(path, &want, NULL, NULL));
		g_assert_cmpstr(text, ==, want);
		g_free(want);
		g_free(path);
		g_free(text);
	}
}

static bool key_known(const char *key)
{
	for (const char *const *k = tsr_xen_config_keys; *k; k++)
		if (strcmp(*k, key) == 0)
			return true;
	return false;
}

static void test_keys_in_table(void)
{
	/* Every key the generator wrote is in the table the documentation check covers. */
	for (gsize i = 0; i < G_N_ELEMENTS(inputs); i++) {
		char *text = tsr_xen_config_generate(&inputs[i], NULL);
		char **lines = g_strsplit(text, "\n", -1);
		for (char **l = lines; *l; l++) {
			if (!**l || **l == '#')
				continue;
			char *key = g_strndup(*l, strcspn(*l, " ="));
			if (!key_known(key))
				g_error("generated key '%s' is not in tsr_xen_config_keys", key);
			g_free(key);
		}
		g_strfreev(lines);
		g_free(text);
	}
}

static void test_keys_documented(void)
{
	const char *man = "/usr/share/man/man5/xl.cfg.5.gz";
	if (!g_file_test(man, G_FILE_TEST_EXISTS)) {
		g_test_skip("xl.cfg(5) not installed (Debian package xen-utils-common)");
		return;
	}
	char *cmd = g_strdup_printf("sh -c \"zcat %s | sed -n 's/^\\.IX Item \\\"\\([a-z_]*\\)=.*/\\1/p'\"",
				    man);
	char *out = NULL;
	g_assert_true(g_spawn_command_line_sync(cmd, &out, NULL, NULL, NULL));
	g_free(cmd);
	char **doc = g_strsplit(out, "\n", -1);
	g_assert_cmpuint(g_strv_length(doc), >, 100);
	for (const char *const *k = tsr_xen_config_keys; *k; k++)
		if (!g_strv_contains((const char *const *)doc, *k))
			g_error("key '%s' is not documented in xl.cfg(5)", *k);
	/* The check can fail: a made-up key is not documented. */
	g_assert_false(g_strv_contains((const char *const *)doc, "spice_unix_socket"));
	g_strfreev(doc);
	g_free(out);
}

static void test_libxlutil(void)
{
#ifdef HAVE_XLUTIL
	for (gsize i = 0; i < G_N_ELEMENTS(golden); i++) {
		char *path = data_path(golden[i]), *text = NULL;
		gsize len = 0;
		g_assert_true(g_file_get_contents(path, &text, &len, NULL));
		XLU_Config *cfg = xlu_cfg_init(stderr, path);
		g_assert_cmpint(xlu_cfg_readdata(cfg, text, (int)len), ==, 0);
		const char *s = NULL;
		long v = 0;
		g_assert_cmpint(xlu_cfg_get_string(cfg, "name", &s, 0), ==, 0);
		g_assert_cmpstr(s, ==, inputs[i].name);
		g_assert_cmpint(xlu_cfg_get_string(cfg, "type", &s, 0), ==, 0);
		g_assert_cmpstr(s, ==, "hvm");
		g_assert_cmpint(xlu_cfg_get_long(cfg, "memory", &v, 0), ==, 0);
		g_assert_cmpint(v, ==, inputs[i].memory_mb);
		g_assert_cmpint(xlu_cfg_get_long(cfg, "dm_restrict", &v, 0), ==, 0);
		g_assert_cmpint(v, ==, 1);
		XLU_ConfigList *list = NULL;
		int n = 0;
		g_assert_cmpint(xlu_cfg_get_list(cfg, "device_model_args_hvm", &list, &n, 0), ==, 0);
		g_assert_cmpint(n, ==, 8);
		g_assert_cmpstr(xlu_cfg_get_listitem(list, 0), ==, "-spice");
		g_assert_nonnull(strstr(xlu_cfg_get_listitem(list, 1), inputs[i].spice));
		/* The SPICE agent's channel, on every domain. */
		g_assert_cmpstr(xlu_cfg_get_listitem(list, 3), ==, "virtio-serial-pci");
		g_assert_cmpstr(xlu_cfg_get_listitem(list, 5), ==, "spicevmc,id=vdagent,name=vdagent");
		g_assert_cmpstr(xlu_cfg_get_listitem(list, 7), ==,
				"virtserialport,chardev=vdagent,name=com.redhat.spice.0");
		/* Direct kernel boot, or SeaBIOS from the disk (install media first). */
		bool direct = inputs[i].kernel != NULL;
		g_assert_cmpint(xlu_cfg_get_string(cfg, "kernel", &s, 0) == 0, ==, direct);
		g_assert_cmpint(xlu_cfg_get_string(cfg, "bios", &s, 0) == 0, ==, !direct);
		if (!direct) {
			g_assert_cmpstr(s, ==, "seabios");
			g_assert_cmpint(xlu_cfg_get_string(cfg, "boot", &s, 0), ==, 0);
			g_assert_cmpstr(s, ==, inputs[i].cdrom ? "dc" : "c");
			g_assert_cmpint(xlu_cfg_get_long(cfg, "videoram", &v, 0), ==, 0);
			g_assert_cmpint(v, ==, 64);
		}
		g_assert_cmpint(xlu_cfg_get_list(cfg, "disk", &list, &n, 0), ==, 0);
		g_assert_cmpint(n, ==, (inputs[i].disk != NULL) + (inputs[i].cdrom != NULL));
		if (inputs[i].cdrom) {
			const char *cd = xlu_cfg_get_listitem(list, 1);
			g_assert_nonnull(strstr(cd, "devtype=cdrom"));
			g_assert_nonnull(strstr(cd, "access=ro"));
			g_assert_nonnull(strstr(cd, inputs[i].cdrom));
		}
		g_assert_cmpint(xlu_cfg_get_list(cfg, "usbdevice", &list, &n, 0), ==, 0);
		g_assert_cmpstr(xlu_cfg_get_listitem(list, 0), ==, "tablet");
		xlu_cfg_destroy(cfg);
		g_free(text);
		g_free(path);
	}
	/* And libxlutil does reject a broken file, so the check above means something. */
	XLU_Config *cfg = xlu_cfg_init(fopen("/dev/null", "w"), "broken");
	const char broken[] = "name = \"a\nmemory = [ 1\n";
	g_assert_cmpint(xlu_cfg_readdata(cfg, broken, (int)strlen(broken)), !=, 0);
	xlu_cfg_destroy(cfg);
#else
	g_test_skip("built without libxlutil (Debian package libxen-dev)");
#endif
}

static void test_rejects_unsafe(void)
{
	struct tsr_xen_config_input in = inputs[0];
	GError *error = NULL;
	in.disk = "/var/lib/a\",evil=1";
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_INVALID);
	g_assert_nonnull(strstr(error->message, "disk"));
	g_clear_error(&error);
	in = inputs[0];
	in.spice = "/run/a,b.sock";
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_clear_error(&error);
	in = inputs[0];
	in.cmdline = "quiet\nvnc = 1";
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_clear_error(&error);
	in = inputs[0];
	in.dm_user = NULL;
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_assert_nonnull(strstr(error->message, "required"));
	g_clear_error(&error);
	/* Install media: a path xl would split, and media with nothing to install onto. */
	in = inputs[2];
	in.cdrom = "/var/lib/a.iso,devtype=disk";
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_assert_nonnull(strstr(error->message, "cdrom"));
	g_clear_error(&error);
	in = inputs[2];
	in.disk = NULL;
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_clear_error(&error);
	in = inputs[0];
	in.cdrom = "/var/lib/a.iso";
	g_assert_null(tsr_xen_config_generate(&in, &error));
	g_clear_error(&error);
}

static void test_list_parse(void)
{
	char *path = data_path("list-two.json"), *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	GError *error = NULL;
	GPtrArray *list = tsr_xen_parse_list(text, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 2);
	struct tsr_xen_domain_info *d0 = list->pdata[0], *d1 = list->pdata[1];
	g_assert_cmpstr(d0->name, ==, "Domain-0");
	g_assert_cmpint(d0->domid, ==, 0);
	g_assert_cmpstr(d1->name, ==, "work");
	g_assert_cmpint(d1->domid, >, 0);
	g_assert_cmpstr(d1->type, ==, "hvm");
	g_assert_cmpint(d1->max_memkb, >=, 16 * 1024);
	g_ptr_array_unref(list);
	g_free(text);
	g_free(path);

	/* Recorded from a real `xl list -l` in make check-xen (Xen 4.17, one HVM guest). */
	path = data_path("list-recorded.json");
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	list = tsr_xen_parse_list(text, -1, &error);
	g_assert_no_error(error);
	g_assert_cmpuint(list->len, ==, 2);
	d1 = list->pdata[1];
	g_assert_cmpstr(((struct tsr_xen_domain_info *)list->pdata[0])->name, ==, "Domain-0");
	g_assert_cmpstr(d1->name, ==, "xenguest");
	g_assert_cmpint(d1->domid, ==, 1);
	g_assert_cmpstr(d1->type, ==, "hvm");
	g_ptr_array_unref(list);
	g_free(text);
	g_free(path);

	const char *bad[] = { "bad-recorded-truncated.json", "bad-domid-string.json", "bad-no-name.json", "bad-not-array.json",
			      "bad-truncated.json", "bad-error-text.json",
			      "bad-negative-domid.json", "bad-entry-not-object.json" };
	for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
		path = data_path(bad[i]);
		g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
		list = tsr_xen_parse_list(text, -1, &error);
		if (list)
			g_error("%s was accepted", bad[i]);
		g_assert_error(error, TSR_BACKEND_ERROR, TSR_BACKEND_ERROR_FAILED);
		g_assert_true(g_str_has_prefix(error->message, "xl list -l: "));
		g_clear_error(&error);
		g_free(text);
		g_free(path);
	}
	g_assert_null(tsr_xen_parse_list("", 0, &error));
	g_clear_error(&error);
}

static void test_state_parse(void)
{
	char *path = data_path("list-text.txt"), *text = NULL;
	g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
	char flags[7];
	long domid = -1;
	g_assert_true(tsr_xen_parse_state(text, "work", flags, &domid));
	g_assert_cmpint(domid, >, 0);
	g_assert_null(strchr(flags, 'p'));
	g_assert_null(strchr(flags, 'c'));
	g_assert_true(tsr_xen_parse_state(text, "paused", flags, &domid));
	g_assert_nonnull(strchr(flags, 'p'));
	g_assert_true(tsr_xen_parse_state(text, "dead", flags, &domid));
	g_assert_nonnull(strchr(flags, 'c'));
	g_assert_false(tsr_xen_parse_state(text, "wor", flags, &domid));
	g_assert_false(tsr_xen_parse_state(text, "Name", flags, &domid));
	g_assert_false(tsr_xen_parse_state("garbage\n\n", "work", flags, &domid));
	g_free(text);
	g_free(path);
}

/* json-glib recurses per level with no limit: deep nesting must be refused before it parses
 * (the domains fuzz target found 77,536 '[' overflowing the stack). */
static void test_list_nesting_bounded(void)
{
	GError *error = NULL;
	GString *deep = g_string_new(NULL);
	for (int i = 0; i < 100000; i++)
		g_string_append_c(deep, '[');
	g_assert_null(tsr_xen_parse_list(deep->str, (gssize)deep->len, &error));
	g_assert_nonnull(error);
	g_assert_nonnull(strstr(error->message, "nested deeper"));
	g_clear_error(&error);
	/* Brackets inside strings do not count. */
	g_string_assign(deep, "[{\"domid\": 0, \"config\": {\"c_info\": {\"name\": \"");
	for (int i = 0; i < 1000; i++)
		g_string_append_c(deep, '[');
	g_string_append(deep, "\", \"type\": \"pv\"}, \"b_info\": {}}}]");
	GPtrArray *list = tsr_xen_parse_list(deep->str, -1, &error);
	g_assert_no_error(error);
	g_assert_nonnull(list);
	g_assert_cmpuint(list->len, ==, 1);
	g_ptr_array_unref(list);
	g_string_free(deep, TRUE);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	srcdir = g_getenv("TSR_SRCDIR") ? g_getenv("TSR_SRCDIR") : TSR_SRCDIR;
	g_test_add_func("/domains/xen/config-golden", test_golden);
	g_test_add_func("/domains/xen/config-keys-in-table", test_keys_in_table);
	g_test_add_func("/domains/xen/config-keys-documented", test_keys_documented);
	g_test_add_func("/domains/xen/config-libxlutil", test_libxlutil);
	g_test_add_func("/domains/xen/config-rejects-unsafe", test_rejects_unsafe);
	g_test_add_func("/domains/xen/list-parse", test_list_parse);
	g_test_add_func("/domains/xen/state-parse", test_state_parse);
	g_test_add_func("/domains/xen/list-nesting-bounded", test_list_nesting_bounded);
	return g_test_run();
}
