# Evaluates nix/module.nix with nix/example.nix and returns, as plain data, what the module produced:
#   nix-instantiate --eval --strict --json nix/tests/eval.nix                     (project lib shim; CI)
#   nix-instantiate --eval --strict --json nix/tests/eval.nix --arg real true \
#     --arg lib 'import /path/to/nixpkgs/lib'                                      (nixpkgs' lib)
# .ci/check-nix compares `settings` with examples/two-sparks.toml and asserts on the units.
{ real ? false, lib ? import ./lib-shim.nix, example ? ../example.nix }:
let
  pkgs = import ./pkgs.nix { inherit lib real; };
  eval = lib.evalModules {
    modules = [ ./stubs.nix ../module.nix example ];
    specialArgs = { inherit pkgs; };
  };
  c = eval.config;
  failed = builtins.filter (a: !a.assertion) c.assertions;
  sparkdOnly = lib.filterAttrs (n: _: builtins.substring 0 6 n == "sparkd");
in
if failed != [ ] then throw (builtins.concatStringsSep "\n" (map (a: "assertion failed: ${a.message}") failed))
else {
  settings = c.services.sparkd.settings;
  services = sparkdOnly c.systemd.services;
  timers = sparkdOnly c.systemd.timers;
  targets = sparkdOnly c.systemd.targets;
  postgresql = { inherit (c.services.postgresql) enable ensureDatabases ensureUsers; };
  users = { user = c.users.users.sparkd or null; group = c.users.groups.sparkd or null; };
  firewall = c.networking.firewall.allowedTCPPorts;
  etc = builtins.attrNames c.environment.etc;
  configFile = c.environment.etc."sparkd/sparkd.toml".source.name;
  checkScript = c.environment.etc."sparkd/sparkd.toml".source.script or "";
}
