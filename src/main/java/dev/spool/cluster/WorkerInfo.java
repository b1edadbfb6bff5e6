package dev.spool.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** A worker process as it registered itself: where it runs, since when, when it was last seen and what it claims. */
public record WorkerInfo(
        String id, String host, long pid, long startedAt, long lastSeen, List<String> taskTypes, String version) {

    /** This process, starting now as the worker {@code id} that claims {@code taskTypes}. */
    public static WorkerInfo thisProcess(String id, List<String> taskTypes, long now) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        String version = WorkerInfo.class.getPackage().getImplementationVersion();
        return new WorkerInfo(
                id,
                host,
                ProcessHandle.current().pid(),
                now,
                now,
                List.copyOf(taskTypes),
                version == null ? "unpackaged" : version);
    }
}
