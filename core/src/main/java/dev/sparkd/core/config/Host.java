package dev.sparkd.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code [hosts.<name>]}: a machine that runs model servers.
 *
 * @param address     IP address (preferred) or DNS name
 * @param ssh         how to reach it for telemetry and container control; absent = no SSH
 * @param gpu         what {@code nvidia-smi} will show: unified memory (GB10), a discrete card, or none
 * @param modelsDirs  directories whose free space matters (Ollama's models, the Hugging Face cache)
 * @param hfCache     the Hugging Face cache on the host ({@code hf_cache}), mounted into every vLLM container the
 *                    model-manager starts; default {@code ~/.cache/huggingface} of the SSH user, as the DGX Spark
 *                    playbooks mount it
 */
public record Host(String name, String address, Optional<SshSettings> ssh, GpuKind gpu, List<Path> modelsDirs, String hfCache) {

    /** Absolute paths of letters, digits and {@code . _ / -}: the only cache paths that reach a remote command. */
    public static final Pattern HF_CACHE = Pattern.compile("/[A-Za-z0-9._/-]{0,255}");

    /** A host with the default cache of its SSH user. */
    public Host(String name, String address, Optional<SshSettings> ssh, GpuKind gpu, List<Path> modelsDirs) {
        this(name, address, ssh, gpu, modelsDirs, defaultHfCache(ssh));
    }

    /** {@code ~/.cache/huggingface} of the SSH user: {@code /root/…} for root, else {@code /home/<user>/…}. */
    public static String defaultHfCache(Optional<SshSettings> ssh) {
        String user = ssh.map(SshSettings::user).orElse("root");
        return (user.equals("root") ? "/root" : "/home/" + user) + "/.cache/huggingface";
    }

    /** The GPU hint: on {@code GB10} memory comes from /proc/meminfo, because nvidia-smi reports it as [N/A]. */
    public enum GpuKind { GB10, DISCRETE, NONE }

    /** {@code ssh = { user, port, key_file, known_hosts }}; host keys are always verified against {@code knownHosts}. */
    public record SshSettings(String user, int port, Path keyFile, Path knownHosts) {
    }
}
