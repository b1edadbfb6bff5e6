package dev.spool.cli;

import java.util.LinkedHashMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code spool import URL}: Spool fetches the video itself; {@code --watch} follows its task to the end. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = "Create an asset from a video at a URL (Spool downloads it).")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    Remote remote;

    @Parameters(index = "0", paramLabel = "URL", description = "http(s), ipfs:// or ar:// URL of the video")
    String url;

    @Option(names = "--name", description = "The asset's name (default: the URL's last part)")
    String name;

    @Option(names = "--watch", description = "Follow the import with a progress bar until it ends")
    boolean watch;

    @Override
    public Integer call() throws Exception {
        return remote.run(() -> {
            var client = remote.client();
            var body = new LinkedHashMap<String, Object>();
            body.put("url", url);
            body.put("name", name == null ? lastPart(url) : name);
            var created = client.post("/api/asset/upload/url", body);
            String taskId = created.path("task").path("id").asText();
            remote.print(created, (out, answer) -> {
                out.println("asset " + answer.path("asset").path("id").asText());
                out.println("task  " + taskId);
            });
            return watch ? remote.outcome(remote.follow(client, taskId)) : 0;
        });
    }

    private static String lastPart(String url) {
        String path = url.replaceAll("[?#].*$", "").replaceAll("/+$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        return last.isEmpty() ? url : last;
    }
}
