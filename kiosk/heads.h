/* kiosk/heads.h: the kiosk's outputs: every connector of the card with a scene, a frame loop and
 * a trusted top bar of its own, and the domains spread over them.
 *
 * A docked laptop has several monitors, and each must show the kiosk's trusted chrome: a
 * monitor showing domain pixels without a top bar would let a domain pass itself off as
 * another. So each output (a "head") composes its own scene, with its own layout of the
 * domains placed on it (kiosk/placement.h), and the heads sit in one row (kiosk/arrangement.h)
 * that the router's pointer crosses. Every connector gets its output when the kiosk starts
 * (after that the sandbox allows no new netlink socket for hotplug); one that is unplugged
 * is 0x0, and its changes of size are the hotplug: the arrangement is computed again, the
 * domains of an output that went move to the remaining ones (the viewers carry on, the focus
 * stays) and come home when it returns. Once the first frame an output presents after domains
 * came or went is on its screen, that is logged ("outputs: NAME shows A, B"), for tests and
 * support. */
#ifndef TSR_KIOSK_HEADS_H
#define TSR_KIOSK_HEADS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "input/router.h"
#include "kiosk/arrangement.h"
#include "kiosk/displays.h"
#include "kiosk/frames.h"
#include "kiosk/placement.h"
#include "kiosk/screens.h"
#include "renderer/output.h"
#include "renderer/scene.h"

#define TSR_KIOSK_HEADS_MAX TSR_ARRANGEMENT_MAX

struct tsr_kiosk_heads;

struct tsr_kiosk_head {
	struct tsr_kiosk_heads *owner;
	char name[TSR_CONNECTOR_NAME_SIZE]; /* the connector ("Virtual-1"), or "headless-N" */
	struct tsr_output *output;
	struct tsr_scene *scene;
	struct tsr_kiosk_frames *frames;
	struct tsr_kiosk_targets targets; /* what the trusted screen drawn here can be clicked */
	bool announce;  /* domains came or went: log what its next frame shows once it is up */
	char *showing;  /* that frame's domains, logged when the output says it is on screen */
};

/* The outputs of spec (renderer/output.h): "drm" on card_fd (owned from the call on, also on
 * failure) is one output per connector of the card, the first TSR_KIOSK_HEADS_MAX in the
 * card's order; "drm:CONNECTOR" is that one only; "headless:WxH[,headless:WxH...]" one
 * headless output per item (named headless-1, ...). card_fd -1 and node NULL for a spec that
 * opens its own device. */
struct tsr_kiosk_heads *tsr_kiosk_heads_open(const char *spec, int card_fd, const char *node,
					     GError **error) __attribute__((warn_unused_result));
/* The same on outputs already open (taken; names copied): for tests. */
struct tsr_kiosk_heads *tsr_kiosk_heads_create(struct tsr_output **outputs,
					       const char *const *names, int n, GError **error)
	__attribute__((warn_unused_result));
void tsr_kiosk_heads_destroy(struct tsr_kiosk_heads *heads);

int tsr_kiosk_heads_count(const struct tsr_kiosk_heads *heads);
/* Head i in the card's order (0 <= i < count): the first is the primary one, which the
 * console mirrors and screenshots show. */
struct tsr_kiosk_head *tsr_kiosk_heads_get(struct tsr_kiosk_heads *heads, int i);
const struct tsr_arrangement *tsr_kiosk_heads_arrangement(const struct tsr_kiosk_heads *heads);

/* The displays whose domains are placed on the heads (borrowed; their scene for new domains
 * and the router's geometry are set from here on). */
void tsr_kiosk_heads_set_displays(struct tsr_kiosk_heads *heads, struct tsr_displays *displays);
struct tsr_kiosk_heads_hooks {
	/* The outputs changed (hotplug) and the domains were moved: redraw the screens, ask the
	 * guests for their new frames. */
	void (*changed)(void *data);
	/* After each frame of the leftmost output connected (screenshots, the "screen" log lines
	 * and with them the lock screen's acknowledgement), or of the first head while none is:
	 * with the first connector gone (a laptop's own panel shut while docked) it would never
	 * come, and nobody would learn the lock screen is up. */
	void (*first_head_frame)(void *data);
	/* After each frame of any output: the layouts drawn are now the domains' frames (a domain
	 * just moved to an output has its frame there only once that output composed it). */
	void (*frame)(void *data);
};
/* hooks is copied (NULL: none). */
void tsr_kiosk_heads_set_hooks(struct tsr_kiosk_heads *heads,
			       const struct tsr_kiosk_heads_hooks *hooks, void *data);
/* The head first_head_frame follows has nothing left to present: a redraw that changed none
 * of its pixels brings no frame, so no first_head_frame, and its caller acts as if one came. */
bool tsr_kiosk_heads_first_settled(const struct tsr_kiosk_heads *heads);
/* Policy's [outputs] order (connector names left to right; NULL-terminated, or NULL). */
void tsr_kiosk_heads_set_order(struct tsr_kiosk_heads *heads, const char *const *order);
/* Policy's [outputs] mode: mirror (true) or extend. Mirrored, the desktop is the smallest
 * output's (tsr_arrangement_mirror) and every other connected output shows that output's
 * frames (tsr_kiosk_frames_follow); the move hotkey finds no output to move to. */
void tsr_kiosk_heads_set_mirror(struct tsr_kiosk_heads *heads, bool mirror);

/* Desktop point -> the head under it (index for tsr_kiosk_heads_get) and the point in that
 * head's own pixels. false with no output. */
bool tsr_kiosk_heads_locate(const struct tsr_kiosk_heads *heads, int x, int y, int *head,
			    int32_t *local_x, int32_t *local_y) __attribute__((warn_unused_result));
/* The absolute ranges that put a device whose coordinates are the first head's own pixels
 * (the SPICE console, which mirrors that head) on that head of the router's desktop: the
 * router scales a range onto the whole row of outputs (mirrored: onto the desktop where the
 * first head shows it). false when the first head is not in the row (unplugged). */
bool tsr_kiosk_heads_first_ranges(const struct tsr_kiosk_heads *heads, struct tsr_input_range *x,
				  struct tsr_input_range *y) __attribute__((warn_unused_result));
/* The trusted pointer at desktop (x, y): shown on the head under it only. */
void tsr_kiosk_heads_pointer(struct tsr_kiosk_heads *heads, int x, int y);

/* Before tsr_displays_add of a domain: it is placed on the output under desktop point (x, y)
 * (where the user picked it), or the nearest with room; one shown already stays where it is. */
void tsr_kiosk_heads_show(struct tsr_kiosk_heads *heads, const char *domain, int x, int y);
/* The domain left the desktop. */
void tsr_kiosk_heads_hide(struct tsr_kiosk_heads *heads, const char *domain);
/* The move hotkey: domain to the next output with room to the left (-1) or right (+1). false
 * (nothing changes) at the row's end or for a domain on no output. */
bool tsr_kiosk_heads_move(struct tsr_kiosk_heads *heads, const char *domain, int direction)
	__attribute__((warn_unused_result));
/* The session's focus (NULL: none) on its head; every other head shows the domain it showed
 * last (or its first one), so a single-domain layout never leaves a monitor empty. */
void tsr_kiosk_heads_focus(struct tsr_kiosk_heads *heads, const char *focus);
/* Where domain is: its head's index, -1 if on none. */
int tsr_kiosk_heads_of(const struct tsr_kiosk_heads *heads, const char *domain);

/* Apply to every head's scene. */
void tsr_kiosk_heads_set_layout(struct tsr_kiosk_heads *heads, enum tsr_layout layout);
bool tsr_kiosk_heads_set_clock(struct tsr_kiosk_heads *heads, const char *text)
	__attribute__((warn_unused_result));
/* The clipboard's top-bar text (tsr_scene_set_clipboard) on every head: mirrored, the first
 * head may show another head's scene. */
bool tsr_kiosk_heads_set_clipboard(struct tsr_kiosk_heads *heads, const char *text,
				   enum tsr_color colour, GError **error)
	__attribute__((warn_unused_result));
/* Every output off (the locked kiosk blanked, or a lid closed with no suspend) or back on,
 * redrawn whole. */
void tsr_kiosk_heads_set_power(struct tsr_kiosk_heads *heads, bool on);

#endif
