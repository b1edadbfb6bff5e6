package dev.spool.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must deliver the length it announced: a connection that breaks, or ends before that many
 * bytes, fails with {@link Ended}, so the client's mistake is told apart from the object store's.
 */
final class AnnouncedBody extends FilterInputStream {
    private final long announced;
    private long read;

    AnnouncedBody(InputStream in, long announced) {
        super(in);
        this.announced = announced;
    }

    static final class Ended extends IOException {
        private final long read;
        private final long announced;

        Ended(long read, long announced, Throwable cause) {
            super("the body ended after " + read + " of " + announced + " bytes", cause);
            this.read = read;
            this.announced = announced;
        }

        String describe() {
            return "the upload ended after " + read
                    + (announced >= 0 ? " of the " + announced + " bytes announced" : " bytes")
                    + "; send the whole file again";
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        try {
            n = super.read(buffer, offset, length);
        } catch (IOException e) {
            throw new Ended(read, announced, e);
        }
        if (n < 0 && announced >= 0 && read < announced) {
            throw new Ended(read, announced, null);
        }
        if (n > 0) {
            read += n;
        }
        return n;
    }
}
