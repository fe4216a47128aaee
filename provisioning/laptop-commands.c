/* provisioning/laptop-commands.c: tessera-provision's commands for a laptop.
 *
 * init (enrol), install, receive (the forced command of the admin's ssh key), pull, templates,
 * report and status: everything that reads or writes a laptop's state directory. What is
 * checked and written when lives in provisioning/install.c and policy/state.h. */
#include "config.h"
#include "common/audit-chain.h"
#include "policy/bundle.h"
#include "policy/policy.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/keys.h"
#include "provisioning/provision-cli.h"
#include "provisioning/remote.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- init ------------------------------------------------------------------------------ */

int prov_cmd_init(int argc, char **argv)
{
	char **roots = NULL;
	char *org = NULL, *group = NULL;
	gboolean force = FALSE;
	const GOptionEntry entries[] = {
		{"root", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &roots, "Root public key to pin (repeat)", "PUB"},
		{"organization", 0, 0, G_OPTION_ARG_STRING, &org, "This laptop's organization", "ORG"},
		{"group", 0, 0, G_OPTION_ARG_STRING, &group, "This laptop's laptop group", "GROUP"},
		{"force", 0, 0, G_OPTION_ARG_NONE, &force, "Replace an existing trusted.keys", NULL},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- enrol a laptop: pin the root key");
	g_option_context_set_description(ctx, "Writes STATE/trusted.keys.");
	prov_add_group(ctx, prov_state_entries);
	int rc = 0;
	GError *error = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !roots || !org || !group) {
		rc = prov_usage_error(ctx, "init needs --root PUB --organization ORG --group GROUP");
		goto out;
	}
	GString *s = g_string_new("# Pinned by tessera-provision init. Bundles must chain to a root here.\n");
	g_string_append_printf(s, "organization %s\ngroup %s\n", org, group);
	for (size_t i = 0; roots[i]; i++) {
		uint8_t pk[32];
		enum tsr_key_role role;
		char hex[65];
		if (!tsr_public_key_load(roots[i], &role, pk, &error)) {
			rc = prov_fail(error);
			break;
		}
		if (role != TSR_KEY_ROLE_ROOT) {
			fprintf(stderr, PROG ": %s is a %s key; pin the root key\n", roots[i],
			        tsr_key_role_name(role));
			rc = 1;
			break;
		}
		tsr_key_hex(pk, hex);
		g_string_append_printf(s, "root %s\n", hex);
	}
	char *path = g_build_filename(prov_state_dir(), "trusted.keys", NULL);
	if (rc == 0 && g_file_test(path, G_FILE_TEST_EXISTS) && !force) {
		fprintf(stderr, PROG ": %s exists; use --force to replace it\n", path);
		rc = 1;
	}
	if (rc == 0 && (g_mkdir_with_parents(prov_state_dir(), TSR_STATE_DIR_MODE) != 0 ||
	                chmod(prov_state_dir(), TSR_STATE_DIR_MODE) != 0)) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", prov_state_dir(), g_strerror(errno));
		rc = 1;
	}
	if (rc == 0) {
		struct tsr_trust *t = NULL;
		if (!tsr_write_file_atomic(path, s->str, s->len, TSR_STATE_FILE_MODE, &error) ||
		    !(t = tsr_trust_read(path, &error)))
			rc = prov_fail(error);
		else
			printf("%s: organization %s, group %s, %zu root key(s)\n", path, org, group,
			       t->n_roots);
		tsr_trust_free(t);
	}
	g_free(path);
	g_string_free(s, TRUE);
out:
	g_option_context_free(ctx);
	g_strfreev(roots);
	g_free(org);
	g_free(group);
	return rc;
}

/* ---- install / receive / pull ---------------------------------------------------------- */

static int install_bytes(const char *data, size_t len)
{
	struct tsr_install_options o = {prov_state_dir(), prov_now(), prov_opt_broker_socket,
					tsr_policy_kiosk_check};
	struct tsr_install_result r;
	GError *error = NULL;
	if (!tsr_install_bundle(data, len, &o, &r, &error)) {
		/* On stdout for push's table: what this laptop still runs (0: nothing). */
		char *cur = g_build_filename(prov_state_dir(), "current", "bundle", NULL);
		struct tsr_bundle *b = tsr_bundle_read(cur, NULL);
		printf("refused %" G_GUINT64_FORMAT "\n", b ? b->serial : 0);
		tsr_bundle_free(b);
		g_free(cur);
		return prov_fail(error);
	}
	printf("%s %" G_GUINT64_FORMAT "\n",
	       r.outcome == TSR_INSTALL_INSTALLED ? "installed" : "unchanged", r.serial);
	if (r.broker_message)
		fprintf(stderr, PROG ": %s\n", r.broker_message);
	tsr_install_result_clear(&r);
	return 0;
}

int prov_cmd_install(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("BUNDLE - verify and install a bundle");
	g_option_context_set_description(ctx,
		"Refuses a bad signature, a key not in the current key set, a wrong context,\n"
		"organization or group, an old serial or too big a jump, the same serial with other\n"
		"content, and a bundle outside its validity window. Installs atomically and keeps the\n"
		"previous version. Prints 'installed N' or 'unchanged N'.");
	prov_add_group(ctx, prov_state_entries);
	int rc = 0;
	if (!prov_parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 2) {
		rc = prov_usage_error(ctx, "install needs BUNDLE");
		goto out;
	}
	char *data = NULL;
	gsize len = 0;
	GError *error = NULL;
	if (!g_file_get_contents(argv[1], &data, &len, &error))
		rc = prov_fail(error);
	else
		rc = install_bytes(data, len);
	g_free(data);
out:
	g_option_context_free(ctx);
	return rc;
}

#define RECEIVE_MAX (TSR_BUNDLE_CONTENT_MAX + TSR_KEYSET_MAX + 4096)

int prov_cmd_receive(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("- install a bundle read from stdin (ssh forced command)");
	g_option_context_set_description(ctx,
		"For the admin's key in root's authorized_keys:\n"
		"  restrict,command=\"tessera-provision receive\" ssh-ed25519 AAAA... admin\n"
		"Reads one bundle on stdin, then works as install.");
	prov_add_group(ctx, prov_state_entries);
	int rc = 0;
	if (!prov_parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = prov_usage_error(ctx, "receive takes no arguments");
		goto out;
	}
	GString *s = g_string_new(NULL);
	char buf[65536];
	ssize_t n;
	while (s->len <= RECEIVE_MAX && (n = read(0, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, PROG ": reading stdin: %s\n", g_strerror(errno));
			rc = 1;
			break;
		}
		g_string_append_len(s, buf, n);
	}
	if (rc == 0 && s->len > RECEIVE_MAX) {
		fprintf(stderr, PROG ": refused: more than %u bytes on stdin; not a bundle\n",
		        (unsigned)RECEIVE_MAX);
		rc = 1;
	}
	if (rc == 0)
		rc = install_bytes(s->str, s->len);
	g_string_free(s, TRUE);
out:
	g_option_context_free(ctx);
	return rc;
}

static struct tsr_trust *read_trust(GError **error)
{
	char *path = g_build_filename(prov_state_dir(), "trusted.keys", NULL);
	struct tsr_trust *t = tsr_trust_read(path, error);
	g_free(path);
	return t;
}

int prov_cmd_pull(int argc, char **argv)
{
	char *from = NULL;
	const GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "Where the bundles are", "USER@HOST:PATH"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- fetch this laptop group's bundle and install it");
	g_option_context_set_description(ctx,
		"Fetches PATH/GROUP.bundle with scp (GROUP from trusted.keys), then works as install.\n"
		"provisioning/tessera-pull.timer runs it for laptops the admin's push cannot reach.");
	prov_add_group(ctx, prov_state_entries);
	prov_add_group(ctx, prov_ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL, *tmp = NULL, *data = NULL;
	struct tsr_trust *t = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !from) {
		rc = prov_usage_error(ctx, "pull needs --from USER@HOST:PATH");
		goto out;
	}
	if (!tsr_remote_split(from, &dest, &path, &error) || !(t = read_trust(&error))) {
		rc = prov_fail(error);
		goto out;
	}
	int fd = g_file_open_tmp("tessera-pull-XXXXXX", &tmp, &error);
	if (fd < 0) {
		rc = prov_fail(error);
		goto out;
	}
	close(fd);
	char *remote_path = g_strdup_printf("%s/%s.bundle", path, t->group);
	struct tsr_remote remote = prov_make_remote();
	gsize len = 0;
	if (!tsr_remote_fetch(&remote, dest, remote_path, tmp, RECEIVE_MAX, &error) ||
	    !g_file_get_contents(tmp, &data, &len, &error))
		rc = prov_fail(error);
	else
		rc = install_bytes(data, len);
	g_strfreev(remote.ssh_args);
	g_free(remote_path);
out:
	if (tmp)
		unlink(tmp);
	g_free(tmp);
	g_free(data);
	g_free(dest);
	g_free(path);
	tsr_trust_free(t);
	g_option_context_free(ctx);
	g_free(from);
	return rc;
}

/* ---- templates ------------------------------------------------------------------------- */

int prov_cmd_templates(int argc, char **argv)
{
	char *from = NULL;
	const GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "Where the templates are", "USER@HOST:PATH"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- fetch the disk templates the policy pins");
	g_option_context_set_description(ctx,
		"For each template of the installed policy, fetches PATH/FILE into STATE/templates/,\n"
		"resuming a partial FILE.part, and renames it to FILE only when its size and sha256\n"
		"match the policy. The broker uses only complete, verified files.");
	prov_add_group(ctx, prov_state_entries);
	prov_add_group(ctx, prov_ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL, *dir = NULL;
	struct tsr_policy *p = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !from) {
		rc = prov_usage_error(ctx, "templates needs --from USER@HOST:PATH");
		goto out;
	}
	if (!tsr_remote_split(from, &dest, &path, &error) ||
	    !(p = tsr_policy_load_installed(prov_state_dir(), &error))) {
		rc = prov_fail(error);
		goto out;
	}
	dir = g_build_filename(prov_state_dir(), "templates", NULL);
	if (g_mkdir_with_parents(dir, TSR_STATE_TEMPLATES_DIR_MODE) != 0 ||
	    chmod(dir, TSR_STATE_TEMPLATES_DIR_MODE) != 0) {
		fprintf(stderr, PROG ": cannot create %s: %s\n", dir, g_strerror(errno));
		rc = 1;
		goto out;
	}
	struct tsr_remote remote = prov_make_remote();
	for (size_t i = 0; i < p->n_templates; i++) {
		const struct tsr_policy_template *t = &p->templates[i];
		char *final = g_build_filename(dir, t->file, NULL);
		char *part = g_strdup_printf("%s.part", final);
		char *rpath = g_strdup_printf("%s/%s", path, t->file);
		uint64_t size = 0;
		uint8_t sum[32];
		if (prov_file_sha256(final, &size, sum) && size == t->size && memcmp(sum, t->sha256, 32) == 0) {
			printf("%s: verified (already here)\n", t->name);
			goto next;
		}
		struct stat st;
		bool resumed = stat(part, &st) == 0 && st.st_size > 0;
		if (resumed && (uint64_t)st.st_size > t->size) {
			unlink(part);
			resumed = false;
		}
		if (!tsr_remote_fetch_resume(&remote, dest, rpath, part, t->size, &error)) {
			fprintf(stderr, PROG ": %s: %s%s\n", t->name, error->message,
			        g_file_test(part, G_FILE_TEST_EXISTS) ? " (run again to resume)" : "");
			g_clear_error(&error);
			rc = 1;
			goto next;
		}
		if (!prov_file_sha256(part, &size, sum) || size != t->size ||
		    memcmp(sum, t->sha256, 32) != 0) {
			fprintf(stderr, PROG ": %s: refused: got %" G_GUINT64_FORMAT " bytes with another "
			        "sha256 than the policy pins (%" G_GUINT64_FORMAT " bytes); the partial file "
			        "was removed, run again\n", t->name, size, t->size);
			unlink(part);
			rc = 1;
			goto next;
		}
		/* Device models read templates as their domain's uid; sftp made the file with
		 * the mirror's mode. */
		int fd = open(part, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd >= 0) {
			if (fchmod(fd, TSR_STATE_TEMPLATE_MODE) != 0)
				fprintf(stderr, PROG ": %s: %s\n", part, g_strerror(errno));
			fsync(fd);
			close(fd);
		}
		if (rename(part, final) != 0) {
			fprintf(stderr, PROG ": %s: %s\n", final, g_strerror(errno));
			rc = 1;
			goto next;
		}
		printf("%s: verified (%s)\n", t->name, resumed ? "resumed" : "fetched");
next:
		g_free(final);
		g_free(part);
		g_free(rpath);
	}
	g_strfreev(remote.ssh_args);
out:
	tsr_policy_free(p);
	g_free(dest);
	g_free(path);
	g_free(dir);
	g_option_context_free(ctx);
	g_free(from);
	return rc;
}

/* ---- report ---------------------------------------------------------------------------- */

/* The id becomes a file name on the collector: 1-64 of [A-Za-z0-9._-], not starting with '.'. */
static bool report_id_ok(const char *id)
{
	bool ok = id[0] && id[0] != '.' && strlen(id) <= 64;
	for (const char *c = id; *c; c++)
		ok = ok && (g_ascii_isalnum(*c) || *c == '.' || *c == '_' || *c == '-');
	return ok;
}

/* Organization, group, serial, signer, key set, validity and lease of the installed bundle,
 * or the reason there is none. */
static void append_policy(GString *s, int64_t now)
{
	GError *error = NULL;
	char *bpath = g_build_filename(prov_state_dir(), "current", "bundle", NULL);
	struct tsr_policy *p = tsr_policy_load_installed(prov_state_dir(), &error);
	struct tsr_bundle *b = p ? tsr_bundle_read(bpath, NULL) : NULL;
	g_free(bpath);
	if (p && b) {
		char fp[20];
		int64_t days = 0;
		enum tsr_policy_lease lease = tsr_policy_lease_state(
			p, tsr_policy_state_effective_time(prov_state_dir(), now), &days);
		tsr_key_fingerprint(b->signer, fp);
		g_string_append_printf(s, "organization %s\ngroup %s\nserial %" G_GUINT64_FORMAT
		                       "\nsigner %s\nkeyset %" G_GUINT64_FORMAT
		                       "\nvalid-until %" G_GINT64_FORMAT "\nlease %s\n",
		                       b->organization, b->group, b->serial, fp, b->keyset->serial,
		                       b->valid_until, tsr_policy_lease_name(lease));
	} else {
		g_string_append_printf(s, "error %s\n", error ? error->message : "no bundle");
	}
	g_clear_error(&error);
	tsr_bundle_free(b);
	tsr_policy_free(p);
}

/* Where the last successful report stopped in the audit log: its inode and offset. */
struct audit_mark {
	guint64 ino, off;
};

/* The broker keeps at most this many rotated files (audit.log.1 ...); more is never looked for. */
#define AUDIT_ROTATED_MAX 64

/* The rotated file that was audit.log when mark was taken (rotation renames, so its inode
 * stays): its number, or 0 if none of them is (a first report, or rotated away). */
static unsigned marked_rotation(const char *audit, struct audit_mark mark)
{
	for (unsigned n = 1; n <= AUDIT_ROTATED_MAX && mark.ino != 0; n++) {
		g_autofree char *path = g_strdup_printf("%s.%u", audit, n);
		struct stat st;

		if (stat(path, &st) < 0)
			return 0;
		if (st.st_ino == mark.ino)
			return n;
	}
	return 0;
}

/* Lines of the rotated files written after mark: the rest of the file mark was in, then every
 * newer rotated file whole (the broker rotates only at a line's end). */
static void append_rotated(GString *lines, const char *audit, struct audit_mark mark)
{
	const unsigned marked = marked_rotation(audit, mark);

	for (unsigned n = marked; n > 0; n--) {
		g_autofree char *path = g_strdup_printf("%s.%u", audit, n), *text = NULL;
		gsize len = 0, from;

		if (!g_file_get_contents(path, &text, &len, NULL))
			continue;
		from = n == marked && mark.off <= len ? mark.off : 0;
		g_string_append_len(lines, text + from, (gssize)(len - from));
	}
}

/* "audit-head HASH": the hash of the last whole line of text[0..end), if it has one. */
static void append_head(GString *s, const char *text, gsize end)
{
	char head[TSR_AUDIT_CHAIN_HEX + 1];
	gsize from;

	if (end == 0)
		return;
	from = end - 1;
	while (from > 0 && text[from - 1] != '\n')
		from--;
	tsr_audit_chain_hash(text + from, end - 1 - from, head);
	g_string_append_printf(s, "audit-head %s\n", head);
}

/* The audit lines added since mark, whole lines only: a line being written is for the next
 * report. When the log was rotated since mark, the lines written to the rotated file after the
 * mark come first (from the start of audit.log only if the marked file is gone). *next is
 * where this report stops. The chain head (the hash of the last whole line,
 * common/audit-chain.h) goes first: the admin keeps it, and a log collected later must contain
 * it (audit-verify --head). */
static void append_audit(GString *s, struct audit_mark mark, struct audit_mark *next)
{
	g_autofree char *audit = g_build_filename(prov_state_dir(), "audit", "audit.log", NULL);
	g_autofree char *log = NULL;
	g_autoptr(GString) lines = g_string_new(NULL);
	struct stat st;
	gsize alen = 0, start = 0, end;
	size_t count = 0;

	*next = (struct audit_mark){0, 0};
	if (stat(audit, &st) < 0 || !g_file_get_contents(audit, &log, &alen, NULL)) {
		g_string_append(s, "audit-lines 0\n");
		return;
	}
	if (st.st_ino == mark.ino && mark.off <= alen)
		start = mark.off;
	else
		append_rotated(lines, audit, mark);
	end = alen;
	while (end > start && log[end - 1] != '\n')
		end--;
	g_string_append_len(lines, log + start, (gssize)(end - start));
	for (gsize i = 0; i < lines->len; i++)
		count += lines->str[i] == '\n';
	if (lines->len > 0)
		append_head(s, lines->str, lines->len);
	else
		append_head(s, log, end);
	g_string_append_printf(s, "audit-lines %zu\n", count);
	g_string_append_len(s, lines->str, (gssize)lines->len);
	*next = (struct audit_mark){st.st_ino, end};
}

/* Write the report to a temporary file, put it on dest:rpath, then record next as the mark.
 * Exit status. */
static int send_report(const GString *s, const char *dest, const char *rpath,
                       const char *mark_path, struct audit_mark next)
{
	GError *error = NULL;
	char *tmp = NULL;
	int rc = 0;
	int fd = g_file_open_tmp("tessera-report-XXXXXX", &tmp, &error);
	if (fd < 0 || write(fd, s->str, s->len) != (ssize_t)s->len) {
		rc = error ? prov_fail(error) : 1;
	} else {
		struct tsr_remote remote = prov_make_remote();
		if (!tsr_remote_put(&remote, tmp, dest, rpath, &error)) {
			rc = prov_fail(error);
		} else {
			char *o = g_strdup_printf("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT "\n",
			                          next.ino, next.off);
			if (!tsr_write_file_atomic(mark_path, o, strlen(o), 0600, &error))
				rc = prov_fail(error);
			else
				printf("reported to %s:%s\n", dest, rpath);
			g_free(o);
		}
		g_strfreev(remote.ssh_args);
	}
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	g_free(tmp);
	return rc;
}

int prov_cmd_report(int argc, char **argv)
{
	char *to = NULL, *id = NULL;
	const GOptionEntry entries[] = {
		{"to", 0, 0, G_OPTION_ARG_STRING, &to, "The collector", "USER@HOST:PATH"},
		{"id", 0, 0, G_OPTION_ARG_STRING, &id, "This laptop's name (default: host name)", "NAME"},
		{NULL}};
	GOptionContext *ctx = g_option_context_new("- send serial, signer and new audit lines to a collector");
	g_option_context_set_description(ctx,
		"Writes PATH/ID-TIME.report on the collector with the installed serial, the policy\n"
		"key fingerprint, the lease state and the audit log lines (STATE/audit/audit.log)\n"
		"added since the last successful report.");
	prov_add_group(ctx, prov_state_entries);
	prov_add_group(ctx, prov_ssh_entries);
	int rc = 0;
	GError *error = NULL;
	char *dest = NULL, *path = NULL;
	if (!prov_parse(ctx, entries, &argc, &argv, &rc))
		goto out;
	if (argc != 1 || !to) {
		rc = prov_usage_error(ctx, "report needs --to USER@HOST:PATH");
		goto out;
	}
	if (!id)
		id = g_strdup(g_get_host_name());
	if (!report_id_ok(id)) {
		rc = prov_usage_error(ctx, "--id must be 1-64 letters, digits, '.', '_' or '-'");
		goto out;
	}
	if (!tsr_remote_split(to, &dest, &path, &error)) {
		rc = prov_fail(error);
		goto out;
	}
	int64_t now = prov_now();
	GString *s = g_string_new("tessera-report-v1\n");
	g_string_append_printf(s, "laptop %s\ntime %" G_GINT64_FORMAT "\n", id, now);
	append_policy(s, now);
	char *mark_path = g_build_filename(prov_state_dir(), "report.offset", NULL);
	char *marks = NULL;
	struct audit_mark mark = {0, 0}, next;
	if (g_file_get_contents(mark_path, &marks, NULL, NULL))
		sscanf(marks, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &mark.ino, &mark.off);
	g_free(marks);
	append_audit(s, mark, &next);
	char *rpath = g_strdup_printf("%s/%s-%" G_GINT64_FORMAT ".report", path, id, now);
	rc = send_report(s, dest, rpath, mark_path, next);
	g_free(rpath);
	g_free(mark_path);
	g_string_free(s, TRUE);
out:
	g_free(dest);
	g_free(path);
	g_option_context_free(ctx);
	g_free(to);
	g_free(id);
	return rc;
}

/* ---- status ---------------------------------------------------------------------------- */

/* "+ [domain x]", "- [user y]", "~ [kiosk]": group-level differences of two contents. */
static void print_changes(const struct tsr_bundle *old, const struct tsr_bundle *cur)
{
	GKeyFile *a = g_key_file_new(), *b = g_key_file_new();
	if (!g_key_file_load_from_data(a, old->content, old->content_len, 0, NULL) ||
	    !g_key_file_load_from_data(b, cur->content, cur->content_len, 0, NULL)) {
		g_key_file_free(a);
		g_key_file_free(b);
		return;
	}
	char **ga = g_key_file_get_groups(a, NULL), **gb = g_key_file_get_groups(b, NULL);
	size_t changes = 0;
	for (size_t i = 0; gb[i]; i++) {
		if (!g_key_file_has_group(a, gb[i])) {
			printf("  + [%s]\n", gb[i]);
			changes++;
			continue;
		}
		char **keys = g_key_file_get_keys(b, gb[i], NULL, NULL);
		char **akeys = g_key_file_get_keys(a, gb[i], NULL, NULL);
		bool differ = g_strv_length(keys) != g_strv_length(akeys);
		for (size_t k = 0; !differ && keys[k]; k++) {
			char *va = g_key_file_get_value(a, gb[i], keys[k], NULL);
			char *vb = g_key_file_get_value(b, gb[i], keys[k], NULL);
			differ = !va || strcmp(va, vb) != 0;
			g_free(va);
			g_free(vb);
		}
		if (differ) {
			printf("  ~ [%s]\n", gb[i]);
			changes++;
		}
		g_strfreev(keys);
		g_strfreev(akeys);
	}
	for (size_t i = 0; ga[i]; i++)
		if (!g_key_file_has_group(b, ga[i])) {
			printf("  - [%s]\n", ga[i]);
			changes++;
		}
	if (!changes)
		printf("  (same content)\n");
	g_strfreev(ga);
	g_strfreev(gb);
	g_key_file_free(a);
	g_key_file_free(b);
}

/* The time the lease was judged at, and a clock that ran past the bound (policy/state.h). */
static void print_time_state(int64_t judged)
{
	int64_t latest = tsr_policy_state_latest_time(prov_state_dir()), clock = 0, held = 0;
	char *j = prov_fmt_time(judged);
	printf("judged at:    %s%s\n", j,
	       latest >= judged && latest > prov_now() ? " (the latest time this laptop has seen, "
	                                               "later than the clock)" : "");
	g_free(j);
	if (tsr_policy_state_time_held(prov_state_dir(), &clock, &held)) {
		char *c = prov_fmt_time(clock), *h = prov_fmt_time(held);
		printf("clock held:   the clock once said %s, past this bundle's validity and grace "
		       "days; the latest time was held at %s, so only this bundle's lease ended; "
		       "a newer bundle clears this\n", c, h);
		g_free(c);
		g_free(h);
	}
}

int prov_cmd_status(int argc, char **argv)
{
	GOptionContext *ctx = g_option_context_new("- what policy this laptop runs");
	g_option_context_set_description(ctx,
		"Installed serial, signer fingerprint, validity and lease, and what changed from the\n"
		"previous version. Exit status 1 if no valid policy is installed.");
	prov_add_group(ctx, prov_state_entries);
	int rc = 0;
	GError *error = NULL;
	struct tsr_policy *p = NULL;
	struct tsr_bundle *cur = NULL, *prev = NULL;
	if (!prov_parse(ctx, NULL, &argc, &argv, &rc))
		goto out;
	if (argc != 1) {
		rc = prov_usage_error(ctx, "status takes no arguments");
		goto out;
	}
	p = tsr_policy_load_installed(prov_state_dir(), &error);
	if (!p) {
		rc = prov_fail(error);
		goto out;
	}
	char *cpath = g_build_filename(prov_state_dir(), "current", "bundle", NULL);
	char *ppath = g_build_filename(prov_state_dir(), "previous", "bundle", NULL);
	cur = tsr_bundle_read(cpath, NULL);
	prev = tsr_bundle_read(ppath, NULL);
	g_free(cpath);
	g_free(ppath);
	if (!cur) {
		fprintf(stderr, PROG ": the installed bundle changed while reading it; run again\n");
		rc = 1;
		goto out;
	}
	char fp[20];
	tsr_key_fingerprint(cur->signer, fp);
	int64_t days = 0;
	int64_t t = tsr_policy_state_effective_time(prov_state_dir(), prov_now());
	enum tsr_policy_lease lease = tsr_policy_lease_state(p, t, &days);
	char *from = prov_fmt_time(cur->valid_from), *until = prov_fmt_time(cur->valid_until);
	printf("state:        %s\n", prov_state_dir());
	printf("installed:    %s/%s serial %" G_GUINT64_FORMAT "\n", cur->organization, cur->group,
	       cur->serial);
	printf("signed by:    %s (key set %" G_GUINT64_FORMAT ")\n", fp, cur->keyset->serial);
	printf("valid:        %s to %s\n", from, until);
	printf("lease:        %s", tsr_policy_lease_name(lease));
	if (lease == TSR_POLICY_LEASE_VALID || lease == TSR_POLICY_LEASE_GRACE)
		printf(", new logins for %" G_GINT64_FORMAT " more day(s)", days);
	char *lm = tsr_policy_lease_message(lease, days);
	if (lm)
		printf(" (%s)", lm);
	g_free(lm);
	printf("\n");
	print_time_state(t);
	printf("contents:     %zu domains, %zu users, %zu device rules, %zu templates\n",
	       p->n_domains, p->n_users, p->n_rules, p->n_templates);
	if (prev) {
		printf("previous:     serial %" G_GUINT64_FORMAT "; changes:\n", prev->serial);
		print_changes(prev, cur);
	} else {
		printf("previous:     none\n");
	}
	g_free(from);
	g_free(until);
	if (lease == TSR_POLICY_LEASE_EXPIRED || lease == TSR_POLICY_LEASE_NOT_YET_VALID)
		rc = 1;
out:
	tsr_policy_free(p);
	tsr_bundle_free(cur);
	tsr_bundle_free(prev);
	g_option_context_free(ctx);
	return rc;
}
