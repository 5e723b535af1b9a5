package dev.sparkd.simulator.control;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkd.core.config.ByteSizes;
import dev.sparkd.simulator.SimulatedCloud;
import dev.sparkd.simulator.SimulatedSpark;
import dev.sparkd.simulator.Simulator;
import dev.sparkd.simulator.cloud.CloudFault;
import dev.sparkd.simulator.cloud.CloudProvider;
import dev.sparkd.simulator.cloud.CloudRequest;
import dev.sparkd.simulator.config.OllamaModelSpec;
import dev.sparkd.simulator.config.SimConfigLoader;
import dev.sparkd.simulator.fault.Fault;
import dev.sparkd.simulator.fault.FaultType;
import dev.sparkd.simulator.http.Json;
import dev.sparkd.simulator.host.Container;
import dev.sparkd.simulator.http.SimulatedService;
import dev.sparkd.simulator.llamacpp.LlamaCppServer;
import dev.sparkd.simulator.ollama.LocalModel;
import dev.sparkd.simulator.ollama.Manifest;
import dev.sparkd.simulator.ollama.OllamaServer;
import dev.sparkd.simulator.ssh.CommandLog;
import dev.sparkd.simulator.ssh.SimSshServer;
import dev.sparkd.simulator.vllm.VllmServer;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every control operation, callable from Java tests and served over HTTP by {@link ControlServer} under
 * {@code /_sim}. Unknown names throw {@link NoSuchElementException}; bad arguments {@link IllegalArgumentException}.
 */
public final class SimControl {
    private final Simulator sim;

    public SimControl(Simulator sim) {
        this.sim = sim;
    }

    /** Activates a service fault, e.g. {@code Fault.of(FaultType.DOWN)}; replaces one of the same type. */
    /** Completes once the service's port matches its faults (a fault opens or closes it asynchronously). */
    public Future<Void> settled(String service) {
        return sim.service(service).reconcile();
    }

    public void setFault(String service, Fault fault) {
        sim.service(service).faults().set(fault);
    }

    public void clearFault(String service, FaultType type) {
        sim.service(service).faults().clear(type);
    }

    public void clearFaults(String service) {
        sim.service(service).faults().clearAll();
    }

    public void setHostFault(String host, Fault fault) {
        sim.spark(host).hostFaults().set(fault);
    }

    /** Clears one host fault, or all of them when {@code type} is null. */
    public void clearHostFault(String host, FaultType type) {
        if (type == null) {
            sim.spark(host).hostFaults().clearAll();
        } else {
            sim.spark(host).hostFaults().clear(type);
        }
    }

    /**
     * Publishes a model in an Ollama service's registry. For a name already there, moves the tag to new content
     * (next revision, so a new digest; optional new {@code size}); otherwise adds it ({@code size} required).
     * Accepted keys: name, size, family, parameter_size, quantization, context_length, embedding_only.
     *
     * @return the published model's registry digest (what /api/tags will show after a pull)
     */
    public String publishOllamaModel(String service, Map<String, ?> body) {
        OllamaServer ollama = ollama(service);
        Object nameValue = body.get("name");
        if (!(nameValue instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException("\"name\" is required, e.g. {\"name\":\"llama3.2:3b\"}");
        }
        Long size = body.containsKey("size") ? size(body.get("size")) : null;
        Optional<OllamaModelSpec> existing = ollama.registry().find(name);
        OllamaModelSpec spec;
        if (existing.isPresent()) {
            OllamaModelSpec e = existing.get();
            spec = new OllamaModelSpec(e.name(), size == null ? e.size() : size, str(body, "family", e.family()),
                    str(body, "parameter_size", e.parameterSize()), str(body, "quantization", e.quantization()),
                    num(body, "context_length", e.contextLength()), e.embeddingLength(),
                    bool(body, "embedding_only", e.embeddingOnly()), e.pace(), e.loadDelay(), e.revision() + 1);
        } else {
            if (size == null) {
                throw new IllegalArgumentException("\"size\" is required for a new model, e.g. \"4.7GB\"");
            }
            OllamaModelSpec template = sim.ollamaLibrary().values().iterator().next();
            spec = new OllamaModelSpec(SimConfigLoader.normalise(name), size, str(body, "family", "llama"),
                    str(body, "parameter_size", "8.0B"), str(body, "quantization", "Q4_K_M"),
                    num(body, "context_length", 8192), 4096, bool(body, "embedding_only", false), template.pace(),
                    template.loadDelay(), 1);
        }
        ollama.registry().publish(spec);
        return Manifest.of(spec).digest();
    }

    /** Requests one service received, or all services' requests (by time) when {@code service} is null. */
    public List<RequestRecord> requests(String service) {
        if (service != null) {
            return sim.service(service).requests().all();
        }
        List<RequestRecord> all = new ArrayList<>();
        sim.sparks().forEach(sp -> sp.services().forEach(s -> all.addAll(s.requests().all())));
        all.sort(Comparator.comparing(RequestRecord::time));
        return all;
    }

    /** Every command a host's SSH server ran, oldest first. */
    public List<CommandLog.Entry> commands(String host) {
        return ssh(host).commandLog().entries();
    }

    /**
     * Reboots a simulated host: its containers stop, and after {@code down} those whose restart policy says so start
     * again (see {@code SimulatedSpark#reboot}). Blocking; returns the names started again.
     */
    public List<String> reboot(String host, Duration down) throws InterruptedException {
        return sim.spark(host).reboot(down);
    }

    /** A host's Hugging Face cache: bytes per model id present (complete or partial). */
    public Map<String, Long> hfCache(String host) {
        return new TreeMap<>(sim.spark(host).hfCache().contents());
    }

    public void clearCommands(String host) {
        ssh(host).commandLog().clear();
    }

    /** Every request a simulated provider received (accepted or rejected), oldest first. */
    public List<CloudRequest> cloudRequests(String provider) {
        return sim.cloud(provider).server().requests();
    }

    public void clearCloudRequests(String provider) {
        sim.cloud(provider).server().clearRequests();
    }

    /** Switches a provider into {@code fault} (replacing the previous one; {@code NONE} is normal service). */
    public void setCloudFault(String provider, CloudFault fault) {
        sim.cloud(provider).server().setFault(fault);
    }

    /** Requests per minute a provider accepts before answering 429; 0 = unlimited. */
    public void setCloudRateLimit(String provider, int requestsPerMinute) {
        if (requestsPerMinute < 0) {
            throw new IllegalArgumentException("rpm must be 0 (unlimited) or more");
        }
        sim.cloud(provider).server().setRateLimit(requestsPerMinute);
    }

    /** Normal service again: no fault, no rate limit. */
    public void clearCloudFault(String provider) {
        CloudProvider server = sim.cloud(provider).server();
        server.setFault(CloudFault.NONE);
        server.setRateLimit(0);
    }

    private SimSshServer ssh(String host) {
        SimSshServer ssh = sim.spark(host).ssh();
        if (ssh == null) {
            throw new NoSuchElementException("spark '" + host + "' has no SSH server (add [sparks." + host + ".ssh])");
        }
        return ssh;
    }

    /** Every spark (faults, disk, SSH, containers), every service with port, state and faults, every cloud provider. */
    public ObjectNode state() {
        ObjectNode out = Json.object();
        out.put("control_port", sim.controlPort());
        ArrayNode sparks = out.putArray("sparks");
        for (SimulatedSpark spark : sim.sparks()) {
            ObjectNode sp = sparks.addObject();
            sp.put("name", spark.name());
            sp.put("gpu", spark.gpu());
            faults(sp.putArray("faults"), spark.hostFaults().all());
            ObjectNode disk = sp.putObject("disk");
            disk.put("path", spark.disk().path());
            disk.put("total", spark.disk().total());
            disk.put("used", spark.disk().used());
            disk.put("free", spark.disk().free());
            disk.put("full", spark.disk().isFull());
            SimSshServer ssh = spark.ssh();
            if (ssh != null && ssh.isRunning()) {
                ObjectNode o = sp.putObject("ssh");
                o.put("port", ssh.port());
                o.put("host_key_fingerprint", ssh.hostKeyFingerprint());
                o.put("known_hosts_line", ssh.knownHostsLine());
                o.put("latency_ms", ssh.interpreter().latency().toMillis());
            }
            ArrayNode containers = sp.putArray("containers");
            for (Container c : spark.containers().list()) {
                containers.addObject().put("name", c.spec().name()).put("id", c.id().substring(0, 12))
                        .put("image", c.spec().image()).put("status", c.status().name().toLowerCase())
                        .put("host_port", c.spec().hostPort());
            }
            ArrayNode services = sp.putArray("services");
            for (SimulatedService s : spark.services()) {
                services.add(service(s));
            }
        }
        ArrayNode clouds = out.putArray("clouds");
        for (SimulatedCloud c : sim.clouds()) {
            ObjectNode o = clouds.addObject();
            o.put("name", c.name());
            o.put("port", c.server().port());
            o.put("base_url", c.server().baseUrl());
            o.put("api_key_file", c.apiKeyFile() == null ? null : c.apiKeyFile().toString());
            o.put("fault", c.server().fault().name().toLowerCase());
            o.put("requests", c.server().requests().size());
        }
        return out;
    }

    private ObjectNode service(SimulatedService s) {
        ObjectNode o = Json.object();
        o.put("name", s.name());
        o.put("kind", s.kind().wireName());
        o.put("port", s.port());
        o.put("state", s.state());
        o.put("listening", s.listening());
        faults(o.putArray("faults"), s.faults().all());
        if (s instanceof OllamaServer ollama) {
            ArrayNode models = o.putArray("models");
            for (LocalModel m : ollama.store().all()) {
                models.addObject().put("name", m.name()).put("digest", m.manifest().digest()).put("size", m.manifest().size());
            }
            ArrayNode loaded = o.putArray("loaded");
            ollama.loaded().all().forEach(l -> loaded.add(l.model().name()));
        } else if (s instanceof VllmServer vllm) {
            o.put("model", vllm.model().id());
            o.put("served_model_name", vllm.servedModelName());
            o.put("requests_running", vllm.running());
            o.put("requests_waiting", vllm.waiting());
        } else if (s instanceof LlamaCppServer llama) {
            o.put("model", llama.settings().modelId());
        }
        return o;
    }

    private static void faults(ArrayNode target, List<Fault> faults) {
        for (Fault f : faults) {
            target.add(Json.MAPPER.valueToTree(f.toMap()));
        }
    }

    private OllamaServer ollama(String service) {
        SimulatedService s = sim.service(service);
        if (!(s instanceof OllamaServer o)) {
            throw new IllegalArgumentException("service '" + service + "' is " + s.kind().wireName() + ", not ollama");
        }
        return o;
    }

    private static Long size(Object v) {
        if (v instanceof Number n) {
            return n.longValue();
        }
        String text = String.valueOf(v);
        return ByteSizes.parse(text).orElseThrow(() -> new IllegalArgumentException("not a size: '" + text + "'"));
    }

    private static String str(Map<String, ?> body, String key, String fallback) {
        Object v = body.get(key);
        return v == null ? fallback : v.toString();
    }

    private static int num(Map<String, ?> body, String key, int fallback) {
        Object v = body.get(key);
        return v instanceof Number n ? n.intValue() : fallback;
    }

    private static boolean bool(Map<String, ?> body, String key, boolean fallback) {
        Object v = body.get(key);
        return v instanceof Boolean b ? b : fallback;
    }
}
