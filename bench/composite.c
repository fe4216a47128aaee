/* bench/composite.c: what the compositor costs at 4K, beside what it cannot avoid.
 *
 * Four 1920x1080 domains tiled onto 3840x2160 with the full chrome, presented to a headless
 * output (so the scanout copy is included), and drawn straight into a scanout-sized buffer as
 * the drm output does (tsr_scene_render, no copy). For each filter: ms per frame for a full redraw
 * and for 1% damage (a 384x216 rectangle, 1% of the output's area, moving each frame), beside
 * the four domains' full frames with the chrome unchanged (what the drm output redraws when all
 * four play video), beside two baselines measured in the same run: the bare pixman operation scaling the same four
 * surfaces into the same rectangles with the same filter, and a plain copy of the output size.
 * Medians over --frames frames (default 60, at least 50), then the goals: a full redraw within
 * 1.2x the bare pixman scaling, 1% damage under 5% of a full redraw. */
#include "config.h"

#include <pixman.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "renderer/output.h"
#include "renderer/scene.h"
#include "renderer/demo-pattern.h"

#define OUT_W 3840
#define OUT_H 2160
#define DOM_W 1920
#define DOM_H 1080

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void finish_frame(struct tsr_output *out)
{
	struct pollfd p = { .fd = tsr_output_get_fd(out), .events = POLLIN };
	while (tsr_output_frame_pending(out)) {
		if (poll(&p, 1, 5000) != 1) {
			fprintf(stderr, "composite: the output never completed a frame\n");
			exit(1);
		}
		if (!tsr_output_dispatch(out, NULL))
			exit(1);
	}
}

static void present(struct tsr_scene *scene, struct tsr_output *out)
{
	int n = 0;
	const struct tsr_rect *rects = tsr_scene_compose(scene, &n);
	GError *error = NULL;
	if (!tsr_output_present(out, tsr_scene_shadow(scene), rects, n, &error)) {
		fprintf(stderr, "composite: %s\n", error->message);
		exit(1);
	}
	finish_frame(out);
}

int main(int argc, char **argv)
{
	int frames = 60;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf("Usage: composite [--frames N]\n"
			       "Benchmark the Tessera compositor: 4 x 1920x1080 domains tiled onto "
			       "3840x2160 with chrome,\nfull redraw and 1%% damage per filter, beside "
			       "bare pixman scaling and a plain copy.\nPrints medians over N frames "
			       "(default 60, at least 50).\n");
			return 0;
		} else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc) {
			frames = atoi(argv[++i]);
		} else {
			fprintf(stderr, "composite: unknown argument '%s' (see --help)\n", argv[i]);
			return 2;
		}
	}
	if (frames < 50 || frames > 100000) {
		fprintf(stderr, "composite: --frames must be 50..100000\n");
		return 2;
	}

	GError *error = NULL;
	struct tsr_output *out = tsr_output_open("headless:3840x2160", &error);
	struct tsr_scene *scene = out ? tsr_scene_create(OUT_W, OUT_H, &error) : NULL;
	if (scene == NULL) {
		fprintf(stderr, "composite: %s\n", error->message);
		return 1;
	}
	static const char *names[] = { "work", "personal", "banking", "untrusted-web" };
	struct tsr_image *surf[4];
	struct tsr_scene_domain *dom[4];
	pixman_image_t *src[4];
	struct tsr_rect content[4];
	for (int i = 0; i < 4; i++) {
		surf[i] = tsr_image_create(DOM_W, DOM_H, &error);
		struct tsr_rect all = { 0, 0, DOM_W, DOM_H };
		tsr_pattern_fill(surf[i], (enum tsr_pattern)i, &all);
		dom[i] = tsr_scene_add_domain(scene, names[i], (enum tsr_color)(i + 2), &error);
		struct tsr_pixels px = { surf[i]->pixels, DOM_W, DOM_H, surf[i]->stride };
		if (dom[i] == NULL || !tsr_scene_domain_set_surface(dom[i], &px, NULL, &error)) {
			fprintf(stderr, "composite: %s\n", error->message);
			return 1;
		}
		src[i] = pixman_image_create_bits(PIXMAN_x8r8g8b8, DOM_W, DOM_H, surf[i]->pixels,
						  surf[i]->stride);
		pixman_image_set_repeat(src[i], PIXMAN_REPEAT_PAD);
	}
	tsr_scene_set_layout(scene, TSR_LAYOUT_TILED);
	tsr_scene_set_focus(scene, dom[0]);
	for (int i = 0; i < 4; i++)
		if (!tsr_scene_domain_content_rect(dom[i], &content[i]))
			return 1;
	if (!tsr_scene_set_clock(scene, "12:00", &error) ||
	    !tsr_scene_set_notification(scene, "Benchmark", &error))
		return 1;
	tsr_scene_set_pointer(scene, OUT_W / 3, OUT_H / 3);
	tsr_scene_set_pointer_visible(scene, true);

	/* Baseline destinations: ordinary memory like the shadow buffer. */
	struct tsr_image *base = tsr_image_create(OUT_W, OUT_H, &error);
	struct tsr_image *copy_dst = tsr_image_create(OUT_W, OUT_H, &error);
	struct tsr_image *direct = tsr_image_create(OUT_W, OUT_H, &error);
	pixman_image_t *base_img = pixman_image_create_bits(PIXMAN_x8r8g8b8, OUT_W, OUT_H,
							    base->pixels, base->stride);
	double *t = g_new(double, (gsize)frames);

	printf("bench/composite: 4 x %dx%d tiled onto %dx%d with chrome, pixman %s, "
	       "medians over %d frames\n", DOM_W, DOM_H, OUT_W, OUT_H, pixman_version_string(),
	       frames);
	printf("content rectangles: %dx%d each (scale %.3f)\n", content[0].width, content[0].height,
	       (double)content[0].width / DOM_W);

	/* Plain copy of the output size. */
	size_t bytes = (size_t)OUT_W * OUT_H * 4;
	for (int f = 0; f < frames; f++) {
		double t0 = now_ms();
		memcpy(copy_dst->pixels, base->pixels, bytes);
		t[f] = now_ms() - t0;
		base->pixels[f] = copy_dst->pixels[f + 1]; /* keep the copy observable */
	}
	double copy_ms = median(t, frames);
	printf("  %-44s %8.2f ms\n", "baseline: plain copy of 3840x2160", copy_ms);

	static const enum tsr_filter filters[] = { TSR_FILTER_NEAREST, TSR_FILTER_BILINEAR };
	for (size_t fi = 0; fi < G_N_ELEMENTS(filters); fi++) {
		enum tsr_filter filter = filters[fi];
		tsr_scene_set_filter(scene, filter);
		present(scene, out);

		/* Bare pixman: the same four scaled composites, nothing else. */
		pixman_transform_t tr;
		pixman_transform_init_scale(&tr, (pixman_fixed_t)(((int64_t)DOM_W << 16) / content[0].width),
					    (pixman_fixed_t)(((int64_t)DOM_H << 16) / content[0].height));
		for (int i = 0; i < 4; i++) {
			pixman_image_set_transform(src[i], &tr);
			pixman_image_set_filter(src[i], filter == TSR_FILTER_BILINEAR
						? PIXMAN_FILTER_BILINEAR : PIXMAN_FILTER_NEAREST, NULL, 0);
		}
		/* Interleaved, so load from other processes hits both alike. */
		double *t2 = g_new(double, (gsize)frames), *t3 = g_new(double, (gsize)frames);
		double *t4 = g_new(double, (gsize)frames), *t5 = g_new(double, (gsize)frames);
		for (int f = 0; f < frames; f++) {
			/* Straight into a scanout-sized buffer, as the drm output draws. */
			double td = now_ms();
			tsr_scene_damage_all(scene);
			int nd = 0;
			const struct tsr_rect *all = tsr_scene_take_damage(scene, &nd);
			tsr_scene_render(scene, direct, all, nd);
			t4[f] = now_ms() - td;

			/* Four domains' full frames, as when all four play video: their content
			 * changes, the chrome around it does not. */
			double tf = now_ms();
			for (int i = 0; i < 4; i++)
				tsr_scene_domain_damage(dom[i], 0, 0, DOM_W, DOM_H);
			int nf = 0;
			const struct tsr_rect *changed = tsr_scene_take_damage(scene, &nf);
			tsr_scene_render(scene, direct, changed, nf);
			t5[f] = now_ms() - tf;

			/* Compose alone: what the scene costs before the scanout copy. */
			double tc = now_ms();
			tsr_scene_damage_all(scene);
			int nr = 0;
			tsr_scene_compose(scene, &nr);
			t3[f] = now_ms() - tc;

			double t0 = now_ms();
			for (int i = 0; i < 4; i++)
				pixman_image_composite32(PIXMAN_OP_SRC, src[i], NULL, base_img, 0, 0, 0, 0,
							 content[i].x, content[i].y, content[i].width,
							 content[i].height);
			double t1 = now_ms();
			tsr_scene_damage_all(scene);
			present(scene, out);
			t[f] = t1 - t0;
			t2[f] = now_ms() - t1;
		}
		double bare_ms = median(t, frames);
		double full_ms = median(t2, frames);
		double compose_ms = median(t3, frames);
		double direct_ms = median(t4, frames);
		double content_ms = median(t5, frames);
		g_free(t5);
		g_free(t2);
		g_free(t3);
		g_free(t4);

		/* 1% of the output's area, moving over the four domains. */
		GRand *rand = g_rand_new_with_seed(42);
		uint64_t copied0 = tsr_output_bytes_copied(out);
		for (int f = 0; f < frames; f++) {
			int i = f % 4;
			int32_t x = g_rand_int_range(rand, 0, DOM_W - 384);
			int32_t y = g_rand_int_range(rand, 0, DOM_H - 216);
			double t0 = now_ms();
			tsr_scene_domain_damage(dom[i], x, y, 384, 216);
			present(scene, out);
			t[f] = now_ms() - t0;
		}
		double small_ms = median(t, frames);
		double small_bytes = (double)(tsr_output_bytes_copied(out) - copied0) / frames;
		g_rand_free(rand);

		const char *fname = tsr_filter_name(filter);
		printf("%s:\n", fname);
		printf("  %-44s %8.2f ms\n", "baseline: bare pixman scaling of 4 surfaces", bare_ms);
		printf("  %-44s %8.2f ms  (%.2fx bare pixman)\n", "compose only (scaling + chrome)",
		       compose_ms, compose_ms / bare_ms);
		printf("  %-44s %8.2f ms  (%.2fx bare pixman)\n", "full redraw (compose + scanout copy)",
		       full_ms, full_ms / bare_ms);
		printf("  %-44s %8.2f ms  (%.2fx bare pixman)\n",
		       "full redraw straight into scanout (drm)", direct_ms, direct_ms / bare_ms);
		printf("  %-44s %8.2f ms  (%.2fx bare pixman)\n",
		       "4 full frames, chrome unchanged (drm)", content_ms, content_ms / bare_ms);
		printf("  %-44s %8.2f ms  (%.1f%% of full redraw, %.0f KiB copied/frame)\n",
		       "1% damage", small_ms, 100.0 * small_ms / full_ms, small_bytes / 1024);
		printf("  goal: full redraw <= 1.2x bare pixman: %.2fx straight into scanout  %s "
		       "(%.2fx through a shadow)\n", direct_ms / bare_ms,
		       direct_ms <= 1.2 * bare_ms ? "met" : "NOT met", full_ms / bare_ms);
		printf("  goal: 1%% damage < 5%% of a full redraw: %.1f%%  %s\n",
		       100.0 * small_ms / full_ms, small_ms < 0.05 * full_ms ? "met" : "NOT met");
	}

	g_free(t);
	pixman_image_unref(base_img);
	tsr_image_destroy(base);
	tsr_image_destroy(copy_dst);
	tsr_image_destroy(direct);
	for (int i = 0; i < 4; i++) {
		pixman_image_unref(src[i]);
		tsr_image_destroy(surf[i]);
	}
	tsr_scene_destroy(scene);
	tsr_output_destroy(out);
	return 0;
}
