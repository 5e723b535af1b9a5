package dev.sparkd.core.config;

/** What every daemon's section provides, so shared code can map it onto Quarkus (listen address and port). */
public interface DaemonSettings {
    Listen listen();
}
