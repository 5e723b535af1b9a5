# A two-Spark home lab, as examples/two-sparks.toml: this host (the "head", not a Spark) runs the four
# daemons and PostgreSQL; the Sparks are reached over HTTP and SSH.
#   imports = [ ./nix/module.nix ./nix/example.nix ];
{ ... }:

let
  sshKnownHosts = "/etc/sparkd/ssh/known_hosts";
  ssh = { user = "spark"; key_file = "/etc/sparkd/ssh/id_ed25519"; known_hosts = sshKnownHosts; };
  catalogImage = "nvcr.io/nvidia/vllm:25.09-py3";
in
{
  services.sparkd = {
    enable = true;
    # The LAN reaches the router and the health-agent (they listen on 0.0.0.0 below); the other two stay on loopback.
    daemons.router.openFirewall = true;
    daemons.health-agent.openFirewall = true;

    # Secrets live outside the Nix store. A unit loads (LoadCredential=) only those its daemon's settings name:
    # the cloud key goes to the router and the health-agent, the SSH key to the model-manager and the health-agent.
    credentials = {
      openai-api-key = "/var/lib/secrets/sparkd/openai-api-key";            # → /run/credentials/openai-api-key
      hf-token = "/var/lib/secrets/sparkd/hf-token";                        # → /run/credentials/hf-token (model-manager)
      ssh-key = { source = "/var/lib/secrets/sparkd/id_ed25519"; path = "/etc/sparkd/ssh/id_ed25519"; };
    };
    # The health-agent only reads telemetry: it gets a second key, restricted on the Sparks to a forced command
    # (docs/deploy-nixos.md, "SSH keys"), under the same name, so the settings stay the same for both daemons.
    daemons.health-agent.credentials.ssh-key = { source = "/var/lib/secrets/sparkd/id_ed25519-telemetry"; path = "/etc/sparkd/ssh/id_ed25519"; };
    # The local PostgreSQL needs nothing: database.createLocally (the default) makes a role per daemon.

    # The MCP "notes" server writes its notes; everything else stays read-only for it. Its servers run as the
    # user sparkd-mcp (daemons.mcp-gateway.serverUser) and get node on their PATH (their command is "node").
    daemons.mcp-gateway.writablePaths = [ "/srv/notes" ];

    settings = {
      suite = {
        name = "home-lab";
        log_format = "json";
        allowed_hosts = [ "sparkd.lan" ]; # the name LAN clients use for the router and health-agent
      };

      hosts.spark-1 = {
        address = "192.168.1.50";
        gpu = "gb10";
        models_dirs = [ "/usr/share/ollama/.ollama/models" "/home/spark/.cache/huggingface" ];
        hf_cache = "/home/spark/.cache/huggingface"; # the default for user "spark"; mounted into every vLLM container
        inherit ssh;
      };
      hosts.spark-2 = {
        address = "192.168.1.51";
        gpu = "gb10";
        models_dirs = [ "/usr/share/ollama/.ollama/models" ];
        inherit ssh;
      };

      services = {
        ollama-1 = { kind = "ollama"; host = "spark-1"; port = 11434; };
        vllm-1 = {
          kind = "vllm";
          host = "spark-1";
          port = 8000;
          model = "Qwen/Qwen2.5-Coder-32B-Instruct";
          container = "vllm";
          start_grace = "15m";
        };
        ollama-2 = { kind = "ollama"; host = "spark-2"; port = 11434; };
        webui = {
          kind = "http";
          url = "http://192.168.1.51:3000/health";
          conditions = [ "[STATUS] == 200" "[RESPONSE_TIME] < 500" ];
        };
        qdrant = { kind = "tcp"; host = "spark-2"; port = 6333; };
        openai = { kind = "openai"; provider = "openai"; api_key_file = "/run/credentials/openai-api-key"; };
      };

      health = {
        listen = "0.0.0.0:8471";
        interval = "30s";
        handshake_interval = "5m";
        failure_threshold = 3;
        retention = "90d";
      };

      models = {
        reconcile_interval = "1h";
        ollama-1 = {
          pull = [
            "llama3.2:3b"
            { name = "qwen2.5-coder:7b"; auto_update = true; verify_prompt = "Write hello world in Python."; }
          ];
          prune = false;
          min_free_disk = "50GiB";
        };
        ollama-2 = {
          pull = [ "nomic-embed-text" "llama3.2:3b" ];
          min_free_disk = "50GiB";
        };
        vllm-1 = {
          active = "qwen-coder-32b";
          publish_address = "192.168.1.50"; # the default (the host's address); never 0.0.0.0
          min_free_disk = "50GiB"; # left free in hf_cache after a weights download
          catalog.qwen-coder-32b = {
            image = catalogImage;
            model = "Qwen/Qwen2.5-Coder-32B-Instruct";
            args = [ "--gpu-memory-utilization=0.8" "--max-model-len=32768" ];
            env = { HF_HUB_OFFLINE = "1"; };
            container = "vllm";
            port = 8000;
            load_timeout = "20m";
          };
          catalog.llama-70b-fp8 = {
            image = catalogImage;
            model = "nvidia/Llama-3.3-70B-Instruct-FP8";
            args = [ "--gpu-memory-utilization=0.85" "--max-model-len=16384" ];
            container = "vllm";
            port = 8000;
            load_timeout = "30m";
            fetch_timeout = "6h"; # about 70 GB on a home connection; apart from load_timeout
          };
          catalog.llama-8b = {
            image = catalogImage;
            model = "meta-llama/Llama-3.1-8B-Instruct"; # gated on the Hub: needs a token with access
            args = [ "--gpu-memory-utilization=0.5" ];
            hf_token_file = "/run/credentials/hf-token"; # reaches the container through a 0600 env file
            container = "vllm";
            port = 8000;
          };
        };
      };

      router = {
        listen = "0.0.0.0:8470";
        routes.coder = {
          targets = [ "vllm-1" "ollama-1:qwen2.5-coder:7b" "openai:gpt-4.1-mini" ];
          strategy = "priority";
        };
        routes.private = {
          targets = [ "ollama-2:llama3.2:3b" "ollama-1:llama3.2:3b" ];
          strategy = "load_aware";
          local_only = true;
        };
      };

      mcp = {
        listen = "127.0.0.1:8473";
        servers.notes.command = [ "node" "/opt/mcp/server-filesystem/dist/index.js" "/srv/notes" ];
        servers.memory.command = [ "node" "/opt/mcp/server-memory/dist/index.js" ];
      };
    };
  };

  # Host keys of the Sparks (not secret): sparkd verifies them, it never accepts unknown keys.
  environment.etc."sparkd/ssh/known_hosts".text = ''
    192.168.1.50 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyReplaceWithSpark1HostKey000000
    192.168.1.51 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleOnlyReplaceWithSpark2HostKey000000
  '';
}
