package dev.spool.ipfs;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A multipart/form-data body of small text fields and one file part, streamed: only the part headers are held in
 * memory, the file is read from its stream as the body is sent.
 */
final class MultipartBody {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String boundary;
    private final StringBuilder head = new StringBuilder();
    private final List<String> fields = new ArrayList<>();

    MultipartBody() {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        boundary = "spool-" + HexFormat.of().formatHex(random);
    }

    String contentType() {
        return "multipart/form-data; boundary=" + boundary;
    }

    /** A text field, sent after the file. */
    MultipartBody field(String name, String contentType, String value) {
        fields.add("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\nContent-Type: "
                + contentType + "\r\n\r\n" + value + "\r\n");
        return this;
    }

    /** The body with {@code file} as its file part {@code name}, and its exact length. */
    Body withFile(String name, String fileName, String contentType, InputStream file, long length) {
        head.setLength(0);
        head.append("--")
                .append(boundary)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(name)
                .append("\"; filename=\"")
                .append(fileName.replace("\"", ""))
                .append("\"\r\nContent-Type: ")
                .append(contentType)
                .append("\r\n\r\n");
        byte[] before = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] after = ("\r\n" + String.join("", fields) + "--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        InputStream stream = new SequenceInputStream(
                new ByteArrayInputStream(before), new SequenceInputStream(file, new ByteArrayInputStream(after)));
        return new Body(stream, before.length + length + after.length);
    }

    record Body(InputStream stream, long length) {}
}
