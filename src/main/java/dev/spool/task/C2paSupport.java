package dev.spool.task;

import dev.spool.error.SpoolException;

/**
 * Which outputs Spool can sign with a C2PA manifest: static MP4s. An upload's HLS segments cannot carry one, so a
 * signed upload always gets signed MP4 siblings; a transcode asking for provenance on HLS or fMP4 outputs is
 * refused at creation, as silently writing unsigned files would mislead whoever relies on the signature.
 */
final class C2paSupport {
    private C2paSupport() {}

    static void refuseUnsigned(TaskParams params) {
        var transcode = params.transcodeFile();
        if (transcode == null || !Boolean.TRUE.equals(transcode.c2pa())) {
            return;
        }
        var outputs = transcode.outputs();
        if (outputs == null || outputs.hls() != null || outputs.fmp4() != null || outputs.mp4() == null) {
            throw new SpoolException(
                    SpoolException.Kind.INVALID,
                    "c2pa_unsupported",
                    "c2pa: Spool signs only "
                            + "static MP4 outputs; HLS (MPEG-TS segments) and fMP4 outputs cannot be signed: ask for "
                            + "outputs.mp4 alone, or set c2pa to false");
        }
    }
}
