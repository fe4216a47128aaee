/* tests/unit/kiosk-fake-broker.h: a fake broker for the kiosk's session and screen tests.
 *
 * The fake broker holds the other end of the session's SOCK_SEQPACKET link: it sends what
 * tessera-brokerd would and reads the session's requests, with a fake clock for time. */
#ifndef TSR_TESTS_KIOSK_FAKE_BROKER_H
#define TSR_TESTS_KIOSK_FAKE_BROKER_H

#include "kiosk/session.h"

#include <glib.h>

struct fx {
	struct tsr_session *s;
	struct tsr_fake_clock *clock;
	int broker;            /* the fake broker's end */
	int changed;
	int blank_offs, blank_ons; /* the blank hook's calls */
	char *viewer_domain;
	int viewer_fd;
	GPtrArray *hidden;
	char *lost;
	struct tsr_kiosk_settings last_settings;
	bool have_lease;
	int lease;
};

void fx_init(struct fx *f);
void fx_clear(struct fx *f);
void bsend_fd(struct fx *f, void *msg, uint16_t type, int fd);
void bsend(struct fx *f, void *msg, uint16_t type);
uint32_t brecv(struct fx *f, uint16_t type, void *out);
void assert_no_request(struct fx *f);
void settings(struct fx *f, bool requires_sas, uint32_t idle, uint32_t console);
/* The same with policy's [power] blank-after. */
void settings_blank(struct fx *f, bool requires_sas, uint32_t idle, uint32_t console,
		    uint32_t blank_after);
void session_msg(struct fx *f, enum tsr_kiosk_session_state st, const char *user);
/* The same with SESSION's flags (TSR_KIOSK_SESSION_OUTPUTS_OFF). */
void session_msg_flags(struct fx *f, enum tsr_kiosk_session_state st, const char *user,
		       uint32_t flags);
void reply(struct fx *f, uint32_t seq, enum tsr_kiosk_status st, uint32_t retry,
		  const char *text, int fd);
void domain(struct fx *f, uint32_t seq, const char *name, uint8_t colour,
		   enum tsr_kiosk_domain_state st);
/* The same with the accelerator the broker reports for it. */
void domain_accel(struct fx *f, uint32_t seq, const char *name, uint8_t colour,
		  enum tsr_kiosk_domain_state st, enum tsr_kiosk_accel accel);
bool key(struct fx *f, uint16_t code, const char *utf8, enum tsr_kiosk_origin o);
void type(struct fx *f, const char *text);
bool sas(struct fx *f, enum tsr_kiosk_origin o);
enum tsr_kiosk_screen screen(struct fx *f);
void log_in(struct fx *f);
/* Pick domain index i and hand it a viewer; no frame yet. */
void pick_viewer(struct fx *f, size_t i);
void pick(struct fx *f, size_t i);

#endif
