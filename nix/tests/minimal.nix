# The smallest useful configuration: enable plus settings. No password, no credentials — the local PostgreSQL
# roles and their passwords are made on first start (sparkd-db-setup.service).
{ ... }:
{
  services.sparkd = {
    enable = true;
    settings = {
      suite.name = "minimal";
      hosts.spark-1 = { address = "192.168.1.50"; gpu = "gb10"; };
      services.ollama-1 = { kind = "ollama"; host = "spark-1"; port = 11434; };
    };
  };
}
