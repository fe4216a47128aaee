/* policy/policy-internal.h: what policy/'s own files share and nobody else needs. */
#ifndef TSR_POLICY_POLICY_INTERNAL_H
#define TSR_POLICY_POLICY_INTERNAL_H

#include <stdbool.h>

/* The key-file spelling of each enum, NULL-terminated, in enum order. */
extern const char *const tsr_policy_colour_words[];
extern const char *const tsr_policy_backend_words[];
extern const char *const tsr_policy_network_words[];
extern const char *const tsr_policy_display_words[];
extern const char *const tsr_policy_firmware_words[];
extern const char *const tsr_policy_disk_bus_words[];
extern const char *const tsr_policy_action_words[];
extern const char *const tsr_policy_on_lock_words[];
extern const char *const tsr_policy_console_words[];

/* [A-Za-z0-9._-]{1,64}, starting with a letter or digit. */
bool tsr_policy_name_ok(const char *s);

#endif
