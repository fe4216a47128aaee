/* tests/unit/input-script.h: replays scripted input through the router and records what every
 * sink received, for the router tests.
 *
 * A script is an evemu recording ("E: sec.usec type code value", type and code in hex, value in
 * decimal; evemu's N:/I:/P:/B:/A: header lines are ignored) with a few Tessera lines that set
 * the scene, and the expected output:
 *   D: <source> <caps>[,<caps>] [xmin xmax ymin ymax]   add a device (keyboard, pointer,
 *                                                       absolute, touch, touchpad, and the
 *                                                       flag domains-only)
 *   U: <source>        unplug it          S: <source>   following E: lines come from it
 *   F: <domain>        focus (-1 none)    G: 0|1        kiosk grab off/on
 *   C: 0|1             click-to-focus     H: <name> <value>  set a hotkey (tsr_policy_hotkeys_set)
 *   = <line>           the next line the sinks must have produced (see the test for the forms)
 * The test kiosk obeys actions: focus-slot N focuses domain N-1, cycle moves between domains 0
 * and 1, lock turns the kiosk grab on. Geometry: desktop 1000x500, top bar y < 30; domain 0 at
 * (10,30) 480x460 showing a 960x920 surface; domain 1 at (510,30) 480x460 showing 480x460. */
#ifndef TSR_TESTS_INPUT_SCRIPT_H
#define TSR_TESTS_INPUT_SCRIPT_H

#include <stdbool.h>
#include <glib.h>

/* Runs the script text; on success *produced holds every sink line and *expected every "="
 * line (both NULL-terminated, free with g_strfreev). Returns false with *error naming the line
 * for malformed scripts. */
bool tsr_test_input_script_run(const char *text, char ***produced, char ***expected,
			       GError **error);

#endif
