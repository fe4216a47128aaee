/* kiosk/displays-private.h: what displays.c (viewers and links) and displays-input.c (keys,
 * pointer, router geometry) share about one display; nothing outside kiosk/displays*.c uses it. */
#ifndef TSR_KIOSK_DISPLAYS_PRIVATE_H
#define TSR_KIOSK_DISPLAYS_PRIVATE_H

#include "kiosk/displays.h"
#include "kiosk/resize-debounce.h"
#include "proto/viewer-link.h"

struct tsr_display {
	struct tsr_displays *owner;
	char *name;
	int id;                       /* the router's id */
	struct tsr_scene *scene;      /* the scene sd is in: the output the domain is shown on */
	struct tsr_scene_domain *sd;
	struct tsr_pixels px;         /* the surface shown (the link's mapping), for a move */
	struct tsr_viewer_link *link; /* NULL: no viewer attached */
	guint watch, resume;
	pid_t pid;                    /* a viewer spawned here: killed when cut off, reaped */
	guint child_watch;
	bool has_surface;             /* the scene shows this viewer's pixels */
	bool connected;               /* the viewer said CONNECTED: its input channel is up too */
	bool drawn;                   /* something was drawn on the current surface */
	bool ready_told;              /* first_frame said for the current surface */
	char *cut_reason;             /* set inside the link's dispatch, acted on after it returns */
	int32_t sw, sh;               /* surface size */
	struct tsr_resize_debounce resize; /* asking the guest for its frame's size */
	guint resize_timer;
};

#define TSR_DISPLAYS_HEADS_MAX 8

struct tsr_displays {
	struct tsr_scene *scene; /* where new displays go */
	/* Where each output's scene sits on the desktop (tsr_displays_set_heads); until it is
	 * called, scene alone at (0, 0). */
	bool heads_set;
	int n_heads;
	struct tsr_displays_head heads[TSR_DISPLAYS_HEADS_MAX];
	struct tsr_displays_hooks hooks;
	void *data;
	GPtrArray *list; /* struct tsr_display * */
	int next_id;
	struct tsr_input_router *router;
};

struct tsr_display *tsr_displays_by_name(const struct tsr_displays *displays, const char *name);
struct tsr_display *tsr_displays_by_id(const struct tsr_displays *displays, int id);
/* A viewer link's clipboard answer, passed to the hooks with the display's name. */
void tsr_displays_on_clipboard(void *opaque, struct tsr_clipboard_answer *answer);
/* The desktop rectangle of scene (false if it is on no output). */
bool tsr_displays_head_rect(const struct tsr_displays *displays, const struct tsr_scene *scene,
			    struct tsr_rect *rect);
/* The viewer goes: no request waits for it, and its successor's guest was never asked. */
void tsr_displays_resize_forget(struct tsr_display *d);

#endif
