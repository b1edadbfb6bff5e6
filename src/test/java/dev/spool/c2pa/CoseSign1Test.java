package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * COSE_Sign1 as RFC 9052 lays it out: tag 18, then [protected header as a byte string, unprotected header map,
 * nil payload (detached), signature], the signature being ES256 over the Sig_structure.
 */
class CoseSign1Test {
    @TempDir
    Path dir;

    @Test
    void givenAClaim_whenSigned_thenTheStructureIsATaggedSign1WhoseSignatureVerifiesOverTheSigStructure()
            throws Exception {
        var identity = SigningIdentity.selfSigned(dir);
        byte[] claim = "a claim".getBytes(StandardCharsets.UTF_8);

        var read = ByteBuffer.wrap(CoseSign1.sign(claim, identity));

        assertThat(read.get()).as("tag 18").isEqualTo((byte) 0xd2);
        assertThat(read.get()).as("array of 4").isEqualTo((byte) 0x84);
        assertThat(read.get()).as("byte string, 2-byte length").isEqualTo((byte) 0x59);
        byte[] protectedHeader = new byte[read.getShort() & 0xffff];
        read.get(protectedHeader);
        var expectedHeader = new LinkedHashMap<Integer, Object>();
        expectedHeader.put(1, -7);
        expectedHeader.put(33, identity.chain().getFirst().getEncoded());
        assertThat(protectedHeader).isEqualTo(Cbor.encode(expectedHeader));
        assertThat(read.get()).as("empty unprotected map").isEqualTo((byte) 0xa0);
        assertThat(read.get()).as("detached payload").isEqualTo((byte) 0xf6);
        assertThat(read.get()).isEqualTo((byte) 0x58);
        assertThat(read.get()).as("r and s, 32 bytes each").isEqualTo((byte) 64);
        byte[] signature = Arrays.copyOfRange(read.array(), read.position(), read.position() + 64);
        assertThat(read.remaining()).isEqualTo(64);

        var verifier = Signature.getInstance("SHA256withECDSAinP1363Format");
        verifier.initVerify(identity.chain().getFirst().getPublicKey());
        verifier.update(Cbor.encode(List.of("Signature1", protectedHeader, new byte[0], claim)));
        assertThat(verifier.verify(signature)).isTrue();
    }
}
