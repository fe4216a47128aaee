/* policy/power.c: what closing the lid does, when domains run again after a suspend, and how
 * long a locked, untouched kiosk keeps its outputs lit.
 *
 * The lid is the moment a laptop leaves its user's sight, so the kiosk locks before anything
 * else happens whatever this says; [power] only decides what follows (suspend or nothing) and
 * whether domains paused across a suspend run again at once or only after the user unlocked.
 * Kept apart from parse.c so the power words, their defaults and their canonical text are read
 * in one place. */
#include "config.h"
#include "policy/policy.h"
#include "policy/policy-internal.h"
#include "policy/source.h"

#include <string.h>

/* Indexed by enum tsr_policy_lid and enum tsr_policy_resume. */
static const char *const lid_words[] = {"lock", "suspend", "ignore", NULL};
static const char *const resume_words[] = {"after-unlock", "at-once", NULL};

void tsr_policy_power_init_default(struct tsr_policy_power *power)
{
	power->lid = TSR_POLICY_LID_LOCK;
	power->resume = TSR_POLICY_RESUME_AFTER_UNLOCK;
	power->blank_after_seconds = TSR_POLICY_BLANK_AFTER_DEFAULT;
}

bool tsr_policy_parse_power(const struct tsr_policy_source *src, const char *group,
                            struct tsr_policy *p, GError **error)
{
	static const char *const keys[] = {"lid", "resume", "blank-after", NULL};
	int lid = (int)p->power.lid, resume = (int)p->power.resume;

	if (!tsr_policy_check_keys(src, group, keys, error) ||
	    !tsr_policy_get_enum(src, group, "lid", false, lid_words, &lid, error) ||
	    !tsr_policy_get_enum(src, group, "resume", false, resume_words, &resume, error) ||
	    !tsr_policy_get_u32(src, group, "blank-after", false, 0, TSR_POLICY_BLANK_AFTER_MAX,
	                        &p->power.blank_after_seconds, error))
		return false;
	p->power.lid = (enum tsr_policy_lid)lid;
	p->power.resume = (enum tsr_policy_resume)resume;
	return true;
}

/* Written only when it differs from the defaults, so a bundle built before [power] existed has
 * the same canonical text as one built now from the same sources. */
void tsr_policy_power_write(GKeyFile *kf, const struct tsr_policy_power *power)
{
	bool blank_default = power->blank_after_seconds == TSR_POLICY_BLANK_AFTER_DEFAULT;

	if (power->lid == TSR_POLICY_LID_LOCK && power->resume == TSR_POLICY_RESUME_AFTER_UNLOCK &&
	    blank_default)
		return;
	g_key_file_set_string(kf, "power", "lid", tsr_policy_lid_name(power->lid));
	g_key_file_set_string(kf, "power", "resume", tsr_policy_resume_name(power->resume));
	if (!blank_default)
		g_key_file_set_uint64(kf, "power", "blank-after", power->blank_after_seconds);
}

const char *tsr_policy_lid_name(enum tsr_policy_lid lid)
{
	return (unsigned)lid < 3u ? lid_words[lid] : "?";
}

const char *tsr_policy_resume_name(enum tsr_policy_resume resume)
{
	return (unsigned)resume < 2u ? resume_words[resume] : "?";
}
