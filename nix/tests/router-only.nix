# Only the router, on a non-default port open to the LAN: its readiness check must use that port.
{ ... }:
{
  services.sparkd = {
    enable = true;
    daemons = { health-agent.enable = false; model-manager.enable = false; mcp-gateway.enable = false; };
    daemons.router.openFirewall = true;
    settings = {
      suite.name = "router-only";
      hosts.spark-1 = { address = "192.168.1.50"; gpu = "gb10"; };
      services.ollama-1 = { kind = "ollama"; host = "spark-1"; port = 11434; };
      router.listen = "0.0.0.0:9000";
    };
  };
}
