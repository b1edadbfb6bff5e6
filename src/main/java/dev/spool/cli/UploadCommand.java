package dev.spool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code spool upload FILE}: a resumable (tus) upload with a progress bar, then the asset's processing, ending with
 * its id and playback URL. Interrupted (Ctrl-C, a lost connection), the same command resumes where the server
 * says the upload stands.
 */
@Command(name = "upload", mixinStandardHelpOptions = true,
        description = "Upload a video file to a running Spool (resumable), and wait until its asset is ready.")
final class UploadCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "FILE", description = "The video file")
    Path file;

    @Option(names = "--name", description = "The asset's name (default: the file name)")
    String name;

    @Option(names = "--chunk-size", defaultValue = "8388608", paramLabel = "BYTES",
            description = "Bytes sent per request; progress is saved after each (default ${DEFAULT-VALUE})")
    long chunkSize;

    @Option(names = "--limit-rate", defaultValue = "0", paramLabel = "BYTES_PER_SECOND",
            description = "Send at most this many bytes per second (default: no limit)")
    long limitRate;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where interrupted uploads are remembered (default: $XDG_CACHE_HOME/spool/uploads)")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        return remote.run(this::upload);
    }

    private int upload() throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new CliException("cannot read " + file, 2);
        }
        if (chunkSize < 1 || limitRate < 0) {
            throw new CliException("--chunk-size must be at least 1 and --limit-rate not negative", 2);
        }
        var client = remote.client();
        long size = Files.size(file);
        var states = new UploadStates(stateDir == null ? UploadStates.defaultDir() : stateDir);
        String key = UploadStates.key(client.baseUrl(), file, size, Files.getLastModifiedTime(file).toMillis());
        var state = resume(client, states, key, size).orElseGet(() -> start(client, states, key, size));

        var bar = new ProgressBar(remote.err(), "upload", size, state.offset());
        long offset = state.offset();
        while (offset < size) {
            long length = Math.min(chunkSize, size - offset);
            long from = offset;
            offset = client.tusPatch(state.uploadUrl(), from, length, () -> chunk(from, length, bar));
            state = new UploadStates.State(state.uploadUrl(), state.assetId(), state.taskId(), offset);
            states.save(key, state);
            bar.bytes(offset);
        }
        bar.done();
        states.delete(key);

        var task = TaskWatcher.follow(client, state.taskId(), remote.err());
        if (!TaskWatcher.report(task, remote.err())) {
            return 1;
        }
        JsonNode asset = client.get("/api/asset/" + state.assetId());
        if (remote.json) {
            remote.out().println(asset);
        } else {
            remote.out().println("asset    " + asset.path("id").asText());
            remote.out().println("playback " + asset.path("playbackUrl").asText(""));
        }
        return 0;
    }

    private java.util.Optional<UploadStates.State> resume(SpoolClient client, UploadStates states, String key,
                                                          long size) {
        var saved = states.load(key);
        if (saved.isEmpty()) {
            return saved;
        }
        var offset = client.tusOffset(saved.get().uploadUrl());
        if (offset.isEmpty()) {
            remote.err().println("the earlier upload of " + file + " is gone from the server; starting over");
            states.delete(key);
            return java.util.Optional.empty();
        }
        remote.err().printf("resuming the upload of %s at %d of %d bytes (asset %s)%n", file, offset.getAsLong(),
                size, saved.get().assetId());
        var state = new UploadStates.State(saved.get().uploadUrl(), saved.get().assetId(), saved.get().taskId(),
                offset.getAsLong());
        states.save(key, state);
        return java.util.Optional.of(state);
    }

    private UploadStates.State start(SpoolClient client, UploadStates states, String key, long size) {
        String assetName = name == null ? file.getFileName().toString() : name;
        var requested = client.post("/api/asset/request-upload", Map.of("name", assetName));
        String uploadUrl = client.createTusUpload(requested.path("tusEndpoint").asText(), size,
                file.getFileName().toString());
        var state = new UploadStates.State(uploadUrl, requested.path("asset").path("id").asText(),
                requested.path("task").path("id").asText(), 0);
        states.save(key, state);
        remote.err().println("asset " + state.assetId() + ": uploading " + file + " (" + size + " bytes)");
        return state;
    }

    /** The file's bytes from {@code offset}, {@code length} of them, paced by --limit-rate, moving the bar. */
    private InputStream chunk(long offset, long length, ProgressBar bar) {
        try {
            var in = Files.newInputStream(file);
            in.skipNBytes(offset);
            return new Paced(in, offset, length, bar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class Paced extends FilterInputStream {
        private final long start;
        private final long length;
        private final ProgressBar bar;
        private final long began = System.nanoTime();
        private long read;

        Paced(InputStream in, long start, long length, ProgressBar bar) {
            super(in);
            this.start = start;
            this.length = length;
            this.bar = bar;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (read >= length) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(Math.min(len, 64 * 1024), length - read));
            if (n > 0) {
                read += n;
                pace();
                bar.bytes(start + read);
            }
            return n;
        }

        private void pace() throws IOException {
            if (limitRate <= 0) {
                return;
            }
            long due = began + read * 1_000_000_000L / limitRate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("upload interrupted");
                }
            }
        }
    }
}
