package dev.sparkd.simulator.host;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated container: its state as {@code docker ps}/{@code inspect} show it and its log lines as
 * {@code docker logs} prints them. The backend that serves it (a simulated vLLM) updates it; thread-safe.
 */
public final class Container {
    public enum Status { CREATED, RUNNING, EXITED }

    private final String id;
    private final ContainerSpec spec;
    private final Instant created = Instant.now();
    private final List<String> logs = new ArrayList<>();
    private Status status = Status.CREATED;
    private int exitCode;
    private Instant startedAt;
    private Instant finishedAt;
    private Runnable onStop = () -> { };
    private boolean stoppedByUser;
    private int restartCount;

    public Container(String id, ContainerSpec spec) {
        this.id = id;
        this.spec = spec;
    }

    public String id() {
        return id;
    }

    public ContainerSpec spec() {
        return spec;
    }

    public Instant created() {
        return created;
    }

    public synchronized Status status() {
        return status;
    }

    public synchronized int exitCode() {
        return exitCode;
    }

    public synchronized Instant startedAt() {
        return startedAt;
    }

    public synchronized Instant finishedAt() {
        return finishedAt;
    }

    public synchronized void running() {
        status = Status.RUNNING;
        startedAt = Instant.now();
    }

    /** The container's process ended (crash, or {@code docker stop}). */
    public synchronized void exited(int code) {
        if (status == Status.EXITED) {
            return;
        }
        status = Status.EXITED;
        exitCode = code;
        finishedAt = Instant.now();
    }

    public synchronized void log(String line) {
        logs.add(line);
    }

    public synchronized List<String> logs() {
        return List.copyOf(logs);
    }

    /** What {@code docker stop} does besides marking the container exited: the backend stops serving. */
    public synchronized void onStop(Runnable onStop) {
        this.onStop = onStop;
    }

    /** {@code docker stop}: an {@code unless-stopped} policy then no longer restarts it. */
    public void stopByUser() {
        synchronized (this) {
            stoppedByUser = true;
        }
        stop();
    }

    public synchronized boolean stoppedByUser() {
        return stoppedByUser;
    }

    /** Docker starts it again (after a reboot, under its restart policy): running again, the count up by one. */
    public synchronized void restarting() {
        status = Status.CREATED;
        restartCount++;
        stoppedByUser = false;
    }

    public synchronized int restartCount() {
        return restartCount;
    }

    public void stop() {
        Runnable action;
        synchronized (this) {
            action = onStop;
        }
        action.run();
        exited(137);
    }
}
