# tests/system/kiosk-vm-guest.sh: guest side of kiosk-vm-test.sh. Draws a block of text on the
# framebuffer console (bochs-drm fbcon, VT 1): 10 lines of 40 '#' at the top left, nothing
# else, then idles until the host has looked at it through SPICE and quits QEMU.
. /lib/systest.sh
for i in 1 2 3 4 5 6 7 8 9 10; do
    [ -e /dev/tty1 ] && break
    mark "waiting for tty1"
done
printf '\033[?25l\033[H\033[2J' >/dev/tty1
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "########################################" >/dev/tty1
done
mark TEXT-SHOWN
exec sleep 3600
