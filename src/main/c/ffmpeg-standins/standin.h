/*
 * Shared body of every stand-in function. The bundled ffmpeg links libavdevice (and libavutil its
 * udev support) against system libraries for capture devices and hardware discovery; Spool never
 * uses either, so these libraries only have to satisfy the loader. Should anything call into one,
 * it stops loudly instead of misbehaving quietly.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void standin_abort(const char *library, const char *symbol) {
    static const char prefix[] = "Spool's ffmpeg was asked to use a capture device; not supported (called ";
    if (write(STDERR_FILENO, prefix, sizeof prefix - 1) < 0
            || write(STDERR_FILENO, symbol, strlen(symbol)) < 0
            || write(STDERR_FILENO, " in Spool's stand-in ", 21) < 0
            || write(STDERR_FILENO, library, strlen(library)) < 0
            || write(STDERR_FILENO, ")\n", 2) < 0) {
        /* nothing left to tell: abort anyway */
    }
    abort();
}

#define STANDIN(name) void name(void) { standin_abort(STANDIN_LIBRARY, #name); }
