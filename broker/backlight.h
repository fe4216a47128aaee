/* broker/backlight.h: the brightness keys' effect, which only the broker (root) may write. */
#ifndef TSR_BROKER_BACKLIGHT_H
#define TSR_BROKER_BACKLIGHT_H

#include <glib.h>
#include <stdbool.h>

/* One brightness key (step +1 or -1) applied to the laptop's backlight under sys_root ("/sys",
 * or a test's tree): a tenth of its range, never 0; *now (may be NULL) gets the value it has
 * afterwards. false, with nothing written, if there is none or its files are not numbers. */
bool brk_backlight_step(const char *sys_root, int step, long *now, GError **error)
	__attribute__((warn_unused_result));

#endif
