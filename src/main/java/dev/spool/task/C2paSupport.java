package dev.spool.task;

import dev.spool.error.SpoolException;

/**
 * Which outputs Spool can sign with a C2PA manifest. A task asking for provenance on outputs Spool cannot sign is
 * refused at creation: silently writing unsigned files would mislead whoever relies on the signature.
 */
final class C2paSupport {
    private C2paSupport() {
    }

    static void refuseUnsigned(TaskParams params) {
        boolean requested = params.upload() != null && Boolean.TRUE.equals(params.upload().c2pa())
                || params.transcodeFile() != null && Boolean.TRUE.equals(params.transcodeFile().c2pa());
        if (requested) {
            throw new SpoolException(SpoolException.Kind.INVALID, "c2pa_unsupported", "c2pa: Spool does not sign "
                    + "any output kind with C2PA (not MP4 renditions, HLS segments or fMP4 segments); "
                    + "leave c2pa out or set it to false");
        }
    }
}
