/* kiosk/broker-main.h: tessera-kiosk's broker mode entry (options, then kiosk/broker-mode.h). */
#ifndef TSR_KIOSK_BROKER_MAIN_H
#define TSR_KIOSK_BROKER_MAIN_H

#include <stdbool.h>

/* True when argv asks for broker mode (a --broker-fd option). */
bool tsr_kiosk_broker_requested(int argc, char **argv);
/* Parse the broker-mode options and run; the exit status. */
int tsr_kiosk_broker_main(int argc, char **argv);

#endif
