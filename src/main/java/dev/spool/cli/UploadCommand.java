package dev.spool.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code spool upload FILE}: a resumable (tus) upload with a progress bar, then the asset's processing, ending with
 * its id and playback URL. Interrupted (Ctrl-C, a lost connection), the same command resumes where the server
 * says the upload stands.
 */
@Command(
        name = "upload",
        mixinStandardHelpOptions = true,
        description = "Upload a video file to a running Spool (resumable), and wait until its asset is ready.")
final class UploadCommand implements Callable<Integer> {
    private static final int BLOCK = 1 << 20;

    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "FILE", description = "The video file")
    Path file;

    @Option(names = "--name", description = "The asset's name (default: the file name)")
    String name;

    @Option(
            names = "--chunk-size",
            defaultValue = "67108864",
            paramLabel = "BYTES",
            description = "Bytes sent per request; progress is saved after each (default ${DEFAULT-VALUE})")
    long chunkSize;

    @Option(
            names = "--limit-rate",
            defaultValue = "0",
            paramLabel = "BYTES_PER_SECOND",
            description = "Send at most this many bytes per second (default: no limit)")
    long limitRate;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
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
        String key = UploadStates.key(
                client.baseUrl(), file, size, Files.getLastModifiedTime(file).toMillis());
        var state = resume(client, states, key, size).orElseGet(() -> start(client, states, key, size));

        var bar = new ProgressBar(remote.err(), "upload", size, state.offset());
        try (var channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long offset = state.offset();
            while (offset < size) {
                long length = Math.min(chunkSize, size - offset);
                offset = client.tusPatch(state.uploadUrl(), offset, length, chunk(channel, offset, length, bar));
                state = new UploadStates.State(state.uploadUrl(), state.assetId(), state.taskId(), offset);
                states.save(key, state);
                bar.bytes(offset);
            }
        }
        bar.done();
        states.delete(key);

        int outcome = remote.outcome(remote.follow(client, state.taskId()));
        if (outcome != 0) {
            return outcome;
        }
        remote.print(client.get("/api/asset/" + state.assetId()), (out, asset) -> {
            out.println("asset    " + asset.path("id").asText());
            out.println("playback " + asset.path("playbackUrl").asText(""));
        });
        return 0;
    }

    private java.util.Optional<UploadStates.State> resume(
            SpoolClient client, UploadStates states, String key, long size) {
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
        remote.err()
                .printf(
                        "resuming the upload of %s at %d of %d bytes (asset %s)%n",
                        file, offset.getAsLong(), size, saved.get().assetId());
        var state = new UploadStates.State(
                saved.get().uploadUrl(), saved.get().assetId(), saved.get().taskId(), offset.getAsLong());
        states.save(key, state);
        return java.util.Optional.of(state);
    }

    private UploadStates.State start(SpoolClient client, UploadStates states, String key, long size) {
        String assetName = name == null ? file.getFileName().toString() : name;
        var requested = client.post("/api/asset/request-upload", Map.of("name", assetName));
        String uploadUrl = client.createTusUpload(
                requested.path("tusEndpoint").asText(), size, file.getFileName().toString());
        var state = new UploadStates.State(
                uploadUrl,
                requested.path("asset").path("id").asText(),
                requested.path("task").path("id").asText(),
                0);
        states.save(key, state);
        remote.err().println("asset " + state.assetId() + ": uploading " + file + " (" + size + " bytes)");
        return state;
    }

    /**
     * The file's bytes from {@code offset}, {@code length} of them, read as they are sent in blocks of at most
     * {@link #BLOCK} bytes, paced by --limit-rate, moving the bar.
     */
    private Iterable<byte[]> chunk(FileChannel channel, long offset, long length, ProgressBar bar) {
        return () -> new Iterator<>() {
            private final long began = System.nanoTime();
            private long sent;

            @Override
            public boolean hasNext() {
                return sent < length;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                var block = ByteBuffer.allocate((int) Math.min(BLOCK, length - sent));
                try {
                    while (block.hasRemaining()) {
                        if (channel.read(block, offset + sent + block.position()) < 0) {
                            throw new IOException(file + " became shorter while it was uploaded");
                        }
                    }
                    sent += block.capacity();
                    pace(began, sent);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                bar.bytes(offset + sent);
                return block.array();
            }
        };
    }

    private void pace(long began, long sent) throws InterruptedIOException {
        if (limitRate <= 0) {
            return;
        }
        long wait = began + sent * 1_000_000_000L / limitRate - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("upload interrupted");
            }
        }
    }
}
