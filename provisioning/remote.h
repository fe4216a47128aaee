/* provisioning/remote.h: moving bundles, templates and reports over OpenSSH.
 *
 * The transport is untrusted (trust boundary 6): it only moves bytes, and every byte it
 * brings is verified on the laptop (install.h) or checked against a pinned size and sha256
 * (templates). ssh, scp and sftp are run as programs, so the admin's ssh configuration,
 * agents, jump hosts and known_hosts all apply unchanged. */
#ifndef TSR_PROVISIONING_REMOTE_H
#define TSR_PROVISIONING_REMOTE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <glib.h>

/* Extra arguments for every ssh/scp/sftp run (e.g. "-F", "FILE"), NULL-terminated. */
struct tsr_remote {
	char **ssh_args;
};

enum tsr_push_status { TSR_PUSH_INSTALLED, TSR_PUSH_UNCHANGED, TSR_PUSH_FAILED };

struct tsr_push_host {
	char *host;
	enum tsr_push_status status;
	uint64_t serial;  /* installed now; for a failure, what the laptop still runs (0: unknown) */
	char *reason; /* failures: the laptop's own message, or ssh's */
	double seconds;
};

/* Send bundle_path to every host's "tessera-provision receive", at most jobs at a time.
 * A failed host never stops the others. progress (may be NULL) gets one line per host as
 * it finishes. Returns the number of failed hosts. */
size_t tsr_push(const struct tsr_remote *remote, const char *bundle_path, char **hosts,
                size_t n_hosts, unsigned jobs, FILE *progress, struct tsr_push_host *out);
void tsr_push_host_clear(struct tsr_push_host *h);
/* Read a hosts file: one ssh destination per line, '#' comments. */
char **tsr_push_read_hosts(const char *path, GError **error) __attribute__((warn_unused_result));
/* The result table: host, result, installed serial, reason. */
void tsr_push_print_table(FILE *out, const struct tsr_push_host *hosts, size_t n);

/* "USER@HOST:PATH" -> destination "USER@HOST" and path "PATH". */
bool tsr_remote_split(const char *spec, char **dest, char **path, GError **error)
	__attribute__((warn_unused_result));

/* Copy remote file (dest:path) to local_path with scp. The download is bounded while it is
 * received: scp cannot write past max_bytes + 1 (RLIMIT_FSIZE), so a mirror serving an
 * endless file costs at most that much disk. On any failure, or more than max_bytes offered,
 * local_path is removed. */
bool tsr_remote_fetch(const struct tsr_remote *remote, const char *dest, const char *path,
                      const char *local_path, uint64_t max_bytes, GError **error)
	__attribute__((warn_unused_result));
/* Resume (or start) fetching into local_path with sftp's reget, bounded the same way: if the
 * mirror offers more than max_bytes, the partial file is removed. A failure below the bound
 * keeps it, to resume. */
bool tsr_remote_fetch_resume(const struct tsr_remote *remote, const char *dest, const char *path,
                             const char *local_path, uint64_t max_bytes, GError **error)
	__attribute__((warn_unused_result));
/* Copy local_path to dest:path with scp. */
bool tsr_remote_put(const struct tsr_remote *remote, const char *local_path, const char *dest,
                    const char *path, GError **error) __attribute__((warn_unused_result));

#endif
