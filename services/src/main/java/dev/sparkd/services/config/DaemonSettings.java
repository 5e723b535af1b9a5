package dev.sparkd.services.config;

/** What every daemon's section provides, so shared code can map it onto Quarkus (listen address and port). */
public interface DaemonSettings {
    Listen listen();
}
