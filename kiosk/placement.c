/* kiosk/placement.c: domains on outputs through hotkey moves and hotplug (placement.h).
 *
 * Apart from the kiosk's drawing so that where a domain goes when a monitor leaves is decided
 * once, by rules a unit test can walk through without devices. */
#include "config.h"

#include "kiosk/placement.h"

#include <stdlib.h>
#include <string.h>

void tsr_placement_init(struct tsr_placement *placement)
{
	memset(placement, 0, sizeof *placement);
}

static int find(const struct tsr_placement *p, const char *domain)
{
	for (int i = 0; domain && i < p->n; i++)
		if (strcmp(p->d[i].domain, domain) == 0)
			return i;
	return -1;
}

int tsr_placement_count_on(const struct tsr_placement *placement, const char *name)
{
	int n = 0;

	for (int i = 0; name && name[0] && i < placement->n; i++)
		n += strcmp(placement->d[i].on, name) == 0;
	return n;
}

const char *tsr_placement_nth_on(const struct tsr_placement *placement, const char *name, int i)
{
	for (int k = 0; name && name[0] && k < placement->n; k++)
		if (strcmp(placement->d[k].on, name) == 0 && i-- == 0)
			return placement->d[k].domain;
	return NULL;
}

int tsr_placement_output_of(const struct tsr_placement *placement,
			    const struct tsr_arrangement *arrangement, const char *domain)
{
	int i = find(placement, domain);

	return i < 0 || !placement->d[i].on[0] ? -1
					       : tsr_arrangement_find(arrangement, placement->d[i].on);
}

static bool has_room(const struct tsr_placement *p, const struct tsr_arrangement *a, int out)
{
	return out >= 0 && out < a->n && tsr_placement_count_on(p, a->out[out].name) <
						 TSR_SCENE_MAX_DOMAINS;
}

/* The output of a with room nearest to position pos, where pos_of gives each output's
 * position (outputs at distance ties: the left one first); -1 if none has room. */
static int nearest_with_room(const struct tsr_placement *p, const struct tsr_arrangement *a,
			     const int *pos_of, int pos)
{
	int best = -1, best_dist = 0, best_pos = 0;

	for (int j = 0; j < a->n; j++) {
		if (!has_room(p, a, j))
			continue;
		int dist = abs(pos_of[j] - pos);

		if (best < 0 || dist < best_dist || (dist == best_dist && pos_of[j] < best_pos)) {
			best = j;
			best_dist = dist;
			best_pos = pos_of[j];
		}
	}
	return best;
}

static void put(struct tsr_placement *p, int i, const char *name)
{
	g_strlcpy(p->d[i].on, name, sizeof p->d[i].on);
}

bool tsr_placement_show(struct tsr_placement *placement, const struct tsr_arrangement *arrangement,
			const char *domain, int on)
{
	if (!domain || !domain[0] || strlen(domain) >= TSR_PLACEMENT_NAME_SIZE)
		return false;
	if (find(placement, domain) >= 0)
		return true;
	if (placement->n >= TSR_PLACEMENT_MAX)
		return false;
	int pos_of[TSR_ARRANGEMENT_MAX];

	for (int j = 0; j < arrangement->n; j++)
		pos_of[j] = j;
	int out = nearest_with_room(placement, arrangement, pos_of, on);

	if (out < 0)
		return false;
	int i = placement->n++;

	g_strlcpy(placement->d[i].domain, domain, sizeof placement->d[i].domain);
	put(placement, i, arrangement->out[out].name);
	g_strlcpy(placement->d[i].home, arrangement->out[out].name, sizeof placement->d[i].home);
	return true;
}

void tsr_placement_remove(struct tsr_placement *placement, const char *domain)
{
	int i = find(placement, domain);

	if (i < 0)
		return;
	memmove(&placement->d[i], &placement->d[i + 1],
		(size_t)(placement->n - i - 1) * sizeof placement->d[0]);
	placement->n--;
}

bool tsr_placement_move(struct tsr_placement *placement, const struct tsr_arrangement *arrangement,
			const char *domain, int direction)
{
	int i = find(placement, domain);
	int from = tsr_placement_output_of(placement, arrangement, domain);

	if (i < 0 || from < 0 || (direction != -1 && direction != 1))
		return false;
	int to = from + direction;

	while (to >= 0 && to < arrangement->n && !has_room(placement, arrangement, to))
		to += direction;
	if (to < 0 || to >= arrangement->n)
		return false;
	/* Last in the table: the newest tile of the output it lands on. */
	typeof(placement->d[0]) moved = placement->d[i];

	memmove(&placement->d[i], &placement->d[i + 1],
		(size_t)(placement->n - i - 1) * sizeof placement->d[0]);
	placement->d[placement->n - 1] = moved;
	put(placement, placement->n - 1, arrangement->out[to].name);
	g_strlcpy(placement->d[placement->n - 1].home, arrangement->out[to].name,
		  sizeof placement->d[0].home);
	return true;
}

int tsr_placement_update(struct tsr_placement *placement, const struct tsr_arrangement *before,
			 const struct tsr_arrangement *after)
{
	int changed = 0;

	/* Home first, so a returning output gets its own domains before anything else's. */
	for (int i = 0; i < placement->n; i++) {
		int home = tsr_arrangement_find(after, placement->d[i].home);

		if (home >= 0 && strcmp(placement->d[i].on, placement->d[i].home) != 0 &&
		    has_room(placement, after, home)) {
			put(placement, i, after->out[home].name);
			changed++;
		}
	}
	/* Outputs of after by their place in before; new ones count as beyond its right end. */
	int pos_of[TSR_ARRANGEMENT_MAX];

	for (int j = 0; j < after->n; j++) {
		int b = tsr_arrangement_find(before, after->out[j].name);

		pos_of[j] = b >= 0 ? b : TSR_ARRANGEMENT_MAX + j;
	}
	for (int i = 0; i < placement->n; i++) {
		if (tsr_arrangement_find(after, placement->d[i].on) >= 0)
			continue;
		int gone = tsr_arrangement_find(before, placement->d[i].on);
		int out = nearest_with_room(placement, after, pos_of, gone >= 0 ? gone : 0);

		if (out >= 0 || placement->d[i].on[0]) {
			put(placement, i, out >= 0 ? after->out[out].name : "");
			changed++;
		}
	}
	return changed;
}
