#!/bin/sh
# Repro: `snapshot` and `merge` (llmcost_snapshot_save_file()) write OUT
# through a temporary file and rename(2) it over OUT whatever OUT is.  A
# character device, a FIFO or a symlink is replaced by a regular file.
# Run as root, `llmcost merge a.snap -o /dev/null` replaces the system's
# /dev/null, and `-o /dev/stdout` replaces the /dev/stdout symlink (seen
# while testing; restored by hand).  This script uses a device node and
# links it makes in a scratch directory, never the real /dev.
# `audit -o` on the same paths writes into the device and leaves it be.
# Also: OUT always ends up mode 0644, whatever its mode was and whatever
# the umask is.
#
# usage: sh out_special_files.sh LLMCOST GOOD.snap
L=$1 GOOD=$2
d=$(mktemp -d) || exit 2
bad=0
# a null device of our own (needs root for mknod; skipped otherwise)
if mknod "$d/null" c 1 3 2>/dev/null; then
	"$L" merge "$GOOD" -o "$d/null"
	echo "merge -o <char device>: now $(stat -c %F "$d/null")"
	[ -c "$d/null" ] || bad=1
fi
mkfifo "$d/fifo"
(timeout 5 cat "$d/fifo" >/dev/null &)
"$L" merge "$GOOD" -o "$d/fifo"
echo "merge -o <fifo>: now $(stat -c %F "$d/fifo")"
[ -p "$d/fifo" ] || bad=1
# what /dev/stdout is on Linux
ln -s /proc/self/fd/1 "$d/stdout"
"$L" merge "$GOOD" -o "$d/stdout" | head -c 8 | od -c | head -1
echo "merge -o <link to /proc/self/fd/1>: now $(stat -c %F "$d/stdout")"
[ -L "$d/stdout" ] || bad=1
# mode
: >"$d/private.snap"
chmod 600 "$d/private.snap"
(umask 077; "$L" merge "$GOOD" -o "$d/private.snap")
echo "merge -o <mode 600 file, umask 077>: mode now $(stat -c %a "$d/private.snap")"
[ "$(stat -c %a "$d/private.snap")" = 600 ] || bad=1
rm -rf "$d"
# Expected: OUT that is not a regular file (or a symlink to one) is
# written in place or refused with a message; never replaced.  The mode
# of an existing OUT is kept, a new one honours the umask.
[ $bad = 0 ] && echo ok || echo PROBLEM
exit $bad
