/* provisioning/audit-commands.c: tessera-provision audit-verify, the admin's check of an audit
 * log collected from a laptop (the chain of common/audit-chain.h; the rules in
 * audit-verify.c). A command of its own file because it is neither policy nor transport: it
 * reads files the admin names and prints a verdict. */
#include "config.h"
#include "provisioning/audit-verify.h"
#include "provisioning/provision-cli.h"

#include <gio/gio.h>
#include <stdio.h>
#include <sys/stat.h>

/* Larger than any rotated set the broker keeps (5 files of 4 MiB), with room for reports
 * collected over months; a larger file is refused rather than read whole. */
#define AUDIT_FILE_MAX (256u * 1024 * 1024)

static bool read_bounded(const char *path, char **text, gsize *len, GError **error)
{
	struct stat st;

	if (stat(path, &st) == 0 && (uint64_t)st.st_size > AUDIT_FILE_MAX) {
		g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
			    "%s is larger than %u MiB; split it", path, AUDIT_FILE_MAX >> 20);
		return false;
	}
	return g_file_get_contents(path, text, len, error);
}

static bool hex_arg(const char *s)
{
	if (!s)
		return true;
	if (strlen(s) != TSR_AUDIT_CHAIN_HEX)
		return false;
	for (; *s; s++)
		if (!g_ascii_isxdigit(*s) || g_ascii_isupper(*s))
			return false;
	return true;
}

int prov_cmd_audit_verify(int argc, char **argv)
{
	char *head = NULL, *from = NULL;
	const GOptionEntry entries[] = {
		{"head", 0, 0, G_OPTION_ARG_STRING, &head,
		 "A head the laptop reported (report's audit-head): it must be a line of the log",
		 "HEX"},
		{"from", 0, 0, G_OPTION_ARG_STRING, &from,
		 "The head a previous check ended at: the log must continue from it", "HEX"},
		{NULL}};
	GOptionContext *ctx = prov_context("FILE... - check an audit log's hash chain",
		"Checks that each line of the broker's audit log carries the hash of the line before\n"
		"it, through FILE... in order (oldest first: audit.log.4 ... audit.log), and refuses\n"
		"a line changed, removed or reordered, naming it. Prints the head (the last line's\n"
		"hash) to keep for the next check's --from. Exit 0 intact, 1 refused, 2 usage.");
	g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func(g_free);
	g_autofree struct tsr_audit_file *files = NULL;
	struct tsr_audit_verify_result r;
	GError *error = NULL;
	int rc = 0;

	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc < 2) {
		rc = prov_usage_error(ctx, "audit-verify needs at least one FILE");
		goto out;
	}
	if (!hex_arg(head) || !hex_arg(from)) {
		rc = prov_usage_error(ctx, "--head and --from take 64 lower-case hex digits");
		goto out;
	}
	files = g_new0(struct tsr_audit_file, (size_t)argc - 1);
	for (int i = 1; i < argc; i++) {
		char *text = NULL;
		gsize len = 0;

		if (!read_bounded(argv[i], &text, &len, &error)) {
			rc = prov_fail(error);
			goto out;
		}
		g_ptr_array_add(texts, text);
		files[i - 1] = (struct tsr_audit_file){ argv[i], text, len };
	}
	if (!tsr_audit_verify(files, (size_t)argc - 1, head, from, &r, &error)) {
		rc = prov_fail(error);
		goto out;
	}
	printf("intact: %zu lines", r.lines);
	if (r.torn)
		printf(", %zu torn by a crash and recorded", r.torn);
	if (r.unfinished)
		printf(", an unfinished last line left out");
	printf("\nfrom %s\nhead %s\n", r.from[0] ? r.from : "(no chained line)",
	       r.head[0] ? r.head : "(none)");
out:
	g_option_context_free(ctx);
	g_free(head);
	g_free(from);
	return rc;
}
