/* tests/hostile/stride-viewer.h: what the stride attacker (stride-viewer.c) and the test that
 * runs it (viewer-stride-test.c) agree on. */
#ifndef TSR_TESTS_HOSTILE_STRIDE_VIEWER_H
#define TSR_TESTS_HOSTILE_STRIDE_VIEWER_H

/* The colour of the attacker's valid surface, so the test can see it shown and then gone. */
#define STRIDE_VIEWER_RGB 0xff00ffu
/* The colour of its bad surface, which must never be drawn. */
#define STRIDE_VIEWER_BAD_RGB 0x12ab34u
/* One step past the widest stride the scene draws (65536 bytes). */
#define STRIDE_VIEWER_STRIDE 65540u

#endif
