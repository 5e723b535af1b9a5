# Evaluates nix/module.nix with a configuration (default nix/example.nix) and returns, as plain data, what the
# module produced:
#   nix-instantiate --eval --strict --json nix/tests/eval.nix                     (project lib shim; CI)
#   nix-instantiate --eval --strict --json nix/tests/eval.nix --arg real true \
#     --arg lib 'import /path/to/nixpkgs/lib'                                      (nixpkgs' lib)
# .ci/check-nix runs it on the example, a minimal config, a router-only config and the VM test's machine, and
# asserts on the result (nix/tests/check-eval.mjs).
{ real ? false, lib ? import ./lib-shim.nix, example ? ../example.nix }:
let
  pkgs = import ./pkgs.nix { inherit lib real; };
  eval = lib.evalModules {
    modules = [ ./stubs.nix ../module.nix example ];
    specialArgs = { inherit pkgs; };
  };
  c = eval.config;
  failed = builtins.filter (a: !a.assertion) c.assertions;
  sparkd = lib.filterAttrs (n: _: builtins.substring 0 6 n == "sparkd");
in
if failed != [ ] then throw (builtins.concatStringsSep "\n" (map (a: "assertion failed: ${a.message}") failed))
else {
  settings = c.services.sparkd.settings;
  configs = builtins.mapAttrs (_: f: { inherit (f) name; script = f.script or ""; settings = f.settings or null; }) c.services.sparkd.configFiles;
  services = builtins.mapAttrs (_: s: s // { path = map (p: p.name) s.path; }) (sparkd c.systemd.services);
  timers = sparkd c.systemd.timers;
  targets = sparkd c.systemd.targets;
  postgresql = { inherit (c.services.postgresql) enable ensureDatabases ensureUsers; };
  users = sparkd c.users.users;
  groups = builtins.attrNames (sparkd c.users.groups);
  tmpfiles = c.systemd.tmpfiles.settings.sparkd or { };
  firewall = c.networking.firewall.allowedTCPPorts;
  etc = builtins.attrNames c.environment.etc;
  configFile = c.environment.etc."sparkd/sparkd.toml".source.name;
  warnings = c.warnings;
  scrapeConfigs = c.services.sparkd.prometheus.scrapeConfigs;
}
