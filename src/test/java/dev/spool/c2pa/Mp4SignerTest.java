package dev.spool.c2pa;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spool.media.SampleMedia;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A signed MP4 as the C2PA reference implementation reads it. */
class Mp4SignerTest {
    @TempDir
    static Path dir;

    static Path source;
    static Mp4Signer signer;

    @BeforeAll
    static void signer() throws IOException {
        source = SampleMedia.mp4(dir, "source.mp4", 2, "320x240");
        signer = new Mp4Signer(SigningIdentity.selfSigned(dir));
    }

    private static Path signedCopy(String name, String creator) throws Exception {
        Path out = Files.copy(source, dir.resolve(name));
        byte[] sourceHash = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source));
        signer.sign(out, new Provenance("1.0-test", "source.mp4", "video/mp4", sourceHash, creator));
        return out;
    }

    @Test
    void givenASignedMp4_whenTheReferenceReaderReadsIt_thenItFindsTheActionsTheIngredientAndNoFailureButTrust()
            throws Exception {
        JsonNode store = ReferenceReader.read(signedCopy("signed.mp4", "creator-1"), "video/mp4");

        var manifest =
                store.path("manifests").path(store.path("active_manifest").asText());
        assertThat(manifest.path("claim_generator").asText()).isEqualTo("Spool/1.0-test");
        var action = assertion(manifest, "c2pa.actions").path("actions").path(0);
        assertThat(action.path("action").asText()).isEqualTo("c2pa.transcoded");
        assertThat(action.path("softwareAgent").asText()).isEqualTo("Spool 1.0-test");
        var ingredient = manifest.path("ingredients").path(0);
        assertThat(ingredient.path("relationship").asText()).isEqualTo("parentOf");
        assertThat(ingredient.path("title").asText()).isEqualTo("source.mp4");
        assertThat(ingredient.path("instance_id").asText()).isEqualTo("sha256:" + sourceHex());
        assertThat(assertion(manifest, "stds.schema-org.CreativeWork")
                        .path("author")
                        .path(0)
                        .path("name")
                        .asText())
                .isEqualTo("creator-1");
        assertThat(manifest.path("signature_info").path("alg").asText()).isEqualTo("Es256");
        var results = store.path("validation_results").path("activeManifest");
        assertThat(codes(results.path("failure"))).containsExactly("signingCredential.untrusted");
        assertThat(codes(results.path("success"))).contains("claimSignature.validated", "assertion.bmffHash.match");
        assertThat(store.path("validation_state").asText()).isEqualTo("Valid");
    }

    private static JsonNode assertion(JsonNode manifest, String labelPrefix) {
        for (var assertion : manifest.path("assertions")) {
            if (assertion.path("label").asText().startsWith(labelPrefix)) {
                return assertion.path("data");
            }
        }
        throw new AssertionError("no assertion " + labelPrefix + " in " + manifest);
    }

    private static List<String> codes(JsonNode statuses) {
        var codes = new ArrayList<String>();
        statuses.forEach(status -> codes.add(status.path("code").asText()));
        return codes;
    }

    private static String sourceHex() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(source)));
    }

    @Test
    void givenASignedMp4_whenOneByteOfTheMediaDataChanges_thenTheHardBindingNoLongerMatches() throws Exception {
        Path signed = signedCopy("tampered.mp4", null);
        try (var file = new RandomAccessFile(signed.toFile(), "rw")) {
            long at = mediaDataMiddle(signed);
            file.seek(at);
            int b = file.read();
            file.seek(at);
            file.write(b ^ 0xff);
        }

        JsonNode store = ReferenceReader.read(signed, "video/mp4");

        assertThat(codes(store.path("validation_results").path("activeManifest").path("failure")))
                .contains("assertion.bmffHash.mismatch");
    }

    /** The middle of the {@code mdat} box: a byte of the media itself, not of the metadata. */
    private static long mediaDataMiddle(Path mp4) throws IOException {
        try (var file = new RandomAccessFile(mp4.toFile(), "r")) {
            long offset = 0;
            while (offset < file.length()) {
                file.seek(offset);
                long size = file.readInt() & 0xffffffffL;
                byte[] type = new byte[4];
                file.readFully(type);
                if (new String(type, java.nio.charset.StandardCharsets.US_ASCII).equals("mdat")) {
                    return offset + size / 2;
                }
                offset += size;
            }
        }
        throw new AssertionError("no mdat box in " + mp4);
    }
}
