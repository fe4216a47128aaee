/* policy/policy-internal.h: what policy/'s own files share and nobody else needs. */
#ifndef TSR_POLICY_POLICY_INTERNAL_H
#define TSR_POLICY_POLICY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "policy/policy.h"

/* The key-file spelling of each enum, NULL-terminated, in enum order. */
extern const char *const tsr_policy_colour_words[];
extern const char *const tsr_policy_backend_words[];
extern const char *const tsr_policy_network_words[];
extern const char *const tsr_policy_display_words[];
extern const char *const tsr_policy_firmware_words[];
extern const char *const tsr_policy_disk_bus_words[];
extern const char *const tsr_policy_video_words[];
extern const char *const tsr_policy_action_words[];
extern const char *const tsr_policy_on_lock_words[];
extern const char *const tsr_policy_console_words[];

/* The value checks of policy/parse.c, for the other files that parse a group of their own:
 * each names file, line, group and key on failure (parse.c describes them). */
struct tsr_policy_source;
bool tsr_policy_check_keys(const struct tsr_policy_source *src, const char *group,
                           const char *const *allowed, GError **error);
bool tsr_policy_get_str(const struct tsr_policy_source *src, const char *group, const char *key,
                        bool required, char **out, GError **error);
bool tsr_policy_get_u32(const struct tsr_policy_source *src, const char *group, const char *key,
                        bool required, uint32_t min, uint32_t max, uint32_t *out,
                        GError **error);
bool tsr_policy_get_enum(const struct tsr_policy_source *src, const char *group, const char *key,
                         bool required, const char *const *words, int *out, GError **error);
bool tsr_policy_group_name(const struct tsr_policy_source *src, const char *group,
                           const char *kind, char **out, GError **error);

/* policy/clipboard.c: [clipboard] and [clipboard-rule NAME] into p->clipboard; the domains
 * the flows name, checked once every domain is known (the flow with an unknown one, or NULL,
 * with *domain set to the name); the canonical groups of the flows a laptop group's domains
 * take part in (has_domain says which); freeing. */
bool tsr_policy_parse_clipboard(const struct tsr_policy_source *src, const char *group,
                                struct tsr_policy *p, GError **error);
bool tsr_policy_parse_clipboard_rule(const struct tsr_policy_source *src, const char *group,
                                     struct tsr_policy *p, GError **error);
const struct tsr_policy_clipboard_flow *
tsr_policy_clipboard_unknown_domain(const struct tsr_policy *p, const char **domain);
void tsr_policy_clipboard_write(GKeyFile *kf, const struct tsr_policy *p,
                                bool (*has_domain)(const void *ctx, const char *name),
                                const void *ctx);
void tsr_policy_clipboard_free(struct tsr_policy_clipboard *c);

/* policy/power.c: [power] into p->power, its defaults, and its canonical group (only when
 * it differs from the defaults). */
void tsr_policy_power_init_default(struct tsr_policy_power *power);
bool tsr_policy_parse_power(const struct tsr_policy_source *src, const char *group,
                            struct tsr_policy *p, GError **error);
void tsr_policy_power_write(GKeyFile *kf, const struct tsr_policy_power *power);

/* policy/outputs.c: [outputs] into p->outputs and its canonical group (only when set). */
bool tsr_policy_parse_outputs(const struct tsr_policy_source *src, const char *group,
                              struct tsr_policy *p, GError **error);
void tsr_policy_outputs_write(GKeyFile *kf, const struct tsr_policy_outputs *outputs);

/* policy/fields.c: the strict line reader of the signed containers (bundle.c, enrol.c). Each
 * reader fills *error (TSR_BUNDLE_ERROR_FORMAT) naming c->what and the field on failure. */
#define TSR_FORMAT_ERR(...) \
	g_set_error(error, TSR_BUNDLE_ERROR, TSR_BUNDLE_ERROR_FORMAT, __VA_ARGS__)
struct tsr_cursor {
	const char *data;
	size_t len, pos;
	const char *what; /* "bundle", "key set", ... for messages */
};
/* The next line without its '\n'; false at end of data or if the line has no '\n'. */
bool tsr_cursor_line(struct tsr_cursor *c, const char **line, size_t *n);
/* "NAME VALUE" with the given name, VALUE printable without spaces; *value is a new string. */
bool tsr_cursor_field(struct tsr_cursor *c, const char *name, char **value, GError **error);
bool tsr_cursor_parse_u64(const char *s, uint64_t max, uint64_t *out);
bool tsr_cursor_u64(struct tsr_cursor *c, const char *name, uint64_t max, uint64_t *out,
                    GError **error);
bool tsr_cursor_hex(struct tsr_cursor *c, const char *name, uint8_t *out, size_t n,
                    GError **error);
/* A value that follows policy's name rule (tsr_policy_name_ok). */
bool tsr_cursor_name(struct tsr_cursor *c, const char *name, char **out, GError **error);
bool tsr_cursor_peek(const struct tsr_cursor *c, const char *prefix);
/* The first line is exactly context. */
bool tsr_cursor_context(struct tsr_cursor *c, const char *context, GError **error);
/* n bytes as they are (a length announced by the line before). */
bool tsr_cursor_bytes(struct tsr_cursor *c, size_t n, const char **out, GError **error);
/* Append a public key to a list of at most TSR_KEYSET_KEYS_MAX; false when full. */
bool tsr_key_list_add(uint8_t (**arr)[32], size_t *n, const uint8_t *key);

#endif
