/*
 * walbuf.h: an SQLite VFS shim that writes the WAL frames of a commit in
 * one system call instead of two per frame (walbuf.c says why it is safe).
 */
#ifndef HOTLINE_WALBUF_H
#define HOTLINE_WALBUF_H

#define WALBUF_VFS	"hotline-walbuf"

/* Register the VFS (once; later calls do nothing): SQLITE_OK or an error. */
int	walbuf_register(void);

#endif
