/* provisioning/template-commands.c: `tessera-provision template add`, the admin's step from a
 * disk image to the policy group that pins it, and the hash both ends of a template use.
 *
 * Pinning by hand (stat, sha256sum, copying 64 hex digits) is where a template goes wrong: a
 * digit lost on the way makes every laptop refuse the domain. This reads the image once,
 * recognises qcow2 by its header, checks the names the policy parser will check, and prints a
 * [template NAME] group for templates.conf. It writes nothing; `templates` on each laptop
 * fetches the file and checks it against the same size and sha256 (prov_file_sha256). */
#include "config.h"
#include "policy/policy.h"
#include "provisioning/provision-cli.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The policy parser's bound on `size` (4 TiB). */
#define TEMPLATE_SIZE_MAX (UINT64_C(1) << 42)

bool prov_file_sha256(const char *path, uint64_t *size, uint8_t out[32])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	static uint8_t buf[1 << 16];
	ssize_t n;
	*size = 0;
	while ((n = read(fd, buf, sizeof buf)) > 0) {
		crypto_hash_sha256_update(&st, buf, (unsigned long long)n);
		*size += (uint64_t)n;
	}
	close(fd);
	crypto_hash_sha256_final(&st, out);
	return n == 0;
}

/* qcow2 images start with "QFI\xfb"; anything else (raw disks, ISOs, kernels) is raw. */
static const char *image_format(const char *path)
{
	static const uint8_t magic[4] = {'Q', 'F', 'I', 0xfb};
	uint8_t head[4] = {0};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool qcow2 = fd >= 0 && read(fd, head, sizeof head) == (ssize_t)sizeof head &&
	             memcmp(head, magic, sizeof magic) == 0;
	if (fd >= 0)
		close(fd);
	return qcow2 ? "qcow2" : "raw";
}

/* The template name a file suggests: its base name without the last extension. */
static char *default_name(const char *base)
{
	const char *dot = strrchr(base, '.');
	return dot && dot != base ? g_strndup(base, (size_t)(dot - base)) : g_strdup(base);
}

static int template_add(const char *path, const char *name_opt)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, PROG ": %s: %s\n", path, g_strerror(errno));
		return 1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0) {
		fprintf(stderr, PROG ": %s: not a disk image (a non-empty regular file)\n", path);
		return 1;
	}
	g_autofree char *base = g_path_get_basename(path);
	g_autofree char *name = name_opt ? g_strdup(name_opt) : default_name(base);
	if (!tsr_policy_name_ok(base)) {
		fprintf(stderr, PROG ": %s: the file name '%s' cannot be a template's file on the "
		        "mirror: rename it to 1-64 of A-Z a-z 0-9 . _ -, starting with a letter or "
		        "digit\n", path, base);
		return 1;
	}
	if (!tsr_policy_name_ok(name)) {
		fprintf(stderr, PROG ": '%s' is not a template name: 1-64 of A-Z a-z 0-9 . _ -, "
		        "starting with a letter or digit (--name)\n", name);
		return 1;
	}
	uint64_t size = 0;
	uint8_t sum[32];
	if (!prov_file_sha256(path, &size, sum)) {
		fprintf(stderr, PROG ": %s: cannot read: %s\n", path, g_strerror(errno));
		return 1;
	}
	if (size == 0 || size > TEMPLATE_SIZE_MAX || size != (uint64_t)st.st_size) {
		fprintf(stderr, PROG ": %s: %" G_GUINT64_FORMAT " bytes read, %" G_GUINT64_FORMAT
		        " expected (changing while read, or over 4 TiB)\n", path, size,
		        (uint64_t)st.st_size);
		return 1;
	}
	char hex[65];
	sodium_bin2hex(hex, sizeof hex, sum, sizeof sum);
	printf("[template %s]\nfile = %s\nformat = %s\nsha256 = %s\nsize = %" G_GUINT64_FORMAT "\n",
	       name, base, image_format(path), hex, size);
	fprintf(stderr, "Add this to templates.conf and put %s on the mirror that laptops fetch "
	        "from (tessera-provision templates --from).\n", base);
	return 0;
}

static char *opt_name;
static const GOptionEntry template_entries[] = {
	{"name", 0, 0, G_OPTION_ARG_STRING, &opt_name,
	 "The template's name (default: the file name without its extension)", "NAME"},
	{NULL}};
static const char template_help[] =
	"Reads FILE (a qcow2 or raw disk image, an ISO, a kernel) and prints a\n"
	"[template NAME] group for templates.conf with its file name, format (qcow2 when\n"
	"FILE has a qcow2 header, else raw), sha256 and size. Nothing is written; copy FILE\n"
	"to the mirror that 'tessera-provision templates --from' fetches from.";

int prov_cmd_template(int argc, char **argv)
{
	GOptionContext *ctx =
		prov_context("add FILE - print the policy group that pins a disk image", template_help);
	int rc = 0;
	if (prov_parse(ctx, template_entries, &argc, &argv, &rc))
		rc = argc == 3 && strcmp(argv[1], "add") == 0
			     ? template_add(argv[2], opt_name)
			     : prov_usage_error(ctx, "template needs: add FILE");
	g_option_context_free(ctx);
	g_clear_pointer(&opt_name, g_free);
	return rc;
}
