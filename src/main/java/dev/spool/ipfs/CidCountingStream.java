package dev.spool.ipfs;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Passes a file's bytes through while computing their CID, so a file is read once to be both sent and named. */
final class CidCountingStream extends FilterInputStream {
    private final UnixFsCid cid = new UnixFsCid();
    private long count;

    CidCountingStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            cid.write(b);
            count++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            cid.write(b, off, n);
            count += n;
        }
        return n;
    }

    @Override
    public long skip(long n) {
        return 0;
    }

    long count() {
        return count;
    }

    String cid() {
        return cid.cid();
    }
}
