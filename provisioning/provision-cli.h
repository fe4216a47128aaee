/* provisioning/provision-cli.h: what tessera-provision's command files share.
 *
 * The program is six files: tessera-provision.c (main, the command table, the options and
 * helpers below), admin-commands.c (the admin's machine), template-commands.c (pinning a disk
 * image), enrol-commands.c (the enrolment disk), audit-commands.c (checking a collected audit
 * log) and laptop-commands.c (a laptop's state). Names shared across them carry prov_; nothing here is a library. */
#ifndef TSR_PROVISIONING_PROVISION_CLI_H
#define TSR_PROVISIONING_PROVISION_CLI_H

#include "provisioning/keys.h"
#include "provisioning/remote.h"

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define PROG "tessera-provision"

/* Options several commands take (freed by main). */
extern char *prov_opt_state_dir;
extern char *prov_opt_passphrase_file;
extern gint64 prov_opt_now;
extern char *prov_opt_ssh_config;
extern char **prov_opt_ssh_options;
extern char *prov_opt_broker_socket;
extern const GOptionEntry prov_state_entries[];
extern const GOptionEntry prov_pass_entries[];
extern const GOptionEntry prov_ssh_entries[];

/* Print "tessera-provision: MESSAGE", free error, return 1. */
int prov_fail(GError *error);
/* Print msg and the command's help, return 2. */
int prov_usage_error(GOptionContext *ctx, const char *msg);
/* A command's option context: "PARAMS - what it does" and the --help text after the options. */
GOptionContext *prov_context(const char *summary, const char *description);
/* Parse one command's argv; false (with *rc set) when the command should stop. */
bool prov_parse(GOptionContext *ctx, const GOptionEntry *entries, int *argc, char ***argv,
                int *rc);
/* Shared options go into the main group so that --help shows them all. */
void prov_add_group(GOptionContext *ctx, const GOptionEntry *entries);
const char *prov_state_dir(void);
/* --now, or the clock. */
int64_t prov_now(void);
/* ssh arguments from -F and -o; free ssh_args with g_strfreev. */
struct tsr_remote prov_make_remote(void);
/* "YYYY-MM-DD HH:MM:SS UTC"; free with g_free. */
char *prov_fmt_time(int64_t t);

/* Public keys of role from files, appended to *arr (n of them); false naming a file that is
 * not one. */
bool prov_load_public_keys(char **files, enum tsr_key_role role, uint8_t (**arr)[32], size_t *n,
                           GError **error) __attribute__((warn_unused_result));

/* Size and sha256 of a file, read once; false when it cannot be read. */
bool prov_file_sha256(const char *path, uint64_t *size, uint8_t out[32])
	__attribute__((warn_unused_result));

/* The commands: argv[0] is "tessera-provision COMMAND". Exit status. */
int prov_cmd_keygen(int argc, char **argv);
int prov_cmd_keyset(int argc, char **argv);
int prov_cmd_passwd(int argc, char **argv);
int prov_cmd_build(int argc, char **argv);
int prov_cmd_sign(int argc, char **argv);
int prov_cmd_verify(int argc, char **argv);
int prov_cmd_push(int argc, char **argv);
int prov_cmd_enrol_disk(int argc, char **argv);
int prov_cmd_init(int argc, char **argv);
int prov_cmd_install(int argc, char **argv);
int prov_cmd_receive(int argc, char **argv);
int prov_cmd_pull(int argc, char **argv);
int prov_cmd_templates(int argc, char **argv);
int prov_cmd_template(int argc, char **argv);
int prov_cmd_report(int argc, char **argv);
int prov_cmd_status(int argc, char **argv);
int prov_cmd_audit_verify(int argc, char **argv);

#endif
