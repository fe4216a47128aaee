/* kiosk/placement.h: which output each shown domain is on, through moves and hotplug.
 *
 * A domain is shown on one output. The user moves it with a trusted hotkey to the neighbouring
 * output; when an output goes (a monitor unplugged, a dock left), its domains must stay
 * shown, running and in the order they had, so they go to the remaining output that was
 * nearest to it; when that output comes back, they go home to it. Each output shows at most
 * TSR_SCENE_MAX_DOMAINS domains: one that finds no room anywhere stays placed nowhere
 * (still running, in the picker) until an output with room appears. Focus is the session's
 * and is not touched here: a move changes where a domain is, never which one has the focus.
 * Pure state keyed by domain and connector names, so unit tests drive hotplug by hand. */
#ifndef TSR_KIOSK_PLACEMENT_H
#define TSR_KIOSK_PLACEMENT_H

#include <glib.h>
#include <stdbool.h>

#include "kiosk/arrangement.h"
#include "renderer/scene.h"

#define TSR_PLACEMENT_MAX (TSR_ARRANGEMENT_MAX * TSR_SCENE_MAX_DOMAINS)
#define TSR_PLACEMENT_NAME_SIZE 64

struct tsr_placement {
	int n;
	struct {
		char domain[TSR_PLACEMENT_NAME_SIZE];
		char on[TSR_CONNECTOR_NAME_SIZE];   /* shown there; "" = nowhere (no room) */
		char home[TSR_CONNECTOR_NAME_SIZE]; /* where the user put it last */
	} d[TSR_PLACEMENT_MAX]; /* in the order shown: an output's tiles in this order */
};

void tsr_placement_init(struct tsr_placement *placement);

/* Show domain on output `on` of the arrangement (the output the user picked it from), or on
 * the nearest one with room if that one is full. A domain shown already stays where it is.
 * false if the name is empty or too long, the table is full, or no output has room; nothing
 * changes then. */
bool tsr_placement_show(struct tsr_placement *placement, const struct tsr_arrangement *arrangement,
			const char *domain, int on) __attribute__((warn_unused_result));
/* Take domain off (unknown names ignored). */
void tsr_placement_remove(struct tsr_placement *placement, const char *domain);

/* The hotkey: move domain to the next output with room in direction -1 (left) or +1 (right);
 * it becomes the domain's home. false (nothing changes) at the row's end, when no output that
 * way has room, or for a domain not shown. */
bool tsr_placement_move(struct tsr_placement *placement, const struct tsr_arrangement *arrangement,
			const char *domain, int direction) __attribute__((warn_unused_result));

/* The outputs changed from `before` to `after` (hotplug). Domains whose output is gone go to
 * the output of after that was nearest to it in before (left before right), or the next
 * nearest with room; domains whose home is back go home; domains placed nowhere go to the
 * first output with room. Homes are kept, so unplugging and plugging back restores the
 * desktop. Returns how many domains changed output. */
int tsr_placement_update(struct tsr_placement *placement, const struct tsr_arrangement *before,
			 const struct tsr_arrangement *after);

/* The output index domain is shown on in arrangement, -1 if none (or not shown). */
int tsr_placement_output_of(const struct tsr_placement *placement,
			    const struct tsr_arrangement *arrangement, const char *domain);
/* How many domains output `name` shows; and the i-th of them (NULL past the end). */
int tsr_placement_count_on(const struct tsr_placement *placement, const char *name);
const char *tsr_placement_nth_on(const struct tsr_placement *placement, const char *name, int i);

#endif
