# The few NixOS options nix/module.nix sets, declared minimally so the module can be evaluated without
# nixpkgs' nixos/ tree (with nix/tests/lib-shim.nix or with nixpkgs' lib).
{ lib, ... }:
let
  inherit (lib) mkOption types;
  unit = types.submodule {
    freeformType = types.attrsOf types.anything;
    options = lib.genAttrs [ "wantedBy" "after" "before" "wants" "requires" "requiredBy" "partOf" "onFailure" "path" ]
      (_: mkOption { type = types.listOf types.anything; default = [ ]; });
  };
in
{
  options = {
    systemd.services = mkOption { type = types.attrsOf unit; default = { }; };
    systemd.timers = mkOption { type = types.attrsOf unit; default = { }; };
    systemd.targets = mkOption { type = types.attrsOf unit; default = { }; };
    users.users = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
    users.groups = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
    networking.hostName = mkOption { type = types.str; default = "nixos"; };
    networking.firewall.allowedTCPPorts = mkOption { type = types.listOf types.port; default = [ ]; };
    systemd.tmpfiles.settings = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
    environment.systemPackages = mkOption { type = types.listOf types.package; default = [ ]; };
    environment.etc = mkOption { type = types.attrsOf (types.attrsOf types.anything); default = { }; };
    services.postgresql = {
      enable = mkOption { type = types.bool; default = false; };
      package = mkOption { type = types.package; default = { type = "derivation"; name = "postgresql"; outPath = "/nix/store/00000000000000000000000000000000-postgresql-16"; }; };
      ensureDatabases = mkOption { type = types.listOf types.str; default = [ ]; };
      ensureUsers = mkOption { type = types.listOf (types.attrsOf types.anything); default = [ ]; };
      settings = mkOption {
        type = types.submodule { freeformType = types.attrsOf types.anything; options.port = mkOption { type = types.port; default = 5432; }; };
        default = { };
      };
    };
    virtualisation.memorySize = mkOption { type = types.int; default = 1024; };
    assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; };
    meta = mkOption { type = types.attrsOf types.anything; default = { }; };
  };
}
