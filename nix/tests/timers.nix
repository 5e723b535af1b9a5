# A host that runs no daemons but the two one-shot checks on timers, with failure notifications: evaluated so that
# the timer, one-shot and notify units are scored by `systemd-analyze security` too.
{ ... }:
{
  services.sparkd = {
    enable = true;
    daemons = { router.enable = false; health-agent.enable = false; model-manager.enable = false; mcp-gateway.enable = false; };
    healthCheck.enable = true;
    modelReconcile.enable = true;
    notifyCommand = "/run/current-system/sw/bin/logger -t sparkd";
    settings = {
      suite.name = "timers";
      hosts.spark-1 = { address = "192.168.1.50"; gpu = "gb10"; };
      services.ollama-1 = { kind = "ollama"; host = "spark-1"; port = 11434; };
    };
  };
}
