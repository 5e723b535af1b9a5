# Stand-ins for the packages nix/module.nix refers to: evaluation only, nothing is built. generate renders
# JSON instead of TOML (the comparison in .ci/check-nix is on the parsed values, not on the text).
{ lib, real ? false }:
let
  drv = name: { type = "derivation"; inherit name; outPath = "/nix/store/00000000000000000000000000000000-${name}"; };
  tomlValue =
    if real then
      let
        valueType = with lib.types; oneOf [ bool int float str path (attrsOf valueType) (listOf valueType) ] // { description = "TOML value"; };
      in
      valueType
    else lib.types.anything;
in
{
  formats.toml = { }: {
    type = tomlValue;
    generate = name: value: drv name // { passthru.value = value; };
  };
  runCommandLocal = name: env: script: drv name // { inherit script; } // (env.passthru or { });
  callPackage = _: _: drv "sparkd-0.1.0";
  jre_headless = drv "openjdk-headless-17";
  util-linux = drv "util-linux-2.41";
  nodejs = drv "nodejs-22";
  coreutils = drv "coreutils-9.7";
  curl = drv "curl-8";
}
