package dev.spool.ipfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The vectors are what kubo's {@code ipfs add} prints for the same bytes with its defaults. */
class UnixFsCidTest {

    @Test
    void givenEmptyFile_thenKubosCid() {
        assertThat(UnixFsCid.of(new byte[0])).isEqualTo("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
    }

    @Test
    void givenHelloWorldLine_thenKubosCid() {
        assertThat(UnixFsCid.of("hello world\n".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
    }

    @Test
    void givenExactlyOneChunk_thenTheLeafIsTheRoot() throws IOException {
        assertThat(UnixFsCid.of(zeros(262_144))).isEqualTo("QmRk1rduJvo5DfEYAaLobS2za9tDszk35hzaNSDCJ74DA7");
    }

    @Test
    void givenFourChunksWithAShortLastOne_thenOneParentOverFourLeaves() throws IOException {
        assertThat(UnixFsCid.of(zeros(1_000_000))).isEqualTo("QmXXNNbwe4zzpdMg62ZXvnX1oU7MwSrQ3vAEtuwFKCm1oD");
    }

    @Test
    void givenFourFullChunksOfDistinctBytes_thenKubosCid() throws IOException {
        byte[] pattern = new byte[256];
        for (int i = 0; i < 256; i++) {
            pattern[i] = (byte) i;
        }
        UnixFsCid cid = new UnixFsCid();
        for (int i = 0; i < 4096; i++) {
            cid.write(pattern);
        }
        assertThat(cid.cid()).isEqualTo("QmNVwWg6N5yixbSukgRFyXez5HdRY52RhEbg823ejW3cHn");
    }

    @Test
    void givenMoreChunksThanOneNodeLinks_thenTwoLevelsLikeKubo() throws IOException {
        assertThat(UnixFsCid.of(zeros(50_000_000))).isEqualTo("Qmf2cbh2kFQHqL88bBZ5jHNokBhozmRCbxiLER6Anaicjn");
    }

    @Test
    void givenBytesWrittenOneByOneOrAtOnce_thenTheSameCid() throws IOException {
        byte[] bytes = new byte[300_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        UnixFsCid single = new UnixFsCid();
        for (byte b : bytes) {
            single.write(b);
        }
        assertThat(single.cid()).isEqualTo(UnixFsCid.of(new ByteArrayInputStream(bytes)));
    }

    /** {@code size} zero bytes, produced as they are read, never held at once. */
    private static InputStream zeros(long size) {
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? 0 : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                left -= n;
                return n;
            }
        };
    }
}
