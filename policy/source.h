/* policy/source.h: one key file being parsed, with what GKeyFile does not give us.
 *
 * GKeyFile has no line numbers and silently merges duplicate groups and keys. Every policy
 * error must name file, line and key, and a duplicate is an admin's mistake that must not pass
 * quietly, so a small line scan runs beside GKeyFile: it records where each group and key is
 * and refuses duplicates. Internal to policy/. */
#ifndef TSR_POLICY_SOURCE_H
#define TSR_POLICY_SOURCE_H

#include <stdbool.h>
#include <glib.h>

struct tsr_policy_source {
	char *name;       /* as shown in errors: "domains/work.conf", "bundle" */
	GKeyFile *kf;
	GPtrArray *marks; /* struct mark: group/key -> line */
};

/* Parse text as a key file. On error *error says name:line what is wrong. */
struct tsr_policy_source *tsr_policy_source_parse(const char *name, const char *text, size_t len,
                                                  GError **error)
	__attribute__((warn_unused_result));
struct tsr_policy_source *tsr_policy_source_load(const char *dir, const char *relname,
                                                 GError **error)
	__attribute__((warn_unused_result));
void tsr_policy_source_free(struct tsr_policy_source *src);

/* Line of key in group (key NULL: the group header); 0 if unknown. */
int tsr_policy_source_line(const struct tsr_policy_source *src, const char *group, const char *key);

/* Set *error to "name:line: [group] key: message". Always returns false. */
bool tsr_policy_source_fail(const struct tsr_policy_source *src, GError **error, int code,
                            const char *group, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

#endif
