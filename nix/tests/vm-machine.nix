# The machine of the NixOS VM test (nix/tests/vm-test.nix): the four daemons with the module's defaults (local
# PostgreSQL, per-daemon users and credentials, MCP servers as sparkd-mcp), pointed at the simulator — two
# simulated Sparks (Ollama, vLLM, SSH) and a cloud provider on loopback, started from the package's copy of
# examples/sim-two-sparks.toml. Also evaluated by .ci/check-nix.
{ config, pkgs, ... }:

let
  sim = "/var/lib/sparkd-sim/.state/sim"; # where the simulator writes its client key, known_hosts and cloud key
  ssh = port: { user = "spark"; inherit port; key_file = "/run/credentials/ssh-key"; known_hosts = "${sim}/known_hosts"; };
in
{
  services.sparkd = {
    enable = true;
    credentials = {
      ssh-key = "${sim}/id_ed25519";
      cloud-api-key = "${sim}/cloud-api-key";
    };
    settings = {
      suite.name = "vm-test";
      hosts.spark-1 = { address = "127.0.0.1"; gpu = "gb10"; ssh = ssh 18422; };
      hosts.spark-2 = { address = "127.0.0.1"; gpu = "discrete"; ssh = ssh 18423; };
      services = {
        ollama-1 = { kind = "ollama"; host = "spark-1"; port = 18434; };
        ollama-2 = { kind = "ollama"; host = "spark-2"; port = 18435; };
        cloud = { kind = "openai"; provider = "openai"; url = "http://127.0.0.1:18490"; api_key_file = "/run/credentials/cloud-api-key"; };
      };
      health.interval = "10s";
      models.ollama-1.pull = [ "llama3.2:3b" ];
      router = {
        allow_keyless = true;
        routes.chat = { targets = [ "ollama-1:llama3.2:3b" "cloud:gpt-4.1-mini" ]; strategy = "priority"; };
      };
    };
  };

  # The simulator: before the daemons, which need its keys.
  systemd.services.sparkd-simulator = {
    description = "sparkd simulator (two simulated Sparks)";
    wantedBy = [ "multi-user.target" ];
    before = [ "sparkd.target" ];
    serviceConfig = {
      StateDirectory = "sparkd-sim";
      StateDirectoryMode = "0755";
      WorkingDirectory = "/var/lib/sparkd-sim";
      ExecStartPre = "${pkgs.coreutils}/bin/install -D -m 0644 ${config.services.sparkd.package}/share/sparkd/examples/sim-two-sparks.toml /var/lib/sparkd-sim/examples/sim-two-sparks.toml";
      ExecStart = "${config.services.sparkd.package}/bin/sparkd-simulator --config /var/lib/sparkd-sim/examples/sim-two-sparks.toml";
    };
    # The daemons read the simulated Sparks' known_hosts (not secret) from here; the keys stay 0600 (credentials).
    postStart = ''
      for i in $(seq 120); do [ -s ${sim}/known_hosts ] && [ -s ${sim}/cloud-api-key ] && break; sleep 1; done
      chmod a+rx /var/lib/sparkd-sim/.state ${sim}
      chmod a+r ${sim}/known_hosts
    '';
  };

  environment.systemPackages = [ pkgs.curl ];

  virtualisation.memorySize = 4096;
}
