/* provisioning/tessera-provision.c: the admin's and the laptop's provisioning tool.
 *
 * Admin side (admin-commands.c): keygen, keyset, passwd, build, sign, verify, push; template
 * add (template-commands.c); and audit-verify (audit-commands.c). Laptop side
 * (laptop-commands.c): init, install, receive (the forced command of the admin's ssh key),
 * pull, templates, report, status. This file holds main, the command table and the options
 * and helpers they share (provision-cli.h). Each command is a small function over the
 * libraries in policy/ and provisioning/; the rules (what is checked, what is written when)
 * live there, not here. */
#include "config.h"
#include "policy/state.h"
#include "provisioning/install.h"
#include "provisioning/provision-cli.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

char *prov_opt_state_dir;
char *prov_opt_passphrase_file;
gint64 prov_opt_now;
char *prov_opt_ssh_config;
char **prov_opt_ssh_options;
char *prov_opt_broker_socket;

const GOptionEntry prov_state_entries[] = {
	{"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &prov_opt_state_dir,
	 "Laptop state directory (default " TSR_STATE_DIR_DEFAULT ")", "DIR"},
	{"now", 0, 0, G_OPTION_ARG_INT64, &prov_opt_now,
	 "Take this unix time as the clock (for tests)", "UNIX"},
	{"broker-socket", 0, 0, G_OPTION_ARG_FILENAME, &prov_opt_broker_socket,
	 "Broker control socket to notify (default " TSR_BROKER_SOCKET_DEFAULT "; '' for none)",
	 "PATH"},
	{NULL},
};

const GOptionEntry prov_pass_entries[] = {
	{"passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &prov_opt_passphrase_file,
	 "Read the passphrase from the first line of FILE instead of the terminal", "FILE"},
	{NULL},
};

const GOptionEntry prov_ssh_entries[] = {
	{"ssh-config", 'F', 0, G_OPTION_ARG_FILENAME, &prov_opt_ssh_config,
	 "ssh client configuration file (ssh -F)", "FILE"},
	{"ssh-option", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &prov_opt_ssh_options,
	 "ssh client option (ssh -o), may be repeated", "OPTION"},
	{NULL},
};

int prov_fail(GError *error)
{
	fprintf(stderr, PROG ": %s\n", error->message);
	g_error_free(error);
	return 1;
}

int prov_usage_error(GOptionContext *ctx, const char *msg)
{
	fprintf(stderr, PROG ": %s\n\n", msg);
	char *help = g_option_context_get_help(ctx, TRUE, NULL);
	fputs(help, stderr);
	g_free(help);
	return 2;
}

const char *prov_state_dir(void)
{
	return prov_opt_state_dir ? prov_opt_state_dir : TSR_STATE_DIR_DEFAULT;
}

int64_t prov_now(void)
{
	return prov_opt_now ? prov_opt_now : (int64_t)time(NULL);
}

struct tsr_remote prov_make_remote(void)
{
	GPtrArray *a = g_ptr_array_new();
	if (prov_opt_ssh_config) {
		g_ptr_array_add(a, g_strdup("-F"));
		g_ptr_array_add(a, g_strdup(prov_opt_ssh_config));
	}
	for (size_t i = 0; prov_opt_ssh_options && prov_opt_ssh_options[i]; i++) {
		g_ptr_array_add(a, g_strdup("-o"));
		g_ptr_array_add(a, g_strdup(prov_opt_ssh_options[i]));
	}
	g_ptr_array_add(a, NULL);
	return (struct tsr_remote){(char **)g_ptr_array_free(a, FALSE)};
}

GOptionContext *prov_context(const char *summary, const char *description)
{
	GOptionContext *ctx = g_option_context_new(summary);

	g_option_context_set_description(ctx, description);
	return ctx;
}

bool prov_parse(GOptionContext *ctx, const GOptionEntry *entries, int *argc, char ***argv,
                int *rc)
{
	if (entries)
		g_option_context_add_main_entries(ctx, entries, NULL);
	GError *error = NULL;
	if (!g_option_context_parse(ctx, argc, argv, &error)) {
		*rc = prov_usage_error(ctx, error->message);
		g_error_free(error);
		return false;
	}
	return true;
}

void prov_add_group(GOptionContext *ctx, const GOptionEntry *entries)
{
	g_option_context_add_main_entries(ctx, entries, NULL);
}

bool prov_load_public_keys(char **files, enum tsr_key_role role, uint8_t (**arr)[32], size_t *n,
                           GError **error)
{
	for (size_t i = 0; files && files[i]; i++) {
		uint8_t pk[32];
		enum tsr_key_role got;
		if (!tsr_public_key_load(files[i], &got, pk, error))
			return false;
		if (got != role) {
			g_set_error(error, TSR_PROVISION_ERROR, TSR_PROVISION_ERROR_KEY,
			            "%s is a %s key; give a %s key", files[i], tsr_key_role_name(got),
			            tsr_key_role_name(role));
			return false;
		}
		*arr = g_realloc(*arr, (*n + 1) * 32);
		memcpy((*arr)[*n], pk, 32);
		(*n)++;
	}
	return true;
}

char *prov_fmt_time(int64_t t)
{
	GDateTime *dt = g_date_time_new_from_unix_utc(t);
	char *s = dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup("?");
	if (dt)
		g_date_time_unref(dt);
	return s;
}

/* ---- main ------------------------------------------------------------------------------ */

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *what;
} commands[] = {
	{"keygen", prov_cmd_keygen, "make a root or policy key pair"},
	{"keyset", prov_cmd_keyset, "sign the set of trusted policy keys (root key)"},
	{"passwd", prov_cmd_passwd, "hash a password for users.conf"},
	{"build", prov_cmd_build, "validate a policy source, write one bundle per laptop group"},
	{"sign", prov_cmd_sign, "sign a bundle (policy key)"},
	{"verify", prov_cmd_verify, "check a bundle against a root key"},
	{"push", prov_cmd_push, "send a bundle to many laptops over ssh"},
	{"template", prov_cmd_template, "print the policy group that pins a disk image (add FILE)"},
	{"enrol-disk", prov_cmd_enrol_disk, "write a TSR-ENROL disk image that enrols laptops"},
	{"init", prov_cmd_init, "enrol a laptop: pin the root key"},
	{"install", prov_cmd_install, "verify and install a bundle on this laptop"},
	{"receive", prov_cmd_receive, "install a bundle from stdin (ssh forced command)"},
	{"pull", prov_cmd_pull, "fetch and install this laptop's bundle"},
	{"templates", prov_cmd_templates, "fetch and verify the pinned disk templates"},
	{"report", prov_cmd_report, "send serial, signer and audit lines to a collector"},
	{"status", prov_cmd_status, "show the installed policy"},
	{"audit-verify", prov_cmd_audit_verify, "check a collected audit log's hash chain"},
};

static void main_usage(FILE *f)
{
	fprintf(f, "Usage: " PROG " COMMAND [OPTIONS]\n\nSigned policy for Tessera laptops.\n\n"
	           "Commands:\n");
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].what);
	fprintf(f, "\n'" PROG " COMMAND --help' describes each. See tessera-provision(1).\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, PROG ": libsodium failed to initialise\n");
		return 1;
	}
	if (argc < 2) {
		main_usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		main_usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf(PROG " " PACKAGE_VERSION "\n");
		return 0;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			/* The program name becomes the command, so --help reads
			 * "tessera-provision keygen". */
			char *name = g_strdup_printf(PROG " %s", commands[i].name);
			g_set_prgname(name);
			argv[1] = name;
			int rc = commands[i].fn(argc - 1, argv + 1);
			g_free(name);
			g_free(prov_opt_state_dir);
			g_free(prov_opt_passphrase_file);
			g_free(prov_opt_ssh_config);
			g_strfreev(prov_opt_ssh_options);
			g_free(prov_opt_broker_socket);
			return rc;
		}
	fprintf(stderr, PROG ": unknown command '%s'\n\n", argv[1]);
	main_usage(stderr);
	return 2;
}
