# A NixOS VM test of the module (the nixosTest definition; nix/tests/vm.nix runs it). It boots nix/tests/vm-machine.nix
# — the four daemons against the simulator — and checks that every unit becomes active (readiness passed) and
# answers `curl -f` on its health endpoint, that the router proxies a chat request to a simulated Spark, and that
# the daemons run as their own users.
{
  name = "sparkd";
  nodes.machine = { imports = [ ../module.nix ./vm-machine.nix ]; };
  testScript = ''
    machine.wait_for_unit("sparkd-simulator.service")
    machine.wait_for_unit("sparkd-db-setup.service")
    for unit in ["sparkd-router.service", "sparkd-health-agent.service", "sparkd-model-manager.service", "sparkd-mcp-gateway.service"]:
        machine.wait_for_unit(unit, timeout=300)
    machine.succeed("curl -f http://127.0.0.1:8470/q/health/ready")
    machine.succeed("curl -f http://127.0.0.1:8471/q/health/ready")
    machine.succeed("curl -f http://127.0.0.1:8472/q/health/ready")
    machine.succeed("curl -f http://127.0.0.1:8473/q/health/ready")
    machine.succeed("curl -f -H 'Content-Type: application/json' -d '{\"model\":\"chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}' http://127.0.0.1:8470/v1/chat/completions")
    machine.succeed("test \"$(stat -c %U /var/lib/sparkd/router)\" = sparkd-router")
    machine.succeed("systemctl show -p User --value sparkd-mcp-gateway.service | grep -qx sparkd-mcp-gateway")
    machine.succeed("systemctl show -p LoadCredential --value sparkd-router.service | grep -vq ssh-key")
    machine.fail("sudo -u sparkd-mcp cat /var/lib/sparkd-db/router.password")
  '';
}
