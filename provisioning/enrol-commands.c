/* provisioning/enrol-commands.c: tessera-provision enrol-disk, on the admin's machine.
 *
 * A laptop that is not enrolled takes its organization's root keys from a removable FAT disk
 * labelled TSR-ENROL (doc/laptop-image.md, "Enrolment"). This writes that disk as an image
 * file, built without mounting anything (mkfs.fat on a file, mcopy into it), holding one
 * enrolment file (policy/enrol.h). The file is checked here as the laptop will check it, so a
 * disk that a laptop would refuse is never written. */
#include "config.h"
#include "policy/enrol.h"
#include "provisioning/keys.h"
#include "provisioning/provision-cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool run(const char *const *argv, GError **error)
{
	g_autofree char *err = NULL;
	int status = 0;
	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
	                  NULL, NULL, NULL, &err, &status, error))
		return false;
	if (!g_spawn_check_wait_status(status, error)) {
		g_prefix_error(error, "%s: %s", argv[0], err ? g_strstrip(err) : "");
		return false;
	}
	return true;
}

/* A FAT image of at least 1 MiB with room for the file, labelled TSR-ENROL, holding it. */
static bool write_disk(const char *out, const char *data, size_t len, GError **error)
{
	g_autofree char *dir = g_dir_make_tmp("tsr-enrol-XXXXXX", error);
	if (!dir)
		return false;
	g_autofree char *file = g_build_filename(dir, TSR_ENROL_FILE_NAME, NULL);
	g_autofree char *kib = g_strdup_printf("%zu", MAX((size_t)1024, len / 1024 * 2 + 256));
	g_autofree char *target = g_strdup_printf("::%s", TSR_ENROL_FILE_NAME);
	const char *mkfs[] = {"mkfs.fat", "-C", "-n", TSR_ENROL_LABEL, "-i", "7e5e4a01", out, kib,
	                      NULL};
	const char *mcopy[] = {"mcopy", "-i", out, file, target, NULL};
	bool ok = g_file_set_contents(file, data, (gssize)len, error) &&
	          (unlink(out) == 0 || errno == ENOENT) && run(mkfs, error) && run(mcopy, error);
	unlink(file);
	rmdir(dir);
	if (!ok)
		unlink(out);
	return ok;
}

int prov_cmd_enrol_disk(int argc, char **argv)
{
	char **roots = NULL, *bundle_path = NULL, *file_out = NULL;
	const GOptionEntry entries[] = {
		{"root", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &roots, "Root public key to pin (repeat, 1-4)", "PUB"},
		{"bundle", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path, "The laptop group's signed bundle", "BUNDLE"},
		{"file", 0, 0, G_OPTION_ARG_FILENAME, &file_out, "Also write the enrolment file alone", "FILE"},
		{NULL}};
	GOptionContext *ctx = prov_context(
		"OUT.img - write a TSR-ENROL disk image that enrols laptops",
		"The image is a FAT filesystem labelled " TSR_ENROL_LABEL " holding " TSR_ENROL_FILE_NAME
		": the root\n"
		"keys to pin, the organization and laptop group (the bundle's) and the signed bundle.\n"
		"Write it to a USB stick (dd) and plug it into a laptop that shows 'not enrolled'.\n"
		"Refuses a bundle that is unsigned or does not chain to the given roots.");
	int rc = 0;
	GError *error = NULL;
	struct tsr_enrol e = {0};
	struct tsr_bundle *b = NULL;
	g_autofree char *data = NULL;
	size_t len = 0;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 2 || !roots || !bundle_path) {
		rc = prov_usage_error(ctx, "enrol-disk needs OUT.img --root PUB --bundle BUNDLE");
		goto out;
	}
	if (g_strv_length(roots) > TSR_ENROL_ROOTS_MAX) {
		rc = prov_usage_error(ctx, "at most 4 --root keys");
		goto out;
	}
	if (!prov_load_public_keys(roots, TSR_KEY_ROLE_ROOT, &e.roots, &e.n_roots, &error) ||
	    !(b = tsr_bundle_read(bundle_path, &error))) {
		rc = prov_fail(error);
		goto out;
	}
	e.organization = b->organization;
	e.group = b->group;
	e.bundle = b->raw;
	e.bundle_len = b->raw_len;
	if (!tsr_enrol_verify(&e, NULL, 0, &error)) {
		rc = prov_fail(error);
		goto out;
	}
	data = tsr_enrol_serialize(&e, &len);
	if ((file_out && !tsr_write_file_atomic(file_out, data, len, 0644, &error)) ||
	    !write_disk(argv[1], data, len, &error)) {
		rc = prov_fail(error);
		goto out;
	}
	char fp[20];
	tsr_key_fingerprint(e.roots[0], fp);
	printf("%s: %s/%s, root %s%s, bundle serial %" G_GUINT64_FORMAT "\n", argv[1],
	       e.organization, e.group, fp, e.n_roots > 1 ? " (and others)" : "", b->serial);
out:
	g_free(e.roots);
	tsr_bundle_free(b);
	g_option_context_free(ctx);
	g_strfreev(roots);
	g_free(bundle_path);
	g_free(file_out);
	return rc;
}
