/* kiosk/arrangement.c: the outputs in one row and the pointer's place on them (arrangement.h).
 *
 * Kept apart from the kiosk's drawing and input so the geometry every output and the input
 * router share is computed once and tested without devices. */
#include "config.h"

#include "kiosk/arrangement.h"

#include <string.h>

static bool placed(const struct tsr_arrangement *a, const char *name)
{
	return tsr_arrangement_find(a, name) >= 0;
}

static void place(struct tsr_arrangement *a, const struct tsr_connector_state *c)
{
	if (a->n >= TSR_ARRANGEMENT_MAX || c->width <= 0 || c->height <= 0 || c->name[0] == '\0' ||
	    placed(a, c->name))
		return;
	int32_t x = tsr_arrangement_width(a);

	g_strlcpy(a->out[a->n].name, c->name, sizeof a->out[a->n].name);
	a->out[a->n].rect = (struct tsr_rect){ x, 0, c->width, c->height };
	a->n++;
}

void tsr_arrangement_compute(const struct tsr_connector_state *connectors, int n,
			     const char *const *order, struct tsr_arrangement *arrangement)
{
	memset(arrangement, 0, sizeof *arrangement);
	for (int o = 0; order && order[o]; o++)
		for (int i = 0; i < n; i++)
			if (strcmp(connectors[i].name, order[o]) == 0)
				place(arrangement, &connectors[i]);
	for (int i = 0; i < n; i++)
		place(arrangement, &connectors[i]);
}

void tsr_arrangement_mirror(struct tsr_arrangement *a)
{
	int best = 0;

	if (a->n == 0)
		return;
	for (int i = 1; i < a->n; i++)
		if ((int64_t)a->out[i].rect.width * a->out[i].rect.height <
		    (int64_t)a->out[best].rect.width * a->out[best].rect.height)
			best = i;
	a->out[0] = a->out[best];
	a->out[0].rect.x = 0;
	a->n = 1;
}

int tsr_arrangement_find(const struct tsr_arrangement *arrangement, const char *name)
{
	for (int i = 0; name && i < arrangement->n; i++)
		if (strcmp(arrangement->out[i].name, name) == 0)
			return i;
	return -1;
}

int32_t tsr_arrangement_width(const struct tsr_arrangement *arrangement)
{
	if (arrangement->n == 0)
		return 0;
	const struct tsr_rect *last = &arrangement->out[arrangement->n - 1].rect;

	return last->x + last->width;
}

static int64_t clamp64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

bool tsr_arrangement_locate(const struct tsr_arrangement *arrangement, int64_t desktop_x,
			    int64_t desktop_y, struct tsr_output_point *point)
{
	if (arrangement->n == 0)
		return false;
	int64_t x = clamp64(desktop_x, 0, (int64_t)tsr_arrangement_width(arrangement) - 1);
	int i = 0;

	while (i < arrangement->n - 1 && x >= arrangement->out[i + 1].rect.x)
		i++;
	const struct tsr_rect *r = &arrangement->out[i].rect;

	point->out = i;
	point->x = (int32_t)(x - r->x);
	point->y = (int32_t)clamp64(desktop_y, 0, (int64_t)r->height - 1);
	return true;
}

bool tsr_arrangement_move(const struct tsr_arrangement *arrangement,
			  const struct tsr_output_point *from, int32_t dx, int32_t dy,
			  struct tsr_output_point *point)
{
	if (from->out < 0 || from->out >= arrangement->n)
		return false;
	const struct tsr_rect *r = &arrangement->out[from->out].rect;

	return tsr_arrangement_locate(arrangement, (int64_t)r->x + from->x + dx,
				      (int64_t)r->y + from->y + dy, point);
}
