package dev.spool.c2pa;

import dev.spool.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs an MP4 in place: a C2PA manifest store (claim, assertions, COSE signature) in a top-level {@code uuid} box
 * appended to the file. Appending leaves every existing box at its offset, so no chunk offset changes and the file
 * is read once, as a stream, to compute the BMFF hard binding.
 */
public final class Mp4Signer {
    private static final String ASSERTIONS = "c2pa.assertions";
    private static final String PURPOSE = "manifest";

    private final SigningIdentity identity;

    public Mp4Signer(SigningIdentity identity) {
        this.identity = identity;
    }

    public void sign(Path mp4, Provenance provenance) throws IOException {
        byte[] store = manifestStore(BmffHash.of(mp4), provenance);
        try (OutputStream out = Files.newOutputStream(mp4, StandardOpenOption.APPEND)) {
            out.write(uuidBoxHeader(store.length));
            out.write(store);
        }
    }

    /** The manifest store: one manifest holding the assertion store, the claim and its signature. */
    byte[] manifestStore(byte[] bmffHash, Provenance provenance) {
        var assertions = new LinkedHashMap<String, byte[]>();
        assertions.put(
                "c2pa.actions",
                Jumbf.superboxPayload(
                        Jumbf.CBOR, "c2pa.actions", List.of(Jumbf.cborBox(Cbor.encode(actions(provenance))))));
        assertions.put(
                "c2pa.ingredient",
                Jumbf.superboxPayload(
                        Jumbf.CBOR, "c2pa.ingredient", List.of(Jumbf.cborBox(Cbor.encode(ingredient(provenance))))));
        if (provenance.creator() != null) {
            assertions.put(
                    "stds.schema-org.CreativeWork",
                    Jumbf.superboxPayload(
                            Jumbf.JSON,
                            "stds.schema-org.CreativeWork",
                            List.of(Jumbf.jsonBox(creativeWork(provenance.creator())))));
        }
        assertions.put(
                BmffHash.LABEL,
                Jumbf.superboxPayload(
                        Jumbf.CBOR, BmffHash.LABEL, List.of(Jumbf.cborBox(Cbor.encode(BmffHash.assertion(bmffHash))))));

        var references = new ArrayList<Map<String, Object>>();
        var boxes = new ArrayList<byte[]>();
        assertions.forEach((label, payload) -> {
            references.add(hashedUri("self#jumbf=" + ASSERTIONS + "/" + label, sha256(payload)));
            boxes.add(Jumbf.box("jumb", payload));
        });
        byte[] claim = Cbor.encode(claim(provenance, references));
        byte[] signature = CoseSign1.sign(claim, identity);

        byte[] manifest = Jumbf.superbox(
                Jumbf.MANIFEST,
                "urn:uuid:" + UUID.randomUUID(),
                List.of(
                        Jumbf.superbox(Jumbf.ASSERTION_STORE, ASSERTIONS, boxes),
                        Jumbf.superbox(Jumbf.CLAIM, "c2pa.claim", List.of(Jumbf.cborBox(claim))),
                        Jumbf.superbox(Jumbf.SIGNATURE, "c2pa.signature", List.of(Jumbf.cborBox(signature)))));
        return Jumbf.superbox(Jumbf.MANIFEST_STORE, "c2pa", List.of(manifest));
    }

    private static Map<String, Object> actions(Provenance provenance) {
        var action = new LinkedHashMap<String, Object>();
        action.put("action", "c2pa.transcoded");
        action.put("softwareAgent", agent(provenance));
        return Map.of("actions", List.of(action));
    }

    private static Map<String, Object> ingredient(Provenance provenance) {
        var ingredient = new LinkedHashMap<String, Object>();
        ingredient.put("dc:title", provenance.sourceTitle());
        ingredient.put("dc:format", provenance.sourceFormat());
        ingredient.put("instanceID", "sha256:" + HexFormat.of().formatHex(provenance.sourceSha256()));
        ingredient.put("relationship", "parentOf");
        return ingredient;
    }

    private static byte[] creativeWork(String creator) {
        var work = new LinkedHashMap<String, Object>();
        work.put("@context", "https://schema.org");
        work.put("@type", "CreativeWork");
        work.put("author", List.of(Map.of("@type", "Person", "name", creator)));
        return Json.write(work).getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> claim(Provenance provenance, List<Map<String, Object>> references) {
        var claim = new LinkedHashMap<String, Object>();
        claim.put("claim_generator", agent(provenance).replace(' ', '/'));
        claim.put("signature", "self#jumbf=c2pa.signature");
        claim.put("assertions", references);
        claim.put("dc:format", "video/mp4");
        claim.put("instanceID", "xmp:iid:" + UUID.randomUUID());
        claim.put("alg", "sha256");
        return claim;
    }

    private static String agent(Provenance provenance) {
        return "Spool " + provenance.spoolVersion();
    }

    private static Map<String, Object> hashedUri(String url, byte[] hash) {
        var uri = new LinkedHashMap<String, Object>();
        uri.put("url", url);
        uri.put("hash", hash);
        return uri;
    }

    /** A top-level {@code uuid} box header: size, C2PA extended type, version and flags, purpose, no Merkle data. */
    private static byte[] uuidBoxHeader(int storeLength) {
        byte[] purpose = PURPOSE.getBytes(StandardCharsets.US_ASCII);
        int headerLength = 8 + 16 + 4 + purpose.length + 1 + 8;
        return ByteBuffer.allocate(headerLength)
                .putInt(headerLength + storeLength)
                .put("uuid".getBytes(StandardCharsets.US_ASCII))
                .put(BmffHash.C2PA_UUID)
                .putInt(0)
                .put(purpose)
                .put((byte) 0)
                .putLong(0)
                .array();
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
