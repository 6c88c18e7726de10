/*
 * walbuf.c: an SQLite VFS shim that writes the WAL frames of a commit in
 * one system call. SQLite writes each frame as two pwrite(2) calls, its
 * 24-byte header and then the page: with a dozen pages in a group commit,
 * two dozen calls on the loop thread for every commit. The shim gathers
 * consecutive writes to the WAL file and writes them out as soon as the
 * commit frame (the one whose header carries the database size) is
 * complete: before SQLite publishes the commit to readers in the shared
 * wal-index, and within the write call, so a failure fails that commit.
 * Any other operation on the WAL file (read, sync, truncate, size...)
 * writes out what is gathered first. Other files pass straight through.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "walbuf.h"
#include "xmalloc.h"

#define WALBUF_FRAME_HDR	24		/* a WAL frame's header */
/* The unix VFS writes at most 0x1ffff bytes a call (it masks the length:
 * a longer write would come back short and read as a full disk). */
#define WALBUF_CAP		(120 * 1024)

struct walbuf_file {
	sqlite3_file	 base;
	sqlite3_file	*real;		/* follows this struct */
	int		 wal;
	unsigned char	*buf;
	size_t		 len;
	sqlite3_int64	 start;		/* file offset of buf[0] */
	int		 commit_next;	/* the next write ends a commit frame */
	int		 err;		/* a failed write, for the transaction */
	sqlite3_int64	 failed_at;	/* where the failed write began */
};

static sqlite3_vfs	*walbuf_parent;

/*
 * Write what was gathered. A failure fails the operation that asked for
 * it, and every later write or sync of the transaction (f->err): frames
 * after a gap must not reach the file. Other operations go on (SQLite
 * needs them to roll back).
 */
static int
walbuf_flush(struct walbuf_file *f)
{
	int	rc;

	if (f->len == 0)
		return (SQLITE_OK);
	rc = f->real->pMethods->xWrite(f->real, f->buf, (int)f->len, f->start);
	f->len = 0;
	if (rc != SQLITE_OK) {
		f->err = rc;
		f->failed_at = f->start;
	}
	return (rc);
}

static int
walbuf_close(sqlite3_file *p)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc, frc = walbuf_flush(f);

	rc = f->real->pMethods->xClose(f->real);
	free(f->buf);
	return (frc != SQLITE_OK ? frc : rc);
}

static int
walbuf_read(sqlite3_file *p, void *out, int amt, sqlite3_int64 off)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xRead(f->real, out, amt, off));
}

/* A frame header whose "database size after commit" is not 0. */
static int
walbuf_commit_header(const void *in, int amt)
{
	const unsigned char	*h = in;

	return (amt == WALBUF_FRAME_HDR && (h[4] | h[5] | h[6] | h[7]) != 0);
}

static int
walbuf_write(sqlite3_file *p, const void *in, int amt, sqlite3_int64 off)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc, ends;

	if (!f->wal)
		return (f->real->pMethods->xWrite(f->real, in, amt, off));
	/* A transaction writes the WAL forward from where the last commit
	 * ended: a write at or before the failed one starts the next, once
	 * SQLite has rolled the failed one back. */
	if (f->err != SQLITE_OK && off <= f->failed_at)
		f->err = SQLITE_OK;
	if (f->err != SQLITE_OK)
		return (f->err);
	if (f->len > 0 && (off != f->start + (sqlite3_int64)f->len ||
	    f->len + (size_t)amt > WALBUF_CAP) &&
	    (rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	ends = f->commit_next;
	f->commit_next = walbuf_commit_header(in, amt);
	if ((size_t)amt > WALBUF_CAP)
		return (f->real->pMethods->xWrite(f->real, in, amt, off));
	if (f->len == 0)
		f->start = off;
	memcpy(f->buf + f->len, in, (size_t)amt);
	f->len += (size_t)amt;
	return (ends ? walbuf_flush(f) : SQLITE_OK);
}

static int
walbuf_truncate(sqlite3_file *p, sqlite3_int64 size)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xTruncate(f->real, size));
}

static int
walbuf_sync(sqlite3_file *p, int flags)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if (f->err != SQLITE_OK)
		return (f->err);
	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xSync(f->real, flags));
}

static int
walbuf_file_size(sqlite3_file *p, sqlite3_int64 *size)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xFileSize(f->real, size));
}

static int
walbuf_lock(sqlite3_file *p, int level)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xLock(f->real, level));
}

static int
walbuf_unlock(sqlite3_file *p, int level)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xUnlock(f->real, level));
}

static int
walbuf_check_reserved(sqlite3_file *p, int *out)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	return (f->real->pMethods->xCheckReservedLock(f->real, out));
}

static int
walbuf_file_control(sqlite3_file *p, int op, void *arg)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xFileControl(f->real, op, arg));
}

static int
walbuf_sector_size(sqlite3_file *p)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	return (f->real->pMethods->xSectorSize(f->real));
}

static int
walbuf_device(sqlite3_file *p)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	return (f->real->pMethods->xDeviceCharacteristics(f->real));
}

static int
walbuf_shm_map(sqlite3_file *p, int region, int size, int extend,
    void volatile **pp)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xShmMap(f->real, region, size, extend, pp));
}

static int
walbuf_shm_lock(sqlite3_file *p, int offset, int n, int flags)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	return (f->real->pMethods->xShmLock(f->real, offset, n, flags));
}

/* Returns nothing: a failed write stays in f->err for what follows. (SQLite
 * calls the shared-memory methods on the database file, not the WAL.) */
static void
walbuf_shm_barrier(sqlite3_file *p)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	walbuf_flush(f);
	f->real->pMethods->xShmBarrier(f->real);
}

static int
walbuf_shm_unmap(sqlite3_file *p, int delete)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	walbuf_flush(f);
	return (f->real->pMethods->xShmUnmap(f->real, delete));
}

static int
walbuf_fetch(sqlite3_file *p, sqlite3_int64 off, int amt, void **pp)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	*pp = NULL;
	if ((rc = walbuf_flush(f)) != SQLITE_OK)
		return (rc);
	if (f->real->pMethods->iVersion < 3)
		return (SQLITE_OK);
	return (f->real->pMethods->xFetch(f->real, off, amt, pp));
}

static int
walbuf_unfetch(sqlite3_file *p, sqlite3_int64 off, void *ptr)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;

	if (f->real->pMethods->iVersion < 3)
		return (SQLITE_OK);
	return (f->real->pMethods->xUnfetch(f->real, off, ptr));
}

static const sqlite3_io_methods walbuf_methods = {
	3,
	walbuf_close,
	walbuf_read,
	walbuf_write,
	walbuf_truncate,
	walbuf_sync,
	walbuf_file_size,
	walbuf_lock,
	walbuf_unlock,
	walbuf_check_reserved,
	walbuf_file_control,
	walbuf_sector_size,
	walbuf_device,
	walbuf_shm_map,
	walbuf_shm_lock,
	walbuf_shm_barrier,
	walbuf_shm_unmap,
	walbuf_fetch,
	walbuf_unfetch
};

static int
walbuf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *p,
    int flags, int *outflags)
{
	struct walbuf_file	*f = (struct walbuf_file *)p;
	int			 rc;

	memset(f, 0, sizeof *f);
	f->real = (sqlite3_file *)(f + 1);
	if ((flags & SQLITE_OPEN_WAL) != 0)
		f->buf = xmalloc(WALBUF_CAP);
	rc = walbuf_parent->xOpen(walbuf_parent, name, f->real, flags,
	    outflags);
	if (rc != SQLITE_OK || f->real->pMethods == NULL) {
		free(f->buf);
		f->buf = NULL;
		return (rc);
	}
	f->wal = (flags & SQLITE_OPEN_WAL) != 0;
	f->base.pMethods = &walbuf_methods;
	return (SQLITE_OK);
}

static int
walbuf_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	return (walbuf_parent->xDelete(walbuf_parent, name, sync));
}

static int
walbuf_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return (walbuf_parent->xAccess(walbuf_parent, name, flags, out));
}

static int
walbuf_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return (walbuf_parent->xFullPathname(walbuf_parent, name, n, out));
}

static void *
walbuf_dlopen(sqlite3_vfs *vfs, const char *name)
{
	return (walbuf_parent->xDlOpen(walbuf_parent, name));
}

static void
walbuf_dlerror(sqlite3_vfs *vfs, int n, char *out)
{
	walbuf_parent->xDlError(walbuf_parent, n, out);
}

static void
(*walbuf_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	return (walbuf_parent->xDlSym(walbuf_parent, h, sym));
}

static void
walbuf_dlclose(sqlite3_vfs *vfs, void *h)
{
	walbuf_parent->xDlClose(walbuf_parent, h);
}

static int
walbuf_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return (walbuf_parent->xRandomness(walbuf_parent, n, out));
}

static int
walbuf_sleep(sqlite3_vfs *vfs, int usec)
{
	return (walbuf_parent->xSleep(walbuf_parent, usec));
}

static int
walbuf_current_time(sqlite3_vfs *vfs, double *out)
{
	return (walbuf_parent->xCurrentTime(walbuf_parent, out));
}

static int
walbuf_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return (walbuf_parent->xGetLastError(walbuf_parent, n, out));
}

static int
walbuf_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return (walbuf_parent->xCurrentTimeInt64(walbuf_parent, out));
}

static sqlite3_vfs walbuf_vfs = {
	2,
	0,			/* szOsFile, set at registration */
	0,			/* mxPathname, likewise */
	NULL,
	WALBUF_VFS,
	NULL,
	walbuf_open,
	walbuf_delete,
	walbuf_access,
	walbuf_full_pathname,
	walbuf_dlopen,
	walbuf_dlerror,
	walbuf_dlsym,
	walbuf_dlclose,
	walbuf_randomness,
	walbuf_sleep,
	walbuf_current_time,
	walbuf_last_error,
	walbuf_current_time64,
	NULL, NULL, NULL
};

int
walbuf_register(void)
{
	if (walbuf_parent != NULL)
		return (SQLITE_OK);
	if ((walbuf_parent = sqlite3_vfs_find(NULL)) == NULL)
		return (SQLITE_ERROR);
	walbuf_vfs.szOsFile = (int)sizeof(struct walbuf_file) +
	    walbuf_parent->szOsFile;
	walbuf_vfs.mxPathname = walbuf_parent->mxPathname;
	return (sqlite3_vfs_register(&walbuf_vfs, 0));
}
