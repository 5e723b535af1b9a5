package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * {@code [hosts.<name>]}: a machine that runs model servers.
 *
 * @param address     IP address (preferred) or DNS name
 * @param ssh         how to reach it for telemetry and container control; absent = no SSH
 * @param gpu         what {@code nvidia-smi} will show: unified memory (GB10), a discrete card, or none
 * @param modelsDirs  directories whose free space matters (Ollama's models, the Hugging Face cache)
 */
public record Host(String name, String address, Optional<SshSettings> ssh, GpuKind gpu, List<Path> modelsDirs) {

    /** The GPU hint: on {@code GB10} memory comes from /proc/meminfo, because nvidia-smi reports it as [N/A]. */
    public enum GpuKind { GB10, DISCRETE, NONE }

    /** {@code ssh = { user, port, key_file, known_hosts }}; host keys are always verified against {@code knownHosts}. */
    public record SshSettings(String user, int port, Path keyFile, Path knownHosts) {
    }
}
