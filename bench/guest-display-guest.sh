# bench/guest-display-guest.sh: guest side of bench/guest-display. Takes the framebuffer from
# fbcon (VT 1 in graphics mode, so no text or cursor is drawn over the colours) and paints it
# on each byte the host writes to the third serial port (ttyS2).
. /lib/systest.sh
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /dev/fb0 ] && [ -e /dev/tty1 ] && break
    mark "waiting for fb0"
    sleep 1
done
tsr-systest-guest kdmode /dev/tty1 graphics
mark FBPAINT-READY
exec tsr-systest-guest fbpaint /dev/fb0 /dev/ttyS2
