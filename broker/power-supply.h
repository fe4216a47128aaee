/* broker/power-supply.h: the battery level and AC state for the kiosk's top bar, read by the
 * broker from sysfs (the kiosk opens no files under /sys). */
#ifndef TSR_BROKER_POWER_SUPPLY_H
#define TSR_BROKER_POWER_SUPPLY_H

#include <stdbool.h>
#include <stddef.h>

struct brk_power_status {
	bool have_battery;
	unsigned percent;         /* 0-100, the batteries' energy together */
	bool charging;
	bool have_ac;             /* a mains supply exists */
	bool ac_online;
};

/* Read sys_root/class/power_supply ("/sys", or a test's tree): every "Battery" (capacity and
 * status; a battery whose values are not numbers or out of range is skipped) and every "Mains"
 * (online). Returns false when there is neither (a desktop, a VM): nothing to show. */
bool brk_power_supply_read(const char *sys_root, struct brk_power_status *out)
	__attribute__((warn_unused_result));

/* The top bar's text: "Battery 73%", "Battery 73%, charging", "Battery 100%, on AC", "On AC"
 * (a laptop without a battery); "" when there is nothing to show. */
void brk_power_supply_text(const struct brk_power_status *s, char *buf, size_t size);

#endif
