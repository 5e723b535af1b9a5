# Runs the NixOS VM test (nix/tests/vm-test.nix) where a NixOS builder with KVM exists:
#   nix-build nix/tests/vm.nix            (uses <nixpkgs>; or --arg pkgs 'import /path/to/nixpkgs { }')
{ pkgs ? import <nixpkgs> { } }:
pkgs.testers.runNixOSTest (import ./vm-test.nix)
