/* sdnotify.h: tell systemd (Type=notify) the daemon is ready or stopping. */
#ifndef HOTLINE_SDNOTIFY_H
#define HOTLINE_SDNOTIFY_H

/*
 * Sends one state line ("READY=1", "STOPPING=1") to $NOTIFY_SOCKET, the
 * datagram socket systemd passes to a Type=notify service. Without the
 * variable it does nothing and returns 0; -1 when the send fails.
 */
int	sdnotify(const char *state);

#endif
