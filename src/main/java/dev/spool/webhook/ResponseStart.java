package dev.spool.webhook;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads the first characters of a response body and stops there, cancelling the rest: a receiver that answers with
 * an endless or trickling body cannot hold a delivery.
 */
final class ResponseStart implements HttpResponse.BodySubscriber<String> {
    private final int chars;
    private final ByteArrayOutputStream bytes;
    private final CompletableFuture<String> text = new CompletableFuture<>();
    private Flow.Subscription subscription;

    ResponseStart(int chars) {
        // A character takes at most four bytes in UTF-8, so this many bytes always hold that many characters.
        this.chars = chars;
        this.bytes = new ByteArrayOutputStream(Math.min(chars * 4, 4096));
    }

    @Override
    public CompletionStage<String> getBody() {
        return text;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        for (var buffer : buffers) {
            int take = Math.min(buffer.remaining(), chars * 4 - bytes.size());
            byte[] chunk = new byte[take];
            buffer.get(chunk);
            bytes.writeBytes(chunk);
        }
        if (bytes.size() >= chars * 4) {
            subscription.cancel();
            finish();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable error) {
        text.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
        finish();
    }

    private void finish() {
        String all = bytes.toString(StandardCharsets.UTF_8);
        text.complete(all.length() <= chars ? all : all.substring(0, chars));
    }
}
